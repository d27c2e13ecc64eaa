import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, it } from 'node:test';
import { runCheck } from '../../../src/cli/check';

const REPO_ROOT = resolve(__dirname, '../../..');
const CLASSIC_BUGS = resolve(REPO_ROOT, 'examples/classic-bugs');
const EXAMPLES = ['pump', 'rats', 'dyes', 'line', 'seeds', 'eyes', 'dugongs'];

function check(file: string, dataFiles: string[] = []): { code: number; lines: string[] } {
  const lines: string[] = [];
  const code = runCheck(file, dataFiles, (line) => lines.push(line));
  return { code, lines };
}

describe('latent check', () => {
  for (const name of EXAMPLES) {
    it(`the classic ${name} model parses, binds its JAGS data and passes the semantic checks`, () => {
      const model = join(REPO_ROOT, 'examples/classic-bugs', name, `${name}.bug`);
      const { code, lines } = check(model, [join(CLASSIC_BUGS, name, 'data.R')]);
      assert.equal(code, 0, lines.join('\n'));
      // The only remark JAGS makes too: dugongs's data give M, which the model never reads.
      assert.deepEqual(lines.filter((l) => !/'M' is given as data/.test(l)), []);
    });
  }

  it('prints file:line:col: error: message for every problem and exits 1', () => {
    const dir = mkdtempSync(join(tmpdir(), 'latent-check-'));
    const model = join(dir, 'bad.bug');
    writeFileSync(model, 'model {\n  mu ~ dnrom(0, 1)\n  for (i in 1:N) { y[i] ~ dnorm(mu, tua) }\n}\n');
    writeFileSync(join(dir, 'data.R'), '"N" <- 3\n"y" <- c(1, 2, 3)\n');
    const { code, lines } = check(model, [join(dir, 'data.R')]);
    assert.equal(code, 1);
    assert.deepEqual(lines, [
      `${model}:2:8: error: Unknown distribution 'dnrom'. Did you mean 'dnorm'?`,
      // No suggestion: nothing named like 'tua' exists (tau is not in this model).
      `${model}:3:37: error: Unknown name 'tua': it is neither data nor defined in the model.`,
    ]);
  });

  it('reports an index outside the data with exit 1, and a clean model with exit 0', () => {
    const dir = mkdtempSync(join(tmpdir(), 'latent-check-'));
    const model = join(dir, 'm.bug');
    writeFileSync(model, 'model {\n  for (i in 1:4) { y[i] ~ dnorm(0, 1) }\n}\ndata list(y = c(1, 2, 3))\n');
    const bad = check(model);
    assert.equal(bad.code, 1);
    assert.match(bad.lines.join('\n'), /m\.bug:2:\d+: error: .*out of range for y/);
    writeFileSync(model, 'model {\n  for (i in 1:3) { y[i] ~ dnorm(0, 1) }\n}\ndata list(y = c(1, 2, 3))\n');
    assert.deepEqual(check(model), { code: 0, lines: [] });
  });
});
