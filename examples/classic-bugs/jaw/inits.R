"beta0" <- 40
"beta1" <- 0
"Omega" <- structure(c(1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1), .Dim = c(4, 4))
