/** The EM driver's outputs: restarts, reproducibility, BIC/AIC, responsibilities and assignments, MAP vs ML. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { fitMixture } from '../../../src/engine/em/fitMixture';
import type { GaussianParameters, MixtureProblem } from '../../../src/engine/em/types';
import { gaussianMixtureData } from './helpers';

const centres = [[-6, 0], [0, 0], [6, 0], [0, 6], [0, -6]];
const fiveClusters = gaussianMixtureData(1000, centres, [1, 1, 1, 1, 1], [0.2, 0.2, 0.2, 0.2, 0.2], 21);
const problem: MixtureProblem = { data: fiveClusters, rows: 1000, columns: 2, components: 5, family: { kind: 'gaussian' } };

test('restarts keep the best final objective, and the same seed gives the same fit', async () => {
  const outcome = await fitMixture(problem, { init: 'random', restarts: 6, seed: 5, tolerance: 1e-6, maxIterations: 500 });
  assert.ok(outcome.ok);
  const { fit } = outcome;
  assert.equal(fit.restarts.length, 6);
  const best = Math.max(...fit.restarts.map((r) => r.objective));
  assert.equal(fit.objective, best);
  assert.equal(fit.restarts[fit.keptRestart]!.objective, best);
  // Random starts on five clusters do not all end alike; otherwise this test shows nothing.
  assert.ok(new Set(fit.restarts.map((r) => r.objective.toFixed(3))).size > 1, JSON.stringify(fit.restarts));
  const again = await fitMixture(problem, { init: 'random', restarts: 6, seed: 5, tolerance: 1e-6, maxIterations: 500 });
  assert.ok(again.ok);
  assert.deepEqual(again.fit.parameters, fit.parameters);
  assert.deepEqual(again.fit.objectiveCurve, fit.objectiveCurve);
});

test('BIC, AIC, per-row log-likelihoods, responsibilities and hard assignments of the final fit', async () => {
  const outcome = await fitMixture(problem, { init: 'kmeans++', restarts: 3, seed: 1, tolerance: 1e-8 });
  assert.ok(outcome.ok);
  const { fit } = outcome;
  const p = 4 + 5 * 2 + 5 * 3; // weights, means, covariances (lower triangles)
  assert.equal(fit.parameterCount, p);
  assert.ok(Math.abs(fit.bic - (-2 * fit.logLikelihood + p * Math.log(1000))) < 1e-9);
  assert.ok(Math.abs(fit.aic - (-2 * fit.logLikelihood + 2 * p)) < 1e-9);
  const sum = fit.perSampleLogLikelihood.reduce((s, v) => s + v, 0);
  assert.ok(Math.abs(sum - fit.logLikelihood) < 1e-9 * Math.abs(sum));
  assert.equal(fit.objective, fit.logLikelihood); // ML: no prior
  assert.equal(fit.objectiveCurve.at(-1), fit.objective);
  const r = fit.responsibilities!;
  for (let i = 0; i < 1000; i++) {
    let s = 0;
    for (let k = 0; k < 5; k++) s += r[i * 5 + k]!;
    assert.ok(Math.abs(s - 1) < 1e-12);
    assert.ok(r[i * 5 + fit.assignments![i]!]! >= Math.max(...r.subarray(i * 5, i * 5 + 5)));
  }
  // The well-separated clusters are found: each fitted mean within 0.3 of a true centre (sd of a cluster mean ≈ 0.07).
  const means = (fit.parameters as GaussianParameters).means;
  for (const [x, y] of centres) {
    assert.ok([0, 1, 2, 3, 4].some((k) => Math.hypot(means[2 * k]! - x!, means[2 * k + 1]! - y!) < 0.3), `no mean near (${x}, ${y})`);
  }
});

test('MAP adds the log prior to the objective and a strong Dirichlet prior pulls the weights to equal', async () => {
  const skewed = gaussianMixtureData(400, [[-5, 0], [5, 0]], [1, 1], [0.9, 0.1], 4);
  const base: MixtureProblem = { data: skewed, rows: 400, columns: 2, components: 2, family: { kind: 'gaussian' }, weightsPrior: { concentration: Float64Array.from([2001, 2001]) } };
  const ml = await fitMixture(base, { init: 'kmeans++', seed: 1, tolerance: 1e-9 });
  const map = await fitMixture(base, { init: 'kmeans++', seed: 1, tolerance: 1e-9, estimator: 'map' });
  assert.ok(ml.ok && map.ok);
  const mlSmall = Math.min(...ml.fit.parameters.weights);
  const mapSmall = Math.min(...map.fit.parameters.weights);
  assert.ok(mlSmall < 0.15, `ML weights ${ml.fit.parameters.weights}`);
  // The mode (n_k + 2000)/(400 + 4000): the small component's 40-odd rows give about (40 + 2000)/4400 ≈ 0.46.
  assert.ok(mapSmall > 0.45 && mapSmall < 0.47, `MAP weights ${map.fit.parameters.weights}`);
  assert.ok(map.fit.objective !== map.fit.logLikelihood);
  assert.ok(map.fit.logLikelihood < ml.fit.logLikelihood, 'the prior costs likelihood');
});
