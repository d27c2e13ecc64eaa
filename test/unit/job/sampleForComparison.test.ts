import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { rankModels } from '../../../src/engine/diagnostics/looCompare';
import { liveJobCount } from '../../../src/engine/job/jobInWorker';
import { sampleForComparison } from '../../../src/engine/job/sampleForComparison';
import { Cancellation } from '../../../src/engine/job/sink';
import { TS_JOB_WORKERS } from './tsWorkers';

const CHOICES = { sample: { chains: 2, burnin: 100, iterations: 300, thin: 1, seed: 5 } };
const sample = (source: string, baseDirectory?: string, cancel?: Cancellation) =>
  sampleForComparison({ source, choices: CHOICES, options: { baseDirectory, dataFiles: [], initsFiles: [] }, workers: TS_JOB_WORKERS }, cancel ? { cancel } : {});

describe('a compare cell\'s models, each sampled in a job worker', () => {
  it('reads the data file in the worker and returns the pointwise elpd for ranking; the worker ends', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'latent-compare-'));
    writeFileSync(join(dir, 'y.R'), 'y <- c(1.2, 0.8, 1.1, 0.9, 3.0, 1.4)\nN <- 6\n');
    const normal = await sample('model {\n  for (i in 1:N) { y[i] ~ dnorm(mu, 1) }\n  mu ~ dnorm(0, 0.01)\n}\ndata from "y.R"\n', dir);
    const wide = await sample('model {\n  for (i in 1:N) { y[i] ~ dnorm(mu, 0.01) }\n  mu ~ dnorm(0, 0.01)\n}\ndata from "y.R"\n', dir);
    assert.equal(normal.kind, 'sampled');
    assert.equal(wide.kind, 'sampled');
    if (normal.kind !== 'sampled' || wide.kind !== 'sampled') return;
    assert.equal(normal.comparison.observations, 6);
    assert.equal(normal.comparison.elpd_loo_pointwise?.length, 6);
    // Data of sd about 0.8 fit a unit-variance normal better than one of sd 10: it ranks first.
    const ranked = rankModels([{ name: 'wide', comparison: wide.comparison }, { name: 'normal', comparison: normal.comparison }]);
    assert.equal(ranked[0]!.name, 'normal');
    assert.equal(liveJobCount(), 0);
  });

  it('says which failure it was: an unreadable model (a missing data file), no observed nodes, a stopped run', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'latent-compare-'));
    const missing = await sample('model { mu ~ dnorm(0, 1)\n y ~ dnorm(mu, 1) }\ndata from "nowhere.R"\n', dir);
    assert.equal(missing.kind, 'unreadable');
    if (missing.kind === 'unreadable') assert.match(missing.problems[0]!.message, /nowhere\.R/);
    assert.equal((await sample('model { mu ~ dnorm(0, 1) }\n')).kind, 'nothing-observed');
    const stop = new Cancellation();
    stop.cancel();
    const stopped = await sample('model { mu ~ dnorm(0, 1)\n y ~ dnorm(mu, 1) }\ndata list(y = 1)\n', undefined, stop);
    assert.equal(stopped.kind, 'unfinished');
    assert.equal(liveJobCount(), 0);
  });
});
