import assert from 'node:assert/strict';
import { resolve } from 'node:path';
import { describe, it } from 'node:test';
import type { RunOutput } from '../../../src/engine/output/runOutput';
import { readRequest } from '../../../src/engine/job/job';
import { startRun, type RunOptions } from '../../../src/engine/run/runner';

/**
 * The runner in worker threads, with the TypeScript worker loaded through tsx.
 * On Node 20, '--require tsx/cjs' works inside workers; '--import tsx' does not.
 */
const WORKER: RunOptions = {
  workerScript: resolve(__dirname, '../../../src/engine/run/chainWorker.ts'),
  workerExecArgv: ['--require', 'tsx/cjs'],
};

const MODEL = `model {
  for (i in 1:N) {
    mu[i] <- alpha + beta * x[i]
    Y[i] ~ dnorm(mu[i], tau)
  }
  alpha ~ dnorm(0, 1.0E-4)
  beta ~ dnorm(0, 1.0E-4)
  tau ~ dgamma(0.001, 0.001)
  theta ~ dunif(0, 1)
  for (i in 1:N) { z[i] ~ dbern(theta) }
}
data list(N = 5, x = c(1, 2, 3, 4, 5), Y = c(1, 3, 3, 3, 5), z = c(1, 0, 1, 1, 0))
`;

function run(source: string, options: Partial<RunOptions> = {}) {
  const request = readRequest('sample', source, { chains: 2, burnin: 200, iterations: 500, thin: 1 }, () => 1);
  return startRun(request, { ...WORKER, ...options });
}

/** The parts of an output that depend only on the model, data and seed (not on timing). */
function results(output: RunOutput) {
  return output.nodes.map((n) => ({ name: n.name, sampler: n.sampler, draws: n.draws, summary: n.summary, trace: n.trace, histogram: n.histogram }));
}

describe('runner (worker threads)', () => {
  it('gives identical summaries and traces for the same seed, run twice', async () => {
    const source = `${MODEL}sample with gibbs(chains = 2, seed = 42)`;
    const first = (await run(source).result).output;
    const second = (await run(source).result).output;
    assert.equal(first.status, 'complete', JSON.stringify(first.messages));
    assert.equal(second.status, 'complete');
    assert.deepEqual(results(second), results(first));
    assert.deepEqual(first.nodes.map((n) => [n.name, n.sampler]), [
      ['alpha', 'block normal (2)'],
      ['beta', 'block normal (2)'],
      ['tau', 'conjugate gamma'],
      ['theta', 'slice'],
    ]);
    assert.ok(first.nodes.every((n) => n.draws === 500));
    assert.deepEqual(first.progress, { done: 2 * 700, total: 2 * 700 });
  });

  it('gives different draws for different seeds', async () => {
    const a = (await run(`${MODEL}sample with gibbs(chains = 1, seed = 1)`).result).output;
    const b = (await run(`${MODEL}sample with gibbs(chains = 1, seed = 2)`).result).output;
    assert.equal(a.status, 'complete');
    assert.equal(b.status, 'complete');
    for (let k = 0; k < a.nodes.length; k++) assert.notEqual(a.nodes[k]!.summary.mean, b.nodes[k]!.summary.mean, a.nodes[k]!.name);
  });

  it('returns every kept draw in the draw store, matching the summaries', async () => {
    const outcome = await run(`${MODEL}sample with gibbs(chains = 2, seed = 7, iterations = 300, thin = 2, monitor = c(alpha, theta))`).result;
    assert.equal(outcome.output.status, 'complete');
    assert.ok(outcome.draws);
    assert.deepEqual(outcome.monitors.map((m) => m.name), ['alpha', 'theta']);
    // 300 iterations thinned by 2 keep 150 per chain.
    assert.equal(outcome.draws.count(0), 150);
    assert.equal(outcome.draws.count(1), 150);
    const pooled = [...outcome.draws.column(0, 1), ...outcome.draws.column(1, 1)];
    const mean = pooled.reduce((p, q) => p + q, 0) / pooled.length;
    assert.ok(Math.abs(mean - outcome.output.nodes[1]!.summary.mean) < 1e-12);
  });

  it('gives the same draws whether the chains run one at a time or together', async () => {
    const source = `${MODEL}sample with gibbs(chains = 3, seed = 9, iterations = 200)`;
    const together = (await run(source, { maxParallel: 3 }).result).output;
    const oneByOne = (await run(source, { maxParallel: 1 }).result).output;
    assert.equal(oneByOne.status, 'complete');
    assert.deepEqual(results(oneByOne), results(together));
  });

  it('fails, rather than rejecting, when a worker cannot start', async () => {
    const { output } = await run(`${MODEL}sample with gibbs(chains = 1, seed = 1)`, { workerScript: resolve(__dirname, 'no-such-worker.js') }).result;
    assert.equal(output.status, 'failed');
    assert.ok(output.messages.some((m) => m.severity === 'error' && /Chain 1/.test(m.message)), JSON.stringify(output.messages));
  });

  it('cancels a very long run within a second, then runs the next one to completion', async () => {
    let running!: () => void;
    const started = new Promise<void>((r) => (running = r));
    const handle = run(`${MODEL}sample with gibbs(chains = 2, seed = 3, burnin = 0, iterations = 10000000)`, {
      updateIntervalMs: 0,
      onUpdate: () => running(),
    });
    await started; // the chains are sampling
    const t0 = Date.now();
    handle.cancel();
    const { output } = await handle.result;
    const elapsed = Date.now() - t0;
    assert.ok(elapsed < 1000, `cancel took ${elapsed} ms`);
    assert.equal(output.status, 'cancelled');
    assert.ok(output.progress.done < output.progress.total);
    assert.ok(output.messages.some((m) => m.severity === 'info' && /cancelled/.test(m.message)));

    const next = (await run(`${MODEL}sample with gibbs(chains = 2, seed = 4, iterations = 100)`).result).output;
    assert.equal(next.status, 'complete');
    assert.ok(next.nodes.every((n) => n.draws === 100));
  });

  // Full summaries after Stop sort every draw with code the run has not warmed (290 ms at 117,000 values): past
  // 50,000 values a cancelled run answers from the thinned draws its previews show; below, with its diagnostics.
  it("summarises a cancelled run's many draws from the thinned previews, and its few draws in full", async () => {
    const cancelWhen = async (thin: number, enough: (draws: number) => boolean): Promise<RunOutput> => {
      let reached!: () => void;
      const ready = new Promise<void>((r) => (reached = r));
      const handle = run(`${MODEL}sample with gibbs(chains = 2, seed = 6, burnin = 0, iterations = ${Math.min(thin * 10_000_000, 100_000_000)}, thin = ${thin})`, {
        updateIntervalMs: 0,
        onUpdate: (o) => o.nodes.length > 0 && enough(o.nodes[0]!.draws) && reached(),
      });
      await ready;
      handle.cancel();
      return (await handle.result).output;
    };
    const many = await cancelWhen(10, (draws) => draws >= 7_000);
    assert.equal(many.status, 'cancelled');
    assert.ok(many.nodes.length >= 4 && many.nodes[0]!.draws * 2 * many.nodes.length > 50_000, `${many.nodes.length} monitors, ${many.nodes[0]?.draws} draws`);
    assert.ok(many.messages.some((m) => /thinned subset of its \d+ draws/.test(m.message)), JSON.stringify(many.messages));
    assert.ok(many.nodes.every((n) => n.diagnostics === undefined));

    const few = await cancelWhen(1000, (draws) => draws > 0);
    assert.equal(few.status, 'cancelled');
    assert.ok(few.nodes[0]!.draws * 2 * few.nodes.length <= 50_000, `${few.nodes[0]!.draws} draws of ${few.nodes.length} monitors`);
    assert.ok(!few.messages.some((m) => /thinned subset/.test(m.message)), JSON.stringify(few.messages));
    assert.ok(few.nodes.every((n) => n.diagnostics !== undefined));
  });

  it('fails with a message that points at a node no sampler can update', async () => {
    // An unknown name such as dnrm is caught when the request is read; this one only when a chain compiles the model.
    // y makes n informative (an unobserved node without observed descendants would be drawn from its prior).
    const source = 'model {\n  mu ~ dnorm(0, 1)\n  n[1:3] ~ dmulti(p[], 5)\n  y ~ dnorm(n[1], 1)\n}\ndata list(p = c(0.2, 0.3, 0.5), y = 1)\nsample with gibbs(chains = 2, seed = 1)';
    const { output } = await run(source).result;
    assert.equal(output.status, 'failed');
    const message = output.messages.find((m) => /No sampler can update n\[1:3\]/.test(m.message));
    assert.ok(message, JSON.stringify(output.messages));
    assert.equal(message.severity, 'error');
    assert.equal(message.range?.startLine, 2);
  });

  it('calls onUpdate with running previews during a longer run', async () => {
    const updates: RunOutput[] = [];
    const { output } = await run(`${MODEL}sample with gibbs(chains = 2, seed = 5, burnin = 1000, iterations = 200000)`, {
      updateIntervalMs: 50,
      onUpdate: (o) => updates.push(o),
    }).result;
    assert.equal(output.status, 'complete');
    assert.ok(updates.length >= 2, `${updates.length} updates`);
    assert.ok(updates.every((u) => u.status === 'running'));
    // Progress grows between updates and stays below the total.
    for (let k = 1; k < updates.length; k++) assert.ok(updates[k]!.progress.done >= updates[k - 1]!.progress.done);
    assert.ok(updates[0]!.progress.done < output.progress.total);
    assert.ok(updates.some((u) => u.nodes.length === 4), 'a preview carries node summaries');
  });
});
