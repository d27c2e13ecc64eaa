/* Birats: a bivariate normal hierarchical model (classic BUGS example, written from its public description).
   Run with `latent jags birats.cmd` (or `jags birats.cmd`) in this folder;
   it writes CODAindex.txt, CODAchain1.txt and CODAchain2.txt. */
model in "birats.bug"
data in "data.R"
compile, nchains(2)
parameters in "inits.R"
initialize
update 1000
monitor mu.beta
monitor sigma
update 10000
coda *
