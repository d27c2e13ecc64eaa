import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { readJob } from '../../../src/engine/job/job';
import { runJob } from '../../../src/engine/job/sink';
import { startJob } from '../../../src/engine/job/startJob';
import type { FitOutput } from '../../../src/engine/output/fitOutput';
import { comparisonMarkdown, mixtureModelText, numericColumns, parseKRange } from '../../../src/extension/workbench/quickMixtureText';
import { TS_WORKERS } from './tsWorkers';

const FAITHFUL = join(__dirname, '../../../examples/em/faithful.csv');

async function fit(text: string): Promise<FitOutput> {
  let final: FitOutput | undefined;
  await runJob(
    () => readJob(text, { kind: 'fit' }, () => 1),
    (job, onUpdate) => startJob(job, TS_WORKERS, onUpdate),
    { finish: (o) => void (final = o.kind === 'fit' ? o.output : undefined), fail: (m) => assert.fail(m.map((x) => x.message).join('\n')) },
  );
  return final!;
}

describe('Quick Mixture from CSV', () => {
  it('finds the numeric columns whose names the language can use', () => {
    assert.deepEqual(numericColumns(readFileSync(FAITHFUL, 'utf8')), { numeric: ['eruptions', 'waiting'], other: [] });
    assert.deepEqual(numericColumns('a,b,my col\n1,x,3\n2,y,4\n'), { numeric: ['a'], other: ['b', 'my col'] });
    assert.deepEqual(numericColumns('a,b\n1,NA\n2,\n'), { numeric: ['a', 'b'], other: [] }, 'missing values are numbers still');
  });

  it('reads K as a range or a list, and says what is wrong otherwise', () => {
    assert.deepEqual(parseKRange('1:4'), [1, 2, 3, 4]);
    assert.deepEqual(parseKRange(' 2 - 3 '), [2, 3]);
    assert.deepEqual(parseKRange('5, 2,3'), [2, 3, 5]);
    assert.equal(typeof parseKRange('0:3'), 'string');
    assert.equal(typeof parseKRange('two'), 'string');
    assert.equal(typeof parseKRange('1:30'), 'string');
  });

  it('Old Faithful: the generated models fit, and BIC prefers K = 2 over 1 and 3 (as the faithful-mixture example states)', async () => {
    const rows = [];
    for (const k of [1, 2, 3]) {
      const output = await fit(mixtureModelText(FAITHFUL, ['eruptions', 'waiting'], k, 5, 1));
      assert.ok(output.status === 'converged', `K = ${k}: ${output.status} ${JSON.stringify(output.messages)}`);
      rows.push({ k, loglik: output.loglik, bic: output.bic, aic: output.aic, status: output.status });
    }
    // The example's figures, from the same model and data: K = 2 reaches −1130.26, K = 3 −1114.44.
    assert.ok(Math.abs(rows[1]!.loglik! - -1130.26) < 0.01, `K = 2 log-likelihood ${rows[1]!.loglik}`);
    const { markdown, best } = comparisonMarkdown(rows, ['eruptions', 'waiting']);
    assert.equal(best, 2);
    assert.match(markdown, /BIC \(lower is better\) prefers \*\*K = 2\*\*/);
    assert.match(markdown, /\| \*\*2\*\* \| -1130\.26 \|/);
  });

  it('one column: a mixture of normals', async () => {
    const output = await fit(mixtureModelText(FAITHFUL, ['waiting'], 2, 3, 1));
    assert.equal(output.status, 'converged');
    const means = output.params.filter((p) => p.name.startsWith('mu[')).map((p) => p.value).sort((a, b) => a - b);
    // Waiting times cluster near 55 and 80 minutes.
    assert.ok(Math.abs(means[0]! - 54.6) < 1.5 && Math.abs(means[1]! - 80.1) < 1.5, `means ${means}`);
  });
});
