/* Leuk: Cox regression as a counting process (classic BUGS example, written from its public description).
   Run with `latent jags leuk.cmd` (or `jags leuk.cmd`) in this folder;
   it writes CODAindex.txt, CODAchain1.txt and CODAchain2.txt. */
model in "leuk.bug"
data in "data.R"
compile, nchains(2)
parameters in "inits.R"
initialize
update 1000
monitor beta
monitor S.treat
monitor S.placebo
update 10000
coda *
