import assert from 'node:assert/strict';
import { resolve } from 'node:path';
import { describe, it } from 'node:test';
import type { Problem } from '../../../src/engine/language/source';
import { prepareChain, sampleChain } from '../../../src/engine/run/chainSession';
import { readRequest } from '../../../src/engine/job/job';
import { startRun } from '../../../src/engine/run/runner';
import { singleProblem, textOf } from './helpers';

/**
 * Models that cannot run (a cycle, missing data, impossible initial values,
 * zero-probability data, bad multivariate parameters) must stop with one
 * ModelError whose message names the node and whose range points at the
 * statement or directive at fault: never a hang, a stack trace, or NaN draws.
 */
interface Case {
  /** What is wrong, as the test's name. */
  what: string;
  source: string;
  /** The message must match this, and so name the node. */
  message: RegExp;
  /** The text the problem's range covers. */
  at: string;
  /** When `at` occurs more than once: the range starts at its first occurrence after this text. */
  after?: string;
}

const MATRIX_2 = (a: number, b: number, c: number, d: number): string => `structure(c(${a}, ${b}, ${c}, ${d}), .Dim = c(2, 2))`;

const CASES: Case[] = [
  // Cycles.
  {
    what: 'a directed cycle through two stochastic nodes',
    source: 'model {\n  a ~ dnorm(b, 1)\n  b ~ dnorm(a, 1)\n}',
    message: /b depends on itself: the model has a directed cycle through a/,
    at: 'b ~ dnorm(a, 1)',
  },
  {
    what: 'a stochastic node that is its own parameter',
    source: 'model {\n  a ~ dnorm(a, 1)\n}',
    message: /a depends on itself/,
    at: 'a ~ dnorm(a, 1)',
  },
  {
    what: 'a directed cycle through computed indices, which only the data reveal',
    source: 'model {\n  for (i in 1:2) { x[i] ~ dnorm(x[3 - i], 1) }\n}',
    message: /x\[\d\] depends on itself: the model has a directed cycle through x\[\d\]/,
    at: 'x[i] ~ dnorm(x[3 - i], 1)',
  },
  {
    what: 'a cycle through a deterministic node',
    source: 'model {\n  a ~ dnorm(m, 1)\n  m <- 2 * b\n  b ~ dnorm(a, 1)\n}',
    message: /b depends on itself: the model has a directed cycle through a/,
    at: 'b ~ dnorm(a, 1)',
  },
  {
    what: "a cycle of '<-' relations",
    source: 'model {\n  a <- b + 1\n  b <- a * 2\n  y ~ dnorm(a, 1)\n}\ndata list(y = 1)',
    message: /\b(a|b) depends on itself/,
    at: 'b <- a * 2',
  },
  // Loop bounds and indices not given as data.
  {
    what: 'a loop bound that is not given as data',
    source: 'model {\n  for (i in 1:N) { y[i] ~ dnorm(mu, 1) }\n  mu ~ dnorm(0, 1)\n}\ndata list(y = c(1, 2))',
    message: /'N'/,
    at: 'N',
    after: '1:',
  },
  {
    what: 'a loop bound given as NA',
    source: 'model {\n  for (i in 1:N) { y[i] ~ dnorm(mu, 1) }\n  mu ~ dnorm(0, 1)\n}\ndata list(y = c(1, 2), N = NA)',
    message: /loop bound must be fixed by the data, but it reads N/,
    at: 'N',
    after: '1:',
  },
  {
    what: 'a loop bound that the model defines as a stochastic node',
    source: 'model {\n  for (i in 1:N) { y[i] ~ dnorm(mu, 1) }\n  mu ~ dnorm(0, 1)\n  N ~ dpois(3)\n}\ndata list(y = c(1, 2))',
    message: /must be fixed by the data, but it reads N, which the model defines/,
    at: 'N',
    after: '1:',
  },
  {
    what: 'an index variable that is not given at all',
    source: 'model {\n  for (i in 1:3) { y[i] ~ dnorm(mu[g[i]], 1) }\n  for (k in 1:2) { mu[k] ~ dnorm(0, 1) }\n}\ndata list(y = c(1, 2, 3))',
    message: /'g'/,
    at: 'g',
    after: 'mu[',
  },
  // Impossible initial values.
  {
    what: 'an initial value outside the support (a negative precision)',
    source: 'model {\n  tau ~ dgamma(1, 1)\n  y ~ dnorm(0, tau)\n}\ndata list(y = 1)\ninits list(tau = -1)',
    message: /initial value of tau is impossible: it lies outside the support of dgamma/,
    at: 'inits list(tau = -1)',
  },
  {
    what: 'an initial value outside a truncation',
    source: 'model {\n  a ~ dnorm(0, 1) T(0, 1)\n  y ~ dnorm(a, 1)\n}\ndata list(y = 0.3)\ninits list(a = 2)',
    message: /initial value of a is impossible/,
    at: 'inits list(a = 2)',
  },
  {
    what: 'an initial value of a dcat node above the number of categories',
    source: 'model {\n  z ~ dcat(p[])\n  y ~ dnorm(z, 1)\n}\ndata list(p = c(0.5, 0.5), y = 1)\ninits list(z = 3)',
    message: /initial value of z is impossible/,
    at: 'inits list(z = 3)',
  },
  {
    what: 'an initial value of a Dirichlet node off the simplex',
    source: 'model {\n  p[1:3] ~ ddirch(a[])\n  for (i in 1:2) { z[i] ~ dcat(p[]) }\n}\ndata list(a = c(1, 1, 1), z = c(1, 2))\ninits list(p = c(0.5, 0.5, 0.5))',
    message: /initial value of p\[1:3\] is impossible/,
    at: 'inits list(p = c(0.5, 0.5, 0.5))',
  },
  {
    what: 'an initial value of a Wishart node that is not positive definite',
    source: `model {\n  Omega[1:2, 1:2] ~ dwish(R[,], 3)\n  x[1:2] ~ dmnorm(mu[], Omega[,])\n}\ndata list(R = ${MATRIX_2(1, 0, 0, 1)}, mu = c(0, 0), x = c(1, 2))\ninits list(Omega = ${MATRIX_2(1, 2, 2, 1)})`,
    message: /initial value of Omega\[1:2,1:2\] is impossible/,
    at: `inits list(Omega = ${MATRIX_2(1, 2, 2, 1)})`,
  },
  {
    what: "an initial value that makes a child's data impossible (binomial data above the initial size)",
    source: 'model {\n  p ~ dunif(0, 1)\n  n ~ dpois(3)\n  y ~ dbin(p, n)\n}\ndata list(y = 5)\ninits list(n = 2)',
    message: /initial value of n is impossible: y has zero probability/,
    at: 'inits list(n = 2)',
  },
  {
    what: 'an initial value of a censored latent outside the interval its data say',
    source: 'model {\n  c ~ dinterval(t, cut[])\n  t ~ dnorm(0, 1)\n}\ndata list(c = 1, cut = c(0, 1))\ninits list(t = 5)',
    message: /initial value of t is impossible: c has zero probability/,
    at: 'inits list(t = 5)',
  },
  // Zero-probability data.
  {
    what: 'binomial data above a size given as data',
    source: 'model {\n  p ~ dbeta(1, 1)\n  y ~ dbin(p, n)\n}\ndata list(y = 7, n = 5)',
    message: /y = 7 is data for dbin.*n = 5/,
    at: 'y ~ dbin(p, n)',
  },
  {
    what: 'binomial data above a size computed from the data',
    source: 'model {\n  m <- n + 1\n  y ~ dbin(p, m)\n  p ~ dbeta(1, 1)\n}\ndata list(y = 9, n = 5)',
    message: /y = 9 is data for dbin.*n = 6/,
    at: 'y ~ dbin(p, m)',
  },
  {
    what: 'dinterval data inconsistent with a fixed t',
    source: 'model {\n  c ~ dinterval(t, cut[])\n  mu ~ dnorm(0, 1)\n}\ndata list(c = 2, t = 0.5, cut = c(0, 1))',
    message: /the data c have zero probability/,
    at: 'c ~ dinterval(t, cut[])',
  },
  {
    what: 'dinterval data beyond the number of cut points',
    source: 'model {\n  c ~ dinterval(t, cut[])\n  t ~ dnorm(0, 1)\n}\ndata list(c = 3, cut = c(0, 1))',
    message: /c = 3 is data for dinterval/,
    at: 'c ~ dinterval(t, cut[])',
  },
  {
    what: 'two censoring intervals with nothing in common',
    source: 'model {\n  c1 ~ dinterval(t, cut1[])\n  c2 ~ dinterval(t, cut2[])\n  t ~ dnorm(0, 1)\n}\ndata list(c1 = 1, c2 = 1, cut1 = c(0, 1), cut2 = c(2, 3))',
    message: /the data c[12] have zero probability/,
    at: 'c1 ~ dinterval(t, cut1[])',
  },
  {
    what: 'categorical data above the number of categories',
    source: 'model {\n  y ~ dcat(p[])\n  p[1:3] ~ ddirch(a[])\n}\ndata list(a = c(1, 1, 1), y = 4)',
    message: /y = 4 is data for dcat/,
    at: 'y ~ dcat(p[])',
  },
  {
    what: 'multinomial data that do not add up to the size',
    source: 'model {\n  y[1:3] ~ dmulti(p[], n)\n  p[1:3] ~ ddirch(a[])\n}\ndata list(a = c(1, 1, 1), y = c(1, 2, 3), n = 5)',
    message: /the data y\[1:3\] have zero probability/,
    at: 'y[1:3] ~ dmulti(p[], n)',
  },
  {
    what: 'Poisson data with a zero rate',
    source: 'model {\n  y ~ dpois(lambda)\n  lambda <- 0 * mu\n  mu ~ dgamma(1, 1)\n}\ndata list(y = 2)',
    message: /the data y have zero probability/,
    at: 'y ~ dpois(lambda)',
  },
  // Multivariate nodes.
  {
    what: 'a multivariate node partly observed',
    source: `model {\n  x[1:2] ~ dmnorm(mu[], Omega[,])\n}\ndata list(x = c(1, NA), mu = c(0, 0), Omega = ${MATRIX_2(1, 0, 0, 1)})`,
    message: /x\[1:2\] is partly observed \(1 of 2 elements are missing\)/,
    at: 'x[1:2]',
  },
  {
    what: 'one row of a matrix of multivariate nodes partly observed',
    source: `model {\n  for (i in 1:2) { x[i, 1:2] ~ dmnorm(mu[], Omega[,]) }\n  mu[1:2] ~ dmnorm(m[], Omega[,])\n}\ndata list(x = ${MATRIX_2(1, 2, NaN, 4).replace('NaN', 'NA')}, m = c(0, 0), Omega = ${MATRIX_2(1, 0, 0, 1)})`,
    message: /x\[1,1:2\] is partly observed/,
    at: 'x[i, 1:2]',
  },
  {
    what: 'a Dirichlet node partly observed',
    source: 'model {\n  p[1:3] ~ ddirch(a[])\n}\ndata list(a = c(1, 1, 1), p = c(0.2, NA, NA))',
    message: /p\[1:3\] is partly observed/,
    at: 'p[1:3]',
  },
  {
    what: 'an unobserved dmnorm whose precision, given as data, is not positive definite',
    source: `model {\n  x[1:2] ~ dmnorm(mu[], Omega[,])\n}\ndata list(mu = c(0, 0), Omega = ${MATRIX_2(1, 2, 2, 1)})`,
    message: /x\[1:2\] cannot (be used|start).*for dmnorm, the precision matrix must be positive definite/,
    at: 'x[1:2] ~ dmnorm(mu[], Omega[,])',
  },
  {
    what: 'observed dmnorm data whose precision is not positive definite',
    source: `model {\n  x[1:2] ~ dmnorm(mu[], Omega[,])\n  for (k in 1:2) { mu[k] ~ dnorm(0, 1) }\n}\ndata list(x = c(1, 2), Omega = ${MATRIX_2(1, 2, 2, 1)})`,
    message: /x\[1:2\] cannot (be used|start).*for dmnorm, the precision matrix must be positive definite/,
    at: 'x[1:2] ~ dmnorm(mu[], Omega[,])',
  },
  {
    what: 'a dmnorm prior whose precision is not positive definite, with normal children',
    source: `model {\n  b[1:2] ~ dmnorm(mu[], Omega[,])\n  for (i in 1:2) { y[i] ~ dnorm(b[i], 1) }\n}\ndata list(y = c(1, 2), mu = c(0, 0), Omega = ${MATRIX_2(1, 2, 2, 1)})`,
    message: /b\[1:2\] cannot be used: for dmnorm, the precision matrix must be positive definite/,
    at: 'b[1:2] ~ dmnorm(mu[], Omega[,])',
  },
  // Categorical nodes with no possible value.
  {
    what: 'an unobserved dcat whose probabilities are all zero',
    source: 'model {\n  z ~ dcat(p[])\n}\ndata list(p = c(0, 0, 0))',
    message: /\bz cannot be used: for dcat, the probabilities must not all be 0/,
    at: 'z ~ dcat(p[])',
  },
  {
    what: 'observed dcat data whose probabilities are all zero',
    source: 'model {\n  z ~ dcat(p[])\n  mu ~ dnorm(0, 1)\n}\ndata list(p = c(0, 0, 0), z = 2)',
    message: /\bz cannot be used: for dcat, the probabilities must not all be 0/,
    at: 'z ~ dcat(p[])',
  },
  {
    what: 'mixture indicators whose weights are all zero',
    source: 'model {\n  for (i in 1:2) {\n    z[i] ~ dcat(w[])\n    y[i] ~ dnorm(mu[z[i]], 1)\n  }\n  for (k in 1:2) { mu[k] ~ dnorm(0, 1) }\n}\ndata list(w = c(0, 0), y = c(1, 2))',
    message: /z\[1\] cannot be used: for dcat, the probabilities must not all be 0/,
    at: 'z[i] ~ dcat(w[])',
  },
  {
    what: 'a dcat whose probabilities are computed as all zero',
    source: 'model {\n  for (k in 1:3) { p[k] <- 0 * w }\n  z ~ dcat(p[])\n  w ~ dnorm(0, 1)\n}',
    message: /\bz cannot start: at the starting values, for dcat, the probabilities must not all be 0/,
    at: 'z ~ dcat(p[])',
  },
  // Other impossible starts.
  {
    what: 'an empty truncation interval',
    source: 'model {\n  a ~ dnorm(0, 1) T(2, 1)\n}',
    message: /\ba has zero probability/,
    at: 'a ~ dnorm(0, 1) T(2, 1)',
  },
];

const DEFAULTS = { chains: 2, burnin: 10, iterations: 20, thin: 1 };

/** Reads the cell and prepares the given chain (chain 0 starts from typical values, later ones from prior draws); must throw one ModelError. */
function problemOf(source: string, chain: number): Problem {
  return singleProblem(source, () => {
    const request = readRequest('sample', source, DEFAULTS, () => 1);
    const session = prepareChain(request, chain);
    // Should the chain start after all, its draws must not be NaN.
    sampleChain(session, { burnin: 10, iterations: 20, thin: 1 }, (_done, draws) => assert.ok(!draws.some(Number.isNaN), 'NaN draws'));
  });
}

function expectedStart(c: Case): number {
  const from = c.after === undefined ? 0 : c.source.indexOf(c.after);
  assert.ok(from >= 0, `'${c.after}' is not in the source`);
  const start = c.source.indexOf(c.at, from);
  assert.ok(start >= 0, `'${c.at}' is not in the source`);
  return start;
}

describe('models that cannot run stop with a ModelError naming the node, at the statement or directive at fault', () => {
  for (const c of CASES) {
    it(c.what, () => {
      for (const chain of [0, 1]) {
        const p = problemOf(c.source, chain);
        assert.match(p.message, c.message, `chain ${chain + 1}`);
        assert.equal(textOf(c.source, p.range), c.at, `chain ${chain + 1}: range of "${p.message}"`);
        assert.equal(p.range.start.offset, expectedStart(c), `chain ${chain + 1}: range start`);
        assert.doesNotMatch(p.message, /NaN|\w+Error\b|Cannot read properties|\bat \S+ \(/, 'no internals (NaN, a JavaScript error, a stack frame) in the message');
      }
    });
  }
});

/**
 * Cases the engine once handled badly (found by these tests); the note says
 * what happened before the fix.
 */
const FINDINGS: Array<Case & { before: string }> = [
  {
    what: 'an index given as data with an NA (data missing for an index)',
    source: 'model {\n  for (i in 1:3) { y[i] ~ dnorm(mu[g[i]], 1) }\n  for (k in 1:2) { mu[k] ~ dnorm(0, 1) }\n}\ndata list(y = c(1, 2, 3), g = c(1, NA, 2))',
    message: /g\[2\]/,
    at: 'y[i] ~ dnorm(mu[g[i]], 1)',
    before: "names y[2], not the missing g[2]: 'The model cannot start: the data y[2] have zero probability at the starting values (its density is undefined: check its parameters)…'",
  },
  {
    what: 'an index given as data with an NA, in a relation whose left side is not data',
    source: 'model {\n  for (i in 1:3) { y[i] ~ dnorm(mu[g[i]], 1) }\n  for (k in 1:2) { mu[k] ~ dnorm(0, 1) }\n}\ndata list(g = c(1, NA, 2))',
    message: /g\[2\]/,
    at: 'y[i] ~ dnorm(mu[g[i]], 1)',
    before: "names y[2], not the missing g[2]: 'Cannot find a starting value for y[2]; give it one in inits list(...)' (no initial value can help)",
  },
  {
    what: 'a covariate given as data with an NA',
    source: 'model {\n  for (i in 1:3) { y[i] ~ dnorm(b * x[i], 1) }\n  b ~ dnorm(0, 1)\n}\ndata list(y = c(1, 2, 3), x = c(1, NA, 2))',
    message: /x\[2\]/,
    at: 'y[i] ~ dnorm(b * x[i], 1)',
    before: "names y[2], not the missing x[2]: 'The model cannot start: the data y[2] have zero probability at the starting values (its density is undefined…)'",
  },
  {
    what: 'a dmnorm precision given as data that is not symmetric',
    source: `model {\n  x[1:2] ~ dmnorm(mu[], Omega[,])\n  for (k in 1:2) { mu[k] ~ dnorm(0, 1) }\n}\ndata list(x = c(1, 2), Omega = ${MATRIX_2(2, 1, 0, 2)})`,
    message: /x\[1:2\].*symmetric|symmetric.*x\[1:2\]/,
    at: 'x[1:2] ~ dmnorm(mu[], Omega[,])',
    before: 'accepted without a message and run: the dmnorm density (through cholesky) reads only the lower triangle, so Omega[1,2] is ignored; checkParameters (multivariate.ts, distributions.ts) is never called',
  },
  {
    what: 'a dwish scale matrix given as data that is not symmetric',
    source: `model {\n  Omega[1:2, 1:2] ~ dwish(R[,], 3)\n  x[1:2] ~ dmnorm(mu[], Omega[,])\n}\ndata list(R = ${MATRIX_2(1, 0.5, 0, 1)}, mu = c(0, 0), x = c(1, 2))`,
    message: /Omega\[1:2,1:2\].*symmetric|symmetric.*Omega\[1:2,1:2\]/,
    at: 'Omega[1:2, 1:2] ~ dwish(R[,], 3)',
    before: 'accepted without a message; the run samples Omega with an R of its own making',
  },
  {
    what: 'a dcat with a negative probability given as data',
    source: 'model {\n  z ~ dcat(p[])\n  y ~ dnorm(z, 1)\n}\ndata list(p = c(-0.5, 1.5), y = 1)',
    message: /\bz\b.*probabilit/,
    at: 'z ~ dcat(p[])',
    before: 'accepted without a message: finite enumeration treats the log of the negative weight (NaN) as −∞ and z stays at 2',
  },
  {
    what: 'a dmulti with a negative probability given as data',
    source: 'model {\n  y[1:3] ~ dmulti(p[], 5)\n  mu ~ dnorm(0, 1)\n}\ndata list(p = c(-0.2, 0.6, 0.6), y = c(0, 2, 3))',
    message: /y\[1:3\].*probabilit/,
    at: 'y[1:3] ~ dmulti(p[], 5)',
    before: 'accepted without a message (the density is finite because y[1] = 0)',
  },
  {
    what: 'a dmnorm prior with a non-positive-definite precision, and an initial value given for it',
    source: `model {\n  b[1:2] ~ dmnorm(mu[], Omega[,])\n  for (i in 1:2) { y[i] ~ dnorm(b[i], 1) }\n}\ndata list(y = c(1, 2), mu = c(0, 0), Omega = ${MATRIX_2(1, 2, 2, 1)})\ninits list(b = c(0, 0))`,
    message: /b\[1:2\].*(undefined|positive definite|parameter)/,
    at: 'b[1:2] ~ dmnorm(mu[], Omega[,])',
    before: "blames the initial value, at the inits directive: 'The initial value of b[1:2] is impossible: it lies outside the support of dmnorm.' No initial value can help",
  },
  {
    what: 'a dcat whose probabilities are all zero, with an initial value given for it',
    source: 'model {\n  z ~ dcat(p[])\n  y ~ dnorm(z, 1)\n}\ndata list(p = c(0, 0, 0), y = 1)\ninits list(z = 2)',
    message: /\bz\b.*(undefined|probabilities|parameter)/,
    at: 'z ~ dcat(p[])',
    before: "blames the initial value, at the inits directive: 'The initial value of z is impossible: it lies outside the support of dcat.'",
  },
  {
    what: 'a dwish prior whose scale matrix given as data is not positive definite',
    source: `model {\n  Omega[1:2, 1:2] ~ dwish(R[,], 3)\n  x[1:2] ~ dmnorm(mu[], Omega[,])\n}\ndata list(R = ${MATRIX_2(1, 2, 2, 1)}, mu = c(0, 0), x = c(1, 2))`,
    message: /Omega\[1:2,1:2\].*(undefined|positive definite|parameter)/,
    at: 'Omega[1:2, 1:2] ~ dwish(R[,], 3)',
    before: "asks for an initial value ('Cannot find a starting value for Omega[1:2,1:2]; give it one in inits list(...)'), and with one blames it ('The initial value of Omega[1:2,1:2] is impossible'); R is at fault",
  },
];

describe('models that cannot run: cases once missed, now named at their cause (the notes say what happened before)', () => {
  for (const c of FINDINGS) {
    it(c.what, () => {
      const p = problemOf(c.source, 0);
      assert.match(p.message, c.message);
      assert.equal(textOf(c.source, p.range), c.at, `range of "${p.message}"`);
    });
  }
});

/** The runner in worker threads, with the TypeScript worker loaded through tsx (as in runner.test.ts). */
const WORKER = { workerScript: resolve(__dirname, '../../../src/engine/run/chainWorker.ts'), workerExecArgv: ['--require', 'tsx/cjs'] };

/** Far above the ~0.3 s a failing run takes (two workers starting and compiling), and far below a test runner's patience. */
const PROMPT_MS = 15_000;

/** One case per kind of failure, run as a notebook cell runs: chains in worker threads. */
const THROUGH_WORKERS = [
  'a directed cycle through computed indices, which only the data reveal',
  'a loop bound given as NA',
  'an initial value outside the support (a negative precision)',
  "an initial value that makes a child's data impossible (binomial data above the initial size)",
  'binomial data above a size given as data',
  'dinterval data inconsistent with a fixed t',
  'a multivariate node partly observed',
  'an unobserved dmnorm whose precision, given as data, is not positive definite',
  'an unobserved dcat whose probabilities are all zero',
];

describe('models that cannot run, through startRun: a failed run with the same message and range, no draws, no hang', () => {
  for (const what of THROUGH_WORKERS) {
    const c = CASES.find((k) => k.what === what);
    it(what, async () => {
      assert.ok(c, `no case '${what}'`);
      const expected = problemOf(c.source, 0);
      // One chain: a worker costs ~0.3 s to start, and later chains' starts are covered through prepareChain above.
      const handle = startRun(readRequest('sample', c.source, { ...DEFAULTS, chains: 1 }, () => 1), WORKER);
      let timer: NodeJS.Timeout | undefined;
      const late = new Promise<'late'>((r) => (timer = setTimeout(() => r('late'), PROMPT_MS)));
      const outcome = await Promise.race([handle.result, late]);
      clearTimeout(timer);
      if (outcome === 'late') {
        handle.cancel();
        await handle.result;
        assert.fail(`the run did not fail within ${PROMPT_MS} ms`);
      }
      const { output } = outcome;
      assert.equal(output.status, 'failed');
      assert.deepEqual(output.nodes, []);
      const errors = output.messages.filter((m) => m.severity === 'error');
      assert.deepEqual(errors, [{
        severity: 'error',
        message: expected.message,
        range: { startLine: expected.range.start.line, startColumn: expected.range.start.column, endLine: expected.range.end.line, endColumn: expected.range.end.column },
      }]);
      assert.ok(!JSON.stringify(output).includes('NaN'), 'no NaN anywhere in the output');
    });
  }
});
