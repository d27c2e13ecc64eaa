import assert from 'node:assert/strict';
import { test } from 'node:test';
import { runFit } from '../../../src/engine/fit/runFit';
import { readRequest } from '../../../src/engine/job/job';
import { gaussianMixture1d, wishartMixture } from './models';

const MIXTURES: Record<string, { model: () => string; variable: string; observed: string; components: number }> = {
  '1-D Gaussian mixture': { model: gaussianMixture1d, variable: 'z', observed: 'y', components: 3 },
  'dmnorm/dwish mixture': { model: wishartMixture, variable: 'z', observed: 'x', components: 2 },
};

/** The posterior means of one variable's elements, by component (its first index). */
function byComponent(params: Array<{ name: string; value: number }>, variable: string, components: number): number[][] {
  const rows: number[][] = Array.from({ length: components }, () => []);
  for (const p of params) {
    const m = new RegExp(`^${variable}\\[(.+)\\]$`).exec(p.name);
    if (!m) continue;
    const index = m[1]!.split(',').map((s) => Number(s.trim()));
    // Omega[j, j', k] is indexed by its last subscript; mu[k, j] by its first.
    const k = variable === 'Omega' ? index.at(-1)! : index[0]!;
    rows[k - 1]!.push(p.value);
  }
  return rows;
}

for (const [name, { model, variable, observed, components }] of Object.entries(MIXTURES)) {
  test(`VI on a ${name} with default settings: several distinct starts from the shared starts, never converged at a symmetric point`, async () => {
    for (const seed of [1, 2, 3]) {
      const output = await runFit(readRequest('fit', `${model()}\nfit with vi(seed = ${seed})`, {}, () => seed));
      const starts = output.start!.starts;
      // The shared starts' default for a model with a latent component index is several starts, each data-driven.
      assert.ok(starts.length >= 2, `seed ${seed}: ${starts.length} start(s)`);
      for (const s of starts) assert.match(s.method, new RegExp(`k-means\\+\\+ on the rows of ${observed} \\(for ${variable}\\)`));
      // Distinct starts: each from its own seed stream, so they take different paths to the optimum. On the
      // mixture kernel (dmnorm/dwish) k-means++ finds these two well-separated clusters alike from every seed.
      if (!/mixture kernel/.test(output.engine)) assert.ok(new Set(starts.map((s) => `${s.iterations}/${s.objective}`)).size >= 2, `seed ${seed}: ${JSON.stringify(starts)}`);
      assert.equal(output.variational!.bestRestart, output.start!.chosen);
      assert.equal(output.variational!.elbo, starts[output.start!.chosen]!.objective);
      assert.equal(output.converged, true, `seed ${seed}: ${JSON.stringify(output.messages)}`);
      assert.ok(!(output.diagnostics ?? []).some((d) => d.kind === 'symmetric-point'));
      // Checked apart from findSymmetricPoint: no two components share their means (a symmetric point makes them equal).
      const means = byComponent(output.params ?? [], 'mu', components);
      for (let a = 0; a < components; a++) {
        for (let b = a + 1; b < components; b++) {
          const gap = Math.max(...means[a]!.map((v, j) => Math.abs(v - means[b]![j]!)));
          assert.ok(gap > 0.5, `seed ${seed}: components ${a + 1} and ${b + 1} at ${JSON.stringify(means)}`);
        }
      }
    }
  });
}

test('VI from a symmetric given start (two components alike, equal weights) leaves it by the shared perturbation and says so', async () => {
  // Two components for three clusters, so that both hold data at any answer: equal weights, means and precisions are an exact symmetric point.
  const model = gaussianMixture1d().replace('K = 3, alpha = c(1, 1, 1)', 'K = 2, alpha = c(1, 1)');
  assert.notEqual(model, gaussianMixture1d());
  const source = `${model}
inits list(mu = c(0.5, 0.5), tau = c(0.2, 0.2), w = c(0.5, 0.5))
fit with vi(seed = 4, restarts = 1)`;
  const output = await runFit(readRequest('fit', source, {}, () => 4));
  assert.deepEqual(output.start!.starts.map((s) => s.method), ['the given initial values']);
  assert.ok(output.messages.some((m) => /Components 1 and 2 of z are identical.*restarted from k-means\+\+ on the rows of y/.test(m.message)), JSON.stringify(output.messages));
  assert.equal(output.converged, true);
  const [a, b] = byComponent(output.params ?? [], 'mu', 2).map((m) => m[0]!);
  // The clusters' centres are −3, 0.5 and 4 (models.ts): two components split them, their means several units apart.
  assert.ok(Math.abs(a! - b!) > 2, `${a}, ${b}`);
});

test('VI: components emptied at their prior are identical but not a symmetric point (surplus components, Bishop PRML §10.2)', async () => {
  // Components 1 and 2 start alike with a smaller weight than 3: coordinate ascent empties both, leaving them at their common prior.
  const source = `${gaussianMixture1d()}
inits list(mu = c(0.5, 0.5, 0.5), tau = c(0.2, 0.2, 0.2), w = c(0.25, 0.25, 0.5))
fit with vi(seed = 4, restarts = 1)`;
  const output = await runFit(readRequest('fit', source, {}, () => 4));
  const w = (output.params ?? []).filter((p) => /^w\[/.test(p.name)).map((p) => p.value);
  // With α = 1 an empty component keeps E[w] = 1/(N + 3) = 1/63 ≈ 0.016: less than one row's share.
  assert.ok(w[0]! < 0.02 && w[1]! < 0.02, JSON.stringify(w));
  assert.equal(output.status, 'converged', JSON.stringify(output.messages));
  assert.ok(!(output.diagnostics ?? []).some((d) => d.kind === 'symmetric-point'));
});
