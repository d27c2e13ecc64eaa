import { readRequest } from '../../../src/engine/job/job';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { test } from 'node:test';
import { runFit } from '../../../src/engine/fit/runFit';
import { compileModel } from '../../../src/engine/model/compile';
import type { FitOutput } from '../../../src/engine/output/fitOutput';
import { fitVariational } from '../../../src/engine/vi/runVi';
import { relative } from './helpers';
import { bayespyMixture } from '../../../scripts/bayespyMixtureModel';
import { wishartMixture } from './models';
import { ONLINE_EM_MIXTURE } from '../../../scripts/mixtureData';
import { generatedMixtureData, WORKER } from '../em/helpers';

const FIXTURES = resolve(__dirname, '../../fixtures/bench-data');

/** The BayesPy user-guide mixture on the 2-D benchmark data, from the shared start. */
function bayespyModel(options: string): string {
  return bayespyMixture('gmm_d2_k3_n1000', JSON.parse(readFileSync(join(FIXTURES, 'gmm_d2_k3_n1000.init.json'), 'utf8')) as { K: number; D: number; means: number[][] }, options);
}

/** The same request fitted on the unrolled graph (the generic coordinate ascent), bypassing the plate match. */
function fitGeneric(source: string, baseDirectory?: string): FitOutput {
  const request = readRequest('fit', source, {}, () => 1, baseDirectory ? { baseDirectory } : {});
  const output = { messages: [], objective: { kind: 'elbo', values: [] } } as unknown as FitOutput;
  fitVariational(compileModel(request.document, request.data), request, output, () => {}, () => false);
  return output;
}

function assertSameFit(kernel: FitOutput, generic: FitOutput): void {
  // Both paths do the same updates in the same order; they differ only in summation order, ~1e-13 relative.
  const [a, b] = [kernel.objective.values, generic.objective.values];
  assert.equal(a.length, b.length, 'the same number of sweeps (tol = 1e-300: every sweep runs)');
  a.forEach((v, i) => assert.ok(relative(v, b[i]!) < 1e-9, `sweep ${i + 1}: ${v} vs ${b[i]}`));
  const genericNodes = new Map(generic.variational!.nodes.map((n) => [n.name, n]));
  for (const n of kernel.variational!.nodes) {
    const g = genericNodes.get(n.name);
    assert.ok(g, `the generic path has ${n.name}`);
    assert.equal(n.family, g.family, n.name);
    assert.ok(Math.abs(n.mean - g.mean) <= 1e-9 * Math.max(1, Math.abs(g.mean)), `${n.name} mean ${n.mean} vs ${g.mean}`);
    assert.ok(Math.abs(n.sd - g.sd) <= 1e-9 * Math.max(1, g.sd), `${n.name} sd ${n.sd} vs ${g.sd}`);
  }
}

test('the mixture kernel gives the generic coordinate ascent\'s ELBO at every sweep and the same marginals (BayesPy\'s mixture, 1,000 rows)', async () => {
  const source = bayespyModel('tol = 1e-300, iterations = 25, restarts = 1');
  const kernel = await runFit(readRequest('fit', source, {}, () => 1, { baseDirectory: FIXTURES }));
  assert.match(kernel.engine, /Gaussian mixture kernel/);
  assertSameFit(kernel, fitGeneric(source, FIXTURES));
});

test('the mixture kernel gives the generic path\'s fit from k-means++-free given starts on a small mixture with a proper prior', async () => {
  // wishartMixture: 50 rows, K = 2, alpha = 1, P0 = 0.01 I, dwish(I, 3); start from given values.
  const source = `${wishartMixture()}
inits list(mu = structure(c(-1, 1, 0.5, -0.5), .Dim = c(2, 2)), Omega = structure(c(1, 0, 0, 1, 2, 0.3, 0.3, 1), .Dim = c(2, 2, 2)), w = c(0.4, 0.6))
fit with vi(tol = 1e-300, iterations = 12, restarts = 1)`;
  const kernel = await runFit(readRequest('fit', source, {}, () => 1));
  assert.match(kernel.engine, /Gaussian mixture kernel/);
  assertSameFit(kernel, fitGeneric(source));
});

test('an improper prior of a kernel mixture is refused at its statement, with the reason', async () => {
  const improper = (alpha: string, p0: string): string => wishartMixture().replace('alpha = c(1, 1)', `alpha = ${alpha}`).replace('P0 = structure(c(0.01, 0, 0, 0.01)', `P0 = structure(c(${p0})`);
  for (const [alpha, p0, line, pattern] of [
    ['c(0, 1)', '0.01, 0, 0, 0.01', 7, /Dirichlet concentration must be positive/],
    ['c(1, 1)', '0, 0, 0, 0', 4, /precision matrix must be positive definite/],
  ] as const) {
    const output = await runFit(readRequest('fit', `${improper(alpha, p0)}\nfit with vi(seed = 1)`, {}, () => 1));
    assert.equal(output.status, 'failed');
    const error = output.messages.find((m) => m.severity === 'error')!;
    assert.match(error.message, pattern);
    assert.equal(error.range?.startLine, line, error.message);
  }
});

test('surplus and degenerate components give a usable fit, never NaN: K = 6 on 12 rows, two of them repeated', async () => {
  const x = [0, 0, 0, 0, 0.1, 0.2, -0.1, 0.3, 5, 5.2, 4.9, 5.1, 0, 0, 0, 0, 0.2, 0.1, 0.3, -0.2, 5, 5.1, 4.8, 5.3];
  const source = `model {
  for (i in 1:N) { z[i] ~ dcat(w[])
    x[i, 1:2] ~ dmnorm(mu[z[i], ], Omega[, , z[i]]) }
  for (k in 1:K) { mu[k, 1:2] ~ dmnorm(m0[], P0[, ])
    Omega[1:2, 1:2, k] ~ dwish(R[, ], 2) }
  w[1:K] ~ ddirch(alpha[])
}
data list(N = 12, K = 6, alpha = rep(0.01, 6), m0 = c(0, 0), P0 = structure(c(1e-3, 0, 0, 1e-3), .Dim = c(2, 2)),
  R = structure(c(1e-3, 0, 0, 1e-3), .Dim = c(2, 2)), x = structure(c(${x}), .Dim = c(12, 2)))
fit with vi(seed = 3, iterations = 500)`;
  const output = await runFit(readRequest('fit', source, {}, () => 1));
  assert.notEqual(output.status, 'failed', JSON.stringify(output.messages));
  assert.ok(Number.isFinite(output.variational!.elbo));
  for (const n of output.variational!.nodes) assert.ok(Number.isFinite(n.mean) && Number.isFinite(n.sd), `${n.name}: ${n.mean} ± ${n.sd}`);
  for (const v of output.objective.values) assert.ok(Number.isFinite(v));
});

test('the worker-thread E-step gives the one-thread ELBO at every sweep (100,000 rows, 2 threads)', async () => {
  const folder = generatedMixtureData();
  const start = JSON.parse(readFileSync(join(folder, `${ONLINE_EM_MIXTURE.name}.init.json`), 'utf8')) as { K: number; D: number; means: number[][] };
  const fit = (threads: number): Promise<FitOutput> =>
    runFit(readRequest('fit', bayespyMixture(ONLINE_EM_MIXTURE.name, start, `tol = 1e-300, iterations = 4, threads = ${threads}`), {}, () => 1, { baseDirectory: folder }), {
      emWorkerScript: WORKER.workerScript, workerExecArgv: WORKER.workerExecArgv,
    });
  const [one, two] = [await fit(1), await fit(2)];
  assert.ok(!two.messages.some((m) => /one thread/.test(m.message)), JSON.stringify(two.messages));
  // The threads' statistics are summed in another order: equal to rounding, ~1e-15 relative.
  one.objective.values.forEach((v, i) => assert.ok(relative(v, two.objective.values[i]!) < 1e-12, `sweep ${i + 1}: ${v} vs ${two.objective.values[i]}`));
});
