/* Line (classic BUGS example): JAGS's run of the classic-bugs test suite.
   Run with `latent jags line.cmd` (or `jags line.cmd`) in this folder;
   it writes CODAindex.txt, CODAchain1.txt and CODAchain2.txt. */
model in "line.bug"
data in "data.R"
compile, nchains(2)
parameters in "inits.R"
initialize
update 1000
monitor alpha
monitor beta
monitor sigma
monitor tau
update 10000
coda *
