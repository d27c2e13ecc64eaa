"mu.beta" <- c(0, 0)
"tauC" <- 1
"R" <- structure(c(1, 0, 0, 1), .Dim = c(2, 2))
