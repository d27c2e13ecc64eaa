/* Alligators: multinomial-logit model (classic BUGS example, written from its public description).
   Run with `latent jags alli.cmd` (or `jags alli.cmd`) in this folder;
   it writes CODAindex.txt, CODAchain1.txt and CODAchain2.txt. */
model in "alli.bug"
data in "data.R"
compile, nchains(2)
parameters in "inits.R"
initialize
update 1000
monitor alpha
monitor beta
monitor gamma
update 10000
coda *
