/* Orange trees: nonlinear hierarchical growth (classic BUGS example, written from its public description).
   Run with `latent jags orange.cmd` (or `jags orange.cmd`) in this folder;
   it writes CODAindex.txt, CODAchain1.txt and CODAchain2.txt. */
model in "orange.bug"
data in "data.R"
compile, nchains(2)
parameters in "inits.R"
initialize
update 1000
monitor mu
monitor sigma
monitor sigmaC
update 10000
coda *
