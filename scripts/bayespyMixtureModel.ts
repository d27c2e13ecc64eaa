/**
 * The BayesPy user-guide Gaussian mixture as model text, shared by the VI tests and bench/viGmm.ts
 * (the peer is ../shared/bench/peers/bayespy_gmm.py; its data from scripts/mixtureData.ts or the
 * bench data folder).
 */
const list = (xs: ArrayLike<number>): string => `c(${Array.from(xs, (v) => Number(v.toFixed(6))).join(', ')})`;

/**
 * The BayesPy user-guide Gaussian mixture (../shared/bench/peers/bayespy_gmm.py): alpha ~ Dirichlet(1e-3),
 * mu_k ~ N(0, precision 1e-5 I), Lambda_k ~ Wishart(D, 1e-5 I), on `<dataset>.csv` (columns x1..xD and z,
 * unused), started as BayesPy is from `<dataset>.init.json`: E[mu] its means, E[Lambda] = I (its
 * covariances are I), w not given (BayesPy starts q(alpha) at its prior: equal E[log w]).
 */
export function bayespyMixture(dataset: string, start: { K: number; D: number; means: number[][] }, options: string): string {
  const { K, D } = start;
  const identity = (scale: number): string => `structure(${list(Array.from({ length: D * D }, (_, i) => (i % (D + 1) === 0 ? scale : 0)))}, .Dim = c(${D}, ${D}))`;
  const columns = Array.from({ length: D }, (_, j) => `x${j + 1}`);
  // R fills arrays column-major: mu[k, j] with k fastest; Omega[j, j', k] with j fastest.
  const mu = Array.from({ length: D }, (_, j) => start.means.map((m) => m[j]!)).flat();
  const omega = Array.from({ length: K }, () => Array.from({ length: D * D }, (_, i) => (i % (D + 1) === 0 ? 1 : 0))).flat();
  return `model {
  for (i in 1:N) {
    z[i] ~ dcat(w[])
    x[i, 1:${D}] ~ dmnorm(mu[z[i], ], Omega[, , z[i]])
  }
  for (k in 1:K) {
    mu[k, 1:${D}] ~ dmnorm(m0[], P0[, ])
    Omega[1:${D}, 1:${D}, k] ~ dwish(R[, ], ${D})
  }
  w[1:K] ~ ddirch(alpha[])
}
data from "${dataset}.csv" with (x = c(${columns.join(', ')}), N = length(x1), z = NULL)
data list(K = ${K}, alpha = rep(1e-3, ${K}), m0 = rep(0, ${D}), P0 = ${identity(1e-5)}, R = ${identity(1e-5)})
inits list(mu = structure(${list(mu)}, .Dim = c(${K}, ${D})), Omega = structure(${list(omega)}, .Dim = c(${D}, ${D}, ${K})))
fit with vi(${options})`;
}
