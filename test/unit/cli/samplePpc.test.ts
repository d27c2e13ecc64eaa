/** `latent sample --ppc` and `gibbs(ppc = TRUE)`: the predictive checks in the JSON and after the table. */
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { parseSampleArguments, runSample, type SampleArguments } from '../../../src/cli/sample';
import type { PredictiveCheck } from '../../../src/engine/output/runOutput';
import { TS_WORKERS } from '../job/tsWorkers';

async function sample(model: string, flags: string[]): Promise<{ code: number; out: string; errors: string }> {
  const file = join(mkdtempSync(join(tmpdir(), 'latent-ppc-')), 'model.bug');
  writeFileSync(file, model);
  const out: string[] = [];
  const errors: string[] = [];
  const code = await runSample(file, parseSampleArguments(flags) as SampleArguments, TS_WORKERS, (t) => out.push(t), (t) => errors.push(t));
  return { code, out: out.join('\n'), errors: errors.join('\n') };
}

const MODEL = `model {\n  lambda ~ dgamma(0.1, 0.1)\n  for (i in 1:8) { y[i] ~ dpois(lambda) }\n}\ndata list(y = c(2, 4, 3, 0, 5, 3, 2, 4))\n`;

describe('latent sample --ppc', () => {
  it('gives predictive_checks in the JSON: per observed variable, four statistics with p-values in [0, 1]', async () => {
    const { code, out } = await sample(MODEL, ['--chains', '2', '--iterations', '300', '--burnin', '100', '--seed', '2', '--ppc', '--json']);
    assert.equal(code, 0);
    const [check] = (JSON.parse(out) as { predictive_checks: PredictiveCheck[] }).predictive_checks;
    assert.equal(check!.variable, 'y');
    assert.equal(check!.observations, 8);
    assert.equal(check!.draws, 600);
    assert.deepEqual(check!.statistics.map((s) => s.name), ['mean', 'sd', 'min', 'max']);
    const [mean, sd, min, max] = check!.statistics.map((s) => s.observed);
    assert.deepEqual([mean, min, max], [2.875, 0, 5]);
    assert.ok(Math.abs(sd! - Math.sqrt(16.875 / 7)) < 1e-12, 'sd with n − 1');
    assert.ok(check!.statistics.every((s) => s.p_value >= 0 && s.p_value <= 1 && s.replicated.length === 600));
    assert.ok(check!.replicates.length > 0 && check!.replicates.every((r) => r.length === 8 && r.every((v) => Number.isInteger(v) && v >= 0)));
  });

  it('takes ppc = TRUE in the cell and prints the check under the summary table', async () => {
    const { code, out } = await sample(`${MODEL}sample with gibbs(chains = 2, iterations = 200, burnin = 100, seed = 5, ppc = TRUE)\n`, []);
    assert.equal(code, 0);
    assert.match(out, /^Posterior predictive check of y: 8 observations, 400 replicated data sets$/m);
    assert.match(out, /^max +5 +[01]\.\d{3}!?$/m);
  });

  it('says what is wrong with ppc = "yes", at the option', async () => {
    const { code, errors } = await sample(`${MODEL}sample with gibbs(ppc = "yes")\n`, []);
    assert.equal(code, 1);
    assert.match(errors, /model\.bug:6:\d+: error: ppc takes TRUE or FALSE\./);
  });
});
