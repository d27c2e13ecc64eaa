import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { AdaptiveSlice } from '../../../src/engine/inference/sliceSamplers';
import { Random } from '../../../src/engine/random/rng';
import { prepareChain, sampleChain } from '../../../src/engine/run/chainSession';
import { request } from './helpers';

/**
 * Monte-Carlo error of a mean of correlated MCMC draws, by batch means: split
 * the n draws into B consecutive batches of m = n/B; when m is much longer
 * than the autocorrelation, the batch means are nearly independent with
 * variance σ²_as/m, where σ²_as = σ²·τ is the asymptotic variance (τ the
 * integrated autocorrelation time). So m·var(batch means) estimates σ²_as,
 * the standard error of the overall mean is √(σ²_as/n) = σ/√ESS, and the
 * effective sample size is ESS = n·σ²/σ²_as.
 */
function batchMeans(x: Float64Array, batches = 50): { mean: number; standardError: number; ess: number } {
  const n = x.length;
  const m = Math.floor(n / batches);
  const mean = x.reduce((a, b) => a + b, 0) / n;
  let variance = 0;
  for (const v of x) variance += (v - mean) ** 2;
  variance /= n - 1;
  let between = 0;
  for (let b = 0; b < batches; b++) {
    let s = 0;
    for (let k = b * m; k < (b + 1) * m; k++) s += x[k]!;
    between += (s / m - mean) ** 2;
  }
  const asymptotic = (m * between) / (batches - 1);
  return { mean, standardError: Math.sqrt(asymptotic / n), ess: (n * variance) / asymptotic };
}

/** Runs one chain in this thread and returns the kept draws of each monitor, with the samplers' labels. */
function runChain(source: string, plan: { burnin: number; iterations: number }, chain = 0): { draws: Map<string, Float64Array>; samplers: Map<string, string> } {
  const session = prepareChain(request(source), chain);
  const width = session.monitors.length;
  const rows: Float64Array[] = [];
  sampleChain(session, { ...plan, thin: 1 }, (_done, draws) => rows.push(draws));
  const all = new Float64Array(rows.reduce((n, r) => n + r.length, 0));
  let at = 0;
  for (const r of rows) {
    all.set(r, at);
    at += r.length;
  }
  assert.equal(all.length, plan.iterations * width);
  const draws = new Map<string, Float64Array>();
  session.monitors.forEach((m, k) => draws.set(m.name, Float64Array.from({ length: plan.iterations }, (_, r) => all[r * width + k]!)));
  return { draws, samplers: new Map(session.monitors.map((m) => [m.name, m.sampler])) };
}

describe('slice sampler', () => {
  // 20 Bernoulli observations with s = 6 successes: with a uniform prior the posterior is Beta(1 + s, 1 + N − s) = Beta(7, 15).
  const y = [0, 1, 0, 0, 1, 0, 0, 0, 1, 0, 0, 1, 0, 0, 0, 1, 0, 0, 1, 0];
  const N = y.length;
  const s = y.reduce((a, b) => a + b, 0);
  const a = 1 + s;
  const b = 1 + N - s;
  const BERNOULLI = `model {
  theta ~ dunif(0, 1)
  for (i in 1:N) { y[i] ~ dbern(theta) }
}
data list(N = ${N}, y = c(${y.join(', ')}))
sample with gibbs(seed = 20240611)`;
  const ITERATIONS = 20_000;

  it('updates a uniform prior with Bernoulli children (not conjugate in this release) by slice sampling', () => {
    const { samplers } = runChain(BERNOULLI, { burnin: 10, iterations: 10 });
    assert.equal(samplers.get('theta'), 'slice');
  });

  it('recovers the Beta(1 + s, 1 + N − s) posterior mean and sd within 4 Monte-Carlo standard errors', () => {
    const theta = runChain(BERNOULLI, { burnin: 500, iterations: ITERATIONS }).draws.get('theta')!;
    assert.ok(theta.every((t) => t > 0 && t < 1), 'draws inside the support');

    // Posterior mean a/(a+b) = 7/22. The bound is 4·σ/√ESS with ESS from batch means (see batchMeans):
    // plain 4·σ/√n would be too tight for correlated draws, and the slice sampler's draws are correlated.
    const mean = batchMeans(theta);
    const expectedMean = a / (a + b);
    assert.ok(mean.ess > ITERATIONS / 10, `ESS ${mean.ess} of ${ITERATIONS}: the sampler barely mixes`);
    assert.ok(Math.abs(mean.mean - expectedMean) < 4 * mean.standardError, `mean ${mean.mean} vs ${expectedMean} (SE ${mean.standardError}, ESS ${mean.ess})`);

    // The variance is the mean of (θ − θ̄)², so batch means of the squared deviations give its Monte-Carlo error too.
    const squares = theta.map((t) => (t - mean.mean) ** 2);
    const variance = batchMeans(squares);
    const expectedVariance = (a * b) / ((a + b) ** 2 * (a + b + 1));
    assert.ok(Math.abs(variance.mean - expectedVariance) < 4 * variance.standardError, `variance ${variance.mean} vs ${expectedVariance} (SE ${variance.standardError})`);
  });

  it('steps out from a narrow start to a wide posterior: a normal mean under a vague t prior', () => {
    // y ~ N(mu, precision 1), mu ~ t(0, scale 100, 3 df): the posterior is N(ȳ, 1/n) up to the prior's pull, whose
    // log-density slope near ȳ ≈ 3 is about (k + 1)/k · τ·ȳ ≈ 4e-4, shifting the mean by ≈ 4e-4/n = 5e-5, far below the test's 4 SE.
    const data = [3.1, 2.4, 4.0, 3.3, 2.9, 3.8, 2.2, 3.6];
    const ybar = data.reduce((p, q) => p + q, 0) / data.length;
    const { draws, samplers } = runChain(
      `model { mu ~ dt(0, 1.0E-4, 3)\n for (i in 1:8) { y[i] ~ dnorm(mu, 1) } }\ndata list(y = c(${data.join(', ')}))\ninits list(mu = -90)\nsample with gibbs(seed = 11)`,
      { burnin: 200, iterations: 10_000 },
    );
    assert.equal(samplers.get('mu'), 'slice');
    const mu = batchMeans(draws.get('mu')!);
    assert.ok(Math.abs(mu.mean - ybar) < 4 * mu.standardError, `mean ${mu.mean} vs ${ybar} (SE ${mu.standardError}, ESS ${mu.ess})`);
    assert.ok(mu.ess > 1000, `ESS ${mu.ess}`);
  });

  it('adapts its width to three times the mean move: fewer evaluations per update than at twice, the same law', () => {
    // A standard normal target. Simulated, evaluations per update: 6.10 at twice the mean move (JAGS's rule), 5.82
    // at three times. Their standard deviation is about 1.7, so over 20,000 updates the mean's error is about 0.012
    // (updates nearly independent): 5.95 lies 10 errors from both. The draws' mean and variance are N(0, 1)'s to 4 SE.
    class Normal extends AdaptiveSlice {
      evaluations = 0;
      x = 0;
      logConditional(x: number): number {
        this.evaluations++;
        this.x = x;
        return -0.5 * x * x;
      }
      step(random: Random): void {
        this.slice(this.x, 1e-14, random);
      }
    }
    const target = new Normal(false);
    const random = new Random(17);
    for (let k = 0; k < 2000; k++) {
      target.step(random);
      target.adapt();
    }
    target.evaluations = 0;
    const draws = new Float64Array(20_000);
    for (let k = 0; k < draws.length; k++) {
      target.step(random);
      draws[k] = target.x;
    }
    const perUpdate = target.evaluations / draws.length;
    assert.ok(perUpdate < 5.95, `${perUpdate} evaluations per update`);
    const mean = batchMeans(draws);
    assert.ok(Math.abs(mean.mean) < 4 * mean.standardError, `mean ${mean.mean} (SE ${mean.standardError})`);
    const variance = batchMeans(draws.map((x) => (x - mean.mean) ** 2));
    assert.ok(Math.abs(variance.mean - 1) < 4 * variance.standardError, `variance ${variance.mean} (SE ${variance.standardError})`);
  });

  it('gives the same draws for the same seed and chain, and different draws for another chain', () => {
    const first = runChain(BERNOULLI, { burnin: 50, iterations: 200 }).draws.get('theta')!;
    const again = runChain(BERNOULLI, { burnin: 50, iterations: 200 }).draws.get('theta')!;
    const other = runChain(BERNOULLI, { burnin: 50, iterations: 200 }, 1).draws.get('theta')!;
    assert.deepEqual(Array.from(again), Array.from(first));
    assert.notDeepEqual(Array.from(other), Array.from(first));
  });
});
