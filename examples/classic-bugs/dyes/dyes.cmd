/* Dyes (classic BUGS example): JAGS's run of the classic-bugs test suite.
   Run with `latent jags dyes.cmd` (or `jags dyes.cmd`) in this folder;
   it writes CODAindex.txt, CODAchain1.txt and CODAchain2.txt. */
model in "dyes.bug"
data in "data.R"
compile, nchains(2)
parameters in "inits.R"
initialize
update 5000
monitor theta, thin(50)
monitor sigma2.within, thin(50)
monitor sigma2.between, thin(50)
monitor f.between, thin(50)
update 100000
coda *
