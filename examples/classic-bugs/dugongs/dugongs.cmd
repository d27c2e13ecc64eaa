/* Dugongs (classic BUGS example): JAGS's run of the classic-bugs test suite.
   Run with `latent jags dugongs.cmd` (or `jags dugongs.cmd`) in this folder;
   it writes CODAindex.txt, CODAchain1.txt and CODAchain2.txt. */
model in "dugongs.bug"
data in "data.R"
compile, nchains(2)
parameters in "inits.R"
initialize
update 1000
monitor U3
monitor alpha
monitor beta
monitor gamma
monitor sigma
update 10000
coda *
