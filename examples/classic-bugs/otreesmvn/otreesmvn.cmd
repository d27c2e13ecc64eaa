/* Orange trees with correlated growth parameters (classic BUGS example, written from its public description).
   Run with `latent jags otreesmvn.cmd` (or `jags otreesmvn.cmd`) in this folder;
   it writes CODAindex.txt, CODAchain1.txt and CODAchain2.txt. */
model in "otreesmvn.bug"
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
