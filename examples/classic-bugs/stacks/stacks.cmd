/* Stacks: robust regression with double exponential errors (classic BUGS example, written from its public description).
   Run with `latent jags stacks.cmd` (or `jags stacks.cmd`) in this folder;
   it writes CODAindex.txt, CODAchain1.txt and CODAchain2.txt. */
model in "stacks.bug"
data in "data.R"
compile, nchains(2)
parameters in "inits.R"
initialize
update 1000
monitor b0
monitor b
monitor sigma
monitor outlier[3]
monitor outlier[21]
update 10000
coda *
