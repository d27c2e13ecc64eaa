/* Blocker: random-effects meta-analysis (classic BUGS example, written from its public description).
   Run with `latent jags blocker.cmd` (or `jags blocker.cmd`) in this folder;
   it writes CODAindex.txt, CODAchain1.txt and CODAchain2.txt. */
model in "blocker.bug"
data in "data.R"
compile, nchains(2)
parameters in "inits.R"
initialize
update 1000
monitor d
monitor delta.new
monitor sigma
update 10000
coda *
