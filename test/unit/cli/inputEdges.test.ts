import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { after, describe, it } from 'node:test';
import { runCheck } from '../../../src/cli/check';
import { runDiagnose } from '../../../src/cli/diagnose';
import { runJags } from '../../../src/cli/jags/runJags';
import { wasInterrupted } from '../../../src/cli/terminalSink';
import { TS_WORKERS } from '../job/tsWorkers';
import { parseSampleArguments, runSample } from '../../../src/cli/sample';

/** The command line on the inputs a careless or hostile user gives it: each a clear message, never silence or a stack. */
const folder = mkdtempSync(join(tmpdir(), 'latent-cli-edges-'));
after(() => rmSync(folder, { recursive: true, force: true }));
const ROOT = resolve(__dirname, '../../..');

function file(name: string, text: string): string {
  const path = join(folder, name);
  writeFileSync(path, text);
  return path;
}

function check(path: string, data: string[] = []): { code: number; lines: string[] } {
  const lines: string[] = [];
  return { code: runCheck(path, data, (l) => lines.push(l)), lines };
}

const LOOP = 'model {\n  for (i in 1:N) { y[i] ~ dnorm(0, 1) }\n}\n';

describe('latent check on edge inputs', () => {
  it('an empty (or blank) model file is an error', () => {
    for (const text of ['', '  \n\n']) {
      const { code, lines } = check(file('empty.bug', text));
      assert.equal(code, 1);
      assert.match(lines.join('\n'), /empty\.bug:1:1: error: the file is empty/);
    }
  });

  it('NaN in data is an error naming the file, line and column; NA is missing', () => {
    const model = file('nan.bug', 'model {\n  for (i in 1:3) { y[i] ~ dnorm(0, 1) }\n}\n');
    const rdump = check(model, [file('nan.R', 'y <- c(1,\n NaN, 3)\n')]);
    assert.equal(rdump.code, 1);
    assert.match(rdump.lines.join('\n'), /nan\.R:2:2: NaN \(not a number.*write NA for a missing value/);
    const csv = check(model, [file('nan.csv', 'y\n1\nNaN\n3\n')]);
    assert.equal(csv.code, 1);
    assert.match(csv.lines.join('\n'), /nan\.csv:3:1: 'NaN' in column 'y' is not a number/);
    assert.equal(check(model, [file('na.R', 'y <- c(1, NA, 3)\n')]).code, 0);
  });

  it('N = NaN and a negative loop bound get precise messages at the loop', () => {
    const nan = check(file('nanloop.bug', `${LOOP}data list(N = NaN)\n`));
    assert.equal(nan.code, 1);
    assert.match(nan.lines.join('\n'), /nanloop\.bug:4:15: error: NaN \(not a number/);
    const negative = check(file('negative.bug', `${LOOP}data list(N = -3)\n`));
    assert.equal(negative.code, 1);
    assert.match(negative.lines.join('\n'), /negative\.bug:2:13: error: The loop over i runs from 1 to -3: its upper bound is below its lower bound/);
    assert.equal(check(file('zero.bug', `${LOOP}data list(N = 0)\n`)).code, 0, 'JAGS runs 1:0 as an empty loop');
  });

  it('control characters from the model and its file name are escaped in the output', () => {
    const { code, lines } = check(file('esc\u001b[1m.bug', 'model {\n  mu ~ dnorm(0, 1)\u001b]0;title\u0007\n}\n'));
    assert.equal(code, 1);
    for (const line of lines) assert.ok(!/[\u0000-\u001f\u007f-\u009f]/.test(line), JSON.stringify(line)); // eslint-disable-line no-control-regex
    assert.match(lines.join('\n'), /esc\\u\{001b\}\[1m\.bug:2:19: error: Unexpected character '\\u\{001b\}'/);
  });
});

describe('latent diagnose on edge inputs', () => {
  it('a Stan CSV file with a header but no draws is an error', () => {
    const path = file('nodraws.csv', '# model = m\nlp__,accept_stat__,theta.1\n# Adaptation terminated\n');
    const errors: string[] = [];
    const code = runDiagnose([path], () => {}, (l) => errors.push(l));
    assert.notEqual(code, 0);
    assert.match(errors.join('\n'), /nodraws\.csv:\d+:\d+: .*a header but no draws/);
  });
});

describe('latent jags and existing CODA files', () => {
  const script = (dir: string): string => {
    const pump = join(ROOT, 'examples/classic-bugs/pump');
    return file(join(dir, 'pump.cmd'), readFileSync(join(pump, 'pump.cmd'), 'utf8').replace(/"(pump\.bug|data\.R|inits\.R)"/g, (_, f: string) => JSON.stringify(join(pump, f))).replace(/update \d+/g, 'update 10'));
  };

  it('stops before it runs when CODAindex.txt is there, and overwrites it with --force', () => {
    const dir = join(folder, 'jags');
    mkdirSync(dir);
    const cmd = script('jags');
    const errors: string[] = [];
    assert.equal(runJags(cmd, { seed: 1, outputDirectory: dir }, () => {}, (l) => errors.push(l)), 0, errors.join('\n'));
    writeFileSync(join(dir, 'CODAchain1.txt'), 'an earlier run\n');
    assert.equal(runJags(cmd, { seed: 1, outputDirectory: dir }, () => {}, (l) => errors.push(l)), 1);
    assert.match(errors.join('\n'), /pump\.cmd:\d+:1: error: CODAindex\.txt is already in .*pass --force to overwrite them/);
    assert.equal(readFileSync(join(dir, 'CODAchain1.txt'), 'utf8'), 'an earlier run\n', 'nothing was overwritten');
    assert.equal(runJags(cmd, { seed: 1, outputDirectory: dir, force: true }, () => {}, (l) => errors.push(l)), 0);
    assert.notEqual(readFileSync(join(dir, 'CODAchain1.txt'), 'utf8'), 'an earlier run\n');
    assert.ok(existsSync(join(dir, 'CODAindex.txt')));
  });
});

describe('latent sample and Ctrl-C', () => {
  it('Ctrl-C stops the run, prints what it has, and marks the command interrupted (exit 130)', async () => {
    const model = file('long.bug', 'model {\n  mu ~ dnorm(0, 1)\n}\n');
    const args = parseSampleArguments(['--chains', '1', '--iterations', '100000000', '--seed', '1']);
    assert.ok(typeof args !== 'string');
    const printed: string[] = [];
    // Until the run has started (its worker takes a moment), a SIGINT finds no listener and does nothing.
    const timer = setInterval(() => process.emit('SIGINT'), 1000);
    const code = await runSample(model, args, TS_WORKERS, (t) => printed.push(t), () => {});
    clearInterval(timer);
    assert.equal(code, 0);
    assert.ok(wasInterrupted());
    // On a loaded machine the first SIGINT can land while the chain is still starting: then nothing was kept, and it says so.
    assert.match(printed.join('\n'), /run: cancelled;.*\n.*(the summaries use the draws made so far|cancelled before any draws were kept)/);
  });
});
