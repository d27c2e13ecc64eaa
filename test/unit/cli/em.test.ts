import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, it } from 'node:test';
import { parseEmArguments, runEm, type EmArguments } from '../../../src/cli/em';
import { BENCH_DATA } from '../em/helpers';
import { GAUSSIAN_MIXTURE_MODEL } from '../fit/degenerateModels';
import { TS_WORKERS } from '../job/tsWorkers';

const WORKERS = TS_WORKERS;

/** The Gaussian mixture of the issue, in the modelling language, over the shared 1,000-row, 2-D, 3-component data. */
const GMM = `${GAUSSIAN_MIXTURE_MODEL}
data from "${join(BENCH_DATA, 'gmm_d2_k3_n1000.csv')}" with (x = c(x1, x2), N = length(x1), z = NULL)
data list(K = 3, m0 = c(0, 0), P0 = structure(c(0.01, 0, 0, 0.01), .Dim = c(2, 2)), R = structure(c(1, 0, 0, 1), .Dim = c(2, 2)), alpha = c(1, 1, 1))
`;

/** The shared start (gmm_d2_k3_n1000.init.json: weights, means, covariances) in the model's names: Omega is the precision. */
function sharedStart(): string {
  const init = JSON.parse(readFileSync(join(BENCH_DATA, 'gmm_d2_k3_n1000.init.json'), 'utf8')) as { weights: number[]; means: number[][]; covariances: number[][][] };
  const precisions = init.covariances.map(([[a, b], [, d]]) => {
    const det = a! * d! - b! * b!;
    return [[d! / det, -b! / det], [-b! / det, a! / det]];
  });
  // Omega[j, j', k]: row-major nesting j, then j', then k.
  const omega = [0, 1].map((j) => [0, 1].map((jj) => precisions.map((p) => p[j]![jj]!)));
  return JSON.stringify({ mu: init.means, Omega: omega, w: init.weights });
}

function folder(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'latent-em-cli-'));
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  return dir;
}

async function run(file: string, flags: string[]): Promise<{ code: number; out: string; err: string }> {
  const args = parseEmArguments(flags);
  assert.ok(typeof args !== 'string', String(args));
  let out = '';
  let err = '';
  const code = await runEm(file, args, WORKERS, (t) => (out += `${t}\n`), (t) => (err += `${t}\n`));
  return { code, out, err };
}

describe('latent em: arguments', () => {
  it('reads every flag into the fit defaults; --init adds a starts file and starts from it', () => {
    const args = parseEmArguments(['--data', 'd.R', '--init', 'start.json', '--mle', '--tol', '1e-6', '--max-iter', '500', '--restarts', '3', '--seed', '7', '--threads', '2', '--json']) as EmArguments;
    assert.deepEqual(args.defaults, { init: 'given', estimator: 'ml', tolerance: 1e-6, maxIterations: 500, restarts: 3, seed: 7, threads: 2 });
    assert.deepEqual(args.dataFiles, [resolve('d.R')]);
    assert.deepEqual(args.initsFiles, [resolve('start.json')]);
    assert.equal(args.json, true);
    assert.deepEqual(parseEmArguments([]), { defaults: {}, json: false, dataFiles: [], initsFiles: [] }, 'MAP unless --mle');
  });

  it('says what is wrong with a flag, with the limits of the directive option it stands for', () => {
    assert.equal(parseEmArguments(['--tolerance', '1']), 'unknown option --tolerance');
    assert.equal(parseEmArguments(['--tol']), '--tol needs a value');
    assert.equal(parseEmArguments(['--data', '--json']), '--data needs a value');
    assert.equal(parseEmArguments(['--tol', '0']), '--tol takes a number > 0, not 0');
    assert.equal(parseEmArguments(['--tol', 'small']), '--tol takes a number > 0, not small');
    assert.equal(parseEmArguments(['--max-iter', '2.5']), '--max-iter takes a whole number from 1 to 10000000, not 2.5');
    assert.equal(parseEmArguments(['--threads', '65']), '--threads takes a whole number from 1 to 64, not 65');
    assert.equal(parseEmArguments(['--seed', '-1']), '--seed takes a whole number from 0 to 4294967295, not -1');
    assert.equal(parseEmArguments(['--restarts', '']), '--restarts takes a whole number from 1 to 1000, not ');
  });
});

describe('latent em: fits', () => {
  it('from the shared start, by maximum likelihood, reaches scikit-learn\'s mean log-likelihood on gmm_d2_k3_n1000 (−3.73387) to 1e-5', async () => {
    const dir = folder({ 'gmm.bug': GMM, 'start.json': sharedStart() });
    const { code, out, err } = await run(join(dir, 'gmm.bug'), ['--init', join(dir, 'start.json'), '--mle', '--tol', '1e-9', '--max-iter', '1000', '--json']);
    assert.equal(code, 0, err);
    const result = JSON.parse(out) as Record<string, unknown> & { params: Record<string, number>; objective: number[] };
    for (const key of ['loglik', 'loglik_per_sample', 'iterations', 'converged', 'seconds', 'seconds_per_iteration', 'params', 'bic', 'aic', 'objective']) assert.ok(key in result, key);
    assert.equal(result.converged, true);
    // scikit-learn's figure is given to 5 decimals: agreement to 1e-5 is all it can show.
    assert.ok(Math.abs((result.loglik_per_sample as number) + 3.73387) < 1e-5, String(result.loglik_per_sample));
    assert.ok(Math.abs((result.loglik as number) - 1000 * (result.loglik_per_sample as number)) < 1e-9);
    // BIC and AIC of 17 free parameters (3 × 2 means, 3 × 3 covariance entries, 2 weights).
    assert.ok(Math.abs((result.bic as number) - (-2 * (result.loglik as number) + 17 * Math.log(1000))) < 1e-6);
    assert.ok(Math.abs((result.aic as number) - (-2 * (result.loglik as number) + 34)) < 1e-6);
    // Every point estimate under its JAGS name; the weights sum to 1, precisions are symmetric.
    const names = Object.keys(result.params);
    for (const name of ['mu[1,1]', 'mu[3,2]', 'Omega[1,2,3]', 'w[2]']) assert.ok(names.includes(name), name);
    assert.ok(Math.abs(result.params['w[1]']! + result.params['w[2]']! + result.params['w[3]']! - 1) < 1e-12);
    assert.equal(result.params['Omega[1,2,2]'], result.params['Omega[2,1,2]']);
    // Plain EM: the objective never decreases beyond rounding, and its last value is the log-likelihood.
    result.objective.forEach((v, i) => i === 0 || assert.ok(v >= result.objective[i - 1]! - 1e-9, `iteration ${i}`));
    assert.ok(Math.abs(result.objective.at(-1)! - (result.loglik as number)) < 1e-6);
  });

  it('prints the text table by default, the file\'s fit directive winning over the flags', async () => {
    const dir = folder({ 'gmm.bug': `${GMM}fit with em(max.iter = 3, mle = TRUE)\n`, 'start.json': sharedStart() });
    const { code, out } = await run(join(dir, 'gmm.bug'), ['--init', join(dir, 'start.json'), '--max-iter', '200', '--seed', '5']);
    assert.equal(code, 0);
    assert.match(out.split('\n')[0]!, /^Latent em fit \(maximum likelihood\): not converged: stopped at max\.iter \(3\); seed 5, start: the given initial values/);
    assert.match(out, /^iterations +3$/m);
    assert.match(out, /^Omega\[2,2,3\] +-?\d/m);
  });

  it('shows each estimate with its standard error, in the table (an SE column) and in --json (se, se_kind)', async () => {
    // A normal sample's ML fit: SE(mu) = σ̂/√n and SE(tau) = tau·√(2/n), from the observed information.
    const y = [1.2, 0.8, 1.9, 1.4, 1.1, 0.3, 2.2, 1.0];
    const dir = folder({ 'normal.bug': 'model {\n  for (i in 1:N) { y[i] ~ dnorm(mu, tau) }\n  mu ~ dnorm(0, 1.0E-6)\n  tau ~ dgamma(0.01, 0.01)\n}\n', 'data.R': `N <- 8\ny <- c(${y.join(', ')})\n` });
    const table = await run(join(dir, 'normal.bug'), ['--data', join(dir, 'data.R'), '--mle', '--seed', '1']);
    assert.match(table.out, /^parameter +estimate +SE$/m);
    assert.match(table.out, /^SE: √ of the inverse observed information/m);
    const json = JSON.parse((await run(join(dir, 'normal.bug'), ['--data', join(dir, 'data.R'), '--mle', '--seed', '1', '--json'])).out) as { params: Record<string, number>; se: Record<string, number>; se_kind: string };
    assert.equal(json.se_kind, 'observed-information');
    const n = y.length;
    const variance = y.reduce((a, v) => a + (v - json.params.mu!) ** 2, 0) / n;
    assert.ok(Math.abs(json.se.mu! - Math.sqrt(variance / n)) < 1e-4 * json.se.mu!, `SE(mu) ${json.se.mu}`);
    assert.ok(Math.abs(json.se.tau! - json.params.tau! * Math.sqrt(2 / n)) < 1e-4 * json.se.tau!, `SE(tau) ${json.se.tau}`);
  });

  it('reports problems of the model or its options at file:line:column, exit 1; an unreadable file, exit 2', async () => {
    const dir = folder({ 'bad.bug': `${GMM}fit with em(kappa = 0.7)\n` });
    const bad = await run(join(dir, 'bad.bug'), []);
    assert.equal(bad.code, 1);
    assert.equal(bad.out, '');
    assert.match(bad.err, new RegExp(`^${join(dir, 'bad.bug').replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:14:13: error: 'kappa' is an option of online\\.em, svi, not of em\\.$`, 'm'));
    const missing = await run(join(dir, 'nope.bug'), []);
    assert.equal(missing.code, 2);
    assert.match(missing.err, /cannot read/);
  });

  it('asks for starting values when the file says init = "given" and none come', async () => {
    const dir = folder({ 'gmm.bug': `${GMM}fit with em(init = "given")\n` });
    const { code, err } = await run(join(dir, 'gmm.bug'), []);
    assert.equal(code, 1);
    assert.match(err, /:14:20: error: init = "given" starts from the initial values, but none are given: add an inits line \(with the CLI, --init FILE\)\./);
  });

  it('warns of a leftover initial value (tau) that the model does not have, and fits from the rest', async () => {
    const dir = folder({
      'normal.bug': 'model {\n  for (i in 1:3) { y[i] ~ dnorm(mu, 1) }\n  mu ~ dnorm(0, 0.01)\n}\ndata list(y = c(1, 2, 3))\n',
      'start.R': 'mu <- 0\ntau <- 1\n',
    });
    const { code, out, err } = await run(join(dir, 'normal.bug'), ['--init', join(dir, 'start.R'), '--seed', '1']);
    assert.equal(code, 0, err);
    assert.match(err, /warning: 'tau' is given an initial value \(in .*start\.R\) but the model has no such variable; it is ignored\./);
    // MAP of mu: precision 3 + 0.01, mean 6 / 3.01.
    const mu = Number(/^mu +(\S+)/m.exec(out)?.[1]);
    assert.ok(Math.abs(mu - 6 / 3.01) < 1e-4, out);
  });
});
