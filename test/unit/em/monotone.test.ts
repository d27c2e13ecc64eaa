/**
 * Plain EM (and ECM for MAP) never decreases its objective: the
 * log-likelihood for ML, the log posterior for MAP. Checked on every
 * iteration of overlapping mixtures (so that EM runs many iterations),
 * several seeds and both starts, both families, with and without missing
 * values.
 *
 * Tolerance: the objective is a sum of n ≤ 3000 row terms, so rounding
 * moves it by about n·ε·|L| ≈ 7e-13·|L| at most; reg_covar = 1e-6 moves the
 * M-step off the exact maximiser by O(reg²) per row. A decrease beyond
 * 1e-10·|L| is therefore a real one (an M-step that is not a maximiser, a
 * wrong E-step).
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { fitMixture } from '../../../src/engine/em/fitMixture';
import type { MixtureOptions, MixtureProblem } from '../../../src/engine/em/types';
import { Random } from '../../../src/engine/random/rng';
import { bernoulliMixtureData, gaussianMixtureData } from './helpers';

const RELATIVE = 1e-10;

function assertNeverDecreases(curve: Float64Array, label: string): void {
  assert.ok(curve.length > 5, `${label}: only ${curve.length} iterations, too few to test anything`);
  for (let t = 1; t < curve.length; t++) {
    const drop = curve[t - 1]! - curve[t]!;
    assert.ok(drop <= RELATIVE * Math.abs(curve[t - 1]!), `${label}: the objective fell by ${drop} at iteration ${t}`);
  }
}

/** Marks about a fraction of the values missing (never a whole row). */
function withMissing(data: Float64Array, d: number, fraction: number, seed: number): Float64Array {
  const random = new Random(seed);
  const out = Float64Array.from(data);
  for (let i = 0; i < out.length / d; i++) {
    const keep = Math.floor(random.uniform() * d);
    for (let j = 0; j < d; j++) if (j !== keep && random.uniform() < fraction) out[i * d + j] = Number.NaN;
  }
  return out;
}

const overlapping = gaussianMixtureData(3000, [[0, 0, 0], [1.5, 0.5, 0], [0, 2, 1]], [1, 0.8, 1.2], [0.5, 0.3, 0.2], 7);
const gaussian = (data: Float64Array): MixtureProblem => ({ data, rows: 3000, columns: 3, components: 3, family: { kind: 'gaussian' } });

async function curveOf(problem: MixtureProblem, options: MixtureOptions): Promise<Float64Array> {
  const outcome = await fitMixture(problem, { tolerance: 1e-9, maxIterations: 300, ...options });
  assert.ok(outcome.ok);
  assert.ok(!outcome.fit.diagnostics.some((d) => d.code === 'objective-decrease'), JSON.stringify(outcome.fit.diagnostics));
  return outcome.fit.objectiveCurve;
}

test('Gaussian mixture, maximum likelihood: the log-likelihood never decreases (5 seeds × 2 starts)', async () => {
  for (let seed = 1; seed <= 5; seed++) {
    for (const init of ['random', 'kmeans++'] as const) assertNeverDecreases(await curveOf(gaussian(overlapping), { init, seed }), `${init} seed ${seed}`);
  }
});

test('Gaussian mixture, MAP by ECM (Dirichlet, dmnorm and dwish priors): the log posterior never decreases', async () => {
  const problem: MixtureProblem = {
    ...gaussian(overlapping),
    family: {
      kind: 'gaussian',
      meanPrior: { mean: Float64Array.from([0, 0, 0]), precision: Float64Array.from([0.5, 0, 0, 0, 0.5, 0, 0, 0, 0.5]) },
      precisionPrior: { scale: Float64Array.from([2, 0, 0, 0, 2, 0, 0, 0, 2]), df: 5 },
    },
    weightsPrior: { concentration: Float64Array.from([2, 2, 2]) },
  };
  for (let seed = 1; seed <= 4; seed++) assertNeverDecreases(await curveOf(problem, { estimator: 'map', init: 'random', seed }), `MAP seed ${seed}`);
});

test('Gaussian mixture with 20 % of the values missing: the observed-data log-likelihood never decreases', async () => {
  for (let seed = 1; seed <= 3; seed++) {
    assertNeverDecreases(await curveOf(gaussian(withMissing(overlapping, 3, 0.2, seed)), { init: 'random', seed }), `missing seed ${seed}`);
  }
});

const binary = bernoulliMixtureData(2000, [[0.8, 0.7, 0.6, 0.2, 0.3, 0.1], [0.3, 0.6, 0.5, 0.7, 0.6, 0.4], [0.1, 0.2, 0.6, 0.5, 0.8, 0.9]], [0.4, 0.35, 0.25], 3);
const bernoulli = (data: Float64Array): MixtureProblem => ({ data, rows: 2000, columns: 6, components: 3, family: { kind: 'bernoulli' } });

test('Bernoulli mixture, ML and MAP, complete and with missing values: the objective never decreases', async () => {
  for (let seed = 1; seed <= 4; seed++) {
    assertNeverDecreases(await curveOf(bernoulli(binary), { init: 'random', seed }), `ML seed ${seed}`);
    assertNeverDecreases(await curveOf(bernoulli(withMissing(binary, 6, 0.15, seed)), { init: 'kmeans++', seed }), `missing seed ${seed}`);
    const map: MixtureProblem = { ...bernoulli(binary), family: { kind: 'bernoulli', probabilityPrior: { a: 2, b: 2 } }, weightsPrior: { concentration: Float64Array.from([3, 3, 3]) } };
    assertNeverDecreases(await curveOf(map, { estimator: 'map', init: 'random', seed }), `MAP seed ${seed}`);
  }
});

test('a decrease beyond rounding is reported: a huge reg_covar makes the M-step miss the maximum', async () => {
  // Start at the ML fit, then add 10 to every covariance diagonal per M-step: the log-likelihood must fall.
  const fitted = await fitMixture(gaussian(overlapping), { init: 'kmeans++', seed: 1, tolerance: 1e-8, maxIterations: 300 });
  assert.ok(fitted.ok);
  const outcome = await fitMixture(gaussian(overlapping), { init: fitted.fit.parameters, regCovar: 10, maxIterations: 5 });
  assert.ok(outcome.ok);
  const decrease = outcome.fit.diagnostics.find((d) => d.code === 'objective-decrease');
  assert.ok(decrease && decrease.iteration === 2 && /decreased by .* at iteration 2, beyond rounding/.test(decrease.message), JSON.stringify(outcome.fit.diagnostics));
});
