/**
 * EM from the shared start agrees with scikit-learn's GaussianMixture
 * (covariance_type='full', reg_covar=1e-6, tol=1e-6 on the mean
 * log-likelihood, same start from <dataset>.init.json). The reference values
 * are scikit-learn 1.2.1's score() after convergence: −3.73387 (D2, 25
 * iterations; the peer benchmark's figure on its data set, copied into
 * test/fixtures/bench-data) and −7.439743 (D5, 12 iterations, on the data of
 * scripts/mixtureData.ts, by test/unit/fit/references.py). Both algorithms are the same deterministic map from
 * the same start, so the only differences are rounding (~1e-12 here); the
 * 1e-5 tolerance is the acceptance bar of issue 6, and the references carry
 * 6 significant digits (±5e-6).
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { fitMixture } from '../../../src/engine/em/fitMixture';
import { benchMixture, generatedMixtureData, BENCH_DATA, WORKER } from './helpers';

test('D2 K3 (1,000 rows): the converged mean log-likelihood matches scikit-learn, in as many iterations', async () => {
  const { problem, start } = await benchMixture(BENCH_DATA, 'gmm_d2_k3_n1000');
  const outcome = await fitMixture(problem, { init: start, tolerance: 1e-6, maxIterations: 500 });
  assert.ok(outcome.ok);
  const { fit } = outcome;
  assert.ok(fit.converged);
  assert.equal(fit.iterations, 25);
  assert.ok(Math.abs(fit.meanLogLikelihood - -3.73387) < 1e-5, `mean log-likelihood ${fit.meanLogLikelihood}`);
  assert.deepEqual(fit.diagnostics, []);
});

test('D5 K5 (100,000 rows, made by scripts/mixtureData.ts): matches scikit-learn on one thread and with two', async () => {
  const { problem, start } = await benchMixture(generatedMixtureData(), 'gmm_d5_k5_n100000');
  const serial = await fitMixture(problem, { init: start, tolerance: 1e-6, maxIterations: 500, keepResponsibilities: false });
  assert.ok(serial.ok);
  assert.ok(serial.fit.converged);
  assert.equal(serial.fit.iterations, 12);
  assert.ok(Math.abs(serial.fit.meanLogLikelihood - -7.439743) < 1e-5, `mean log-likelihood ${serial.fit.meanLogLikelihood}`);

  const threaded = await fitMixture(problem, { init: start, tolerance: 1e-6, maxIterations: 500, threads: 2, ...WORKER });
  assert.ok(threaded.ok);
  assert.deepEqual(threaded.fit.diagnostics, []);
  assert.equal(threaded.fit.iterations, 12);
  // Two threads sum the rows in another order: the same up to rounding of 10⁵ terms.
  assert.ok(Math.abs(threaded.fit.meanLogLikelihood - serial.fit.meanLogLikelihood) < 1e-10);
  assert.equal(threaded.fit.responsibilities!.length, problem.rows * 5);
});
