import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { jobKindOf, readJob, tryReadJob } from '../../../src/engine/job/job';
import type { DataArray } from '../../../src/engine/language/rvalues';
import { ModelError, type SourceRange } from '../../../src/engine/language/source';

const ZERO: SourceRange = { start: { line: 0, column: 0, offset: 0 }, end: { line: 0, column: 0, offset: 0 } };
const dataArray = (values: number[]): DataArray => ({ dims: values.length === 1 ? [] : [values.length], values: Float64Array.from(values) });

const MODEL = `model {
  for (i in 1:N) { y[i] ~ dnorm(mu, 1) }
  mu ~ dnorm(0, 0.01)
}
data list(N = 3, y = c(1, 2, 3))
`;

describe('one reader for every kind of job', () => {
  it('takes the kind from the run directive, sampling when there is none', () => {
    assert.equal(jobKindOf(MODEL), 'sample');
    assert.equal(jobKindOf(`${MODEL}sample with gibbs(chains = 2)`), 'sample');
    assert.equal(jobKindOf(`${MODEL}fit with ecm(restarts = 2)`), 'fit');
    assert.equal(jobKindOf(`${MODEL}calibrate with sbc(simulations = 5)`), 'calibrate');
  });

  it('reads each kind with its settings: the directive first, then the caller\'s choices', () => {
    const sample = readJob(`${MODEL}sample with gibbs(chains = 2, seed = 4)`, { sample: { chains: 3, burnin: 10, iterations: 20, thin: 1 } }, () => 1);
    assert.equal(sample.kind, 'sample');
    assert.deepEqual(sample.kind === 'sample' && [sample.request.settings.chains, sample.request.settings.iterations, sample.request.settings.seed], [2, 20, 4]);
    const fit = readJob(`${MODEL}fit with ecm(restarts = 2)`, { fit: { tolerance: 1e-8 } }, () => 7);
    assert.ok(fit.kind === 'fit');
    assert.equal(fit.algorithm, 'ecm', 'the fit carries its algorithm');
    assert.equal(fit.request.settings.restarts, 2);
    assert.equal(fit.request.settings.tolerance, 1e-8);
    assert.equal(fit.request.settings.seed, 7, 'a fresh seed when nobody gives one');
    const calibrate = readJob(`${MODEL}calibrate with sbc(simulations = 5)`, { calibrate: { draws: 19 } }, () => 1);
    assert.ok(calibrate.kind === 'calibrate');
    assert.deepEqual([calibrate.request.settings.simulations, calibrate.request.settings.draws], [5, 19]);
  });

  it('a command\'s kind wins over the document\'s directive, whose settings are then left alone', () => {
    const fit = readJob(`${MODEL}sample with gibbs(chains = 2)`, { kind: 'fit' }, () => 1);
    assert.equal(fit.kind, 'fit');
    assert.equal(fit.kind === 'fit' && fit.algorithm, 'em', 'a plain model is fitted by EM');
    const sample = readJob(`${MODEL}fit with em(restarts = 3)`, { kind: 'sample', sample: { chains: 1, burnin: 1, iterations: 2, thin: 1 } }, () => 1);
    assert.equal(sample.kind === 'sample' && sample.request.settings.chains, 1);
  });

  it('reads a model file\'s data from the caller\'s files, relative to its folder', () => {
    const dir = mkdtempSync(join(tmpdir(), 'latent-job-'));
    writeFileSync(join(dir, 'data.R'), 'N <- 2\ny <- c(0.5, 1.5)\n');
    const job = readJob('model {\n  for (i in 1:N) { y[i] ~ dnorm(mu, 1) }\n  mu ~ dnorm(0, 0.01)\n}\n', { kind: 'fit' }, () => 1, { baseDirectory: dir, dataFiles: [join(dir, 'data.R')] });
    assert.deepEqual(job.kind === 'fit' && [...job.request.data.keys()].sort(), ['N', 'y']);
  });

  it('takes a data file the caller has read already instead of reading it again (a JAGS script\'s data in)', () => {
    const path = '/nowhere/data.R';
    const loaded = { values: new Map([['N', dataArray([2])], ['y', dataArray([0.5, 1.5])]]), origins: new Map([['N', ZERO], ['y', ZERO]]) };
    const readFile = (p: string): string => {
      throw new Error(`read ${p}`);
    };
    const job = readJob('model {\n  for (i in 1:N) { y[i] ~ dnorm(mu, 1) }\n  mu ~ dnorm(0, 0.01)\n}\n', { kind: 'fit' }, () => 1, { dataFiles: [path], readFile, loadedDataFiles: new Map([[path, loaded]]) });
    assert.equal(job.kind === 'fit' && job.request.data.get('y'), loaded.values.get('y'));
    // Without it, the file is read, and here cannot be.
    assert.throws(() => readJob('model {\n  mu ~ dnorm(0, 0.01)\n}\n', { kind: 'fit' }, () => 1, { dataFiles: [path], readFile }), /read \/nowhere\/data.R/);
  });

  it('reports every problem with its range, whatever the kind', () => {
    const broken = `${MODEL.replace('dnorm(mu, 1)', 'dnorm(nu, 1)')}fit with em(restart = 2)`;
    const error = tryReadJob(broken, {}, () => 1);
    assert.ok(error instanceof ModelError);
    const messages = error.problems.map((p) => p.message);
    assert.ok(messages.some((m) => /nu/.test(m)), messages.join('\n'));
    assert.ok(messages.some((m) => /Unknown option 'restart'.*restarts/.test(m)), messages.join('\n'));
    assert.ok(error.problems.every((p) => p.range.start.line >= 1));
  });
});
