import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { after, describe, it } from 'node:test';
import { runCheck } from '../../../src/cli/check';
import { ModelError } from '../../../src/engine/language/source';
import { MAX_EXPRESSION_DEPTH } from '../../../src/engine/language/parser';
import { MAX_DEFINITION_DEPTH } from '../../../src/engine/model/compile';
import { prepareChain } from '../../../src/engine/run/chainSession';
import { BUILT_IN_DEFAULTS, type ReadOptions } from '../../../src/engine/run/request';
import { readRequest } from '../../../src/engine/job/job';
import { startRun } from '../../../src/engine/run/runner';
import { problemsIn } from '../../../src/extension/language/diagnosticsLogic';
import { densityHistogram } from '../../../src/renderer/fitFigures';
import { modelErrorOf, textOf } from './helpers';

/**
 * Input far larger or deeper than any real model, as an attacker or a slip of
 * the hand gives it, ends in a ModelError with a range: never a RangeError
 * (stack overflow) from a recursion over the expression tree or from
 * `push(...array)` with hundreds of thousands of arguments, never a hang on
 * a FIFO or a device, never a message that carries a file's bytes.
 */
const folder = mkdtempSync(join(tmpdir(), 'latent-large-input-'));
after(() => rmSync(folder, { recursive: true, force: true }));

const WORKER = { workerScript: resolve(__dirname, '../../../src/engine/run/chainWorker.ts'), workerExecArgv: ['--require', 'tsx/cjs'] };
const read = (source: string, options: ReadOptions = {}) => readRequest('sample', source, { ...BUILT_IN_DEFAULTS, chains: 1, burnin: 10, iterations: 20, seed: 1 }, () => 1, { baseDirectory: folder, ...options });
const terms = (n: number, term: string, op: string): string => Array<string>(n).fill(term).join(op);
/** Characters no message may carry: controls and bidirectional overrides. */
// eslint-disable-next-line no-control-regex -- finding control characters is the point
const UNPRINTABLE = /[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/;

/** Bytes of a seeded linear congruential generator: the same "binary file" on every run. */
function binary(length: number, seed: number, avoidNul = false): Buffer {
  const bytes = Buffer.alloc(length);
  let x = seed >>> 0;
  for (let i = 0; i < length; i++) {
    x = (Math.imul(x, 1103515245) + 12345) >>> 0;
    bytes[i] = avoidNul ? 1 + ((x >>> 24) % 255) : x >>> 24;
  }
  return bytes;
}

describe('deep expressions', () => {
  it('a 20,000-term sum is an error at the expression, not a stack overflow', () => {
    const sum = terms(20_000, '1', '+');
    const source = `model {\n  mu ~ dnorm(${sum}, 1)\n}\n`;
    const problems = modelErrorOf(() => read(source));
    assert.equal(problems.length, 1);
    assert.match(problems[0]!.message, new RegExp(`more than ${MAX_EXPRESSION_DEPTH} operations inside one another.*split it`));
    assert.ok(sum.startsWith(textOf(source, problems[0]!.range)), 'the range is the start of the sum');
  });

  it('latent check reports the 20,000-term sum at its line and column and exits 1', () => {
    const file = join(folder, 'sum.bug');
    writeFileSync(file, `model {\n  mu ~ dnorm(${terms(20_000, '1', '+')}, 1)\n}\n`);
    const lines: string[] = [];
    assert.equal(runCheck(file, [], (l) => lines.push(l)), 1);
    assert.equal(lines.length, 1);
    assert.match(lines[0]!, /sum\.bug:2:14: error: This expression nests more than/);
  });

  it('the editor checks a document with a 20,000-term sum without an exception: one problem at the sum', () => {
    const text = `model {\n  mu ~ dnorm(${terms(20_000, '1', '+')}, 1)\n}\n`;
    const problems = problemsIn(text);
    assert.equal(problems.length, 1);
    assert.equal(problems[0]!.range.start.line, 1);
  });

  it('a deep sum in an R dump data file is an error naming the file and place', () => {
    writeFileSync(join(folder, 'deep.R'), `x <- ${terms(5000, '1', ' + ')}\n`);
    const problems = modelErrorOf(() => read('model {\n  y ~ dnorm(x, 1)\n}\ndata from "deep.R"\n'));
    assert.equal(problems.length, 1);
    assert.match(problems[0]!.message, /^deep\.R:1:6: This expression nests more than/);
  });

  it(`the deepest expression accepted (${MAX_EXPRESSION_DEPTH} levels) checks, compiles and samples in a worker thread`, async () => {
    const n = MAX_EXPRESSION_DEPTH;
    // A linear mean (the conjugate normal analysis walks it), a product (the slice sampler's density), a deterministic node.
    const source = `model {
  mu ~ dnorm(0, 1)
  for (i in 1:3) { y[i] ~ dnorm(${terms(n, 'mu', ' + ')}, 1) }
  s ~ dgamma(1, 1)
  z ~ dnorm(${terms(n - 1, 's', ' * ')} * 0, 1)
  w <- ${terms(n, 'mu', ' - ')}
}
data list(y = c(1, 2, 3))
sample with gibbs(chains = 1, burnin = 10, iterations = 20, seed = 1, monitor = c(mu, s, w))
`;
    const { output } = await startRun(read(source), WORKER).result;
    assert.equal(output.status, 'complete', JSON.stringify(output.messages));
  });
});

describe('long chains of definitions', () => {
  // c[i] <- c[i-1] + 1 counts 4 levels per element (+, the index, i - 1, a name).
  const chain = (n: number): string =>
    `model {\n  mu ~ dnorm(0, 1)\n  c[1] <- mu\n  for (i in 2:N) { c[i] <- c[i-1] + 1 }\n  y ~ dnorm(c[N], 1)\n}\ndata list(N = ${n}, y = 3)\nsample with gibbs(chains = 1, burnin = 10, iterations = 20, seed = 1, monitor = c(mu))\n`;

  it('a chain of 100,000 definitions is refused at the statement that goes past the limit, not a stack overflow', async () => {
    const source = chain(100_000);
    const { output } = await startRun(read(source), WORKER).result;
    assert.equal(output.status, 'failed');
    assert.equal(output.messages.length, 1);
    assert.match(output.messages[0]!.message, new RegExp(`^c\\[${MAX_DEFINITION_DEPTH / 4 + 1}\\] ends a chain of '<-' definitions more than ${MAX_DEFINITION_DEPTH} expression levels deep`));
    assert.equal(output.messages[0]!.range?.startLine, 3);
  });

  it(`the longest chain accepted (${MAX_DEFINITION_DEPTH / 4} definitions) samples in a worker thread`, async () => {
    const { output } = await startRun(read(chain(MAX_DEFINITION_DEPTH / 4)), WORKER).result;
    assert.equal(output.status, 'complete', JSON.stringify(output.messages));
  });
});

describe('the memory of the draws', () => {
  const MODEL = 'model {\n  for (i in 1:N) { x[i] ~ dnorm(0, 1) }\n}\ndata list(N = 100000)\n';

  it('a run whose kept draws would pass the limit is refused before sampling, saying what to change', () => {
    const source = `${MODEL}sample with gibbs(chains = 4, iterations = 10000)\n`;
    const problems = modelErrorOf(() => prepareChain(readRequest('sample', source, BUILT_IN_DEFAULTS, () => 1), 0));
    assert.equal(problems.length, 1);
    assert.equal(
      problems[0]!.message,
      'The run would keep 29.8 GB of draws (100,000 monitored scalars × 10,000 kept iterations × 4 chains × 8 bytes), more than the limit of 1.0 GB: ' +
        'monitor fewer nodes (monitor = c(...)), thin the chains (thin = 10 keeps every 10th draw), or run fewer iterations or chains ' +
        '(or raise the limit: setting latent.limits.maxDrawMB, or LATENT_MAX_DRAW_MB=<megabytes> in the environment of the command line).',
    );
    assert.equal(textOf(source, problems[0]!.range), 'sample with gibbs(chains = 4, iterations = 10000)');
  });

  it('thinning brings the same run under a limit the request sets', () => {
    const source = `${MODEL}sample with gibbs(chains = 2, iterations = 1000, thin = 10)\n`;
    // 100,000 × 100 × 2 × 8 bytes = 160 MB.
    assert.ok(prepareChain(readRequest('sample', source, BUILT_IN_DEFAULTS, () => 1, { maxDrawBytes: 200e6 }), 0));
    assert.match(modelErrorOf(() => prepareChain(readRequest('sample', source, BUILT_IN_DEFAULTS, () => 1, { maxDrawBytes: 100e6 }), 0))[0]!.message, /more than the limit of 0\.09 GB/);
  });
});

describe('the memory of the unrolled graphs', () => {
  const MODEL = 'model {\n  for (i in 1:N) { x[i] ~ dnorm(0, 1) }\n}\ndata list(N = 100000)\nsample with gibbs(chains = 4, iterations = 10, monitor = c("x[1]"))\n';

  it('a model whose graphs would pass the limit is refused before they are built, at its model block, saying what to change', () => {
    // 100,000 nodes × 1,536 bytes × 4 chains = 586 MB, over a 100 MB limit.
    const problems = modelErrorOf(() => prepareChain(readRequest('sample', MODEL, BUILT_IN_DEFAULTS, () => 1, { maxModelBytes: 100 * 1024 ** 2 }), 0));
    assert.equal(problems.length, 1);
    assert.equal(
      problems[0]!.message,
      'The model unrolls into 100,000 nodes: its graphs would take about 586 MB (100,000 nodes × ~1.5 kB × 4 chains), more than the limit of 100 MB: ' +
        'use fewer rows of data or fewer chains, or raise the limit (setting latent.limits.maxModelMB, or LATENT_MAX_MODEL_MB=<megabytes> in the environment of the command line).',
    );
    assert.match(textOf(MODEL, problems[0]!.range), /^model \{/);
  });

  it('the same model under the default limit is built', () => {
    assert.ok(prepareChain(readRequest('sample', MODEL, BUILT_IN_DEFAULTS, () => 1), 0));
  });
});

describe('huge arrays', () => {
  it('a sum over a 300,000-element vector compiles (its reads are not spread into one call)', () => {
    const values = Float64Array.from({ length: 300_000 }, (_, i) => i % 7);
    writeFileSync(join(folder, 'long.json'), JSON.stringify({ x: Array.from(values), N: values.length }));
    const request = read('model {\n  total <- sum(x[])\n  m ~ dnorm(total / N, 1)\n}\ndata from "long.json"\n');
    const session = prepareChain(request, 0);
    assert.ok(session.samplers.length >= 1);
  });

  it('a density histogram of 300,000 points is drawn (no Math.min(...points))', () => {
    const xs = Array.from({ length: 300_000 }, (_, i) => Math.sin(i));
    const bars = densityHistogram(xs);
    assert.ok(bars.x.length >= 10 && bars.y.every(Number.isFinite));
  });
});

describe('files that are not data', () => {
  it('a 1 MB binary file given as data is refused in one message that carries none of its bytes', () => {
    writeFileSync(join(folder, 'g.R'), binary(1 << 20, 7));
    const problems = modelErrorOf(() => read('model {\n  mu ~ dnorm(0, 1)\n}\ndata from "g.R"\n'));
    assert.equal(problems.length, 1);
    assert.match(problems[0]!.message, /^Cannot read data file 'g\.R' \(looked in .*\): it is not a text file \(byte \d+ is a NUL\)\.$/);
  });

  it('a 1 MB binary file without NUL bytes gives at most 21 problems, each printable and short', () => {
    writeFileSync(join(folder, 'h.R'), binary(1 << 20, 11, true));
    const error = (() => {
      try {
        read('model {\n  mu ~ dnorm(0, 1)\n}\ndata from "h.R"\n');
      } catch (e) {
        return e;
      }
      return undefined;
    })();
    assert.ok(error instanceof ModelError, String(error));
    assert.ok(error.problems.length >= 1 && error.problems.length <= 21, `${error.problems.length} problems`);
    for (const p of error.problems) {
      assert.ok(!UNPRINTABLE.test(p.message), `printable: ${JSON.stringify(p.message)}`);
      assert.ok(p.message.length <= 601, `short: ${p.message.length} characters`);
    }
  });

  it('a FIFO, a symbolic link to /dev/zero and a folder are refused at once, saying what they are', () => {
    execFileSync('mkfifo', [join(folder, 'pipe.R')]);
    symlinkSync('/dev/zero', join(folder, 'zero.R'));
    const messages = ['pipe.R', 'zero.R', 'sub.R'].map((name) => {
      if (name === 'sub.R') execFileSync('mkdir', [join(folder, name)]);
      return modelErrorOf(() => read(`model {\n  mu ~ dnorm(0, 1)\n}\ndata from "${name}"\n`))[0]!.message;
    });
    assert.match(messages[0]!, /'pipe\.R' .*: it is a named pipe \(FIFO\), not a regular file\./);
    assert.match(messages[1]!, /'zero\.R' .*: it is a character device, not a regular file\./);
    assert.match(messages[2]!, /'sub\.R' .*: it is a folder/);
  });

  it('a file past the size limit is refused with the limit and how to raise it', () => {
    writeFileSync(join(folder, 'big.R'), `x <- c(${terms(200_000, '1', ', ')})\n`);
    const problems = modelErrorOf(() => read('model {\n  mu ~ dnorm(0, 1)\n}\ndata from "big.R"\n', { maxFileBytes: 100_000 }));
    assert.match(problems[0]!.message, /'big\.R' .*: it holds 0\.57 MB, more than the limit of 0\.10 MB for a file read whole \(raise it: setting latent\.limits\.maxFileMB, or LATENT_MAX_FILE_MB=<megabytes> in the environment of the command line\)\./);
    // Under the default limit the same file reads.
    assert.ok(read('model {\n  mu ~ dnorm(0, 1)\n}\ndata from "big.R"\n').data.get('x'));
  });

  it('control characters in a model or a data file are escaped in messages', () => {
    writeFileSync(join(folder, 'esc.csv'), 'y\n\u001b[31mred\n');
    const problems = [
      ...modelErrorOf(() => read('model {\n  mu ~ dnorm(0, 1)\u001b[2J\n}\n')),
      ...modelErrorOf(() => read('model {\n  mu ~ dnorm(0, 1)\n}\ndata from "esc.csv"\n')),
    ];
    assert.ok(problems.length >= 2);
    for (const p of problems) assert.ok(!UNPRINTABLE.test(p.message), JSON.stringify(p.message));
    assert.ok(problems.some((p) => p.message.includes('\\u{001b}')), problems.map((p) => p.message).join('\n'));
  });
});
