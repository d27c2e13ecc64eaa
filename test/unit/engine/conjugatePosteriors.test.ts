import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  add, assertCovariance, assertMeanAndVariance, assertSamplers, assertWithinMonteCarloError, betaMoments, combine, dirichletMoments,
  drawsOf, estimate, inverse, matrixVector, rMatrix, samplePosterior, sum, type Posterior, type RunLength,
} from './posteriorCheck';

/**
 * Conjugate models whose posterior is known in closed form: the draws must
 * match its mean and variance (every element of a vector, and one covariance
 * for a multivariate node) within their Monte-Carlo error, by the rule in
 * posteriorCheck.ts (4 batch-means standard errors), and each node must be
 * updated by the conjugate sampler meant for it, so that a regression to a
 * generic sampler is caught even when the generic sampler is also correct.
 * These models' nodes are updated by exact draws from their conditionals, so
 * the draws are nearly independent and 2 × 10,000 draws give standard errors
 * of about 1 % of a posterior sd.
 */

/** Each model draws from its own seed, so that no two checks share a stream of random numbers. */
const seeded = (seed: number): RunLength => ({ chains: 2, burnin: 200, iterations: 10_000, seed });

/** Runs a model once and shares its draws between the tests that check it. */
function once(source: string, run: RunLength): () => Posterior {
  let posterior: Posterior | undefined;
  return () => (posterior ??= samplePosterior(source, run));
}

describe('beta–binomial: beta prior, binomial and Bernoulli children', () => {
  const [a, b] = [2, 3];
  const n = [10, 12, 8, 15];
  const y = [3, 5, 2, 6];
  const w = [1, 0, 0, 1, 0];
  const posterior = once(`model {
    p ~ dbeta(${a}, ${b})
    for (i in 1:4) { y[i] ~ dbin(p, n[i]) }
    for (j in 1:5) { w[j] ~ dbern(p) }
  }
  data list(n = c(${n.join(', ')}), y = c(${y.join(', ')}), w = c(${w.join(', ')}))`, seeded(106));
  // Beta(a + successes, b + failures).
  const [mean, variance] = betaMoments(a + sum(y) + sum(w), b + sum(n) - sum(y) + w.length - sum(w));

  it('matches Beta(a + Σy, b + Σ(n − y)) in mean and variance, drawn by the conjugate beta sampler', () => {
    assertSamplers(posterior(), { p: 'conjugate beta' });
    assertMeanAndVariance(posterior(), 'p', mean, variance);
  });

  it('rejects the prior variance, and the posterior mean without the Bernoulli children, with the same check', () => {
    const [priorMean, priorVariance] = betaMoments(a, b);
    assert.ok(priorMean !== mean);
    const squares = estimate(combine(posterior(), ['p'], (x) => (x - mean) ** 2));
    assert.throws(() => assertWithinMonteCarloError('Var[p]', squares, priorVariance), assert.AssertionError);
    const [binomialOnly] = betaMoments(a + sum(y), b + sum(n) - sum(y));
    assert.throws(() => assertWithinMonteCarloError('E[p]', estimate(drawsOf(posterior(), 'p')), binomialOnly), assert.AssertionError);
  });
});

describe('gamma–Poisson: gamma prior on a rate, Poisson children with exposures', () => {
  it('matches Gamma(a + Σy, b + Σt) in mean and variance, drawn by the conjugate gamma sampler', () => {
    const [a, b] = [1.5, 0.5];
    const t = [1, 2.5, 0.5, 4, 3];
    const y = [2, 6, 0, 9, 5];
    const posterior = samplePosterior(`model {
      lambda ~ dgamma(${a}, ${b})
      for (i in 1:5) { y[i] ~ dpois(lambda * t[i]) }
    }
    data list(t = c(${t.join(', ')}), y = c(${y.join(', ')}))`, seeded(101));
    const [shape, rate] = [a + sum(y), b + sum(t)];
    assertSamplers(posterior, { lambda: 'conjugate gamma' });
    assertMeanAndVariance(posterior, 'lambda', shape / rate, shape / rate ** 2);
  });
});

function assertDirichlet(posterior: Posterior, name: string, alpha: number[]): void {
  const { mean, variance, covariance12 } = dirichletMoments(alpha);
  alpha.forEach((_, k) => assertMeanAndVariance(posterior, `${name}[${k + 1}]`, mean[k]!, variance[k]!));
  assertCovariance(posterior, [`${name}[1]`, `${name}[2]`], [mean[0]!, mean[1]!], covariance12);
}

describe('Dirichlet–categorical: Dirichlet prior, categorical data', () => {
  const alpha = [1, 2, 1, 0.5];
  const y = [1, 2, 2, 4, 1, 2, 3, 2, 2, 1, 4, 2, 2, 3, 1, 2, 2, 2, 1, 3];
  const counts = alpha.map((_, k) => y.filter((v) => v === k + 1).length);
  const posterior = once(`model {
    p[1:4] ~ ddirch(alpha[])
    for (i in 1:20) { y[i] ~ dcat(p[]) }
  }
  data list(alpha = c(${alpha.join(', ')}), y = c(${y.join(', ')}))`, seeded(107));

  it('matches Dirichlet(α + counts) in every mean and variance and Cov[p1, p2], drawn by the conjugate Dirichlet sampler', () => {
    assertSamplers(posterior(), { 'p[1:4]': 'conjugate dirichlet' });
    assertDirichlet(posterior(), 'p', alpha.map((a, k) => a + counts[k]!));
  });

  it('rejects the prior mean, and the variance of a posterior that misses one count, with the same check', () => {
    const prior = dirichletMoments(alpha);
    assert.throws(() => assertWithinMonteCarloError('E[p[2]]', estimate(drawsOf(posterior(), 'p[2]')), prior.mean[1]!), assert.AssertionError);
    const oneMissed = dirichletMoments(alpha.map((a, k) => a + counts[k]! - (k === 1 ? 1 : 0)));
    assert.throws(() => assertMeanAndVariance(posterior(), 'p[2]', oneMissed.mean[1]!, oneMissed.variance[1]!), assert.AssertionError);
  });
});

describe('Dirichlet–multinomial: Dirichlet prior, multinomial data of varying sizes', () => {
  it('matches Dirichlet(α + Σ counts) in every mean and variance and Cov[p1, p2], drawn by the conjugate Dirichlet sampler', () => {
    const alpha = [0.5, 1, 3];
    const y = [[3, 4, 1], [0, 2, 2], [5, 1, 6], [1, 1, 0]];
    const posterior = samplePosterior(`model {
      p[1:3] ~ ddirch(alpha[])
      for (i in 1:4) { y[i, 1:3] ~ dmulti(p[], n[i]) }
    }
    data list(alpha = c(${alpha.join(', ')}), n = c(${y.map(sum).join(', ')}),
      y = structure(c(${[0, 1, 2].flatMap((k) => y.map((row) => row[k]!)).join(', ')}), .Dim = c(4, 3)))`, seeded(102));
    assertSamplers(posterior, { 'p[1:3]': 'conjugate dirichlet' });
    assertDirichlet(posterior, 'p', alpha.map((a, k) => a + sum(y.map((row) => row[k]!))));
  });
});

describe('multivariate normal with known precision: dmnorm prior, dmnorm children', () => {
  // Prior N(m0, P0⁻¹), children x_i ~ N(μ, P⁻¹): the posterior precision is P0 + n·P and the mean (P0 + n·P)⁻¹(P0·m0 + P·Σx_i).
  const m0 = [0, 1, -1];
  const P0 = [[0.5, 0.1, 0], [0.1, 0.4, 0.05], [0, 0.05, 0.8]];
  const P = [[2, 0.8, 0.3], [0.8, 1.5, -0.4], [0.3, -0.4, 1]];
  const x = [[1.2, 0.4, -0.3], [0.8, 1.1, 0.2], [2.0, 0.3, -1.1], [1.5, 0.9, 0.4], [0.6, -0.2, 0.1]];
  const n = x.length;
  const precision = add(P0, P, n);
  const covariance = inverse(precision);
  const total = [0, 1, 2].map((k) => sum(x.map((row) => row[k]!)));
  const mean = matrixVector(covariance, matrixVector(P0, m0).map((v, k) => v + matrixVector(P, total)[k]!));
  const posterior = once(`model {
    mu[1:3] ~ dmnorm(m0[], P0[,])
    for (i in 1:${n}) { x[i, 1:3] ~ dmnorm(mu[], P[,]) }
  }
  data list(m0 = c(${m0.join(', ')}), P0 = ${rMatrix(P0)}, P = ${rMatrix(P)}, x = ${rMatrix(x)})`, seeded(108));

  it('matches N((P0 + nP)⁻¹(P0·m0 + P·Σx), (P0 + nP)⁻¹) in every mean and variance and Cov[mu1, mu3], drawn jointly', () => {
    assertSamplers(posterior(), { 'mu[1:3]': 'conjugate multivariate normal' });
    mean.forEach((m, k) => assertMeanAndVariance(posterior(), `mu[${k + 1}]`, m, covariance[k]![k]!));
    assertCovariance(posterior(), ['mu[1]', 'mu[3]'], [mean[0]!, mean[2]!], covariance[0]![2]!);
  });

  it('rejects the variance of a posterior that ignores the correlations of the children, with the same check', () => {
    // Treating P as diagonal (independent coordinates) gives a different marginal variance for mu[2].
    const diagonal = P.map((row, i) => row.map((v, j) => (i === j ? v : 0)));
    const wrong = inverse(add(P0, diagonal, n));
    assert.throws(() => assertMeanAndVariance(posterior(), 'mu[2]', mean[1]!, wrong[1]![1]!), assert.AssertionError);
  });
});

describe('Gaussian block: scalar normal coefficients sharing their children (regression with known noise precision)', () => {
  it('matches N(A⁻¹·τXᵀy, A⁻¹), A = t0·I + τXᵀX, in every mean and variance and Cov[b1, b2], drawn as one block', () => {
    const [t0, tau] = [0.1, 2];
    const x1 = [-1.5, -1, -0.5, 0, 0.5, 1, 1.5, 2];
    const x2 = [0.3, -0.2, 0.8, 0.1, -0.6, 0.4, 0.9, -0.3];
    const y = [-1.9, -0.8, -0.1, 0.7, 0.9, 2.1, 2.8, 2.5];
    const X = x1.map((v, i) => [1, v, x2[i]!]);
    const xtx = [0, 1, 2].map((j) => [0, 1, 2].map((k) => sum(X.map((row) => row[j]! * row[k]!))));
    const covariance = inverse(add([[t0, 0, 0], [0, t0, 0], [0, 0, t0]], xtx, tau));
    const mean = matrixVector(covariance, [0, 1, 2].map((j) => tau * sum(X.map((row, i) => row[j]! * y[i]!))));
    const posterior = samplePosterior(`model {
      for (i in 1:8) {
        m[i] <- b[1] + b[2] * x1[i] + b[3] * x2[i]
        y[i] ~ dnorm(m[i], ${tau})
      }
      for (k in 1:3) { b[k] ~ dnorm(0, ${t0}) }
    }
    data list(x1 = c(${x1.join(', ')}), x2 = c(${x2.join(', ')}), y = c(${y.join(', ')}))`, seeded(103));
    assertSamplers(posterior, { 'b[1]': 'block normal (3)', 'b[2]': 'block normal (3)', 'b[3]': 'block normal (3)' });
    mean.forEach((m, k) => assertMeanAndVariance(posterior, `b[${k + 1}]`, m, covariance[k]![k]!));
    assertCovariance(posterior, ['b[1]', 'b[2]'], [mean[0]!, mean[1]!], covariance[0]![1]!);
  });
});

describe('Wishart: dwish(R, k) prior on the precision of dmnorm children with a known mean', () => {
  // Posterior dwish(R' = R + Σ(x − μ)(x − μ)ᵀ, k' = k + n), i.e. a Wishart with scale V = R'⁻¹ and k' degrees of freedom:
  // E[Ω] = k'·V, Cov[Ω_ij, Ω_kl] = k'·(V_ik·V_jl + V_il·V_jk).
  const R = [[2, 0.5], [0.5, 1]];
  const k = 4;
  const mu = [1, -1];
  const x = [[1.5, -0.2], [0.3, -1.8], [2.1, -0.5], [0.9, -1.1], [1.7, -0.9], [0.2, -1.6], [1.1, -0.4], [0.6, -1.3]];
  const n = x.length;
  const scatter = [0, 1].map((a) => [0, 1].map((b) => sum(x.map((row) => (row[a]! - mu[a]!) * (row[b]! - mu[b]!)))));
  const kPost = k + n;
  const V = inverse(add(R, scatter));
  const mean = (i: number, j: number): number => kPost * V[i]![j]!;
  const covariance = (i: number, j: number, a: number, b: number): number => kPost * (V[i]![a]! * V[j]![b]! + V[i]![b]! * V[j]![a]!);
  const posterior = once(`model {
    Omega[1:2, 1:2] ~ dwish(R[,], ${k})
    for (i in 1:${n}) { x[i, 1:2] ~ dmnorm(mu[], Omega[,]) }
  }
  data list(R = ${rMatrix(R)}, mu = c(${mu.join(', ')}), x = ${rMatrix(x)})`, seeded(109));

  it("matches E[Ω] = k'·R'⁻¹ and the Wishart variances of every element and Cov[Ω11, Ω12], drawn by the conjugate Wishart sampler", () => {
    assertSamplers(posterior(), { 'Omega[1:2,1:2]': 'conjugate wishart' });
    for (const [i, j] of [[0, 0], [1, 0], [0, 1], [1, 1]] as const) {
      assertMeanAndVariance(posterior(), `Omega[${i + 1},${j + 1}]`, mean(i, j), covariance(i, j, i, j));
    }
    assertCovariance(posterior(), ['Omega[1,1]', 'Omega[1,2]'], [mean(0, 0), mean(0, 1)], covariance(0, 0, 0, 1));
  });

  it("rejects the prior mean k·R⁻¹, and a posterior that forgets the prior's R, with the same check", () => {
    const priorMean = k * inverse(R)[0]![0]!;
    assert.throws(() => assertWithinMonteCarloError('E[Omega[1,1]]', estimate(drawsOf(posterior(), 'Omega[1,1]')), priorMean), assert.AssertionError);
    const noPrior = kPost * inverse(scatter)[0]![0]!;
    assert.throws(() => assertWithinMonteCarloError('E[Omega[1,1]]', estimate(drawsOf(posterior(), 'Omega[1,1]')), noPrior), assert.AssertionError);
  });
});

describe('multivariate normal prior on regression coefficients with scalar normal children', () => {
  it('matches N(A⁻¹(P0·m0 + τXᵀy), A⁻¹), A = P0 + τXᵀX, in every mean and variance and Cov[b2, b3], drawn jointly', () => {
    const tau = 1.5;
    const m0 = [0.5, 0, -0.5];
    const P0 = [[1, 0.3, 0], [0.3, 0.5, 0.2], [0, 0.2, 2]];
    const x1 = [-1, -0.6, -0.1, 0.4, 0.9, 1.3];
    const x2 = [0.5, -0.4, 0.2, 0.7, -0.8, 0.1];
    const y = [-0.9, -0.7, 0.2, 1.1, 0.8, 1.9];
    const X = x1.map((v, i) => [1, v, x2[i]!]);
    const xtx = [0, 1, 2].map((j) => [0, 1, 2].map((k) => sum(X.map((row) => row[j]! * row[k]!))));
    const covariance = inverse(add(P0, xtx, tau));
    const mean = matrixVector(covariance, matrixVector(P0, m0).map((v, j) => v + tau * sum(X.map((row, i) => row[j]! * y[i]!))));
    const posterior = samplePosterior(`model {
      b[1:3] ~ dmnorm(m0[], P0[,])
      for (i in 1:6) { y[i] ~ dnorm(b[1] + b[2] * x1[i] + b[3] * x2[i], ${tau}) }
    }
    data list(m0 = c(${m0.join(', ')}), P0 = ${rMatrix(P0)}, x1 = c(${x1.join(', ')}), x2 = c(${x2.join(', ')}), y = c(${y.join(', ')}))`, seeded(104));
    assertSamplers(posterior, { 'b[1:3]': 'conjugate multivariate normal' });
    mean.forEach((m, k) => assertMeanAndVariance(posterior, `b[${k + 1}]`, m, covariance[k]![k]!));
    assertCovariance(posterior, ['b[2]', 'b[3]'], [mean[1]!, mean[2]!], covariance[1]![2]!);
  });
});
