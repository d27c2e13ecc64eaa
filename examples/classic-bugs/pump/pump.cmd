/* Pumps (classic BUGS example): JAGS's run of the classic-bugs test suite.
   Run with `latent jags pump.cmd` (or `jags pump.cmd`) in this folder;
   it writes CODAindex.txt, CODAchain1.txt and CODAchain2.txt. */
model in "pump.bug"
data in "data.R"
compile, nchains(2)
parameters in "inits.R"
initialize
update 1000
monitor theta
monitor alpha
monitor beta
update 5000
coda *
