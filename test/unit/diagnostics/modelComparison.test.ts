/**
 * PSIS-LOO, WAIC and the relative efficiencies against R's `loo` 2.5.1 on
 * fixed pointwise log-likelihood matrices (test/fixtures/loo-reference,
 * made by its make-reference.R): agreement to 1e-6 relative. Both sides read
 * the same 15-digit decimals, and every step is deterministic, so the only
 * differences are rounding in sums of at most a few thousand terms (≈ 1e-13).
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { dic, psisLoo, relativeEfficiencies, waic, type Estimate, type PointwiseLogLik } from '../../../src/engine/diagnostics/modelComparison';
import { paretoSmooth, paretoTailLength } from '../../../src/engine/diagnostics/psis';

const FOLDER = join(__dirname, '..', '..', 'fixtures', 'loo-reference');
const RELATIVE = 1e-6;

interface RLoo {
  elpd_loo: Estimate;
  p_loo: Estimate;
  looic: Estimate;
  pareto_k: number[];
  elpd_pointwise: number[];
}
interface RCase {
  file: string;
  draws: number;
  observations: number;
  chains: number;
  r_eff: number[];
  loo_r_eff_1: RLoo;
  loo: RLoo;
  waic: { elpd_waic: Estimate; p_waic: Estimate; waic: Estimate };
}

const reference = JSON.parse(readFileSync(join(FOLDER, 'reference.json'), 'utf8')) as Record<string, RCase | string>;
const cases = Object.entries(reference).filter((entry): entry is [string, RCase] => typeof entry[1] !== 'string');

function matrix(c: RCase): PointwiseLogLik {
  const rows = readFileSync(join(FOLDER, c.file), 'utf8').trim().split('\n');
  const values = new Float64Array(c.draws * c.observations);
  rows.forEach((row, s) => row.split(',').forEach((v, i) => (values[s * c.observations + i] = Number(v))));
  assert.equal(rows.length, c.draws);
  return { draws: c.draws, observations: c.observations, values, chains: c.chains };
}

function close(actual: number, expected: number, what: string): void {
  if (expected === Infinity) return assert.equal(actual, Infinity, what);
  const scale = Math.max(Math.abs(expected), 1e-12);
  assert.ok(Math.abs(actual - expected) <= RELATIVE * scale, `${what}: ${actual} against R's ${expected}`);
}

function closeEstimate(actual: Estimate, expected: Estimate, what: string): void {
  close(actual.estimate, expected.estimate, `${what} estimate`);
  close(actual.se, expected.se, `${what} SE`);
}

function checkLoo(actual: ReturnType<typeof psisLoo>, expected: RLoo, what: string): void {
  closeEstimate(actual.elpd_loo, expected.elpd_loo, `${what} elpd_loo`);
  closeEstimate(actual.p_loo, expected.p_loo, `${what} p_loo`);
  closeEstimate(actual.looic, expected.looic, `${what} looic`);
  expected.pareto_k.forEach((k, i) => close(actual.pointwise.k[i]!, k, `${what} Pareto k of observation ${i + 1}`));
  expected.elpd_pointwise.forEach((e, i) => close(actual.pointwise.elpd[i]!, e, `${what} elpd_loo of observation ${i + 1}`));
}

describe('model comparison agrees with R loo 2.5.1', () => {
  for (const [name, c] of cases) {
    it(`${name} (${c.draws} draws in ${c.chains} chains × ${c.observations} observations)`, () => {
      const ll = matrix(c);
      const rEff = relativeEfficiencies(ll);
      c.r_eff.forEach((r, i) => close(rEff[i]!, r, `relative efficiency of observation ${i + 1}`));
      checkLoo(psisLoo(ll, new Float64Array(c.observations).fill(1)), c.loo_r_eff_1, 'r_eff = 1:');
      checkLoo(psisLoo(ll), c.loo, 'r_eff from the chains:');
      const w = waic(ll);
      closeEstimate(w.elpd_waic, c.waic.elpd_waic, 'elpd_waic');
      closeEstimate(w.p_waic, c.waic.p_waic, 'p_waic');
      closeEstimate(w.waic, c.waic.waic, 'waic');
    });
  }

  it('the fixtures have good k (≤ 0.5) and very bad k (> 1), counted in their bands', () => {
    const all = cases.flatMap(([, c]) => c.loo.pareto_k);
    assert.ok(all.some((k) => k <= 0.5) && all.some((k) => k > 1));
    const [, heavy] = cases.find(([name]) => name === 'regression_heavy')!;
    const counts = psisLoo(matrix(heavy)).paretoK;
    assert.equal(counts.veryBad, heavy.loo.pareto_k.filter((k) => k > 1).length);
    assert.equal(counts.good + counts.ok + counts.bad + counts.veryBad, heavy.observations);
  });
});

describe('Pareto smoothing', () => {
  it('leaves ratios unsmoothed (k = ∞) when the tail has fewer than 5 draws, and truncates at the largest ratio', () => {
    assert.equal(paretoTailLength(20, 1), 4);
    const ratios = Float64Array.from([0.1, 0.5, 0.3, 2, 1.5, 0.2, 0.7, 0.9, 1.1, 0.4, 0.6, 0.8, 1.2, 1.3, 0.05, 0.15, 0.25, 0.35, 0.45, 1.9]);
    const { logWeights, k } = paretoSmooth(ratios);
    assert.equal(k, Infinity);
    // Shifted by the largest ratio and back: equal up to rounding.
    logWeights.forEach((w, s) => assert.ok(Math.abs(w - ratios[s]!) < 1e-15, `draw ${s}`));
  });

  it('smoothed weights never exceed the largest raw ratio', () => {
    const ratios = Float64Array.from({ length: 400 }, (_, s) => 3 * Math.sin(s * 12.9898) ** 2 + (s % 17 === 0 ? 6 : 0));
    const { logWeights, k } = paretoSmooth(ratios);
    assert.ok(Number.isFinite(k));
    const top = Math.max(...ratios);
    for (const w of logWeights) assert.ok(w <= top);
  });
});

describe('DIC', () => {
  it('pV is half the variance of the deviance, pD the mean deviance less the deviance at the mean', () => {
    // Deviances 2, 4, 6 (one observation, log-likelihoods −1, −2, −3): mean 4, variance 4.
    const ll: PointwiseLogLik = { draws: 3, observations: 1, values: Float64Array.from([-1, -2, -3]), chains: 1 };
    assert.deepEqual(dic(ll, 3), { meanDeviance: 4, pV: 2, dicV: 6, pD: 1, dic: 5 });
    assert.deepEqual(dic(ll), { meanDeviance: 4, pV: 2, dicV: 6 });
  });
});
