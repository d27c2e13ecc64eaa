/* Stagnant: a changepoint regression (classic BUGS example, written from its public description).
   Run with `latent jags stagnant.cmd` (or `jags stagnant.cmd`) in this folder;
   it writes CODAindex.txt, CODAchain1.txt and CODAchain2.txt. */
model in "stagnant.bug"
data in "data.R"
compile, nchains(2)
parameters in "inits.R"
initialize
update 1000
monitor alpha
monitor beta
monitor sigma
monitor x.change
update 10000
coda *
