/** The models of the degenerate-fit tests: mixtures by the mixture kernel (dmnorm rows) and by the generic EM (scalar dnorm rows). */
/** A K-component Gaussian mixture of 2-D rows x (N, K, m0, P0, R and alpha from the data), as the mixture kernel fits it. */
export const GAUSSIAN_MIXTURE_MODEL = `model {
  for (i in 1:N) {
    z[i] ~ dcat(w[])
    x[i, 1:2] ~ dmnorm(mu[z[i], ], Omega[, , z[i]])
  }
  for (k in 1:K) {
    mu[k, 1:2] ~ dmnorm(m0[], P0[, ])
    Omega[1:2, 1:2, k] ~ dwish(R[, ], 3)
  }
  w[1:K] ~ ddirch(alpha[])
}`;

export const ML = 'em(mle = TRUE, tol = 1e-8, max.iter = 300, seed = 1)';

export function bivariateMixture(K: number, rows: number[][], extra = '', fit = ML): string {
  const column = (j: number) => rows.map((r) => r[j]).join(', ');
  return `${GAUSSIAN_MIXTURE_MODEL}
data list(N = ${rows.length}, K = ${K}, x = structure(c(${column(0)}, ${column(1)}), .Dim = c(${rows.length}, 2)), alpha = rep(1, ${K}),
  m0 = c(0, 0), P0 = structure(c(1e-4, 0, 0, 1e-4), .Dim = c(2, 2)), R = structure(c(1, 0, 0, 1), .Dim = c(2, 2)))
${extra}
fit with ${fit}
`;
}

export function scalarMixture(K: number, x: string, extra = '', fit = ML): string {
  return `model {
  for (i in 1:N) {
    z[i] ~ dcat(w[])
    x[i] ~ dnorm(mu[z[i]], tau[z[i]])
  }
  for (k in 1:K) {
    mu[k] ~ dnorm(0, 1.0E-4)
    tau[k] ~ dgamma(1, 1)
  }
  w[1:K] ~ ddirch(alpha[])
}
data list(N = ${x.split(',').length}, K = ${K}, x = c(${x}), alpha = rep(1, ${K}))
${extra}
fit with ${fit}
`;
}

export const TWO_GROUPS = [[0, 0], [0.1, 0.2], [0.2, 0.1], [5, 5], [5.1, 5.2], [5.2, 5.1]];
/** Component 3 starts at (100, 100), where no row has any responsibility for it. */
export const FAR_THIRD = 'inits list(w = c(0.4, 0.4, 0.2), mu = structure(c(0, 5, 100, 0, 5, 100), .Dim = c(3, 2)), Omega = structure(c(1, 0, 0, 1, 1, 0, 0, 1, 1, 0, 0, 1), .Dim = c(2, 2, 3)))';
export const ON_A_LINE = [[1, 2], [2, 4], [3, 6], [4, 8], [5, 10]];
