import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, it } from 'node:test';
import { checkInWorker, endAllJobs, liveJobCount, runJobInWorker } from '../../../src/engine/job/jobInWorker';
import { DEFAULT_MAX_OUTPUT_BYTES } from '../../../src/engine/job/outputBudget';
import { outputText, type JobOutput } from '../../../src/engine/job/output';
import { Cancellation, type JobSink } from '../../../src/engine/job/sink';
import type { RunMessage } from '../../../src/engine/output/runOutput';
import { TS_JOB_WORKERS } from './tsWorkers';

/** A sink that records what it was given. */
function recorder(onShow?: (o: JobOutput) => void): JobSink & { shown: JobOutput[]; finished?: JobOutput; failed?: RunMessage[] } {
  const r: JobSink & { shown: JobOutput[]; finished?: JobOutput; failed?: RunMessage[] } = {
    shown: [],
    show(o) {
      r.shown.push(o);
      onShow?.(o);
    },
    finish(o) {
      r.finished = o;
    },
    fail(messages) {
      r.failed = messages;
    },
  };
  return r;
}

const SETTINGS = { sample: { chains: 2, burnin: 50, iterations: 200, thin: 1, seed: 3 } };
const run = (source: string, sink: JobSink, options: { baseDirectory?: string } = {}) =>
  runJobInWorker({ source, choices: SETTINGS, options: { baseDirectory: options.baseDirectory, dataFiles: [], initsFiles: [] }, workers: { ...TS_JOB_WORKERS, updateIntervalMs: 50 } }, sink);

describe('a job in a worker of its own', () => {
  it('reads its data file there, samples, and hands over outputs without the draws; the worker ends with the job', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'latent-jobworker-'));
    writeFileSync(join(dir, 'y.R'), 'y <- c(1.2, 0.8, 1.1, 0.9)\nN <- 4\n');
    const sink = recorder();
    const final = await run('model {\n  for (i in 1:N) { y[i] ~ dnorm(mu, 1) }\n  mu ~ dnorm(0, 0.01)\n}\ndata from "y.R"\n', sink, { baseDirectory: dir });
    assert.equal(sink.failed, undefined, JSON.stringify(sink.failed));
    assert.ok(final?.kind === 'sample' && final.output.status === 'complete');
    assert.equal('draws' in final, false, 'the draws stay in the worker');
    assert.equal(final.output.nodes[0]!.name, 'mu');
    assert.ok(Math.abs(final.output.nodes[0]!.summary.mean - 1) < 0.5);
    assert.equal(liveJobCount(), 0);
    await new Promise((r) => setTimeout(r, 300));
    assert.equal(sink.failed, undefined, 'the worker\'s exit after its finish is no failure');
  });

  it('a binary file given as data ends the job with a message naming the file, not its bytes', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'latent-jobworker-'));
    const garbage = Buffer.alloc(1024 * 1024);
    for (let k = 0; k < garbage.length; k++) garbage[k] = (k * 7919 + 13) % 256;
    writeFileSync(join(dir, 'g.R'), garbage);
    const sink = recorder();
    const final = await run('model { mu ~ dnorm(0, 1) }\ndata from "g.R"\n', sink, { baseDirectory: dir });
    assert.equal(final, undefined);
    assert.ok(sink.failed?.length, 'an error output');
    assert.match(sink.failed![0]!.message, /g\.R/);
    assert.ok(sink.failed!.every((m) => m.message.length < 400), 'no file contents in the messages');
  });

  it('a 20,000-term sum ends the job with an error, not a cell that runs forever', async () => {
    const sink = recorder();
    await run(`model { mu ~ dnorm(${Array(20_000).fill('1').join('+')}, 1) }\n`, sink);
    assert.ok(sink.failed?.length);
    assert.equal(sink.failed![0]!.severity, 'error');
  });

  it('Stop ends the job, marked cancelled', async () => {
    const cancel = new Cancellation();
    const sink = recorder((o) => o.kind === 'sample' && o.output.progress.done > 0 && cancel.cancel());
    const final = await runJobInWorker(
      { source: 'model { mu ~ dnorm(0, 1) }\n', choices: { sample: { chains: 1, burnin: 0, iterations: 1e8, thin: 1000, seed: 1 } }, options: {}, workers: { ...TS_JOB_WORKERS, updateIntervalMs: 50 } },
      sink,
      { cancel },
    );
    assert.ok(final?.kind === 'sample' && final.output.status === 'cancelled', JSON.stringify(final?.output.status));
    assert.equal(liveJobCount(), 0);
  });

  it('ending every job (the extension deactivates) fails the running ones with a message and leaves no worker', async () => {
    const sink = recorder((o) => o.kind === 'sample' && o.output.progress.done > 0 && void endAllJobs());
    await runJobInWorker(
      { source: 'model { mu ~ dnorm(0, 1) }\n', choices: { sample: { chains: 1, burnin: 0, iterations: 1e8, thin: 1000, seed: 1 } }, options: {}, workers: { ...TS_JOB_WORKERS, updateIntervalMs: 50 } },
      sink,
    );
    assert.match(sink.failed?.[0]?.message ?? '', /Latent stopped/);
    assert.equal(liveJobCount(), 0);
  });

  it('a job that reports nothing for a long time is named in its output, and goes on until stopped', async () => {
    let noted: string | undefined;
    const sink = recorder((o) => {
      const note = o.output.messages.find((m) => /No progress was reported/.test(m.message));
      if (note && !noted) {
        noted = note.message;
        void endAllJobs();
      }
    });
    await runJobInWorker(
      { source: '', choices: {}, options: {}, workers: { ...TS_JOB_WORKERS, jobScript: resolve(__dirname, 'fixtures/silentJobWorker.ts') } },
      sink,
      { owner: 'test', silenceNoteMs: 300 },
    );
    assert.match(noted ?? '', /^No progress was reported for \d+ s; the job is still running \(Stop ends it\)\.$/);
    assert.match(sink.failed?.[0]?.message ?? '', /Latent stopped/);
  });

  it('a job process that aborts fails its job with a message naming how it ended; this process goes on', async () => {
    const sink = recorder();
    const final = await runJobInWorker(
      { source: '', choices: {}, options: {}, workers: { ...TS_JOB_WORKERS, jobScript: resolve(__dirname, 'fixtures/abortingJobWorker.ts') } },
      sink,
    );
    assert.equal(final, undefined);
    assert.match(sink.failed?.[0]?.message ?? '', /^The job's process ended unexpectedly \(signal SIGABRT\) before the job finished\. It said: .*Assertion failed/);
    assert.equal(liveJobCount(), 0);
  });

  it('Check Model reads in a worker: the problems of a missing file, or the warnings of a good document', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'latent-jobworker-'));
    writeFileSync(join(dir, 'y.R'), 'y <- c(1, 2)\nN <- 2\nunused <- 3\n');
    const model = 'model {\n  for (i in 1:N) { y[i] ~ dnorm(mu, 1) }\n  mu ~ dnorm(0, 1)\n}\n';
    const request = (data: string) => ({ source: `${model}data from "${data}"\n`, choices: { kind: 'sample' as const }, options: { baseDirectory: dir }, workers: TS_JOB_WORKERS });
    const missing = await checkInWorker(request('nope.R'));
    assert.ok('problems' in missing);
    assert.match(missing.problems[0]!.message, /Cannot read data file 'nope\.R'.*no such file/);
    const good = await checkInWorker(request('y.R'));
    assert.ok('warnings' in good);
    assert.ok(good.warnings.some((w) => /unused/.test(w.message)), JSON.stringify(good.warnings));
    assert.equal(liveJobCount(), 0);
  });

  it('Export Draws writes one Stan CSV file per chain from the worker, which keeps the draws', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'latent-jobworker-'));
    let exported: { files: string[]; columns: number; draws: number } | undefined;
    const final = await runJobInWorker(
      { source: 'model { mu ~ dnorm(0, 1) }\n', choices: SETTINGS, options: {}, workers: TS_JOB_WORKERS, exportDraws: { folder: join(dir, 'draws'), model: 'm.bug' } },
      recorder(),
      { onExported: (e) => (exported = e) },
    );
    assert.ok(final?.kind === 'sample' && !('draws' in final));
    assert.deepEqual(exported?.files, [join(dir, 'draws', 'chain-1.csv'), join(dir, 'draws', 'chain-2.csv')]);
    assert.deepEqual([exported!.columns, exported!.draws], [1, 400]);
    const lines = readFileSync(exported!.files[0]!, 'utf8').split('\n').filter((l) => l && !l.startsWith('#'));
    assert.equal(lines.length, 201, 'a header and 200 draws');
  });

  it('a 5,000-node model\'s outputs stay within the byte budget; the text table lists every node', async () => {
    const sink = recorder();
    const final = await run('model { for (i in 1:5000) { x[i] ~ dnorm(0, 1) } }\n', sink);
    assert.ok(final?.kind === 'sample' && final.output.status === 'complete');
    for (const o of [...sink.shown, final]) {
      const bytes = JSON.stringify(o.output).length;
      assert.ok(bytes <= DEFAULT_MAX_OUTPUT_BYTES, `an output of ${bytes} bytes`);
    }
    assert.ok(final.output.nodes.length >= 1000, `only ${final.output.nodes.length} nodes' summaries in the view`);
    assert.ok(final.output.nodes.every((n) => Number.isFinite(n.summary.mean)));
    assert.ok(final.output.nodes[0]!.trace.chains[0]!.length > 0, 'the first nodes keep their traces');
    assert.ok(final.output.messages.some((m) => /latent\.output\.maxBytes/.test(m.message)));
    const text = outputText(final);
    assert.ok(text.length <= DEFAULT_MAX_OUTPUT_BYTES, `a text table of ${text.length} bytes`);
    assert.ok(text.includes("x[5000]"), "the text table lists every node");
    console.log(`5,000 nodes: text table ${text.length} bytes, rendered JSON output ${JSON.stringify(final.output).length} bytes; ${final.output.nodes.length} summaries and ${final.output.nodes.filter((n) => n.trace.chains.length).length} traces in the view`);
  });
});
