/**
 * Degenerate problems give a clear diagnostic and either a usable fit
 * (finite parameters, finite objective) or a clean stop; never NaN.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { fitMixture } from '../../../src/engine/em/fitMixture';
import { fitMixtureOnline, rowBlocksOf } from '../../../src/engine/em/online';
import type { GaussianParameters, MixtureFit, MixtureOptions, MixtureOutcome, MixtureProblem } from '../../../src/engine/em/types';
import { choleskyInPlace } from '../../../src/engine/math/linalg';
import { allFinite, gaussianMixtureData } from './helpers';

const twoClusters = gaussianMixtureData(400, [[-4, 0], [4, 0]], [1, 1], [0.5, 0.5], 11);
const gaussian = (data: Float64Array, components: number, columns = 2): MixtureProblem => ({
  data, rows: data.length / columns, columns, components, family: { kind: 'gaussian' },
});

function usable(outcome: MixtureOutcome): MixtureFit {
  assert.ok(outcome.ok, outcome.ok ? '' : JSON.stringify(outcome.diagnostics));
  const { fit } = outcome;
  const p = fit.parameters as GaussianParameters;
  assert.ok(allFinite(p.weights, p.means, p.covariances), 'parameters must be finite');
  assert.ok(Number.isFinite(fit.logLikelihood) && Number.isFinite(fit.bic));
  const d = Math.round(Math.sqrt(p.covariances.length / p.weights.length));
  for (let k = 0; k < p.weights.length; k++) assert.ok(choleskyInPlace(p.covariances.slice(k * d * d, (k + 1) * d * d), d), `covariance ${k + 1} positive definite`);
  return fit;
}

function stopsWith(outcome: MixtureOutcome, code: string): string {
  assert.ok(!outcome.ok, 'expected a clean stop');
  const found = outcome.diagnostics.find((d) => d.code === code);
  assert.ok(found, `expected ${code} among ${JSON.stringify(outcome.diagnostics)}`);
  assert.equal(found.severity, 'error');
  return found.message;
}

test('an empty component (a start far from every row) is reported, weighs 0, and keeps finite parameters', async () => {
  const start: GaussianParameters = {
    kind: 'gaussian',
    weights: Float64Array.from([0.4, 0.4, 0.2]),
    means: Float64Array.from([-3, 0, 3, 0, 100, 100]),
    covariances: Float64Array.from([1, 0, 0, 1, 1, 0, 0, 1, 1, 0, 0, 1]),
  };
  const fit = usable(await fitMixture(gaussian(twoClusters, 3), { init: start, tolerance: 1e-8 }));
  const empty = fit.diagnostics.find((d) => d.code === 'empty-component');
  assert.ok(empty && empty.component === 2 && /Component 3 is empty/.test(empty.message), JSON.stringify(fit.diagnostics));
  assert.ok(fit.parameters.weights[2]! < 1e-12);
  assert.ok(fit.converged);
  assert.ok(Math.abs(fit.meanLogLikelihood - (fit.logLikelihood / 400)) < 1e-12);
});

test('a singular covariance (a cluster on a line, reg_covar = 0) gets a ridge and a diagnostic', async () => {
  const data = Float64Array.from(twoClusters);
  for (let i = 0; i < 400; i++) if (data[i * 2]! > 0) data[i * 2 + 1] = 2; // the right cluster lies on y = 2
  const fit = usable(await fitMixture(gaussian(data, 2), { regCovar: 0, init: 'kmeans++', seed: 1 }));
  const singular = fit.diagnostics.find((d) => d.code === 'singular-covariance');
  assert.ok(singular && /was added to its diagonal/.test(singular.message), JSON.stringify(fit.diagnostics));
});

test('as many components as rows, reg_covar = 0: every component collapses onto a row, yet the fit stays finite', async () => {
  const data = Float64Array.from([0, 0, 1, 0, 0, 1, 3, 3]);
  const fit = usable(await fitMixture(gaussian(data, 4), { regCovar: 0, init: 'kmeans++', seed: 2, maxIterations: 20 }));
  assert.ok(fit.diagnostics.some((d) => d.code === 'singular-covariance'));
});

test('more components than rows is a clean stop that says how many components fit', async () => {
  const message = stopsWith(await fitMixture(gaussian(Float64Array.from([0, 0, 1, 1, 2, 2]), 4), {}), 'too-many-components');
  assert.match(message, /4 components but only 3 row\(s\).*at most 3/);
});

test('an infinite value is a clean stop naming its row and column; NaN is a missing value, not an error', async () => {
  const data = Float64Array.from(twoClusters);
  data[7 * 2 + 1] = Number.POSITIVE_INFINITY;
  const outcome = await fitMixture(gaussian(data, 2), {});
  stopsWith(outcome, 'non-finite-data');
  assert.ok(!outcome.ok && outcome.diagnostics[0]!.row === 7 && outcome.diagnostics[0]!.column === 1);
  assert.match(outcome.ok ? '' : outcome.diagnostics[0]!.message, /Row 8, column 2 is Infinity/);

  data[7 * 2 + 1] = Number.NaN;
  data[9 * 2] = Number.NaN;
  data[9 * 2 + 1] = Number.NaN; // a row with nothing observed
  const fit = usable(await fitMixture(gaussian(data, 2), { init: 'kmeans++', seed: 3 }));
  assert.ok(Number.isFinite(fit.perSampleLogLikelihood[7]!));
  assert.ok(Math.abs(fit.perSampleLogLikelihood[9]!) < 1e-12); // the marginal of no columns: log Σ w_k = 0
});

test('a Bernoulli mixture refuses values other than 0, 1 and NA', async () => {
  const data = Float64Array.from([0, 1, 1, 0, 0.5, 1]);
  const outcome = await fitMixture({ data, rows: 3, columns: 2, components: 2, family: { kind: 'bernoulli' } }, {});
  assert.match(stopsWith(outcome, 'non-binary-data'), /Row 3, column 1 is 0.5/);
});

test('bad options, priors and starting values are clean stops with a reason', async () => {
  const problem = gaussian(twoClusters, 2);
  const bad: [MixtureOptions, string, RegExp][] = [
    [{ tolerance: -1 }, 'invalid-option', /tolerance/],
    [{ restarts: 0 }, 'invalid-option', /restarts/],
    [{ annealing: { growth: 1 } }, 'invalid-option', /growth/],
    [{ threads: 1.5 }, 'invalid-option', /threads/],
    [{ init: { kind: 'bernoulli', weights: Float64Array.from([0.5, 0.5]), probabilities: new Float64Array(4) } }, 'invalid-parameters', /bernoulli mixture/],
    [
      { init: { kind: 'gaussian', weights: Float64Array.from([0.5, 0.5]), means: new Float64Array(4), covariances: Float64Array.from([1, 2, 2, 1, 1, 0, 0, 1]) } },
      'invalid-parameters',
      /component 1 is not symmetric positive definite/,
    ],
  ];
  for (const [options, code, message] of bad) assert.match(stopsWith(await fitMixture(problem, options), code), message);

  const dirichlet = { ...problem, weightsPrior: { concentration: Float64Array.from([0.5, 1]) } };
  assert.match(stopsWith(await fitMixture(dirichlet, { estimator: 'map' }), 'invalid-prior'), /concentration below 1 has no posterior mode/);
  assert.ok((await fitMixture(dirichlet, { estimator: 'ml' })).ok, 'priors are ignored for maximum likelihood');
  const wishart: MixtureProblem = { ...problem, family: { kind: 'gaussian', precisionPrior: { scale: Float64Array.from([1, 0, 0, 1]), df: 0.5 } } };
  assert.match(stopsWith(await fitMixture(wishart, { estimator: 'map' }), 'invalid-prior'), /degrees of freedom must exceed 1/);
});

test('a worker script that does not exist falls back to one thread with a warning', async () => {
  const big = gaussianMixtureData(30000, [[-4, 0], [4, 0]], [1, 1], [0.5, 0.5], 5);
  const fit = usable(await fitMixture(gaussian(big, 2), { threads: 2, workerScript: '/no/such/worker.js', seed: 1 }));
  assert.ok(fit.diagnostics.some((d) => d.code === 'threads-unavailable' && d.severity === 'warning'));
});

test('an aborted fit stops at the next iteration with the parameters so far', async () => {
  const controller = new AbortController();
  const overlapping = gaussianMixtureData(2000, [[0, 0], [1, 0.5]], [1, 1], [0.5, 0.5], 2);
  const outcome = await fitMixture(gaussian(overlapping, 2), { init: 'random', tolerance: 0, maxIterations: 1000, signal: controller.signal }, (r) => {
    if (r.iteration === 3) controller.abort();
  });
  const fit = usable(outcome);
  assert.equal(fit.status, 'cancelled');
  assert.equal(fit.iterations, 3);
});

test('online EM refuses a step exponent outside (0.5, 1] and an empty source', async () => {
  const source = rowBlocksOf(twoClusters, 400, 2);
  const spec = { components: 2, family: { kind: 'gaussian' as const } };
  for (const kappa of [0.5, 1.2]) {
    const outcome = await fitMixtureOnline(source, spec, { kappa });
    assert.ok(!outcome.ok && /kappa must be in \(0.5, 1\]/.test(outcome.diagnostics[0]!.message));
  }
  const empty = await fitMixtureOnline(rowBlocksOf(new Float64Array(0), 0, 2), spec, {});
  assert.ok(!empty.ok && empty.diagnostics[0]!.code === 'no-data');
});
