# Reference for the rats example with its data as given (examples/classic-bugs/rats/data.R,
# whose weights include missing values, NA), made with JAGS 4.3.1: examples/classic-bugs/rats/rats.cmd
# with `update 200000` kept iterations and inits.R plus .RNG.name "base::Mersenne-Twister" and
# .RNG.seed 11 and 12 for chains 1 and 2. Mean and SD over both chains' 400,000 draws; the
# time-series SE by batch means (⌊√n⌋ batches per chain). bench.R's rats row was made from the
# complete data (no NA) and does not describe this data set.
"benchstats" <-
structure(c(101.3688465805007, 6.540998019925022, 3.7505340638551887, 0.14899297120314706,
0.005930115041914894, 0.00023557857217891128, 0.009692895436799086, 0.0006224324462189625),
.Dim = c(2L, 4L), .Dimnames = list(c("alpha0", "beta.c"), c("Mean", "SD", "Naive SE", "Time-series SE")))
