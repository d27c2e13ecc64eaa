/* Hearts: a mixture model for count data (classic BUGS example, written from its public description).
   Run with `latent jags hearts.cmd` (or `jags hearts.cmd`) in this folder;
   it writes CODAindex.txt, CODAchain1.txt and CODAchain2.txt. */
model in "hearts.bug"
data in "data.R"
compile, nchains(2)
parameters in "inits.R"
initialize
update 1000
monitor alpha
monitor beta
monitor delta
monitor theta
update 10000
coda *
