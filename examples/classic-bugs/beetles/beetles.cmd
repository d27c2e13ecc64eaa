/* Beetles: logistic dose-response (classic BUGS example, written from its public description).
   Run with `latent jags beetles.cmd` (or `jags beetles.cmd`) in this folder;
   it writes CODAindex.txt, CODAchain1.txt and CODAchain2.txt. */
model in "beetles.bug"
data in "data.R"
compile, nchains(2)
parameters in "inits.R"
initialize
update 1000
monitor alpha
monitor beta
monitor rhat
update 10000
coda *
