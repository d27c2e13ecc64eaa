/**
 * VI on models written from their published descriptions, each against
 * BayesPy 0.5.22 on the same data (bench/viPublishedPeers.py wrote the data
 * and BayesPy's answers into test/fixtures/vi/published-models-peers.json;
 * its docstring gives each model's source). With the same start and update
 * order the bound agrees at every iteration, so the iteration counts match;
 * from our own starts the converged bounds agree to the stopping tolerance.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { test } from 'node:test';
import { runFit } from '../../../src/engine/fit/runFit';
import { readRequest } from '../../../src/engine/job/job';
import type { FitOutput } from '../../../src/engine/output/fitOutput';
import { relative } from './helpers';

interface PoissonFit { K: number; alpha: number; start: number[]; elbo: string; iterations: number; lambda: number[]; expected_rows: number[] }
const PEERS = JSON.parse(readFileSync(resolve(__dirname, '../../fixtures/vi/published-models-peers.json'), 'utf8')) as {
  poisson: PoissonFit & { y: number[] };
  poisson_surplus: PoissonFit;
  bernoulli: { x: number[][]; elbo: string };
  ard: { X: number[][]; y: number[]; elbo: string; iterations: number; b: number[]; a: number[]; tau: number };
};

/** R's column-major layout of a matrix given by rows. */
const byColumn = (m: number[][]): number[] => m[0]!.flatMap((_, j) => m.map((r) => r[j]!));
const fit = (source: string): Promise<FitOutput> => runFit(readRequest('fit', source, {}, () => 1));
const value = (output: FitOutput, name: string): number => output.params!.find((p) => p.name === name)!.value;

function poissonMixture(f: PoissonFit): string {
  const { y } = PEERS.poisson;
  // BayesPy starts q(w) at its prior: equal weights.
  return `model {
  for (i in 1:N) { z[i] ~ dcat(w[]); y[i] ~ dpois(lambda[z[i]]) }
  for (k in 1:K) { lambda[k] ~ dgamma(1, 0.1) }
  w[1:K] ~ ddirch(alpha[])
}
data list(N = ${y.length}, K = ${f.K}, alpha = rep(${f.alpha}, ${f.K}), y = c(${y.join(', ')}))
inits list(lambda = c(${f.start.join(', ')}), w = rep(${1 / f.K}, ${f.K}))
fit with vi(init = "given", tol = 1e-12, iterations = 2000, restarts = 1)`;
}

test('a 1-D mixture of Poissons (gamma rates): BayesPy\'s bound, iterations and rates from its start', async () => {
  const peer = PEERS.poisson;
  const output = await fit(poissonMixture(peer));
  assert.equal(output.status, 'converged');
  assert.ok(relative(output.variational!.elbo, Number(peer.elbo)) < 1e-9, `${output.variational!.elbo} vs BayesPy ${peer.elbo}`);
  assert.equal(output.iteration, peer.iterations);
  peer.lambda.forEach((l, k) => assert.ok(relative(value(output, `lambda[${k + 1}]`), l) < 1e-8, `lambda[${k + 1}]`));
});

test('the Poisson mixture with K = 6 and α = 0.01: the components BayesPy empties are emptied and counted, the fit converged', async () => {
  const peer = PEERS.poisson_surplus;
  const output = await fit(poissonMixture(peer));
  assert.equal(output.status, 'converged', JSON.stringify(output.messages));
  assert.ok(relative(output.variational!.elbo, Number(peer.elbo)) < 1e-9, `${output.variational!.elbo} vs BayesPy ${peer.elbo}`);
  const [e] = output.variational!.effectiveComponents!;
  assert.equal(e!.effective, peer.expected_rows.filter((n) => n >= 1).length);
  e!.expectedRows.forEach((n, k) => assert.ok(Math.abs(n - peer.expected_rows[k]!) < 1e-6, `component ${k + 1}: ${n} vs ${peer.expected_rows[k]}`));
  assert.ok(output.messages.some((m) => /^3 of 6 components of z hold data/.test(m.message)), JSON.stringify(output.messages));
});

test('a Bayesian mixture of Bernoullis (beta priors): from k-means++ starts, BayesPy\'s converged bound; three components in use', async () => {
  const { x, elbo } = PEERS.bernoulli;
  const output = await fit(`model {
  for (i in 1:N) { z[i] ~ dcat(w[])
    for (d in 1:D) { x[i, d] ~ dbern(p[z[i], d]) } }
  for (k in 1:K) { for (d in 1:D) { p[k, d] ~ dbeta(0.5, 0.5) } }
  w[1:K] ~ ddirch(alpha[])
}
data list(N = ${x.length}, D = 8, K = 3, alpha = c(1, 1, 1), x = structure(c(${byColumn(x).join(', ')}), .Dim = c(${x.length}, 8)))
fit with vi(seed = 1, tol = 1e-12, iterations = 1000)`);
  assert.equal(output.status, 'converged');
  // Converged bounds of one optimum: equal to about the tolerance 1e-12 times the iterations' approach, far inside 1e-8.
  assert.ok(relative(output.variational!.elbo, Number(elbo)) < 1e-8, `${output.variational!.elbo} vs BayesPy ${elbo}`);
  assert.equal(output.variational!.effectiveComponents![0]!.effective, 3);
});

test('Bayesian linear regression with ARD: BayesPy\'s bound and iterations; the irrelevant covariates get large precisions', async () => {
  const peer = PEERS.ard;
  const output = await fit(`model {
  for (j in 1:D) { b[j] ~ dnorm(0, a[j]); a[j] ~ dgamma(1.0E-3, 1.0E-3) }
  tau ~ dgamma(1.0E-3, 1.0E-3)
  for (i in 1:N) { y[i] ~ dnorm(inprod(X[i, ], b[]), tau) }
}
data list(N = ${peer.y.length}, D = 6, X = structure(c(${byColumn(peer.X).join(', ')}), .Dim = c(${peer.y.length}, 6)), y = c(${peer.y.join(', ')}))
fit with vi(tol = 1e-13, iterations = 2000)`);
  assert.match(output.engine, /1 Gaussian block factor/);
  assert.equal(output.status, 'converged');
  assert.ok(relative(output.variational!.elbo, Number(peer.elbo)) < 1e-9, `${output.variational!.elbo} vs BayesPy ${peer.elbo}`);
  assert.equal(output.iteration, peer.iterations);
  peer.b.forEach((b, j) => assert.ok(Math.abs(value(output, `b[${j + 1}]`) - b) < 1e-6, `b[${j + 1}]`));
  peer.a.forEach((a, j) => assert.ok(relative(value(output, `a[${j + 1}]`), a) < 1e-6, `a[${j + 1}]`));
  // Covariates 3, 4 and 6 have no effect in the data: their precisions end far above the relevant ones'.
  for (const j of [3, 4, 6]) assert.ok(value(output, `a[${j}]`) > 50, `a[${j}]`);
});
