/**
 * VI says when its answer is not a maximum, on both paths (the mixture
 * kernel and the generic coordinate ascent): a symmetric fixed point
 * (components holding data with identical factors) is left by a move off it
 * or reported as degenerate, never "converged"; components emptied at their
 * prior are counted as VI's answer for surplus components (Bishop PRML
 * §10.2.4), as scikit-learn's BayesianGaussianMixture counts them by weight.
 */
import assert from 'node:assert/strict';
import { resolve } from 'node:path';
import { test } from 'node:test';
import { runFit } from '../../../src/engine/fit/runFit';
import { readRequest } from '../../../src/engine/job/job';
import { compileModel } from '../../../src/engine/model/compile';
import type { FitOutput } from '../../../src/engine/output/fitOutput';
import { MixtureFactors } from '../../../src/engine/vi/mixture/mixtureFactors';
import { identicalComponentGroups, splitStart } from '../../../src/engine/vi/mixture/mixtureSymmetry';
import { fitVariational } from '../../../src/engine/vi/runVi';
import { wishartMixture } from './models';
import { GAUSSIAN_MIXTURE_MODEL } from '../fit/degenerateModels';

const EXAMPLES = resolve(__dirname, '../../../examples/vi');

/** The same request on the unrolled graph (generic coordinate ascent), bypassing the plate match. */
function fitGeneric(source: string, baseDirectory?: string): FitOutput {
  const request = readRequest('fit', source, {}, () => 1, baseDirectory ? { baseDirectory } : {});
  const output = { messages: [], objective: { kind: 'elbo', values: [] } } as unknown as FitOutput;
  fitVariational(compileModel(request.document, request.data), request, output, () => {}, () => false);
  return output;
}

const means = (output: FitOutput, k: number): number[] => (output.params ?? []).filter((p) => p.name.startsWith(`mu[${k},`)).map((p) => p.value);

/** Both components at one point with equal weights: the updates keep them identical, an exact symmetric point. */
const SYMMETRIC_START = `inits list(mu = structure(c(0, 0, 0, 0), .Dim = c(2, 2)), Omega = structure(c(1, 0, 0, 1, 1, 0, 0, 1), .Dim = c(2, 2, 2)), w = c(0.5, 0.5))`;

test('VI on the mixture kernel leaves a symmetric given start by a split along the principal axis, and says so', async () => {
  const output = await runFit(readRequest('fit', `${wishartMixture()}\n${SYMMETRIC_START}\nfit with vi(seed = 1)`, {}, () => 1));
  assert.match(output.engine, /Gaussian mixture kernel/);
  assert.ok(output.messages.some((m) => /Components 1 and 2 of z are identical: every row of x is as likely under each at iteration \d+: split along their principal axis .* the ELBO rose/.test(m.message)), JSON.stringify(output.messages));
  assert.equal(output.status, 'converged');
  assert.ok(!(output.diagnostics ?? []).some((d) => d.kind === 'symmetric-point'));
  // The clusters are centred at (−2, 1) and (2, −1) (models.ts): the components end at them, not at their average.
  const [a, b] = [means(output, 1), means(output, 2)];
  assert.ok(Math.abs(a[0]! - b[0]!) > 3, `${a} vs ${b}`);
  assert.deepEqual(output.variational!.effectiveComponents!.map((e) => e.effective), [2]);
});

test('VI on the mixture kernel and on the generic path reach the same bound from the symmetric start (each by its own move off it)', async () => {
  const source = `${wishartMixture()}\n${SYMMETRIC_START}\nfit with vi(seed = 1, restarts = 1)`;
  const kernel = await runFit(readRequest('fit', source, {}, () => 1));
  const generic = fitGeneric(source);
  assert.equal(generic.status, 'converged');
  // One optimum: equal to the stopping tolerance (1e-6 relative by default, of a bound of about −158).
  assert.ok(Math.abs(kernel.variational!.elbo - generic.variational!.elbo) < 1e-3, `${kernel.variational!.elbo} vs ${generic.variational!.elbo}`);
});

test('stochastic VI from a symmetric start ends there and reports it: degenerate, with the symmetric-point finding', async () => {
  const output = await runFit(readRequest('fit', `${wishartMixture()}\n${SYMMETRIC_START}\nfit with svi(seed = 1, batch = 10, epochs = 2)`, {}, () => 1));
  assert.match(output.engine, /stochastic VI/);
  assert.equal(output.status, 'degenerate');
  assert.equal(output.converged, false);
  assert.match(output.diagnostics!.find((d) => d.kind === 'symmetric-point')!.message, /Components 1 and 2 of z are identical.*fixed point of VI/);
});

const FAITHFUL = `${GAUSSIAN_MIXTURE_MODEL}
data from "faithful.csv" with (x = c(eruptions, waiting), N = length(eruptions))
data list(K = 6, alpha = c(0.01, 0.01, 0.01, 0.01, 0.01, 0.01), m0 = c(3, 70),
  P0 = structure(c(1e-3, 0, 0, 1e-3), .Dim = c(2, 2)), R = structure(c(1, 0, 0, 1), .Dim = c(2, 2)))
fit with vi(seed = 8)`;
// The seed decides which optimum the random starts reach. With the ziggurat's normals the generic path reaches PRML's
// (ELBO −1187.87, 2 components) for seeds 5 and 8 of 1–8 and a worse one (−1199.49, a third component of 6.5 rows)
// for the others, and the kernel at seed 5 the worse one too; on the polar-method normals seed 1 reached PRML's and
// seeds 2 and 3 did not. That the starts so often miss the better optimum is a finding of its own, not tested here.

test('Old Faithful with K = 6 and α = 0.01 (PRML §10.2): 2 effective components, 4 emptied, converged — on the kernel and on the generic path', async () => {
  const kernel = await runFit(readRequest('fit', FAITHFUL, {}, () => 1, { baseDirectory: EXAMPLES }));
  const generic = fitGeneric(FAITHFUL, EXAMPLES);
  assert.match(kernel.engine, /Gaussian mixture kernel/);
  // The picture marks them, so that the view hides their prior-wide ellipses.
  assert.deepEqual(kernel.mixture!.components.flatMap((c, k) => (c.emptied ? [k + 1] : [])), kernel.variational!.effectiveComponents![0]!.emptied);
  for (const [path, output] of [['kernel', kernel], ['generic', generic]] as const) {
    assert.equal(output.status, 'converged', `${path}: ${JSON.stringify(output.messages)}`);
    const [e] = output.variational!.effectiveComponents!;
    assert.equal(e!.variable, 'z');
    assert.equal(e!.components, 6);
    assert.equal(e!.effective, 2, `${path}: ${JSON.stringify(e)}`);
    assert.equal(e!.emptied.length, 4);
    // Every row is in a kept component: their expected rows sum to the 272 eruptions.
    const held = e!.expectedRows.filter((_, k) => !e!.emptied.includes(k + 1)).reduce((s, n) => s + n, 0);
    assert.ok(Math.abs(held - 272) < 1e-3, `${path}: ${held}`);
    assert.ok(output.messages.some((m) => /^2 of 6 components of z hold data: components .* hold less than one row .* not a failure/.test(m.message)), `${path}: ${JSON.stringify(output.messages)}`);
  }
});

test('identical components are a symmetric point only when both hold data; the split moves a group apart along its widest axis', () => {
  const priors = { concentration: Float64Array.of(1, 1, 1, 1), mean: Float64Array.of(0, 0), precision: Float64Array.of(0.01, 0, 0, 0.01), scale: Float64Array.of(1, 0, 0, 1), df: 3 };
  const f = new MixtureFactors(4, 2, priors);
  // Components 1 and 2 identical with 10 rows each, 3 and 4 identical and empty (α at the prior), 3 different from 1.
  f.alpha.set([11, 11, 1, 1]);
  f.df.set([13, 13, 3, 3]);
  f.mean.set([1, 2, 1, 2, 0, 0, 0, 0]);
  f.covariance.set([0.1, 0, 0, 0.1, 0.1, 0, 0, 0.1, 100, 0, 0, 100, 100, 0, 0, 100]);
  // R/ν = diag(4, 1) for the pair: its widest axis is the first coordinate.
  f.R.set([52, 0, 0, 13, 52, 0, 0, 13, 1, 0, 0, 1, 1, 0, 0, 1]);
  assert.deepEqual(identicalComponentGroups(f), [[0, 1]]);
  const start = splitStart(f, [[0, 1]], 1);
  // One sd (2) apart along the first axis, centred on the shared mean; the second coordinate unmoved.
  assert.deepEqual(Array.from(start.means.subarray(0, 4)).map((v) => Number(v.toFixed(9))), [0, 2, 2, 2]);
  assert.equal(start.weights[0], start.weights[1]);
  f.alpha.set([11, 0.5 + 1, 1, 1]);
  assert.deepEqual(identicalComponentGroups(f), [], 'component 2 holds half a row: emptied, not a saddle');
});
