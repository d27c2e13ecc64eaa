/* Air: a covariate measured with error (classic BUGS example, written from its public description).
   Run with `latent jags air.cmd` (or `jags air.cmd`) in this folder;
   it writes CODAindex.txt, CODAchain1.txt and CODAchain2.txt. */
model in "air.bug"
data in "data.R"
compile, nchains(2)
parameters in "inits.R"
initialize
update 1000
monitor theta
monitor X
update 10000
coda *
