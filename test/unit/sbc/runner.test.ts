import assert from 'node:assert/strict';
import { resolve } from 'node:path';
import { describe, it } from 'node:test';
import { calibrate } from '../../../src/engine/sbc/calibrate';
import { readRequest } from '../../../src/engine/job/job';
import { startCalibration, type CalibrationOptions } from '../../../src/engine/sbc/runner';

/** The calibration runner in worker threads, the TypeScript worker loaded through tsx (as in the chain runner's test). */
const WORKER: CalibrationOptions = {
  workerScript: resolve(__dirname, '../../../src/engine/sbc/sbcWorker.ts'),
  workerExecArgv: ['--require', 'tsx/cjs'],
  maxParallel: 2,
};

const CELL = `model {
  for (i in 1:N) { y[i] ~ dnorm(mu, tau) }
  mu ~ dnorm(0, 0.5)
  tau ~ dgamma(2, 1)
}
data list(N = 4, y = c(0.1, -0.3, 1.2, 0.4))
calibrate with sbc(simulations = 60, draws = 19, bins = 5, burnin = 20, thin = 1, seed = 3)`;

describe('calibration in worker threads', () => {
  it('gives the same histograms as the same calibration on one thread, and streams previews', async () => {
    const request = readRequest('calibrate', CELL, {}, () => 1);
    const previews: number[] = [];
    const output = await startCalibration(request, { ...WORKER, updateIntervalMs: 0, onUpdate: (o) => previews.push(o.progress.done) }).result;
    assert.equal(output.status, 'complete', JSON.stringify(output.messages));
    assert.equal(output.schema, 'latent.sbc/1');
    assert.deepEqual(output.progress, { done: 60, total: 60 });
    const inProcess = calibrate(request.model, request.settings);
    assert.deepEqual(output.nodes, inProcess.nodes);
    assert.deepEqual(output.nodes.map((n) => [n.name, n.sampler]), [['mu', 'conjugate normal'], ['tau', 'conjugate gamma']]);
    assert.ok(previews.length > 0);
  });

  it('answers a cancel at once with the simulations finished so far', async () => {
    const request = readRequest('calibrate', CELL.replace('simulations = 60', 'simulations = 100000'), {}, () => 1);
    const handle = startCalibration(request, WORKER);
    setTimeout(() => handle.cancel(), 1500);
    const output = await handle.result;
    assert.equal(output.status, 'cancelled');
    assert.ok(output.progress.done < 100000);
    assert.equal(output.nodes[0]?.counts.reduce((a, b) => a + b, 0) ?? 0, output.progress.done - output.failed);
  });

  it('reports a model problem as a failed output with its range', async () => {
    // A cycle through computed indices: the text alone does not show it (a twice-defined node would be caught when the request is read).
    const request = readRequest('calibrate', CELL.replace('dgamma(2, 1)', 'dgamma(2, 1)\n  for (k in 1:2) { z[k] ~ dnorm(z[3 - k], 1) }'), {}, () => 1);
    const output = await startCalibration(request, WORKER).result;
    assert.equal(output.status, 'failed');
    assert.ok(output.messages.some((m) => m.severity === 'error' && m.range), JSON.stringify(output.messages));
  });
});
