import { readRequest } from '../../../src/engine/job/job';
import assert from 'node:assert/strict';
import { resolve } from 'node:path';
import { describe, it } from 'node:test';
import { startRun, type RunOptions } from '../../../src/engine/run/runner';

const WORKER: RunOptions = {
  workerScript: resolve(__dirname, '../../../src/engine/run/chainWorker.ts'),
  workerExecArgv: ['--require', 'tsx/cjs'],
};

// 20 independent normals × 150,000 kept draws: 3 million values, whose final summaries (sorting each
// node's draws, ESS and R-hat) take seconds, so that Stop lands while they are computed.
const MODEL = 'model { for (k in 1:20) { x[k] ~ dnorm(0, 1) } }\n';
const SETTINGS = { chains: 1, burnin: 0, iterations: 150_000, thin: 1, seed: 5 };

describe('the final summaries of a large run', () => {
  it('Stop while they are computed ends the run within a second, cancelled, with thinned summaries', async () => {
    // The runner passes progress on at most every updateIntervalMs, so the last (done = total) can be dropped when it
    // comes soon after the one before (more often as sweeps get faster): wait for 80 % of the draws instead, then for
    // the rest at the rate seen so far, and a moment more for the summaries to begin.
    const startedAt = Date.now();
    let remainingMs: number | undefined;
    const handle = startRun(readRequest('sample', MODEL, SETTINGS, () => 1), {
      ...WORKER,
      updateIntervalMs: 20,
      onUpdate: (o) => {
        const share = o.progress.done / o.progress.total;
        if (share >= 0.8 && remainingMs === undefined) remainingMs = ((Date.now() - startedAt) * (1 - share)) / share;
      },
    });
    while (remainingMs === undefined) await new Promise((r) => setTimeout(r, 20));
    await new Promise((r) => setTimeout(r, remainingMs! + 300));
    const stoppedAt = Date.now();
    handle.cancel();
    const { output } = await handle.result;
    const answeredIn = Date.now() - stoppedAt;
    console.log(`stopped while summarising: answered in ${answeredIn} ms`);
    assert.equal(output.status, 'cancelled');
    assert.ok(output.messages.some((m) => /stopped while summarising/.test(m.message)), output.messages.map((m) => m.message).join('\n'));
    assert.equal(output.nodes.length, 20, 'thinned summaries of every node');
    assert.ok(answeredIn < 1000, `Stop took ${answeredIn} ms`);
  });

  it('a summary worker that dies fails the run with a message instead of leaving it running', async () => {
    const handle = startRun(readRequest('sample', MODEL, { ...SETTINGS, iterations: 20_000 }, () => 1), {
      ...WORKER,
      workerScript: resolve(__dirname, 'fixtures/dyingSummaryWorker.ts'),
    });
    const { output } = await handle.result;
    assert.equal(output.status, 'failed');
    assert.match(output.messages.map((m) => m.message).join('\n'), /Summarising the draws failed: its worker ended without an answer \(exit code 3\)/);
  });
});
