import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { parseSbcArguments, runSbc } from '../../../src/cli/sbc';
import type { SbcOutput } from '../../../src/engine/sbc/sbcOutput';
import { TS_WORKERS } from '../job/tsWorkers';

const WORKER = { ...TS_WORKERS, maxParallel: 2 };

const MODEL = `model {
  for (i in 1:N) { y[i] ~ dnorm(mu, 1) }
  mu ~ dnorm(0, 1)
}
`;

function files(): { model: string; data: string } {
  const folder = mkdtempSync(join(tmpdir(), 'latent-sbc-'));
  const model = join(folder, 'model.bug');
  const data = join(folder, 'data.R');
  writeFileSync(model, MODEL);
  writeFileSync(data, 'N <- 3\ny <- c(0.5, 1.5, -0.2)\n');
  return { model, data };
}

async function run(args: string[]): Promise<{ code: number; out: string; err: string }> {
  const parsed = parseSbcArguments(args.slice(1));
  assert.ok(typeof parsed !== 'string', String(parsed));
  let out = '';
  let err = '';
  const code = await runSbc(args[0]!, parsed, WORKER, (t) => (out += `${t}\n`), (t) => (err += `${t}\n`));
  return { code, out, err };
}

describe('latent sbc', () => {
  it('calibrates a plain model file with a data file and prints one row per node', async () => {
    const { model, data } = files();
    const { code, out } = await run([model, '--data', data, '--simulations', '40', '--draws', '9', '--bins', '5', '--burnin', '10', '--seed', '4']);
    assert.equal(code, 0, out);
    assert.match(out, /40 of 40 simulations, 9 draws each \(burn-in 10, thin 2\), 5 bins, seed 4/);
    const row = out.split('\n').find((l) => l.startsWith('mu '));
    assert.ok(row, out);
    assert.match(row, /conjugate normal/);
    // The five counts add up to the 40 simulations.
    const counts = row.trim().split(/\s+/).slice(-5).map(Number);
    assert.equal(counts.reduce((a, b) => a + b, 0), 40);
  });

  it('prints the latent.sbc/1 object with --json', async () => {
    const { model, data } = files();
    const { code, out } = await run([model, '--data', data, '--simulations', '20', '--draws', '9', '--bins', '5', '--seed', '4', '--json']);
    assert.equal(code, 0);
    const output = JSON.parse(out) as SbcOutput;
    assert.equal(output.schema, 'latent.sbc/1');
    assert.deepEqual(output.nodes.map((n) => n.name), ['mu']);
    assert.equal(output.nodes[0]!.counts.length, 5);
  });

  it('rejects bad flags and reports model problems at file:line:column', async () => {
    assert.equal(parseSbcArguments(['--simulation', '3']), 'unknown option --simulation');
    assert.equal(parseSbcArguments(['--bins']), '--bins needs a value');
    assert.match(String(parseSbcArguments(['--draws', '2.5'])), /whole number/);
    const { model, data } = files();
    const { code, err } = await run([model, '--data', data, '--draws', '3', '--bins', '10']);
    assert.equal(code, 1);
    assert.match(err, /model\.bug:1:1: error: bins \(10\) cannot exceed draws \+ 1 \(4\)/);
  });
});
