import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  assertMeanAndVariance, assertSamplers, betaMoments, dirichletMoments, inverse, rMatrix, samplePosterior, sum, type RunLength,
} from './posteriorCheck';

/**
 * Conjugate updates of mixture components, which children reach through a
 * stochastic index (y[i] ~ dbern(p[z[i]])). The data pin every indicator
 * down: u[i] ~ N(m[z[i]], 1) with m = (0, 10) and u[i] at 0 or 10 makes the
 * other component e^-50 times less likely, so z is known up to ~1e-20 and
 * each component's posterior is the conjugate update by the observations it
 * owns, exactly for these tests. A conditional that counted every child, or
 * none, of a component misses by many standard errors (4 batch-means
 * standard errors, see posteriorCheck.ts).
 */
const seeded = (seed: number): RunLength => ({ chains: 2, burnin: 200, iterations: 10_000, seed });

const GROUP = [1, 1, 2, 1, 2, 2, 1, 2, 2, 1];
const N = GROUP.length;
/** The relations and data that pin z[i] to GROUP[i]; they go inside a loop over i. */
const PIN = 'z[i] ~ dcat(w[])\n        u[i] ~ dnorm(m[z[i]], 1)';
const PIN_DATA = `w = c(0.5, 0.5), m = c(0, 10), u = c(${GROUP.map((g) => (g - 1) * 10).join(', ')})`;
/** The elements of x that component k owns. */
const owned = <T>(x: T[], k: number): T[] => x.filter((_, i) => GROUP[i] === k);

describe('Dirichlet through a stochastic index: categorical data y[i] ~ dcat(phi[z[i], ])', () => {
  it('matches Dirichlet(α + the counts of the observations each row owns) when the data pin down every z[i]', () => {
    const alpha = [1, 1, 2];
    const y = [1, 2, 3, 1, 3, 3, 1, 2, 3, 3];
    const posterior = samplePosterior(`model {
      for (k in 1:2) { phi[k, 1:3] ~ ddirch(alpha[]) }
      for (i in 1:${N}) {
        ${PIN}
        y[i] ~ dcat(phi[z[i], ])
      }
    }
    data list(${PIN_DATA}, alpha = c(${alpha.join(', ')}), y = c(${y.join(', ')}))`, seeded(105));
    assertSamplers(posterior, { 'phi[1,1:3]': 'conjugate dirichlet', 'phi[2,1:3]': 'conjugate dirichlet', 'z[1]': 'finite enumeration' });
    for (const k of [1, 2]) {
      const counts = alpha.map((_, c) => owned(y, k).filter((v) => v === c + 1).length);
      const { mean, variance } = dirichletMoments(alpha.map((a, c) => a + counts[c]!));
      mean.forEach((m, c) => assertMeanAndVariance(posterior, `phi[${k},${c + 1}]`, m, variance[c]!));
    }
  });
});

describe('beta through a stochastic index: y[i] ~ dbern(p[z[i]])', () => {
  it("matches each component's Beta(a + successes, b + failures) over the observations it owns", () => {
    const y = [1, 0, 1, 1, 0, 1, 0, 0, 1, 1];
    const posterior = samplePosterior(`model {
      for (k in 1:2) { p[k] ~ dbeta(2, 2) }
      for (i in 1:${N}) {
        ${PIN}
        y[i] ~ dbern(p[z[i]])
      }
    }
    data list(${PIN_DATA}, y = c(${y.join(', ')}))`, seeded(301));
    assertSamplers(posterior, { 'p[1]': 'conjugate beta', 'p[2]': 'conjugate beta' });
    for (const k of [1, 2]) {
      const mine = owned(y, k);
      const [mean, variance] = betaMoments(2 + sum(mine), 2 + mine.length - sum(mine));
      assertMeanAndVariance(posterior, `p[${k}]`, mean, variance);
    }
    // The same check rejects a conditional that counts every child of p[1], whichever component it reads.
    const [pooledMean, pooledVariance] = betaMoments(2 + sum(y), 2 + N - sum(y));
    assert.throws(() => assertMeanAndVariance(posterior, 'p[1]', pooledMean, pooledVariance), assert.AssertionError);
  });
});

describe('gamma through a stochastic index: y[i] ~ dnorm(0, tau[z[i]])', () => {
  it("matches each component's Gamma(a + n_k/2, b + Σ y²/2) over the observations it owns", () => {
    const y = [0.3, -0.5, 2.1, 0.8, -1.9, 3.0, -0.2, 0.4, 2.5, 1.1];
    const posterior = samplePosterior(`model {
      for (k in 1:2) { tau[k] ~ dgamma(2, 1) }
      for (i in 1:${N}) {
        ${PIN}
        y[i] ~ dnorm(0, tau[z[i]])
      }
    }
    data list(${PIN_DATA}, y = c(${y.join(', ')}))`, seeded(302));
    assertSamplers(posterior, { 'tau[1]': 'conjugate gamma', 'tau[2]': 'conjugate gamma' });
    for (const k of [1, 2]) {
      const mine = owned(y, k);
      const [shape, rate] = [2 + mine.length / 2, 1 + sum(mine.map((v) => v * v)) / 2];
      assertMeanAndVariance(posterior, `tau[${k}]`, shape / rate, shape / rate ** 2);
    }
  });
});

describe('normal means through a stochastic index: y[i] ~ dnorm(mu[z[i]], tau)', () => {
  it("matches each component's N((τ·Σy)/(t0 + n_k·τ), 1/(t0 + n_k·τ)), the means drawn as one block (they share every child)", () => {
    const [t0, tau] = [0.5, 2];
    const y = [0.3, -0.5, 2.1, 0.8, -1.9, 3.0, -0.2, 0.4, 2.5, 1.1];
    const posterior = samplePosterior(`model {
      for (k in 1:2) { mu[k] ~ dnorm(0, ${t0}) }
      for (i in 1:${N}) {
        ${PIN}
        y[i] ~ dnorm(mu[z[i]], ${tau})
      }
    }
    data list(${PIN_DATA}, y = c(${y.join(', ')}))`, seeded(303));
    assertSamplers(posterior, { 'mu[1]': 'block normal (2)', 'mu[2]': 'block normal (2)' });
    for (const k of [1, 2]) {
      const mine = owned(y, k);
      const precision = t0 + tau * mine.length;
      assertMeanAndVariance(posterior, `mu[${k}]`, (tau * sum(mine)) / precision, 1 / precision);
    }
  });
});

describe('Wishart through a stochastic index: x[i, ] ~ dmnorm(mu[], Omega[, , z[i]])', () => {
  it("matches each component's E[Ω] = k'·R'⁻¹ and Var[Ω_jj] = 2k'·(R'⁻¹)_jj² over the observations it owns", () => {
    const x = [[-0.9, -0.5], [0.1, 0.9], [1.2, -0.2], [-0.9, 0.5], [0.2, -0.3], [1.2, 1.1], [-0.9, 0.2], [0.2, 0.6], [1.2, -0.1], [-0.9, -0.4]];
    const posterior = samplePosterior(`model {
      for (k in 1:2) { Omega[1:2, 1:2, k] ~ dwish(R[,], 3) }
      for (i in 1:${N}) {
        ${PIN}
        x[i, 1:2] ~ dmnorm(mu[], Omega[, , z[i]])
      }
    }
    data list(${PIN_DATA}, R = ${rMatrix([[1, 0], [0, 1]])}, mu = c(0, 0), x = ${rMatrix(x)})`, seeded(304));
    assertSamplers(posterior, { 'Omega[1:2,1:2,1]': 'conjugate wishart', 'Omega[1:2,1:2,2]': 'conjugate wishart' });
    for (const k of [1, 2]) {
      const mine = owned(x, k);
      const scatter = [0, 1].map((a) => [0, 1].map((b) => sum(mine.map((r) => r[a]! * r[b]!)) + (a === b ? 1 : 0)));
      const V = inverse(scatter);
      const degrees = 3 + mine.length;
      for (const j of [0, 1]) assertMeanAndVariance(posterior, `Omega[${j + 1},${j + 1},${k}]`, degrees * V[j]![j]!, 2 * degrees * V[j]![j]! ** 2);
    }
  });
});
