import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, it } from 'node:test';
import { runCheck } from '../../../src/cli/check';
import { checkText } from '../../../src/engine/language/check';
import { textOf } from '../engine/helpers';

/** `latent check MODEL` with no data: its output lines and exit code. */
function checkWithoutData(model: string): { code: number; lines: string[] } {
  const file = join(mkdtempSync(join(tmpdir(), 'latent-structure-')), 'model.bug');
  writeFileSync(file, model);
  const lines: string[] = [];
  const code = runCheck(file, [], (l) => lines.push(l.slice(file.length + 1)));
  return { code, lines };
}

describe('latent check without data: the structural checks', () => {
  it('finds a directed cycle through two stochastic nodes', () => {
    assert.deepEqual(checkWithoutData('model {\n  a ~ dnorm(b, 1)\n  b ~ dnorm(a, 1)\n}\n'), {
      code: 1,
      lines: ['3:3: error: b depends on itself: the model has a directed cycle through a.'],
    });
  });

  it("finds a cycle of '<-' relations", () => {
    assert.deepEqual(checkWithoutData('model {\n  a <- b + 1\n  b <- a * 2\n  y ~ dnorm(a, 1)\n}\n'), {
      code: 1,
      lines: ['3:3: error: b depends on itself: the model has a directed cycle through a.'],
    });
  });

  it('finds cycles among elements indexed alike in loops over the same range, and a node that is its own parameter', () => {
    const source = 'model {\n  for (i in 1:N) { x[i] ~ dnorm(m[i], 1) }\n  for (j in 1:N) { m[j] <- 2 * x[j] }\n  s ~ dgamma(s, 1)\n}\n';
    const { problems } = checkText(source);
    assert.deepEqual(problems.map((p) => [p.message, textOf(source, p.range)]), [
      ['m[j] depends on itself: the model has a directed cycle through x[i].', 'm[j] <- 2 * x[j]'],
      ['s depends on itself: the model has a directed cycle.', 's ~ dgamma(s, 1)'],
    ]);
  });

  it('finds elements defined twice and variables indexed with different numbers of indices', () => {
    const source = 'model {\n  for (i in 1:N) { y[i] ~ dnorm(mu[i, 1], 1) }\n  for (i in 1:N) { y[i] ~ dnorm(0, 1) }\n  for (k in 1:K) { mu[k] ~ dnorm(0, 1) }\n  a ~ dnorm(0, 1)\n  a <- 1\n}\n';
    const { problems } = checkText(source);
    assert.deepEqual(problems.map((p) => [p.message, textOf(source, p.range)]), [
      ['mu has 1 dimension(s) (as defined at line 4) but is indexed with 2 here.', 'mu[i, 1]'],
      ['y[i] is defined twice (also at line 2).', 'y[i]'],
      ['a is defined twice (also at line 5).', 'a'],
    ]);
  });

  it('finds unknown distributions and functions and wrong argument counts without data', () => {
    const { code, lines } = checkWithoutData('model {\n  a ~ dnorm(0)\n  b <- logdet(a, a)\n  c ~ dfoo(1)\n}\n');
    assert.equal(code, 1);
    assert.deepEqual(lines.map((l) => l.replace(/ Did you mean.*$/, '')), [
      '2:7: error: dnorm takes 2 argument(s) (mu, tau), got 1.',
      '3:8: error: logdet takes 1 argument(s), got 2: logdet(A[,]).',
      "4:7: error: Unknown distribution 'dfoo'.",
    ]);
  });

  it('leaves legitimate models alone: autoregressions, shifted indices, stochastic indices, and the classic examples', () => {
    const ar = 'model {\n  x[1] ~ dnorm(0, 1)\n  for (t in 2:T) { x[t] ~ dnorm(phi * x[t - 1], 1) }\n  phi ~ dunif(-1, 1)\n  for (i in 1:N) { z[i] ~ dcat(p[]) \n y[i] ~ dnorm(mu[z[i]], 1) }\n  p[1:2] ~ ddirch(alpha[])\n  for (k in 1:2) { mu[k] ~ dnorm(0, 1) }\n}\n';
    assert.deepEqual(checkText(ar).problems, []);
    for (const name of ['pump', 'rats', 'dyes', 'line', 'seeds', 'eyes', 'dugongs']) {
      const { code, lines } = runCheckOf(resolve(__dirname, '../../../examples/classic-bugs', name, `${name}.bug`));
      assert.equal(code, 0, `${name}: ${lines.join('\n')}`);
    }
  });
});

function runCheckOf(file: string): { code: number; lines: string[] } {
  const lines: string[] = [];
  return { code: runCheck(file, [], (l) => lines.push(l)), lines };
}
