/**
 * Posterior predictive checks (`ppc = TRUE`): replicated data from the chain's
 * current parameters, and mid-p p-values of the mean, sd, min and max.
 * Calibrated on data simulated from the model itself, where they must not be
 * extreme more often than by chance, and extreme on a model that cannot
 * produce the data.
 */
import { readRequest } from '../../../src/engine/job/job';
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { prepareChain, sampleChain } from '../../../src/engine/run/chainSession';
import { checkStatistics, mergeChecks, type PredictiveCheck } from '../../../src/engine/run/predictiveChecks';
import { BUILT_IN_DEFAULTS } from '../../../src/engine/run/request';
import { Random } from '../../../src/engine/random/rng';

function checksOf(source: string, iterations: number, seed: number, chains = 2): PredictiveCheck[] {
  const request = readRequest('sample', source, { ...BUILT_IN_DEFAULTS, chains, burnin: 200, iterations, seed, ppc: true }, () => seed);
  const perChain = Array.from({ length: chains }, (_, chain) => {
    const session = prepareChain(request, chain);
    sampleChain(session, request.settings, () => {});
    return session.checks!.results();
  });
  return mergeChecks(perChain);
}

const pValue = (check: PredictiveCheck, name: string): number => check.statistics.find((s) => s.name === name)!.p_value;

describe('posterior predictive checks', () => {
  it('computes mean, sd (n − 1), min and max', () => {
    const out = new Float64Array(4);
    checkStatistics(Float64Array.of(1, 2, 6), out);
    assert.deepEqual([...out], [3, Math.sqrt(7), 1, 6]);
  });

  it('leaves the data as they were and keeps the statistics, replicates and draws it promises', () => {
    const source = `model {\n  mu ~ dnorm(0, 0.01)\n  for (i in 1:4) { y[i] ~ dnorm(mu, 1) }\n}\ndata list(y = c(0.5, 1.5, -0.2, 0.9))\n`;
    const [check] = checksOf(source, 400, 3);
    assert.equal(check!.variable, 'y');
    assert.deepEqual(check!.observed, [0.5, 1.5, -0.2, 0.9]);
    assert.equal(check!.draws, 800);
    assert.equal(check!.statistics[0]!.replicated.length, 800);
    assert.equal(check!.replicates.length, 10);
    assert.ok(check!.replicates.every((r) => r.length === 4));
    assert.ok(Math.abs(check!.statistics[0]!.observed - 0.675) < 1e-12);
  });

  it('is calibrated where the model made the data: p-values centred, and extreme no more often than by chance', () => {
    // 40 data sets from the prior predictive of y_i ~ N(mu, 1), mu ~ N(0, 1), N = 15, each checked.
    // Posterior predictive p-values are at least as concentrated about ½ as a uniform variable (Meng 1994),
    // so each statistic is extreme (p < 0.05 or > 0.95) with probability at most 0.10: across 4 × 40 = 160
    // (dependent) p-values, more than 16 + 3·√(160·0.1·0.9) ≈ 27 extreme ones would mean a broken check.
    // Their mean is ½ by symmetry of the model; its sd is below √(1/12)/√40 = 0.046 for each statistic (4 sd: 0.18).
    const random = new Random(20261205);
    const all: Record<string, number[]> = { mean: [], sd: [], min: [], max: [] };
    for (let r = 0; r < 40; r++) {
      const mu = random.normal();
      const y = Array.from({ length: 15 }, () => mu + random.normal());
      const source = `model {\n  mu ~ dnorm(0, 1)\n  for (i in 1:15) { y[i] ~ dnorm(mu, 1) }\n}\ndata list(y = c(${y.map((v) => v.toFixed(6)).join(', ')}))\n`;
      const [check] = checksOf(source, 250, 100 + r);
      for (const name of Object.keys(all)) all[name]!.push(pValue(check!, name));
    }
    const values = Object.values(all).flat();
    const extreme = values.filter((p) => p < 0.05 || p > 0.95).length;
    assert.ok(extreme <= 27, `${extreme} extreme p-values of ${values.length}`);
    for (const [name, ps] of Object.entries(all)) {
      const mean = ps.reduce((a, b) => a + b, 0) / ps.length;
      assert.ok(Math.abs(mean - 0.5) < 0.18, `mean p-value of ${name}: ${mean}`);
    }
  });

  it('is extreme where the model cannot make the data: over-dispersed counts under a Poisson model', () => {
    // Counts from a mixture of rates 1 and 30: the Poisson's replicated sd (about √15.5 ≈ 4) never reaches
    // the observed sd (about 14.6), nor its replicated maximum the observed 37, nor its minimum the observed 0.
    const y = [0, 1, 2, 0, 1, 3, 0, 2, 1, 1, 28, 33, 25, 30, 37, 29, 31, 26, 34, 27];
    const source = `model {\n  lambda ~ dgamma(0.01, 0.01)\n  for (i in 1:20) { y[i] ~ dpois(lambda) }\n}\ndata list(y = c(${y.join(', ')}))\n`;
    const [check] = checksOf(source, 500, 9);
    assert.ok(pValue(check!, 'sd') < 0.01, `sd p-value ${pValue(check!, 'sd')}`);
    assert.ok(pValue(check!, 'max') < 0.01, `max p-value ${pValue(check!, 'max')}`);
    assert.ok(pValue(check!, 'min') > 0.99, `min p-value ${pValue(check!, 'min')}`);
    // The mean is what the Poisson fits: not extreme.
    assert.ok(pValue(check!, 'mean') > 0.05 && pValue(check!, 'mean') < 0.95, `mean p-value ${pValue(check!, 'mean')}`);
  });
});
