import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { BUILT_IN_DEFAULTS } from '../../../src/engine/run/request';
import { readRequest } from '../../../src/engine/job/job';
import { prepareChain } from '../../../src/engine/run/chainSession';
import { assertRangeInText, modelErrorOf, textOf } from './helpers';

const MODEL = 'model {\n  mu ~ dnorm(0, 1)\n  tau ~ dgamma(1, 1)\n  for (i in 1:3) { y[i] ~ dnorm(mu, tau) }\n}\ndata list(y = c(1, 2, 3))\n';

/** Reads a cell that must fail with one problem; returns the message and the text it points at. */
function rejected(source: string): { message: string; covered: string } {
  const problems = modelErrorOf(() => readRequest('sample', source, BUILT_IN_DEFAULTS, () => 1));
  assert.equal(problems.length, 1, problems.map((p) => p.message).join(' | '));
  const p = problems[0]!;
  assertRangeInText(p.range, source, p.message);
  return { message: p.message, covered: textOf(source, p.range) };
}

describe('run requests: settings', () => {
  it('applies the defaults and a fresh seed when the cell gives no run directive', () => {
    let calls = 0;
    const r = readRequest('sample', MODEL, BUILT_IN_DEFAULTS, () => (calls++, 987));
    assert.deepEqual(r.settings, { algorithm: 'gibbs', chains: 4, burnin: 1000, iterations: 2000, thin: 1, seed: 987, monitor: [] });
    assert.equal(calls, 1);
  });

  it('uses a default seed when one is configured, without asking for a fresh one', () => {
    const r = readRequest('sample', MODEL, { ...BUILT_IN_DEFAULTS, seed: 5 }, () => assert.fail('fresh seed asked for'));
    assert.equal(r.settings.seed, 5);
  });

  it('takes chains, seed, burn-in, iterations, thin and monitor from the run directive, keeping other defaults', () => {
    const r = readRequest('sample', `${MODEL}sample with gibbs(chains = 2, seed = 3, thin = 5, iterations = 400, monitor = c(mu, tau))`, BUILT_IN_DEFAULTS, () => 1);
    assert.deepEqual(r.settings, { algorithm: 'gibbs', chains: 2, burnin: 1000, iterations: 400, thin: 5, seed: 3, monitor: ['mu', 'tau'] });
  });

  it('accepts one monitor name, quoted names and element names', () => {
    const one = readRequest('sample', `${MODEL}sample with gibbs(monitor = mu)`, BUILT_IN_DEFAULTS, () => 1);
    assert.deepEqual(one.settings.monitor, ['mu']);
    const quoted = readRequest('sample', `${MODEL}sample with gibbs(monitor = c("mu", 'y[2]'))`, BUILT_IN_DEFAULTS, () => 1);
    assert.deepEqual(quoted.settings.monitor, ['mu', 'y[2]']);
  });

  it('reads the data and the initial values', () => {
    const r = readRequest('sample', `${MODEL}inits list(mu = 0.5)`, BUILT_IN_DEFAULTS, () => 1);
    assert.deepEqual(Array.from(r.data.get('y')!.values), [1, 2, 3]);
    assert.deepEqual(Array.from(r.inits!.get('mu')!.values), [0.5]);
    assert.match(textOf(r.source, r.initsRange), /^inits list/);
  });

  it('merges several data directives', () => {
    const r = readRequest('sample', `${MODEL}data list(N = 3)`, BUILT_IN_DEFAULTS, () => 1);
    assert.deepEqual([...r.data.keys()].sort(), ['N', 'y']);
  });
});

describe('run requests: problems', () => {
  it('reports an unknown option with a suggestion and the list of options, at the option', () => {
    const { message, covered } = rejected(`${MODEL}sample with gibbs(chians = 2)`);
    assert.match(message, /Unknown option 'chians' for gibbs\. Did you mean 'chains'\? Options: chains, burnin, iterations, thin, seed, monitor, loo, ppc\./);
    assert.equal(covered, 'chians = 2');
  });

  it('reports a non-integer number of chains, at the value', () => {
    const { message, covered } = rejected(`${MODEL}sample with gibbs(chains = 2.5)`);
    assert.equal(message, 'chains must be a whole number from 1 to 64.');
    assert.equal(covered, '2.5');
  });

  it('reports zero chains, a negative burn-in and a non-numeric value', () => {
    assert.match(rejected(`${MODEL}sample with gibbs(chains = 0)`).message, /chains must be a whole number from 1 to 64/);
    assert.match(rejected(`${MODEL}sample with gibbs(burnin = -1)`).message, /burnin must be a whole number from 0/);
    assert.match(rejected(`${MODEL}sample with gibbs(thin = "two")`).message, /thin must be a whole number/);
    assert.match(rejected(`${MODEL}sample with gibbs(seed = 2^40)`).message, /seed must be a whole number/);
  });

  it('reports an unnamed option', () => {
    assert.match(rejected(`${MODEL}sample with gibbs(4)`).message, /Run options are named/);
  });

  it('reports a second run directive, at the second one', () => {
    const source = `${MODEL}sample with gibbs(chains = 1)\nsample with gibbs(chains = 2)`;
    const { message, covered } = rejected(source);
    assert.match(message, /A cell holds one run/);
    assert.equal(covered, 'sample with gibbs(chains = 2)');
  });

  it('reports an unknown algorithm, at its name', () => {
    const { message, covered } = rejected(`${MODEL}sample with hmc(chains = 2)`);
    assert.equal(message, "Unknown algorithm 'hmc'; this release samples with gibbs.");
    assert.equal(covered, 'hmc');
  });

  it('reports a monitor that is not a name', () => {
    assert.match(rejected(`${MODEL}sample with gibbs(monitor = c(mu, 2))`).message, /monitor takes variable names/);
  });

  it('reports a data file with a relative name when there is no folder to read it from (an unsaved notebook)', () => {
    assert.match(rejected(`${MODEL}data from "data.R"`).message, /Cannot read data file 'data\.R': the notebook is not saved yet/);
  });

  it('reports a cell without a model', () => {
    assert.match(rejected('data list(y = 1)').message, /no 'model \{ \.\.\. \}' block/);
  });

  it('reports syntax errors before anything else, with their ranges', () => {
    const source = 'model {\n mu ~ dnorm(0, 1\n}\nsample with gibbs(chains = 0)';
    const problems = modelErrorOf(() => readRequest('sample', source, BUILT_IN_DEFAULTS, () => 1));
    assert.ok(problems.length >= 1);
    for (const p of problems) assertRangeInText(p.range, source, p.message);
  });

  it('reports every bad option and data entry at once', () => {
    const source = `${MODEL}data list(y = 1, y = 2)\nsample with gibbs(chains = 0, thin = 1.5, colour = 1)`;
    const problems = modelErrorOf(() => readRequest('sample', source, BUILT_IN_DEFAULTS, () => 1));
    assert.equal(problems.length, 4, problems.map((p) => p.message).join(' | '));
    for (const p of problems) assertRangeInText(p.range, source, p.message);
  });

  it('raises a ModelError, not a crash, for bad data that reaches the request', () => {
    assert.equal(modelErrorOf(() => readRequest('sample', `${MODEL}data list(z = rep(0, -1))`, BUILT_IN_DEFAULTS, () => 1)).length, 1);
  });
});

describe('run requests: monitors of a chain', () => {
  it('monitors every unobserved node by default, with its sampler', () => {
    const session = prepareChain(readRequest('sample', MODEL, BUILT_IN_DEFAULTS, () => 1), 0);
    assert.deepEqual(session.monitors.map((m) => [m.name, m.sampler]), [['mu', 'conjugate normal'], ['tau', 'conjugate gamma']]);
  });

  it('monitors the named variables in order, expanding arrays, and labels data and deterministic nodes', () => {
    const source = `model {
  tau ~ dgamma(1, 1)
  sigma <- 1 / sqrt(tau)
  for (i in 1:2) { y[i] ~ dnorm(x[i], tau) }
}
data list(x = c(0, 1), y = c(1, NA))
sample with gibbs(monitor = c(sigma, y, "y[1]", x, tau))`;
    const session = prepareChain(readRequest('sample', source, BUILT_IN_DEFAULTS, () => 1), 0);
    assert.deepEqual(session.monitors.map((m) => [m.name, m.sampler]), [
      ['sigma', 'deterministic'],
      ['y[1]', 'observed'],
      // No observed descendants: drawn from its prior, after the other updates (predictiveNodes.ts).
      ['y[2]', 'predictive draw'],
      ['y[1]', 'observed'],
      ['x[1]', 'data'],
      ['x[2]', 'data'],
      ['tau', 'conjugate gamma'],
    ]);
  });

  it('reports a monitor that is not in the model, at the run directive', () => {
    const source = `${MODEL}sample with gibbs(monitor = c(mu, sigma))`;
    const problems = modelErrorOf(() => prepareChain(readRequest('sample', source, BUILT_IN_DEFAULTS, () => 1), 0));
    assert.equal(problems.length, 1);
    assert.match(problems[0]!.message, /Cannot monitor 'sigma'/);
    assert.match(textOf(source, problems[0]!.range), /^sample with gibbs/);
  });
});
