import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { EigenvalueDecomposition, Matrix } from 'ml-matrix';
import { csvColumns, lassoCoordinateDescent } from './denseAlgebra';
import { assertFiniteParams, assertNonDecreasing, EXAMPLES, fitSource, param } from './notebookFits';
import { BERNOULLI_MIXTURE, LASSO, PPCA } from './userModels';

const column = (file: string): Map<string, number[]> => csvColumns(readFileSync(join(EXAMPLES, file), 'utf8'));

describe('EM from model text a new user writes is not fooled by symmetric starts', () => {
  it('a mixture of Bernoullis recovers the well-separated prototypes it was simulated from, up to a permutation', async () => {
    const out = await fitSource(BERNOULLI_MIXTURE());
    assert.equal(out.status, 'converged', JSON.stringify(out.messages));
    assertFiniteParams(out);
    assertNonDecreasing(out.objective.values, 'bernoulli mixture');
    assert.ok(out.start && out.start.starts.length > 1, 'several starts by default');
    assert.match(out.start.starts[out.start.chosen]!.method, /k-means\+\+ on the rows of x \(for z\)/);
    // make-data.mjs: weights (0.5, 0.3, 0.2), prototypes below. Sampling error of a fitted p in a cluster of
    // n_k ≥ 0.2·500·0.8 = 80 rows: sd ≤ √(0.25/80) = 0.056; of a weight: √(0.25/500) = 0.022. 4 sd each
    // keeps the family-wise false alarm of the 27 comparisons below 0.2 %.
    const truth = [
      { w: 0.5, p: [0.9, 0.9, 0.9, 0.9, 0.1, 0.1, 0.1, 0.1] },
      { w: 0.3, p: [0.1, 0.1, 0.1, 0.1, 0.9, 0.9, 0.9, 0.9] },
      { w: 0.2, p: [0.8, 0.2, 0.8, 0.2, 0.8, 0.2, 0.8, 0.2] },
    ];
    const used = new Set<number>();
    for (const t of truth) {
      const distance = (k: number): number => t.p.reduce((a, v, d) => a + (param(out, `p[${k},${d + 1}]`) - v) ** 2, 0);
      const k = [1, 2, 3].filter((c) => !used.has(c)).sort((a, b) => distance(a) - distance(b))[0]!;
      used.add(k);
      assert.ok(Math.abs(param(out, `pi[${k}]`) - t.w) < 4 * 0.022, `pi[${k}] = ${param(out, `pi[${k}]`)} for the weight ${t.w}`);
      t.p.forEach((v, d) => assert.ok(Math.abs(param(out, `p[${k},${d + 1}]`) - v) < 4 * 0.056, `p[${k},${d + 1}] = ${param(out, `p[${k},${d + 1}]`)} for ${v}`));
    }
  });

  it('a mixture of Poissons (another component family) starts from k-means++ clusters and separates its components', async () => {
    // Two groups of 60 counts, alternating, with means 2 and 15 exactly (each list repeated 6 times).
    const low = [1, 2, 2, 3, 1, 4, 2, 0, 3, 2];
    const high = [12, 15, 18, 14, 16, 13, 17, 15, 11, 19];
    const counts = Array.from({ length: 120 }, (_, i) => (i % 2 ? low : high)[Math.floor(i / 2) % 10]!);
    const source = `model {
  for (i in 1:N) { z[i] ~ dcat(pi[]); y[i] ~ dpois(rate[z[i]]) }
  for (k in 1:2) { rate[k] ~ dgamma(0.01, 0.01) }
  pi[1:2] ~ ddirch(alpha[])
}
data list(N = 120, alpha = c(1, 1), y = c(${counts.join(', ')}))
fit with em(mle = TRUE)
`;
    const out = await fitSource(source);
    assert.equal(out.status, 'converged', JSON.stringify(out.messages));
    const rates = [param(out, 'rate[1]'), param(out, 'rate[2]')].sort((a, b) => a - b);
    // The groups' means are 2 and 15; a row's share of the other component is at most p(4 | 15)/p(4 | 2) = 0.7 %
    // (the low group's largest count), which moves the ML rates by less than 0.01·11/60 from the means: 0.1 is ample.
    assert.ok(Math.abs(rates[0]! - 2) < 0.1 && Math.abs(rates[1]! - 15) < 0.1, `rates ${rates}`);
  });

  it('probabilistic PCA: the EM log-likelihood equals Tipping & Bishop\'s closed-form maximum likelihood to 1e-6 relative', async () => {
    const out = await fitSource(PPCA());
    assert.equal(out.status, 'converged', JSON.stringify(out.messages));
    assertNonDecreasing(out.objective.values, 'ppca');
    assert.match(out.start!.starts[out.start!.chosen]!.method, /PCA scores of x \(for z\)/);
    const data = column('factors.csv');
    const D = 5, L = 2;
    const x = Array.from({ length: data.get('x1')!.length }, (_, i) => Array.from({ length: D }, (_, d) => data.get(`x${d + 1}`)![i]!));
    const N = x.length;
    const mean = Array.from({ length: D }, (_, d) => x.reduce((a, r) => a + r[d]!, 0) / N);
    const S = new Matrix(D, D);
    for (let a = 0; a < D; a++) for (let b = 0; b < D; b++) S.set(a, b, x.reduce((s, r) => s + (r[a]! - mean[a]!) * (r[b]! - mean[b]!), 0) / N);
    const lambda = new EigenvalueDecomposition(S, { assumeSymmetric: true }).realEigenvalues.sort((a, b) => b - a);
    // σ² = mean of the discarded eigenvalues; log|C| = Σ_{l≤L} log λ_l + (D−L) log σ², tr(C⁻¹S) = D.
    const sigma2 = lambda.slice(L).reduce((a, v) => a + v, 0) / (D - L);
    const logDet = lambda.slice(0, L).reduce((a, v) => a + Math.log(v), 0) + (D - L) * Math.log(sigma2);
    const closedForm = (-N / 2) * (D * Math.log(2 * Math.PI) + logDet + D);
    assert.ok(Math.abs(out.loglik! - closedForm) < 1e-6 * Math.abs(closedForm), `EM ${out.loglik} vs closed form ${closedForm}`);
    assert.ok(Math.abs(1 / param(out, 'tau') - sigma2) < 1e-3 * sigma2, `noise variance ${1 / param(out, 'tau')} vs ${sigma2}`);
  });

  it('the Bayesian lasso with its scales latent by default: the exact E-step reaches the exact MAP of the Laplace-prior regression to 1e-6, and no scale collapses', async () => {
    const out = await fitSource(LASSO('fit with em(tol = 1e-12, max.iter = 20000)'));
    assert.equal(out.status, 'converged', JSON.stringify(out.messages));
    assert.deepEqual(out.latent, ['s2']);
    assert.match(out.engine, /exact E-step over 8 latent unit/);
    assertNonDecreasing(out.objective.values, 'lasso');
    const map = laplaceMap();
    map.w.forEach((v, j) => assert.ok(Math.abs(param(out, `w[${j + 1}]`) - v) < 1e-6, `w[${j + 1}] = ${param(out, `w[${j + 1}]`)} vs ${v}`));
    assert.ok(Math.abs(param(out, 'tau') - map.tau) < 1e-6 * map.tau, `tau ${param(out, 'tau')} vs ${map.tau}`);
    const s2 = out.latentSummaries?.filter((s) => s.name.startsWith('s2[')) ?? [];
    assert.equal(s2.length, 8);
    // E[s2 | w] ≥ E[s2 | w = 0] = 1/g² = 0.04 (Gamma(½, g²/2)): far from a collapse.
    for (const s of s2) assert.ok(s.mean > 0.039, `${s.name} posterior mean ${s.mean}`);
    assert.ok(!out.diagnostics?.length, JSON.stringify(out.diagnostics));
  });
});

/**
 * The MAP of the lasso model with the scales integrated out: w_d ~ Laplace(g), so maximise
 *   (N/2 + a − 1) log τ − τ (RSS/2 + b) − g ‖w‖₁,  a = b = 0.001,
 * by blocks: w given τ is the lasso on RSS/2 with penalty g/τ (coordinate descent), τ given w is
 * (N/2 + a − 1)/(RSS/2 + b).
 */
function laplaceMap(): { w: number[]; tau: number } {
  const data = column('lasso.csv');
  const y = data.get('y')!;
  const D = 8, G = 5;
  const X = y.map((_, i) => Array.from({ length: D }, (_, j) => data.get(`x${j + 1}`)![i]!));
  const N = y.length;
  const w = new Array<number>(D).fill(0);
  let tau = 1;
  for (let outer = 0; outer < 10_000; outer++) {
    lassoCoordinateDescent(X, y, G / tau, w);
    const rss = X.reduce((a, row, i) => a + (y[i]! - row.reduce((s, v, k) => s + v * w[k]!, 0)) ** 2, 0);
    const next = (N / 2 + 0.001 - 1) / (rss / 2 + 0.001);
    const done = Math.abs(next - tau) < 1e-15 * tau;
    tau = next;
    if (done) break;
  }
  return { w, tau };
}
