/* Jaw: repeated measures with a Wishart prior (classic BUGS example, written from its public description).
   Run with `latent jags jaw.cmd` (or `jags jaw.cmd`) in this folder;
   it writes CODAindex.txt, CODAchain1.txt and CODAchain2.txt. */
model in "jaw.bug"
data in "data.R"
compile, nchains(2)
parameters in "inits.R"
initialize
update 1000
monitor beta0
monitor beta1
monitor Sigma2
update 10000
coda *
