/* Seeds (classic BUGS example): JAGS's run of the classic-bugs test suite.
   Run with `latent jags seeds.cmd` (or `jags seeds.cmd`) in this folder;
   it writes CODAindex.txt, CODAchain1.txt and CODAchain2.txt. */
model in "seeds.bug"
data in "data.R"
compile, nchains(2)
parameters in "inits.R"
initialize
update 1000
monitor alpha0, thin(10)
monitor alpha1, thin(10)
monitor alpha2, thin(10)
monitor alpha12, thin(10)
monitor sigma, thin(10)
update 10000
coda *
