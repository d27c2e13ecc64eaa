/* LSAT: a Rasch model (classic BUGS example, written from its public description).
   Run with `latent jags lsat.cmd` (or `jags lsat.cmd`) in this folder;
   it writes CODAindex.txt, CODAchain1.txt and CODAchain2.txt. */
model in "lsat.bug"
data in "data.R"
compile, nchains(2)
parameters in "inits.R"
initialize
update 1000
monitor a
monitor beta
update 10000
coda *
