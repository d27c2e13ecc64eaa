/**
 * The three latent-variable models of issue 14, written as a new user writes
 * them (not in the shape of our examples), with their data in examples/em.
 * `fit` is the directive line; the tests vary it.
 */
export const BERNOULLI_MIXTURE = (fit = 'fit with em()'): string => `model {
  for (i in 1:N) {
    z[i] ~ dcat(pi[])
    for (d in 1:8) { x[i, d] ~ dbern(p[z[i], d]) }
  }
  for (k in 1:3) { for (d in 1:8) { p[k, d] ~ dbeta(1, 1) } }
  pi[1:3] ~ ddirch(alpha[])
}
data from "binary-vectors.csv" with (x = c(b1:b8), N = length(b1), source = NULL)
data list(alpha = c(1, 1, 1))
${fit}
`;

export const PPCA = (fit = 'fit with em(mle = TRUE)'): string => `model {
  for (i in 1:N) {
    for (l in 1:2) { z[i, l] ~ dnorm(0, 1) }
    for (d in 1:5) { x[i, d] ~ dnorm(m[d] + inprod(W[d, ], z[i, ]), tau) }
  }
  for (d in 1:5) {
    m[d] ~ dnorm(0, 1.0E-4)
    for (l in 1:2) { W[d, l] ~ dnorm(0, 1.0E-4) }
  }
  tau ~ dgamma(0.001, 0.001)
}
data from "factors.csv" with (x = c(x1:x5), N = length(x1))
${fit}
`;

export const LASSO = (fit = 'fit with em()'): string => `model {
  for (i in 1:N) { y[i] ~ dnorm(inprod(X[i, ], w[]), tau) }
  for (d in 1:8) {
    w[d] ~ dnorm(0, 1 / s2[d])
    s2[d] ~ dexp(g * g / 2)
  }
  tau ~ dgamma(0.001, 0.001)
}
data from "lasso.csv" with (X = c(x1:x8), N = length(y))
data list(g = 5)
${fit}
`;
