/**
 * DIC as JAGS's `dic.samples` computes it — the posterior mean deviance and
 * Plummer's pD from two chains — on two classic BUGS examples (pump: Poisson
 * counts with gamma rates; seeds: binomial random-effects logistic
 * regression) and on test/fixtures/dic-reference/families (gamma, beta,
 * negative binomial and log-normal observations, whose divergences have no
 * Poisson/binomial/normal form), against JAGS 4.3.1's own runs in
 * test/fixtures/dic-reference/reference.json (`sh make-reference.sh`).
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, it } from 'node:test';
import { parseSampleArguments, runSample, type SampleArguments } from '../../../src/cli/sample';
import type { ModelComparison } from '../../../src/engine/output/runOutput';
import { TS_WORKERS } from '../job/tsWorkers';

const ROOT = resolve(__dirname, '../../..');
const reference = JSON.parse(readFileSync(join(ROOT, 'test/fixtures/dic-reference/reference.json'), 'utf8')) as Record<string, unknown> & { iterations: number };

async function dicOf(example: string, iterations: number, seed: number): Promise<ModelComparison['dic']> {
  const folder = example === 'families' ? join(ROOT, 'test/fixtures/dic-reference/families') : join(ROOT, 'examples/classic-bugs', example);
  const flags = ['--data', join(folder, 'data.R'), '--inits', join(folder, 'inits.R'), '--chains', '2', '--burnin', '1000', '--iterations', String(iterations), '--seed', String(seed), '--loo', '--json'];
  const args = parseSampleArguments(flags) as SampleArguments;
  const out: string[] = [];
  const code = await runSample(join(folder, `${example}.bug`), args, TS_WORKERS, (t) => out.push(t), () => {});
  assert.equal(code, 0);
  return (JSON.parse(out.join('\n')) as { model_comparison: ModelComparison }).model_comparison.dic;
}

const mean = (xs: number[]): number => xs.reduce((a, b) => a + b, 0) / xs.length;
const sd = (xs: number[]): number => Math.sqrt(xs.reduce((a, x) => a + (x - mean(xs)) ** 2, 0) / (xs.length - 1));

/**
 * Our run of `iterations` against the mean of JAGS's R runs of reference.iterations each.
 * The spread s of JAGS's runs estimates one run's Monte-Carlo sd; ours, r = reference/ours times
 * shorter, has variance r·s², and the difference sd s·√(r + 1/R). With s estimated on R − 1 = 3
 * degrees of freedom the standardised difference is t₃-distributed: |t| < 7.45 holds with
 * probability 0.995 when both compute the same quantity.
 */
function assertAgrees(label: string, ours: number, jags: number[], iterations: number): void {
  const r = reference.iterations / iterations;
  const tolerance = 7.45 * sd(jags) * Math.sqrt(r + 1 / jags.length);
  assert.ok(Math.abs(ours - mean(jags)) < tolerance, `${label}: ours ${ours.toFixed(3)}, JAGS ${mean(jags).toFixed(3)} ± ${sd(jags).toFixed(3)} per run (tolerance ${tolerance.toFixed(3)})`);
}

describe('DIC against JAGS dic.samples', () => {
  for (const [example, iterations] of [['pump', 20000], ['seeds', 5000], ['families', 5000]] as const) {
    it(`${example}: mean deviance and Plummer's pD within Monte-Carlo error of JAGS 4.3.1`, async () => {
      const jags = reference[example] as { mean_deviance: number[]; pD: number[] };
      const dic = await dicOf(example, iterations, 7);
      assertAgrees(`${example} mean deviance`, dic.mean_deviance, jags.mean_deviance, iterations);
      assert.ok(dic.pD_plummer !== undefined && dic.dic_plummer !== undefined);
      assertAgrees(`${example} pD`, dic.pD_plummer, jags.pD, iterations);
      assert.equal(dic.dic_plummer, dic.mean_deviance + dic.pD_plummer);
    });
  }
});
