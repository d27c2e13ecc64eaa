/* Rats (classic BUGS example): JAGS's run of the classic-bugs test suite.
   Run with `latent jags rats.cmd` (or `jags rats.cmd`) in this folder;
   it writes CODAindex.txt, CODAchain1.txt and CODAchain2.txt. */
model in "rats.bug"
data in "data.R"
compile, nchains(2)
parameters in "inits.R"
initialize
update 1000
monitor alpha0
monitor beta.c
update 10000
coda *
