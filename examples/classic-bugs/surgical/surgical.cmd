/* Surgical: institutional ranking by random-effects logistic regression (classic BUGS example, written from its public description).
   Run with `latent jags surgical.cmd` (or `jags surgical.cmd`) in this folder;
   it writes CODAindex.txt, CODAchain1.txt and CODAchain2.txt. */
model in "surgical.bug"
data in "data.R"
compile, nchains(2)
parameters in "inits.R"
initialize
update 1000
monitor p
monitor mu
monitor sigma
monitor pop.mean
update 10000
coda *
