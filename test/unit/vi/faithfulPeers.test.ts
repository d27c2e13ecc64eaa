/**
 * Bishop's PRML §10.2 example (fig. 10.6), written from its description: Old
 * Faithful fitted with K = 6 components and a small Dirichlet concentration,
 * where VB empties the surplus components. Compared with BayesPy 0.5.22 (the
 * same model, start and update order: the same bound) and scikit-learn 1.2.1's
 * BayesianGaussianMixture (a Normal-Wishart prior, so only the components it
 * keeps and their weights), whose figures bench/viFaithfulPeers.py wrote into
 * test/fixtures/vi/faithful-k6-peers.json.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { test } from 'node:test';
import { runFit } from '../../../src/engine/fit/runFit';
import { readRequest } from '../../../src/engine/job/job';
import { GAUSSIAN_MIXTURE_MODEL } from '../fit/degenerateModels';
import { relative } from './helpers';

const EXAMPLES = resolve(__dirname, '../../../examples/vi');
const PEERS = JSON.parse(readFileSync(resolve(__dirname, '../../fixtures/vi/faithful-k6-peers.json'), 'utf8')) as {
  start_means: number[][];
  bayespy: { elbo: string; iterations: number; expected_rows: number[]; effective: number };
  sklearn: { effective: number; kept_weights: number[] };
};

const MODEL = `${GAUSSIAN_MIXTURE_MODEL}
data from "faithful.csv" with (x = c(eruptions, waiting), N = length(eruptions))
data list(K = 6, alpha = c(0.01, 0.01, 0.01, 0.01, 0.01, 0.01), m0 = c(3, 70),
  P0 = structure(c(1e-3, 0, 0, 1e-3), .Dim = c(2, 2)), R = structure(c(1, 0, 0, 1), .Dim = c(2, 2)))`;

const fit = (tail: string) => runFit(readRequest('fit', `${MODEL}\n${tail}`, {}, () => 1, { baseDirectory: EXAMPLES }));

test('from BayesPy\'s start, the kernel gives BayesPy\'s bound, iterations and expected rows: a local optimum with 3 of 6 components, reported as such', async () => {
  const m = PEERS.start_means;
  const inits = `inits list(mu = structure(c(${[...m.map((r) => r[0]), ...m.map((r) => r[1])].join(', ')}), .Dim = c(6, 2)), Omega = structure(rep(c(1, 0, 0, 1), 6), .Dim = c(2, 2, 6)), w = rep(0.1666666666666667, 6))`;
  const output = await fit(`${inits}\nfit with vi(init = "given", tol = 1e-12, iterations = 2000)`);
  assert.match(output.engine, /Gaussian mixture kernel/);
  assert.equal(output.status, 'converged');
  // The same updates in the same order; sums in another order round at ~1e-15 of the bound.
  assert.ok(relative(output.variational!.elbo, Number(PEERS.bayespy.elbo)) < 1e-9, `${output.variational!.elbo} vs BayesPy ${PEERS.bayespy.elbo}`);
  assert.equal(output.iteration, PEERS.bayespy.iterations);
  const [e] = output.variational!.effectiveComponents!;
  assert.equal(e!.effective, PEERS.bayespy.effective);
  e!.expectedRows.forEach((n, k) => assert.ok(Math.abs(n - PEERS.bayespy.expected_rows[k]!) < 1e-6, `component ${k + 1}: ${n} vs ${PEERS.bayespy.expected_rows[k]}`));
});

test('from the default starts (k-means++, several), VI keeps the 2 components scikit-learn keeps, with its weights, and a higher bound than the 3-component optimum', async () => {
  const output = await fit('fit with vi(seed = 1)');
  assert.equal(output.status, 'converged');
  const [e] = output.variational!.effectiveComponents!;
  assert.equal(e!.effective, PEERS.sklearn.effective);
  const weights = (output.params ?? []).filter((p) => /^w\[/.test(p.name)).map((p) => p.value);
  const kept = weights.filter((_, k) => !e!.emptied.includes(k + 1)).sort((a, b) => a - b);
  // The priors differ (independent factors here, Normal-Wishart in scikit-learn) by much less than one row's weight, 1/272 ≈ 0.004.
  kept.forEach((w, k) => assert.ok(Math.abs(w - PEERS.sklearn.kept_weights[k]!) < 1e-3, `weight ${w} vs scikit-learn ${PEERS.sklearn.kept_weights[k]}`));
  assert.ok(output.variational!.elbo > Number(PEERS.bayespy.elbo) + 1, `${output.variational!.elbo} vs ${PEERS.bayespy.elbo}`);
});
