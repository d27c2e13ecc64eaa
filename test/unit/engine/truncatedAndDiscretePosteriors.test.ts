import erfc from '@stdlib/math-base-special-erfc';
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  assertMeanAndVariance, assertSamplers, assertWithinMonteCarloError, combine, estimate, samplePosterior, type Posterior, type RunLength,
} from './posteriorCheck';

/**
 * Posteriors that are normal but cut to an interval (a truncated prior, a
 * flat uniform prior, interval-censored data) and posteriors over a finite
 * set (a categorical node, a binomial count, mixture indicators), each
 * compared with its exact moments within Monte-Carlo error (4 batch-means
 * standard errors, see posteriorCheck.ts), with the sampler each node got.
 */
/** Each model draws from its own seed, so that no two checks share a stream of random numbers. */
const seeded = (seed: number): RunLength => ({ chains: 2, burnin: 200, iterations: 10_000, seed });

const Y = [2.1, 1.4, 3.0, 2.6, 1.9, 2.4, 2.8, 1.7, 2.2, 2.5];
const n = Y.length;
const ybar = Y.reduce((a, b) => a + b, 0) / n;

const Phi = (z: number): number => 0.5 * erfc(-z / Math.SQRT2);
const phi = (z: number): number => (Number.isFinite(z) ? Math.exp(-0.5 * z * z) / Math.sqrt(2 * Math.PI) : 0);

/**
 * Mean and variance of N(m, s²) cut to (lower, upper): with α, β the
 * standardised bounds and Z = Φ(β) − Φ(α), the mean is m + s·(φ(α) − φ(β))/Z
 * and the variance s²·(1 + (αφ(α) − βφ(β))/Z − ((φ(α) − φ(β))/Z)²).
 */
function truncatedNormal(m: number, s: number, lower: number, upper: number): [number, number] {
  const a = (lower - m) / s, b = (upper - m) / s;
  const z = Phi(b) - Phi(a);
  const shift = (phi(a) - phi(b)) / z;
  const aPhi = Number.isFinite(a) ? a * phi(a) : 0;
  const bPhi = Number.isFinite(b) ? b * phi(b) : 0;
  return [m + s * shift, s * s * (1 + (aPhi - bPhi) / z - shift * shift)];
}

/** Normal data y_i ~ N(μ, 1/τ) and a N(m0, 1/t0) prior give the untruncated posterior N(mn, 1/tn). */
function normalUpdate(m0: number, t0: number, tau: number, y: number[]): [number, number] {
  const tn = t0 + tau * y.length;
  return [(t0 * m0 + tau * y.reduce((a, b) => a + b, 0)) / tn, 1 / Math.sqrt(tn)];
}

const data = `data list(y = c(${Y.join(', ')}))`;

describe('truncated normal: a truncated prior, or a flat uniform one, with normal data', () => {
  it('matches the truncated-normal posterior mean and variance for dnorm(m0, t0) T(lower, upper), drawn by the conjugate truncated normal sampler', () => {
    // The untruncated posterior is N(2.24, 0.157²); the bound at 2.1 cuts off four fifths of it.
    const [m0, t0, tau, lower, upper] = [1, 0.5, 4, 0, 2.1];
    const posterior = samplePosterior(`model { mu ~ dnorm(${m0}, ${t0}) T(${lower}, ${upper})\n for (i in 1:${n}) { y[i] ~ dnorm(mu, ${tau}) } }\n${data}`, seeded(201));
    const [mn, sn] = normalUpdate(m0, t0, tau, Y);
    const [mean, variance] = truncatedNormal(mn, sn, lower, upper);
    assertSamplers(posterior, { mu: 'conjugate truncated normal' });
    assertMeanAndVariance(posterior, 'mu', mean, variance);
    // The same check rejects the untruncated posterior's moments.
    assert.throws(() => assertMeanAndVariance(posterior, 'mu', mn, sn * sn), assert.AssertionError);
    assert.throws(() => assertWithinMonteCarloError('Var[mu]', estimate(combine(posterior, ['mu'], (x) => (x - mean) ** 2)), sn * sn), assert.AssertionError);
  });

  it('matches N(ȳ, 1/(nτ)) cut to the bounds of a dunif prior, drawn by the conjugate truncated normal sampler', () => {
    const [tau, lower, upper] = [4, 2.0, 2.3];
    const posterior = samplePosterior(`model { mu ~ dunif(${lower}, ${upper})\n for (i in 1:${n}) { y[i] ~ dnorm(mu, ${tau}) } }\n${data}`, seeded(202));
    const [mean, variance] = truncatedNormal(ybar, 1 / Math.sqrt(n * tau), lower, upper);
    assertSamplers(posterior, { mu: 'conjugate truncated normal' });
    assertMeanAndVariance(posterior, 'mu', mean, variance);
  });
});

describe('censored normal: a latent normal observed only through dinterval', () => {
  it('matches the prior (or the normal posterior) cut to the interval the censored data allow, drawn by the conjugate truncated normal sampler', () => {
    // c[j] ~ dinterval(t[j], cut) says t[j] ≤ 0 (c = 0), 0 < t[j] ≤ 2 (c = 1) or t[j] > 2 (c = 2).
    // t[2] also has a normal child z ~ N(t[2], 1/4) with z = 1.9.
    const [m0, t0, tau, z] = [1, 0.5, 4, 1.9];
    const cut = [0, 2];
    const posterior = samplePosterior(`model {
      for (j in 1:3) {
        t[j] ~ dnorm(${m0}, ${t0})
        c[j] ~ dinterval(t[j], cut[])
      }
      z ~ dnorm(t[2], ${tau})
    }
    data list(c = c(0, 1, 2), cut = c(${cut.join(', ')}), z = ${z})`, seeded(203));
    const prior = 1 / Math.sqrt(t0);
    const [m2, s2] = normalUpdate(m0, t0, tau, [z]);
    const expected: Array<[number, number]> = [
      truncatedNormal(m0, prior, Number.NEGATIVE_INFINITY, cut[0]!),
      truncatedNormal(m2, s2, cut[0]!, cut[1]!),
      truncatedNormal(m0, prior, cut[1]!, Number.POSITIVE_INFINITY),
    ];
    assertSamplers(posterior, { 't[1]': 'conjugate truncated normal', 't[2]': 'conjugate truncated normal', 't[3]': 'conjugate truncated normal' });
    expected.forEach(([mean, variance], j) => assertMeanAndVariance(posterior, `t[${j + 1}]`, mean, variance));
  });
});

/** P(x = v | data) for each v of a finite support, from log weights (prior times likelihood). */
function normalise(logWeights: number[]): number[] {
  const top = Math.max(...logWeights);
  const w = logWeights.map((l) => Math.exp(l - top));
  const total = w.reduce((a, b) => a + b, 0);
  return w.map((v) => v / total);
}

const normalLogDensity = (y: number, mean: number, tau: number): number => 0.5 * Math.log(tau / (2 * Math.PI)) - 0.5 * tau * (y - mean) ** 2;

/** Values rarer than this are checked together: a value drawn a few times, or never, has no usable batch-means error. */
const RARE = 0.01;

/** Checks P(x = v) for every value v of the support (the indicator's mean), the rare values' total, and E[x], Var[x]. */
function assertDiscrete(posterior: Posterior, name: string, support: number[], probabilities: number[]): void {
  const rare = support.filter((_, k) => probabilities[k]! < RARE);
  support.forEach((v, k) => {
    if (probabilities[k]! >= RARE) assertWithinMonteCarloError(`P(${name} = ${v})`, estimate(combine(posterior, [name], (x) => (x === v ? 1 : 0))), probabilities[k]!);
  });
  if (rare.length) {
    const total = support.reduce((s, v, k) => (rare.includes(v) ? s + probabilities[k]! : s), 0);
    assertWithinMonteCarloError(`P(${name} ∈ {${rare.join(', ')}})`, estimate(combine(posterior, [name], (x) => (rare.includes(x) ? 1 : 0))), total);
  }
  const mean = support.reduce((s, v, k) => s + v * probabilities[k]!, 0);
  const variance = support.reduce((s, v, k) => s + (v - mean) ** 2 * probabilities[k]!, 0);
  assertMeanAndVariance(posterior, name, mean, variance);
}

describe('finite enumeration: discrete nodes with a bounded support', () => {
  it('draws a dcat node with a normal child from its exact posterior P(z = k | y) ∝ p_k·N(y; m_k, 1/τ)', () => {
    const [p, m, tau, y] = [[0.2, 0.5, 0.3], [-1, 0.5, 2], 1.5, 1.2];
    const posterior = samplePosterior(`model { z ~ dcat(p[])\n y ~ dnorm(m[z], ${tau}) }\ndata list(p = c(${p.join(', ')}), m = c(${m.join(', ')}), y = ${y})`, seeded(204));
    const exact = normalise(p.map((pk, k) => Math.log(pk) + normalLogDensity(y, m[k]!, tau)));
    assertSamplers(posterior, { z: 'finite enumeration' });
    assertDiscrete(posterior, 'z', [1, 2, 3], exact);
    // The same check rejects the prior probabilities.
    assert.throws(() => assertDiscrete(posterior, 'z', [1, 2, 3], p), assert.AssertionError);
  });

  it('draws a binomial count with a normal child from its exact posterior over 0..N', () => {
    const [q, size, tau, y] = [0.4, 12, 0.5, 7.5];
    const posterior = samplePosterior(`model { x ~ dbin(${q}, ${size})\n y ~ dnorm(x, ${tau}) }\ndata list(y = ${y})`, seeded(205));
    const support = Array.from({ length: size + 1 }, (_, v) => v);
    const logChoose = (v: number): number => support.slice(1, v + 1).reduce((s, j) => s + Math.log((size - j + 1) / j), 0);
    const exact = normalise(support.map((v) => logChoose(v) + v * Math.log(q) + (size - v) * Math.log(1 - q) + normalLogDensity(y, v, tau)));
    assertSamplers(posterior, { x: 'finite enumeration' });
    assertDiscrete(posterior, 'x', support, exact);
  });
});

describe('two-component normal mixture with known parameters', () => {
  it('draws each indicator z[i] from P(z[i] = k | y[i]) ∝ w_k·N(y[i]; μ_k, 1/τ) by finite enumeration', () => {
    const [w, mu, tau] = [[0.6, 0.4], [-1, 2], 1];
    const y = [-2, -0.5, 0.3, 0.5, 0.8, 1.2, 2, 3.5];
    const posterior = samplePosterior(`model {
      for (i in 1:${y.length}) {
        z[i] ~ dcat(w[])
        y[i] ~ dnorm(mu[z[i]], ${tau})
      }
    }
    data list(w = c(${w.join(', ')}), mu = c(${mu.join(', ')}), y = c(${y.join(', ')}))`, seeded(206));
    y.forEach((yi, i) => {
      assertSamplers(posterior, { [`z[${i + 1}]`]: 'finite enumeration' });
      assertDiscrete(posterior, `z[${i + 1}]`, [1, 2], normalise(w.map((wk, k) => Math.log(wk) + normalLogDensity(yi, mu[k]!, tau))));
    });
  });
});
