/**
 * Deterministic-annealing EM escapes a poor local optimum that plain EM
 * gets stuck in, from the same start.
 *
 * The documented poor start: three well-separated clusters at x = −6, 0, 6
 * (unit variance, equal weights, 1,500 rows); two components start 0.4 apart
 * inside the left cluster and the third between the middle and right
 * clusters, all with identity covariance. Plain EM keeps the pair splitting
 * the left cluster and covers the other two clusters with one wide
 * component near x = 2.5 (mean log-likelihood −4.232). Annealed EM flattens the
 * responsibilities first, the components meet and then separate one per
 * cluster as β rises (−3.951, the fit of the true clusters).
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { fitMixture } from '../../../src/engine/em/fitMixture';
import type { GaussianParameters, MixtureProblem } from '../../../src/engine/em/types';
import { bernoulliMixtureData, gaussianMixtureData } from './helpers';

const data = gaussianMixtureData(1500, [[-6, 0], [0, 0], [6, 0]], [1, 1, 1], [1 / 3, 1 / 3, 1 / 3], 21);
const problem: MixtureProblem = { data, rows: 1500, columns: 2, components: 3, family: { kind: 'gaussian' } };
const poorStart: GaussianParameters = {
  kind: 'gaussian',
  weights: Float64Array.from([1 / 3, 1 / 3, 1 / 3]),
  means: Float64Array.from([-6.2, 0, -5.8, 0, 3, 0]),
  covariances: Float64Array.from([1, 0, 0, 1, 1, 0, 0, 1, 1, 0, 0, 1]),
};

/** The fitted means along x, sorted. */
const xs = (p: GaussianParameters): number[] => [p.means[0]!, p.means[2]!, p.means[4]!].sort((a, b) => a - b);

test('annealed EM escapes the local optimum plain EM stays in, from the same poor start', async () => {
  const plain = await fitMixture(problem, { init: poorStart, tolerance: 1e-8, maxIterations: 2000 });
  const annealed = await fitMixture(problem, { init: poorStart, tolerance: 1e-8, maxIterations: 2000, annealing: { betaStart: 0.3, growth: 1.3 } });
  assert.ok(plain.ok && annealed.ok);
  assert.ok(plain.fit.converged && annealed.fit.converged);
  // The stuck fit: two means inside the left cluster, one between the others.
  const stuck = xs(plain.fit.parameters as GaussianParameters);
  assert.ok(stuck[0]! < -4 && stuck[1]! < -4 && stuck[2]! > 1 && stuck[2]! < 5, `plain EM means ${stuck}`);
  // One mean per cluster: each within 0.2 of −6, 0, 6 (a cluster mean's sd is 1/√500 ≈ 0.045).
  const found = xs(annealed.fit.parameters as GaussianParameters);
  [-6, 0, 6].forEach((x, i) => assert.ok(Math.abs(found[i]! - x) < 0.2, `annealed means ${found}`));
  // Per row, the gain is far beyond any tolerance: 0.28 nats.
  assert.ok(annealed.fit.meanLogLikelihood > plain.fit.meanLogLikelihood + 0.2, `${annealed.fit.meanLogLikelihood} vs ${plain.fit.meanLogLikelihood}`);
  // The β curve rises to 1 and the objective curve has one value per iteration plus the final one.
  const betas = Array.from(annealed.fit.betaCurve);
  assert.ok(betas[0] === 0.3 && betas.at(-1) === 1 && betas.every((b, i) => i === 0 || b >= betas[i - 1]!));
  assert.equal(annealed.fit.objectiveCurve.length, annealed.fit.iterations + 1);
});

test('annealing runs on a Bernoulli mixture and ends at plain EM (β = 1) with a finite fit', async () => {
  const binary = bernoulliMixtureData(1000, [[0.9, 0.9, 0.1, 0.1], [0.1, 0.2, 0.9, 0.8]], [0.5, 0.5], 4);
  const outcome = await fitMixture(
    { data: binary, rows: 1000, columns: 4, components: 2, family: { kind: 'bernoulli' } },
    { init: 'random', seed: 3, annealing: {}, tolerance: 1e-8 },
  );
  assert.ok(outcome.ok && outcome.fit.converged);
  const p = outcome.fit.parameters;
  assert.ok(p.kind === 'bernoulli' && p.probabilities.every(Number.isFinite));
  assert.equal(outcome.fit.betaCurve.at(-1), 1);
  // The two true profiles are recovered (each probability within 0.08: 4 sd of a proportion over ~500 rows).
  const first = p.probabilities[0]! > 0.5 ? 0 : 1;
  const expect = [[0.9, 0.9, 0.1, 0.1], [0.1, 0.2, 0.9, 0.8]];
  for (let j = 0; j < 4; j++) {
    assert.ok(Math.abs(p.probabilities[first * 4 + j]! - expect[0]![j]!) < 0.08);
    assert.ok(Math.abs(p.probabilities[(1 - first) * 4 + j]! - expect[1]![j]!) < 0.08);
  }
});
