import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { after, describe, it } from 'node:test';
import { parseDocument } from '../../../src/engine/language/parser';
import { unusedDataWarnings } from '../../../src/engine/model/dataChecks';
import { prepareChain } from '../../../src/engine/run/chainSession';
import { BUILT_IN_DEFAULTS } from '../../../src/engine/run/request';
import { readRequest } from '../../../src/engine/job/job';
import { startRun } from '../../../src/engine/run/runner';
import { compile, modelErrorOf, singleProblem, textOf } from '../engine/helpers';
import { CLASSIC_BUGS, REPO_ROOT } from './helpers';

/** Compiles a cell that must fail with one problem: its message and the text it points at. */
function failure(source: string): { message: string; covered: string } {
  const p = singleProblem(source, () => compile(source));
  return { message: p.message, covered: textOf(source, p.range) };
}

describe('data checks: values outside the support of their distribution', () => {
  it('reports a negative count for dpois, naming the element, at the relation', () => {
    const source = 'model {\n  for (i in 1:3) { x[i] ~ dpois(lambda) }\n  lambda ~ dgamma(1, 1)\n}\ndata list(x = c(1, 2, -1))';
    const { message, covered } = failure(source);
    assert.equal(message, 'x[3] = -1 is data for dpois, whose support is x = 0, 1, 2, ….');
    assert.equal(covered, 'x[i] ~ dpois(lambda)');
  });

  it('reports one problem per relation, counting the other elements', () => {
    const { message } = failure('model { for (i in 1:4) { x[i] ~ dpois(l) }\n l ~ dgamma(1, 1) }\ndata list(x = c(-1, 2, -3, 0.5))');
    assert.equal(message, 'x[1] = -1 is data for dpois, whose support is x = 0, 1, 2, …. (2 more element(s) of x in this relation are outside it too.)');
  });

  it('reports a non-integer for dbin and a count above n when the data fix n, with the value of n', () => {
    const model = 'model { for (i in 1:2) { r[i] ~ dbin(p, n[i]) }\n p ~ dbeta(1, 1) }\n';
    assert.equal(failure(`${model}data list(r = c(2.5, 1), n = c(5, 5))`).message, 'r[1] = 2.5 is data for dbin, whose support is x = 0, 1, …, n (here n = 5).');
    assert.equal(failure(`${model}data list(r = c(1, 7), n = c(5, 6))`).message, 'r[2] = 7 is data for dbin, whose support is x = 0, 1, …, n (here n = 6).');
  });

  it('follows n through a deterministic node fixed by the data, but not through one the sampler changes', () => {
    const fixed = 'model { m <- 2 * n\n r ~ dbin(p, m)\n p ~ dbeta(1, 1) }\ndata list(n = 3, r = 7)';
    assert.equal(failure(fixed).message, 'r = 7 is data for dbin, whose support is x = 0, 1, …, n (here n = 6).');
    // m depends on k, which is sampled: only the whole-number part of the support can be checked.
    assert.doesNotThrow(() => compile('model { k ~ dpois(3)\n m <- 2 * k\n r ~ dbin(p, m)\n p ~ dbeta(1, 1) }\ndata list(r = 7)'));
  });

  it('reports 1.5 and 2 for dbern', () => {
    const model = 'model { for (i in 1:3) { y[i] ~ dbern(q) }\n q ~ dbeta(1, 1) }\n';
    assert.equal(failure(`${model}data list(y = c(0, 1.5, 1))`).message, 'y[2] = 1.5 is data for dbern, whose support is x = 0 or 1.');
    assert.equal(failure(`${model}data list(y = c(0, 1, 2))`).message, 'y[3] = 2 is data for dbern, whose support is x = 0 or 1.');
  });

  it("reports a value outside dunif's bounds when the bounds are data, and not when they are unknown", () => {
    const { message } = failure('model { for (i in 1:2) { y[i] ~ dunif(lo, hi) }\n mu ~ dnorm(0, 1) }\ndata list(y = c(0.5, 1.5), lo = 0, hi = 1)');
    assert.equal(message, 'y[2] = 1.5 is data for dunif, whose support is a ≤ x ≤ b (here a = 0, b = 1).');
    assert.doesNotThrow(() => compile('model { y ~ dunif(0, b)\n b ~ dgamma(1, 1) }\ndata list(y = 5)'));
  });

  it('reports a negative value for dgamma, and a value outside a truncation the data fix', () => {
    assert.equal(failure('model { y ~ dgamma(1, r)\n r ~ dgamma(1, 1) }\ndata list(y = -2)').message, 'y = -2 is data for dgamma, whose support is x > 0.');
    assert.equal(failure('model { y ~ dnorm(mu, 1) T(0, )\n mu ~ dnorm(0, 1) }\ndata list(y = -1)').message, 'y = -1 is data for dnorm truncated to T(0, ), outside the truncation.');
  });

  it('accepts data inside the support and leaves missing values alone', () => {
    assert.doesNotThrow(() => compile('model { for (i in 1:3) { x[i] ~ dpois(l) }\n l ~ dgamma(1, 1) }\ndata list(x = c(0, NA, 4))'));
  });
});

describe('data checks: data arrays whose shape disagrees with the model', () => {
  it('reports a loop that runs past a data matrix, naming the variable, the dimension, the shape and the loop', () => {
    // The rats data with T = 6 instead of 5: the model then reads Y[i, 6] and x[6].
    const model = readFileSync(join(REPO_ROOT, 'examples/classic-bugs/rats/rats.bug'), 'utf8');
    const source = `${model}data from "rats/data.R" with (T = NULL)\ndata list(T = 6)`;
    const request = readRequest('sample', source, BUILT_IN_DEFAULTS, () => 1, { baseDirectory: CLASSIC_BUGS });
    const problems = modelErrorOf(() => prepareChain(request, 0));
    assert.deepEqual(problems.map((p) => [p.message, textOf(source, p.range), p.range.start.line + 1]), [
      ["Index 6 is out of range for x: dimension 1 runs from 1 to 5, as the data give x as a vector of 5 values; j runs from 1 to 6 in 'for (j in 1:T)' (line 4).", 'j', 5],
      ["Index 6 is out of range for Y: dimension 2 runs from 1 to 5, as the data give Y as a 30 × 5 array; j runs from 1 to 6 in 'for (j in 1:T)' (line 4).", 'j', 6],
    ]);
  });

  it('reports a loop variable plus a constant, and one minus a constant', () => {
    const plus = failure('model { for (i in 1:3) { y[i] ~ dnorm(x[i + 1], 1) } }\ndata list(x = c(1, 2, 3))');
    assert.equal(plus.message, "Index 4 is out of range for x: dimension 1 runs from 1 to 3, as the data give x as a vector of 3 values; i runs from 1 to 3 in 'for (i in 1:3)' (line 1), so i + 1 reaches 4.");
    assert.equal(plus.covered, 'i + 1');
    assert.match(failure('model { for (i in 1:3) { y[i] ~ dnorm(x[i - 1], 1) } }\ndata list(x = c(1, 2, 3))').message, /^Index 0 is out of range for x: .*so i - 1 reaches 0\.$/);
  });

  it('reports a constant index and a range past the data', () => {
    assert.equal(failure('model { y ~ dnorm(x[4], 1) }\ndata list(x = c(1, 2, 3))').message, 'Index 4 is out of range for x: dimension 1 runs from 1 to 3, as the data give x as a vector of 3 values.');
    assert.match(failure('model { y ~ dnorm(sum(x[1:N]), 1) }\ndata list(x = c(1, 2, 3), N = 5)').message, /^Index 5 is out of range for x/);
  });

  it('reports data indexed with the wrong number of indices, giving their shape', () => {
    const { message, covered } = failure('model { for (i in 1:3) { y[i] ~ dnorm(x[i, 1], 1) } }\ndata list(x = c(1, 2, 3))');
    assert.equal(message, 'x has 1 dimension(s) but is indexed with 2 here: the data give x as a vector of 3 values.');
    assert.equal(covered, 'x[i, 1]');
  });

  it('reports observed data with fewer elements than the model defines', () => {
    const { message } = failure('model { for (i in 1:N) { y[i] ~ dnorm(0, 1) } }\ndata list(N = 4, y = c(1, 2, 3))');
    assert.match(message, /^Index 4 is out of range for y: .*i runs from 1 to 4 in 'for \(i in 1:N\)'/);
  });

  it('leaves loops that never run, and indices that depend on the model, to the compiler', () => {
    assert.doesNotThrow(() => compile('model { for (i in 1:0) { y[i] ~ dnorm(x[i + 9], 1) }\n z ~ dnorm(0, 1) }\ndata list(x = c(1, 2))'));
    assert.doesNotThrow(() => compile('model { for (i in 1:2) { y[i] ~ dnorm(x[i], 1) } }\ndata list(x = c(1, 2, 3))'));
  });
});

describe('data checks: data the model never uses', () => {
  it('lists names the model and its data block never mention, with where they came from', () => {
    const { document } = parseDocument('data { z <- 2 * a }\nmodel { for (i in 1:N) { y[i] ~ dnorm(z, 1) } }');
    const at = { start: { line: 0, column: 0, offset: 0 }, end: { line: 0, column: 0, offset: 0 } };
    const origins = new Map([['N', { range: at }], ['a', { range: at }], ['y', { range: at }], ['w', { range: at, file: 'd.R' }]]);
    assert.deepEqual(unusedDataWarnings(document, origins).map((p) => [p.severity, p.message]), [['warning', "'w' is given as data (from d.R) but the model never uses it."]]);
  });
});

describe('data files in chain workers', () => {
  const dir = mkdtempSync(join(tmpdir(), 'latent-run-'));
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('reads the same files in every chain, and reports the warnings in the output', async () => {
    writeFileSync(join(dir, 'y.csv'), 'y,unused\n1.1,0\n0.9,0\n1.3,0\n');
    const source = 'model {\n  for (i in 1:N) { y[i] ~ dnorm(mu, 1) }\n  mu ~ dnorm(0, 0.01)\n}\ndata from "y.csv" with (N = length(y))\nsample with gibbs(chains = 2, burnin = 50, iterations = 100, seed = 4)';
    const request = readRequest('sample', source, BUILT_IN_DEFAULTS, () => 1, { baseDirectory: dir });
    const { output } = await startRun(request, {
      workerScript: resolve(REPO_ROOT, 'src/engine/run/chainWorker.ts'),
      workerExecArgv: ['--require', 'tsx/cjs'],
    }).result;
    assert.equal(output.status, 'complete', JSON.stringify(output.messages));
    assert.deepEqual(output.nodes.map((n) => n.name), ['mu']);
    assert.deepEqual(output.messages, [
      { severity: 'warning', message: "'unused' is given as data (from y.csv) but the model never uses it.", range: { startLine: 4, startColumn: 10, endLine: 4, endColumn: 17 } },
    ]);
  });
});
