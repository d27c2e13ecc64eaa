import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseDocument } from '../../../src/engine/language/parser';
import { FIT_DEFAULTS, FIT_OPTIONS } from '../../../src/engine/run/fitOptions';
import { type FitDefaults } from '../../../src/engine/run/fitRequest';
import { readRequest } from '../../../src/engine/job/job';
import { assertRangeInText, modelErrorOf, singleProblem, textOf } from './helpers';

/** A two-component, one-dimensional Gaussian mixture as the language writes it. */
const MODEL = `model {
  for (i in 1:N) {
    z[i] ~ dcat(w[])
    x[i] ~ dnorm(mu[z[i]], tau[z[i]])
  }
  for (k in 1:2) {
    mu[k] ~ dnorm(0, 0.01)
    tau[k] ~ dgamma(1, 1)
  }
  w[1:2] ~ ddirch(alpha[])
  s <- sum(mu[])
}
data list(N = 4, x = c(-1.2, -0.8, 3.1, 2.7), alpha = c(1, 1))
`;

const read = (source: string, defaults: FitDefaults = {}, files: { dataFiles?: string[]; initsFiles?: string[]; readFile?: (p: string) => string } = {}) =>
  readRequest('fit', source, defaults, () => 4242, files);

/** Reads a cell that must fail with one problem; returns the message and the text it points at. */
function rejected(source: string, defaults: FitDefaults = {}): { message: string; covered: string } {
  const p = singleProblem(source, () => read(source, defaults));
  return { message: p.message, covered: textOf(source, p.range) };
}

describe('fit directive: parsing', () => {
  it('reads fit [NAME] with ALGORITHM(options) as a run directive with the verb fit; dotted algorithm and option names are names', () => {
    const text = `${MODEL}fit with online.em(batch = 100, max.iter = 20, latent = c(z))`;
    const { document, problems } = parseDocument(text);
    assert.deepEqual(problems, []);
    const run = document.directives.find((d) => d.kind === 'run');
    assert.ok(run && run.kind === 'run');
    assert.equal(run.verb, 'fit');
    assert.equal(run.algorithm, 'online.em');
    assert.deepEqual(run.options.map((o) => o.name), ['batch', 'max.iter', 'latent']);
    assert.equal(textOf(text, run.range), 'fit with online.em(batch = 100, max.iter = 20, latent = c(z))');
    assert.equal(run.model, undefined);
  });

  it('reads a named model, and explains a missing with by a fit example', () => {
    const [named] = parseDocument('fit mixture with em(restarts = 3)').document.directives;
    assert.equal(named?.kind === 'run' && named.verb === 'fit' ? named.model?.text : undefined, 'mixture');
    const { problems } = parseDocument(`${MODEL}fit em()`);
    assert.equal(problems.length, 1);
    assert.match(problems[0]!.message, /Expected 'with' after 'fit', as in fit with em\(restarts = 5\)/);
  });

  it('recovers at a fit line after a broken statement', () => {
    const { document, problems } = parseDocument('modle { x ~ dnorm(0, 1) }\nfit with em()');
    assert.equal(problems.length, 1);
    assert.equal(document.directives.at(-1)?.kind, 'run');
  });
});

describe('fit requests: settings', () => {
  it('applies the defaults and a fresh seed when the document has no fit directive (a plain model file); MAP by default', () => {
    let calls = 0;
    const r = readRequest('fit', MODEL, {}, () => (calls++, 77));
    assert.deepEqual(r.settings, { ...FIT_DEFAULTS, seed: 77, init: 'kmeans++' });
    assert.equal(r.settings.estimator, 'map');
    assert.equal(calls, 1);
    assert.equal(r.data.get('N')?.values[0], 4);
    assert.equal(r.inits, undefined);
  });

  it('takes every option from the directive, the directive winning over the defaults', () => {
    const r = read(`${MODEL}fit with em(mle = TRUE, tol = 1e-6, max.iter = 500, restarts = 4, init = "random", seed = 9, reg.covar = 0, latent = c(z), threads = 2)`, {
      estimator: 'map',
      tolerance: 0.1,
      seed: 3,
    });
    assert.deepEqual(r.settings, {
      method: 'em',
      estimator: 'ml',
      tolerance: 1e-6,
      maxIterations: 500,
      restarts: 4,
      init: 'random',
      seed: 9,
      regCovar: 0,
      latent: ['z'],
      threads: 2,
    });
  });

  it('keeps the defaults the directive leaves out (the CLI flags), ignoring undefined entries', () => {
    const r = read(`${MODEL}fit with ecm(restarts = 2)`, { estimator: 'ml', tolerance: 1e-8, maxIterations: undefined, seed: 11 });
    assert.equal(r.settings.method, 'ecm');
    assert.equal(r.settings.estimator, 'ml');
    assert.equal(r.settings.tolerance, 1e-8);
    assert.equal(r.settings.maxIterations, FIT_DEFAULTS.maxIterations);
    assert.equal(r.settings.restarts, 2);
    assert.equal(r.settings.seed, 11);
  });

  it('fills in the variant settings of online, annealed and Monte-Carlo EM, and reads their options', () => {
    const online = read(`${MODEL}fit with online.em(batch = 2, kappa = 1, t0 = 0)`).settings;
    assert.deepEqual([online.batchSize, online.kappa, online.t0], [2, 1, 0]);
    const onlineDefaults = read(`${MODEL}fit with online.em`).settings;
    assert.deepEqual([onlineDefaults.batchSize, onlineDefaults.kappa, onlineDefaults.t0], [1000, 0.6, 2]);
    const annealed = read(`${MODEL}fit with annealed.em(beta0 = 0.05, beta.growth = 2)`).settings;
    assert.deepEqual([annealed.betaStart, annealed.betaGrowth], [0.05, 2]);
    assert.equal(read(`${MODEL}fit with annealed.em()`).settings.betaStart, 0.1);
    const mcem = read(`${MODEL}fit with mcem(sweeps = 50)`).settings;
    assert.equal(mcem.sweeps, 50);
    // Plain EM carries no variant settings.
    const plain = read(`${MODEL}fit with em()`).settings;
    assert.equal(plain.kappa, undefined);
    assert.equal(plain.betaStart, undefined);
  });

  it('accepts T/F and FALSE for mle, quoted latent names, and one bare latent name', () => {
    assert.equal(read(`${MODEL}fit with em(mle = F)`).settings.estimator, 'map');
    assert.equal(read(`${MODEL}fit with em(mle = FALSE)`, { estimator: 'ml' }).settings.estimator, 'map');
    assert.deepEqual(read(`${MODEL}fit with em(latent = c("z", "mu"))`).settings.latent, ['z', 'mu']);
    assert.deepEqual(read(`${MODEL}fit with em(latent = z)`).settings.latent, ['z']);
  });

  it('starts from the given values when the cell has an inits line, unless init says otherwise', () => {
    const withInits = `${MODEL}inits list(mu = c(-1, 3), tau = c(1, 1), w = c(0.5, 0.5))\n`;
    const r = read(`${withInits}fit with em()`);
    assert.equal(r.settings.init, 'given');
    assert.deepEqual([...r.inits!.get('mu')!.values], [-1, 3]);
    assert.equal(textOf(r.source, r.initsRange).startsWith('inits list('), true);
    assert.equal(read(`${withInits}fit with em(init = "kmeans++")`).settings.init, 'kmeans++');
    assert.equal(read(withInits, { init: 'random' }).settings.init, 'random');
  });

  it('reads starting values from an inits file (the CLI --init), .RNG.seed seeding the fit', () => {
    const files: Record<string, string> = { '/w/start.json': '{"mu": [-1, 3], ".RNG.seed": 31}' };
    const r = read(MODEL, { init: 'given' }, { initsFiles: ['/w/start.json'], readFile: (p) => files[p] ?? assert.fail(p) });
    assert.equal(r.settings.init, 'given');
    assert.equal(r.settings.seed, 31);
    assert.deepEqual([...r.inits!.get('mu')!.values], [-1, 3]);
    assert.equal(r.inits!.has('.RNG.seed'), false);
  });

  it('blanks the run directive out of the source, keeping positions; points messages at the directive', () => {
    const text = `${MODEL}fit with em(restarts = 2)`;
    const r = read(text);
    assert.equal(r.source.length, text.length);
    assert.equal(r.source.trimEnd(), MODEL.trimEnd());
    assert.equal(textOf(text, r.directiveRange), 'fit with em(restarts = 2)');
    assert.deepEqual(r.document.directives.filter((d) => d.kind === 'run'), []);
  });

  it('ignores a sample directive in a document without a fit (a model file written for latent sample)', () => {
    const r = read(`${MODEL}sample with gibbs(chains = 2)`);
    assert.equal(r.settings.method, 'em');
  });

  it('gives every option a description and the same name in the table as in the reader', () => {
    for (const option of FIT_OPTIONS) {
      assert.ok(option.description.length > 20, option.name);
      assert.ok(option.snippet.startsWith(`${option.name} = `), option.name);
    }
  });
});

describe('fit requests: problems, each with its range', () => {
  it('names an unknown algorithm, with a suggestion and the list', () => {
    const { message, covered } = rejected(`${MODEL}fit with emm(restarts = 2)`);
    assert.equal(covered, 'emm');
    assert.match(message, /Unknown algorithm 'emm' for fit\. Did you mean 'em'\? Algorithms: em, ecm, online\.em, annealed\.em, mcem, vi, svi\./);
  });

  it('names an unknown option, with a suggestion', () => {
    const { message, covered } = rejected(`${MODEL}fit with em(max.iters = 10)`);
    assert.equal(covered, 'max.iters = 10');
    assert.match(message, /Unknown option 'max\.iters' for fit\. Did you mean 'max\.iter'\?/);
    assert.match(rejected(`${MODEL}fit with em(tolerance = 1)`).message, /Options: mle, tol, max\.iter/);
  });

  it('rejects an unnamed option and an option given twice', () => {
    assert.match(rejected(`${MODEL}fit with em(10)`).message, /Fit options are named/);
    const twice = rejected(`${MODEL}fit with em(tol = 1e-3, tol = 1e-4)`);
    assert.equal(twice.covered, 'tol = 1e-4');
    assert.match(twice.message, /'tol' is given twice/);
  });

  it('rejects values of the wrong type', () => {
    const mle = rejected(`${MODEL}fit with em(mle = 1)`);
    assert.equal(mle.covered, '1');
    assert.match(mle.message, /mle takes TRUE or FALSE/);
    assert.match(rejected(`${MODEL}fit with em(tol = "small")`).message, /tol must be a number > 0\./);
    assert.match(rejected(`${MODEL}fit with em(restarts = 2.5)`).message, /restarts must be a whole number from 1 to 1000, not 2\.5\./);
    const init = rejected(`${MODEL}fit with em(init = kmeans)`);
    assert.equal(init.covered, 'kmeans');
    assert.match(init.message, /init is one of "kmeans\+\+", "random", "given" \(quoted\)\. Did you mean 'kmeans\+\+'\?/);
    assert.match(rejected(`${MODEL}fit with em(latent = c(z[1]))`).message, /latent takes node names/);
  });

  it('rejects values out of range: kappa outside (0.5, 1], tol ≤ 0, a negative ridge, β growth ≤ 1', () => {
    for (const kappa of ['0.5', '1.01', '-1']) {
      const { message, covered } = rejected(`${MODEL}fit with online.em(kappa = ${kappa})`);
      assert.equal(covered, kappa);
      assert.match(message, /kappa must be a number in \(0\.5, 1\]/);
    }
    assert.match(rejected(`${MODEL}fit with em(tol = 0)`).message, /tol must be a number > 0, not 0\./);
    assert.match(rejected(`${MODEL}fit with em(reg.covar = -1e-6)`).message, /reg\.covar must be a number ≥ 0/);
    assert.match(rejected(`${MODEL}fit with annealed.em(beta.growth = 1)`).message, /beta\.growth must be a number > 1/);
    assert.match(rejected(`${MODEL}fit with annealed.em(beta0 = 0)`).message, /beta0 must be a number in \(0, 1\]/);
    assert.match(rejected(`${MODEL}fit with em(threads = 0)`).message, /threads must be a whole number from 1 to 64/);
    assert.match(rejected(`${MODEL}fit with em(max.iter = 0)`).message, /max\.iter must be a whole number from 1/);
  });

  it('rejects an option of another variant', () => {
    const { message, covered } = rejected(`${MODEL}fit with em(kappa = 0.7)`);
    assert.equal(covered, 'kappa = 0.7');
    assert.equal(message, "'kappa' is an option of online.em, svi, not of em.");
    assert.match(rejected(`${MODEL}fit with online.em(sweeps = 3)`).message, /'sweeps' is an option of mcem, not of online\.em/);
  });

  it('checks latent names against the model: unknown (with a suggestion), deterministic, twice', () => {
    const unknown = rejected(`${MODEL}fit with em(latent = c(zz))`);
    assert.equal(unknown.covered, 'zz');
    assert.match(unknown.message, /'zz' is not a node of the model\. Did you mean 'z'\?/);
    assert.match(rejected(`${MODEL}fit with em(latent = s)`).message, /'s' is defined by '<-'/);
    assert.match(rejected(`${MODEL}fit with em(latent = c(z, z))`).message, /'z' is named twice/);
    assert.match(rejected(`${MODEL}fit with em(latent = c())`).message, /at least one node name/);
  });

  it('asks for initial values when init = "given" and none are given', () => {
    const { message, covered } = rejected(`${MODEL}fit with em(init = "given")`);
    assert.equal(covered, '"given"');
    assert.match(message, /init = "given" starts from the initial values, but none are given/);
    const flag = rejected(MODEL, { init: 'given' });
    assert.match(flag.message, /--init FILE/);
    assert.equal(flag.covered.startsWith('model {'), true);
  });

  it('holds one run per cell', () => {
    const text = `${MODEL}fit with em()\nsample with gibbs()`;
    const { message, covered } = rejected(text);
    assert.equal(covered, 'sample with gibbs()');
    assert.match(message, /A cell holds one run/);
  });

  it('reports every problem at once, in text order, together with the model\'s own', () => {
    const text = MODEL.replace('dgamma(1, 1)', 'dgama(1, 1)') + 'fit with em(kappa = 2, tol = -1)';
    const problems = modelErrorOf(() => read(text));
    assert.equal(problems.length, 3, problems.map((p) => p.message).join(' | '));
    assert.match(problems[0]!.message, /dgama/);
    assert.match(problems[1]!.message, /'kappa' is an option of online\.em/);
    assert.match(problems[2]!.message, /tol must be/);
    for (const p of problems) assertRangeInText(p.range, text, p.message);
  });

  it('reports a parse error without reading further', () => {
    const problems = modelErrorOf(() => read(`${MODEL}fit with em(tol = )`));
    assert.equal(problems.length, 1);
  });
});
