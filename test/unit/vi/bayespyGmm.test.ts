import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { test } from 'node:test';
import { runFit } from '../../../src/engine/fit/runFit';
import { readRequest } from '../../../src/engine/job/job';
import { relative } from './helpers';

const FIXTURES = resolve(__dirname, '../../fixtures/bench-data');

/** BayesPy 0.5.22 on the same model, data and start (test/fixtures/vi/README.md): the bound after iteration 1, and converged. */
const BAYESPY_FIRST = -3952.2671649389554;
const BAYESPY_CONVERGED = -3896.1533169489558;

test('the BayesPy user-guide Gaussian mixture: the same ELBO as BayesPy from the same start', async () => {
  const init = JSON.parse(readFileSync(join(FIXTURES, 'gmm_d2_k3_n1000.init.json'), 'utf8')) as { means: number[][]; covariances: number[][][] };
  // R fills arrays column-major: mu[k, j] with k fastest; Omega[j, j', k] with j fastest. The precisions are the inverse covariances (I).
  const mu = [0, 1].flatMap((j) => init.means.map((m) => m[j]!));
  const omega = init.covariances.flatMap((c) => {
    const [[a, b], [, d]] = c as [[number, number], [number, number]];
    const det = a * d - b * b;
    return [d / det, -b / det, -b / det, a / det];
  });
  const source = `model {
  for (i in 1:N) {
    z[i] ~ dcat(w[])
    x[i, 1:2] ~ dmnorm(mu[z[i], ], Omega[, , z[i]])
  }
  for (k in 1:K) {
    mu[k, 1:2] ~ dmnorm(m0[], P0[, ])
    Omega[1:2, 1:2, k] ~ dwish(R[, ], 2)
  }
  w[1:K] ~ ddirch(alpha[])
}
data from "gmm_d2_k3_n1000.csv" with (x = c(x1, x2), N = length(x1), z = NULL)
data list(K = 3, alpha = c(1e-3, 1e-3, 1e-3), m0 = c(0, 0), P0 = structure(c(1e-5, 0, 0, 1e-5), .Dim = c(2, 2)),
  R = structure(c(1e-5, 0, 0, 1e-5), .Dim = c(2, 2)))
inits list(mu = structure(c(${mu}), .Dim = c(3, 2)), Omega = structure(c(${omega}), .Dim = c(2, 2, 3)))
fit with vi(tol = 1e-15, iterations = 3000)`;
  const output = await runFit(readRequest('fit', source, {}, () => 1, { baseDirectory: FIXTURES }));
  assert.equal(output.status, 'converged', JSON.stringify(output.messages));
  const curve = output.objective.values;
  // Same start, same update order (z first, from the given means and precisions): the same first step, to rounding.
  assert.ok(relative(curve[0]!, BAYESPY_FIRST) < 1e-12, `${curve[0]} vs ${BAYESPY_FIRST}`);
  // Both stop when the bound moves by < 1e-15 relative; near the maximum the bound is flat to far better than 1e-9.
  assert.ok(relative(output.variational!.elbo, BAYESPY_CONVERGED) < 1e-9, `${output.variational!.elbo} vs ${BAYESPY_CONVERGED}`);
});
