/* Eyes (classic BUGS example): JAGS's run of the classic-bugs test suite.
   Run with `latent jags eyes.cmd` (or `jags eyes.cmd`) in this folder;
   it writes CODAindex.txt, CODAchain1.txt and CODAchain2.txt. */
model in "eyes.bug"
data in "data.R"
compile, nchains(2)
parameters in "inits.R"
initialize
update 1000
monitor P, thin(20)
monitor lambda, thin(20)
monitor sigma, thin(20)
update 40000
coda *
