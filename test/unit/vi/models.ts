/** The models the VI property tests run on, with data generated from a seeded stream (no fixtures needed). */
import { PolarRandom } from '../../../src/engine/random/polarRandom';

const list = (xs: ArrayLike<number>): string => `c(${Array.from(xs, (v) => Number(v.toFixed(6))).join(', ')})`;

/** A 1-D Gaussian mixture written with dcat, dnorm, dgamma and ddirch (three components, 60 points). */
export function gaussianMixture1d(): string {
  const random = new PolarRandom(7);
  const centres = [-3, 0.5, 4];
  const y = Array.from({ length: 60 }, (_, i) => centres[i % 3]! + 0.8 * random.normal());
  return `
model {
  for (k in 1:K) { mu[k] ~ dnorm(0, 0.01); tau[k] ~ dgamma(1, 1) }
  w[1:K] ~ ddirch(alpha[])
  for (i in 1:N) {
    z[i] ~ dcat(w[])
    y[i] ~ dnorm(mu[z[i]], tau[z[i]])
  }
}
data list(N = 60, K = 3, alpha = c(1, 1, 1), y = ${list(y)})
`;
}

/** A 2-D Gaussian mixture with dmnorm means and dwish precisions (two components, 50 points). */
export function wishartMixture(): string {
  const random = new PolarRandom(11);
  const rows: number[] = [];
  for (let i = 0; i < 50; i++) {
    const c = i % 2 === 0 ? [-2, 1] : [2, -1];
    rows.push(c[0]! + random.normal(), c[1]! + 0.6 * random.normal());
  }
  // R's matrix() fills by column: give the transposed layout.
  const byColumn = [...rows.filter((_, j) => j % 2 === 0), ...rows.filter((_, j) => j % 2 === 1)];
  return `
model {
  for (k in 1:2) {
    mu[k, 1:2] ~ dmnorm(m0[], P0[, ])
    Omega[1:2, 1:2, k] ~ dwish(R[, ], 3)
  }
  w[1:K] ~ ddirch(alpha[])
  for (i in 1:N) {
    z[i] ~ dcat(w[])
    x[i, 1:2] ~ dmnorm(mu[z[i], ], Omega[, , z[i]])
  }
}
data list(N = 50, K = 2, alpha = c(1, 1), m0 = c(0, 0), P0 = structure(c(0.01, 0, 0, 0.01), .Dim = c(2, 2)),
  R = structure(c(1, 0, 0, 1), .Dim = c(2, 2)), x = structure(${list(byColumn)}, .Dim = c(50, 2)))
`;
}

/** Probit regression by augmentation: z[i] ~ dnorm(x β, 1), y[i] ~ dinterval(z[i], 0). */
export function probit(): string {
  const random = new PolarRandom(3);
  const x = Array.from({ length: 40 }, () => random.normal());
  const y = x.map((v) => (0.3 + 1.2 * v + random.normal() > 0 ? 1 : 0));
  return `
model {
  b0 ~ dnorm(0, 0.1)
  b1 ~ dnorm(0, 0.1)
  for (i in 1:N) {
    z[i] ~ dnorm(b0 + b1 * x[i], 1)
    y[i] ~ dinterval(z[i], 0)
  }
}
data list(N = 40, x = ${list(x)}, y = ${list(y)})
`;
}

/** A small LDA: 2 topics over 6 words, 8 documents of 10 words each. */
export function lda(): string {
  const random = new PolarRandom(5);
  const words: number[] = [];
  const doc: number[] = [];
  for (let d = 0; d < 8; d++) {
    for (let j = 0; j < 10; j++) {
      const topic = random.uniform() < (d < 4 ? 0.85 : 0.15) ? 0 : 1;
      words.push(topic * 3 + 1 + Math.floor(random.uniform() * 3));
      doc.push(d + 1);
    }
  }
  return `
model {
  for (t in 1:2) { phi[t, 1:6] ~ ddirch(beta[]) }
  for (d in 1:8) { theta[d, 1:2] ~ ddirch(alpha[]) }
  for (i in 1:N) {
    z[i] ~ dcat(theta[doc[i], ])
    w[i] ~ dcat(phi[z[i], ])
  }
}
data list(N = 80, alpha = c(0.5, 0.5), beta = c(0.5, 0.5, 0.5, 0.5, 0.5, 0.5), doc = ${list(doc)}, w = ${list(words)})
`;
}

/** Regression with unknown noise precision: a Gaussian block and a gamma factor. */
export function regressionUnknownPrecision(): string {
  const random = new PolarRandom(9);
  const x = Array.from({ length: 30 }, () => random.normal());
  const y = x.map((v) => 1 - 2 * v + 0.5 * random.normal());
  return `
model {
  a ~ dnorm(0, 0.01)
  b ~ dnorm(0, 0.01)
  tau ~ dgamma(0.1, 0.1)
  for (i in 1:N) { y[i] ~ dnorm(a + b * x[i], tau) }
}
data list(N = 30, x = ${list(x)}, y = ${list(y)})
`;
}

/** Eight schools, centred: normal means of normal means, a gamma precision between them. */
export function eightSchools(): string {
  return `
model {
  mu ~ dnorm(0, 1.0E-4)
  tau ~ dgamma(1, 1)
  for (j in 1:8) {
    theta[j] ~ dnorm(mu, tau)
    y[j] ~ dnorm(theta[j], 1 / (sigma[j] * sigma[j]))
  }
}
data list(y = c(28, 8, -3, 7, -1, 1, 18, 12), sigma = c(15, 10, 16, 11, 9, 11, 10, 18))
`;
}
