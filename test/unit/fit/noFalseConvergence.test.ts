import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { FitOutput } from '../../../src/engine/output/fitOutput';
import { cellDocument, fitSource, param, withOptions } from './notebookFits';
import { BERNOULLI_MIXTURE, LASSO, PPCA } from './userModels';

/**
 * What "converged" must never hide, checked from the estimates themselves (not from the
 * fit's own diagnostics): two mixture components with the same parameters, loadings all at
 * zero, a scale (or a latent scale's posterior mean) collapsed towards 0.
 */
function assertProperAnswer(out: FitOutput, what: string): void {
  if (out.status !== 'converged') return;
  const names = out.params.map((p) => p.name);
  const rows = new Map<string, number[]>();
  for (const p of out.params) {
    const m = /^p\[(\d+),\d+\]$/.exec(p.name);
    if (m) rows.set(m[1]!, [...(rows.get(m[1]!) ?? []), p.value]);
  }
  const components = [...rows.values()];
  for (let a = 0; a < components.length; a++) {
    for (let b = a + 1; b < components.length; b++) {
      const gap = Math.max(...components[a]!.map((v, d) => Math.abs(v - components[b]![d]!)));
      assert.ok(gap > 1e-3, `${what}: components ${a + 1} and ${b + 1} are identical yet "converged"`);
    }
  }
  const loadings = out.params.filter((p) => p.name.startsWith('W['));
  if (loadings.length) assert.ok(Math.max(...loadings.map((p) => Math.abs(p.value))) > 1e-3, `${what}: loadings at zero yet "converged"`);
  for (const name of names.filter((n) => /^(tau|s2|psi)\b/.test(n))) assert.ok(param(out, name) > 1e-8 && param(out, name) < 1e8, `${what}: ${name} = ${param(out, name)} collapsed yet "converged"`);
  for (const s of (out.latentSummaries ?? []).filter((l) => l.name.startsWith('s2['))) assert.ok(s.mean > 1e-8, `${what}: the latent ${s.name} collapsed (mean ${s.mean}) yet "converged"`);
  assert.ok(!(out.diagnostics ?? []).some((d) => d.kind !== 'boundary-probability'), `${what}: a degenerate diagnostic with "converged": ${JSON.stringify(out.diagnostics)}`);
}

const MODELS: Array<[string, (fit?: string) => string]> = [
  ['Bernoulli mixture', BERNOULLI_MIXTURE],
  ['PPCA', PPCA],
  ['lasso', LASSO],
];

describe('"converged" is never claimed at a symmetric point or a collapsed scale', () => {
  for (const [name, model] of MODELS) {
    for (const seed of [1, 2]) {
      it(`${name}, seed ${seed}, default settings`, async () => {
        const out = await fitSource(withOptions(model(), { seed: String(seed) }));
        assert.equal(out.status, 'converged', JSON.stringify(out.messages));
        assertProperAnswer(out, `${name} seed ${seed}`);
      });
    }
  }

  it('the EM examples with exchangeable parts or scales, seeds 1 and 2: every claimed convergence is a proper answer', async () => {
    // (The other examples have neither components nor scales to collapse; the stopping-rule test runs them all.)
    for (const [notebook, cell] of [['bernoulli-mixture.ipynb', 0], ['bayesian-lasso.ipynb', 1], ['ppca.ipynb', 0]] as const) {
      for (const seed of [1, 2]) assertProperAnswer(await fitSource(withOptions(cellDocument(notebook, cell), { seed: String(seed) })), `${notebook} seed ${seed}`);
    }
  });

  it('a mixture started at its symmetric point (every component equal) is perturbed, continued, and ends with distinct components', async () => {
    const equal = `inits list(pi = c(0.3, 0.3, 0.4), p = structure(rep(0.5, 24), .Dim = c(3, 8)))`;
    const out = await fitSource(BERNOULLI_MIXTURE(`${equal}\nfit with em(restarts = 1, seed = 1)`));
    assert.ok(out.messages.some((m) => /identical.*perturbed/.test(m.message)), JSON.stringify(out.messages));
    assert.equal(out.status, 'converged', JSON.stringify(out.messages));
    assertProperAnswer(out, 'from the symmetric start');
  });

  it('PPCA started at W = 0 (a zero-information E-step) is perturbed and reaches the maximum', async () => {
    const out = await fitSource(PPCA(`inits list(W = structure(rep(0, 10), .Dim = c(5, 2)))\nfit with em(mle = TRUE, restarts = 1, seed = 1)`));
    assert.ok(out.messages.some((m) => /no information.*perturbed/.test(m.message)), JSON.stringify(out.messages));
    assert.equal(out.status, 'converged');
    assertProperAnswer(out, 'from W = 0');
    assert.ok(Math.abs(out.loglik! - -1261.1023) < 1e-3, `log-likelihood ${out.loglik}`);
  });

  it('the lasso with its scales forced to be parameters (parameters = c(s2)) collapses, and says so instead of "converged"', async () => {
    const out = await fitSource(LASSO('fit with em(parameters = c(s2), seed = 1)'));
    assert.deepEqual(out.latent, []);
    assert.notEqual(out.status, 'converged', JSON.stringify(out.params));
    assert.equal(out.converged, false);
    const collapsed = out.diagnostics?.find((d) => d.kind === 'collapsed-scale');
    assert.ok(collapsed && collapsed.nodes!.some((n) => n.startsWith('s2[')), JSON.stringify(out.diagnostics));
    assert.ok(out.messages.some((m) => m.severity === 'warning' && /collapsed/.test(m.message)));
  });

  it('when no perturbation helps, the symmetric point is reported, not "converged"', async () => {
    // One distinct row pattern only: the maximum-likelihood components all become (1, 0), whatever the start.
    const source = `model {
  for (i in 1:N) { z[i] ~ dcat(pi[]); for (d in 1:2) { x[i, d] ~ dbern(p[z[i], d]) } }
  for (k in 1:2) { for (d in 1:2) { p[k, d] ~ dbeta(2, 2) } }
  pi[1:2] ~ ddirch(alpha[])
}
data list(N = 6, alpha = c(1, 1), x = structure(c(1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 0, 0), .Dim = c(6, 2)))
fit with em(mle = TRUE, seed = 1)
`;
    const out = await fitSource(source);
    assert.notEqual(out.status, 'converged', JSON.stringify(out.messages));
    assert.equal(out.converged, false);
    assert.ok(out.diagnostics?.some((d) => d.kind === 'symmetric-point'), JSON.stringify(out.diagnostics));
  });
});
