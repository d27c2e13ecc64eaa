/* Salm: extra-Poisson variation in a dose-response study (classic BUGS example, written from its public description).
   Run with `latent jags salm.cmd` (or `jags salm.cmd`) in this folder;
   it writes CODAindex.txt, CODAchain1.txt and CODAchain2.txt. */
model in "salm.bug"
data in "data.R"
compile, nchains(2)
parameters in "inits.R"
initialize
update 1000
monitor alpha
monitor beta
monitor gamma
monitor sigma
update 10000
coda *
