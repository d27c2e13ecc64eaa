/**
 * Ranking models by elpd_loo (engine/diagnostics/looCompare.ts) against R's
 * loo_compare (test/fixtures/loo-reference/compare-reference.json, written by
 * `Rscript make-compare-reference.R`), and `latent compare` end to end.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, it } from 'node:test';
import { runCompare } from '../../../src/cli/compare';
import { parseSampleArguments, type SampleArguments } from '../../../src/cli/sample';
import { psisLoo, type PointwiseLogLik } from '../../../src/engine/diagnostics/modelComparison';
import { rankModels, type ComparedModel } from '../../../src/engine/diagnostics/looCompare';
import type { ModelComparison } from '../../../src/engine/output/runOutput';
import { TS_WORKERS } from '../job/tsWorkers';

const FIXTURES = resolve(__dirname, '../../fixtures/loo-reference');

function readMatrix(file: string): { rows: number[][]; observations: number } {
  const rows = readFileSync(join(FIXTURES, file), 'utf8').trim().split('\n').map((line) => line.split(',').map(Number));
  return { rows, observations: rows[0]!.length };
}

function comparisonOf(rows: number[][]): ModelComparison {
  const observations = rows[0]!.length;
  const ll: PointwiseLogLik = { draws: rows.length, observations, values: Float64Array.from(rows.flat()), chains: 1 };
  const loo = psisLoo(ll, new Float64Array(observations).fill(1));
  const none = { estimate: Number.NaN, se: Number.NaN };
  return {
    draws: rows.length, observations, elpd_loo: loo.elpd_loo, p_loo: loo.p_loo, looic: loo.looic,
    pareto_k: { good: 0, ok: 0, bad: 0, very_bad: 0 }, high_k: [], elpd_loo_pointwise: Array.from(loo.pointwise.elpd),
    elpd_waic: none, p_waic: none, waic: none, dic: { mean_deviance: 0, pD: null, dic: null, pV: 0, dic_pV: 0 },
  };
}

describe('comparing models by elpd_loo', () => {
  it("ranks and gives elpd_diff and se_diff as R's loo_compare, to 1e-9 relative", () => {
    const reference = JSON.parse(readFileSync(join(FIXTURES, 'compare-reference.json'), 'utf8')) as { ranking: Array<{ model: string; elpd_diff: number; se_diff: number; elpd_loo: number }> };
    const { rows } = readMatrix('normal_outlier.csv');
    const models: ComparedModel[] = [
      { name: 'a', comparison: comparisonOf(rows) },
      { name: 'b', comparison: comparisonOf(rows.map((row) => row.map((v, i) => 1.1 * v - 0.02 * (i + 1)))) },
      { name: 'c', comparison: comparisonOf(rows.map((row) => row.map((v) => 0.9 * v + 0.01))) },
    ];
    const ranked = rankModels(models);
    assert.deepEqual(ranked.map((m) => m.name), reference.ranking.map((r) => r.model));
    const close = (a: number, b: number): boolean => Math.abs(a - b) <= 1e-9 * Math.max(1, Math.abs(b));
    ranked.forEach((m, k) => {
      const r = reference.ranking[k]!;
      assert.ok(close(m.elpd_diff, r.elpd_diff) && close(m.se_diff, r.se_diff) && close(m.comparison.elpd_loo.estimate, r.elpd_loo), `${m.name}: ${m.elpd_diff} ± ${m.se_diff} against ${r.elpd_diff} ± ${r.se_diff}`);
    });
  });

  it('refuses models on different observations, and a single model', () => {
    const { rows } = readMatrix('normal_outlier.csv');
    const a = { name: 'a', comparison: comparisonOf(rows) };
    const b = { name: 'b', comparison: comparisonOf(rows.map((row) => row.slice(1))) };
    assert.throws(() => rankModels([a, b]), /same observations: 'a' has 20 observed nodes, 'b' has 19/);
    assert.throws(() => rankModels([a]), /two models or more/);
  });

  it('latent compare samples each model with loo and prints them best first', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'latent-compare-'));
    const data = 'data list(N = 12, y = c(0.4, -1.2, 2.9, 0.1, 1.8, -0.6, 3.5, 0.9, -2.1, 1.2, 4.4, -0.3))\n';
    writeFileSync(join(dir, 'normal.bug'), `model {\n  mu ~ dnorm(0, 0.01)\n  tau ~ dgamma(0.01, 0.01)\n  for (i in 1:N) { y[i] ~ dnorm(mu, tau) }\n}\n${data}`);
    // Variance fixed far too small for these data: predicts much worse.
    writeFileSync(join(dir, 'narrow.bug'), `model {\n  mu ~ dnorm(0, 0.01)\n  for (i in 1:N) { y[i] ~ dnorm(mu, 25) }\n}\n${data}`);
    const args = parseSampleArguments(['--chains', '2', '--iterations', '500', '--burnin', '200', '--seed', '4']) as SampleArguments;
    const out: string[] = [];
    const errors: string[] = [];
    const code = await runCompare([join(dir, 'narrow.bug'), join(dir, 'normal.bug')], args, TS_WORKERS, (t) => out.push(t), (t) => errors.push(t));
    assert.equal(code, 0, errors.join('\n'));
    const lines = out.join('\n').split('\n');
    assert.match(lines[0]!, /^model +elpd_diff +se_diff +elpd_loo +se_elpd_loo +p_loo +se_p_loo +looic +waic +DIC$/);
    assert.match(lines[1]!, /^normal +0\.00 +0\.00 /);
    assert.match(lines[2]!, /^narrow +-\d+\.\d\d +\d+\.\d\d /);
    assert.match(out.join('\n'), /DIC with Plummer's pD, as JAGS's dic\.samples/);
    const one = await runCompare([join(dir, 'normal.bug')], args, TS_WORKERS, () => {}, (t) => errors.push(t));
    assert.equal(one, 2);
  });
});
