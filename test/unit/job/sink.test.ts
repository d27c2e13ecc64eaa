import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { TerminalSink } from '../../../src/cli/terminalSink';
import { readJob } from '../../../src/engine/job/job';
import { outputText, type JobOutput } from '../../../src/engine/job/output';
import { allSinks, Cancellation, runJob, type JobSink } from '../../../src/engine/job/sink';
import { startJob } from '../../../src/engine/job/startJob';
import type { RunMessage } from '../../../src/engine/output/runOutput';
import { TS_WORKERS } from './tsWorkers';

const MODEL = `model {
  for (i in 1:N) { y[i] ~ dnorm(mu, 1) }
  mu ~ dnorm(0, 0.01)
}
data list(N = 3, y = c(1, 2, 3))
`;

/** A sink that records what reaches it, in order. */
class RecordingSink implements JobSink {
  readonly events: string[] = [];
  final: JobOutput | undefined;
  failed: RunMessage[] | undefined;
  readonly phases: string[] = [];
  show(o: JobOutput): void {
    if (o.kind === 'sample' && o.output.phase && !this.phases.includes(o.output.phase)) this.phases.push(o.output.phase);
    this.events.push(`show ${o.kind} ${o.output.status}`);
  }
  finish(o: JobOutput): void {
    this.final = o;
    this.events.push(`finish ${o.kind} ${o.output.status}`);
  }
  fail(messages: RunMessage[], o?: JobOutput): void {
    this.failed = messages;
    this.events.push(`fail ${o ? o.kind : 'reading'}`);
  }
}

const run = (text: string, sink: JobSink, cancelAfterStart = false): Promise<JobOutput | undefined> =>
  runJob(
    () => readJob(text, {}, () => 1),
    (job, onUpdate) => startJob(job, { ...TS_WORKERS, maxParallel: 2, updateIntervalMs: 10 }, onUpdate),
    sink,
    cancelAfterStart ? { onCancel: (cancel) => (setTimeout(cancel, 0), { dispose() {} }) } : undefined,
  );

describe('the job path: one driver, any sink', () => {
  it('streams a sampling job into a sink: the settings first, then updates, then the final output', async () => {
    const sink = new RecordingSink();
    const final = await run(`${MODEL}sample with gibbs(chains = 2, burnin = 200, iterations = 2000, seed = 3)`, sink);
    assert.equal(sink.events[0], 'show sample running');
    assert.equal(sink.events.at(-1), 'finish sample complete');
    assert.equal(sink.final, final);
    assert.ok(final?.kind === 'sample' && final.output.nodes.some((n) => n.name === 'mu'));
    assert.deepEqual(sink.phases.slice(0, 3), ['reading the data', 'compiling the model', 'assigning samplers to 1 unobserved node (4 stochastic in all)']);
  });

  it('runs fits and calibrations by the same path', async () => {
    const fitted = new RecordingSink();
    await run(`${MODEL}fit with em(seed = 2)`, fitted);
    assert.equal(fitted.events[0], 'show fit running');
    assert.match(fitted.events.at(-1)!, /^finish fit (converged|max-iterations)$/);
    const calibrated = new RecordingSink();
    await run(`${MODEL}calibrate with sbc(simulations = 4, draws = 9, bins = 2, burnin = 20, seed = 1)`, calibrated);
    assert.equal(calibrated.events.at(-1), 'finish calibrate complete');
  });

  it('gives problems in the document to the sink as messages, before anything starts', async () => {
    const sink = new RecordingSink();
    const final = await run(`${MODEL}sample with gibbs(chain = 2)`, sink);
    assert.equal(final, undefined);
    assert.deepEqual(sink.events, ['fail reading']);
    assert.match(sink.failed![0]!.message, /Unknown option 'chain'/);
    assert.equal(sink.failed![0]!.range?.startLine, 5);
  });

  it('a cancelled job finishes with what it has, marked cancelled', async () => {
    const sink = new RecordingSink();
    const final = await run(`${MODEL}sample with gibbs(chains = 1, burnin = 0, iterations = 1000000000, seed = 3)`, sink, true);
    assert.equal(final?.output.status, 'cancelled');
    assert.equal(sink.events.at(-1), 'finish sample cancelled');
    // Cancelled at once: no draws kept, and the output says so rather than speaking of summaries.
    assert.ok(final?.kind === 'sample' && final.output.nodes.length === 0);
    assert.match(final.output.messages.at(-1)!.message, /cancelled before any draws were kept \(while [a-z ]+\); there is nothing to summarise/);
  });

  it('a slow sink gets the latest update, not a backlog: a cancel reaches it within a second', async () => {
    const cancellation = new Cancellation();
    let shows = 0;
    let cancelledAt = 0;
    let finishedAt = 0;
    const slow: JobSink = {
      // Each update takes 300 ms to show, while the engine sends one every 10 ms.
      show: () => new Promise((resolve) => setTimeout(() => resolve(void shows++), 300)),
      finish: () => void (finishedAt = Date.now()),
      fail: (m) => assert.fail(m.map((x) => x.message).join('; ')),
    };
    // A fast sink beside it (the status bar) hears of the end without waiting for the slow one's update in flight.
    let fastShows = 0;
    let fastFinishedAt = 0;
    const fast: JobSink = { show: () => void fastShows++, finish: () => void (fastFinishedAt = Date.now()), fail: () => {} };
    setTimeout(() => {
      cancelledAt = Date.now();
      cancellation.cancel();
    }, 3000);
    await runJob(
      // A run that never ends by itself (cancelled at 3 s): its draws' memory limit lifted, as it keeps only what the 3 s make.
      () => readJob(`${MODEL}sample with gibbs(chains = 1, burnin = 0, iterations = 1000000000, seed = 3)`, {}, () => 1, { maxDrawBytes: Number.POSITIVE_INFINITY }),
      (job, onUpdate) => startJob(job, { ...TS_WORKERS, updateIntervalMs: 10 }, onUpdate),
      allSinks(slow, fast),
      cancellation,
    );
    assert.ok(finishedAt - cancelledAt < 1000, `finished ${finishedAt - cancelledAt} ms after the cancel`);
    assert.ok(shows <= 11, `${shows} updates shown in 3 s at 300 ms each`);
    assert.ok(fastShows > shows, `the fast sink saw more updates (${fastShows}) than the slow one (${shows})`);
    assert.ok(fastFinishedAt <= finishedAt, 'the fast sink ended first');
  });

  it('feeds several sinks the same outputs', async () => {
    const a = new RecordingSink();
    const b = new RecordingSink();
    await run(`${MODEL}fit with em(seed = 2)`, allSinks(a, b));
    assert.deepEqual(a.events, b.events);
  });

  it('the terminal sink prints the final table, and problems as file:line:column with exit code 1', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'latent-sink-'));
    writeFileSync(join(dir, 'm.bug'), MODEL);
    const out: string[] = [];
    const err: string[] = [];
    const good = new TerminalSink('m.bug', outputText, (t) => out.push(t), (t) => err.push(t));
    await run(`${MODEL}fit with em(seed = 2)`, good);
    assert.equal(good.exitCode, 0);
    assert.equal(out.length, 1, 'no updates on the terminal: one table at the end');
    assert.match(out[0]!, /em fit/);
    const bad = new TerminalSink('m.bug', outputText, (t) => out.push(t), (t) => err.push(t));
    await run(`${MODEL}fit with em(restart = 2)`, bad);
    assert.equal(bad.exitCode, 1);
    assert.match(err[0]!, /^m\.bug:6:13: error: Unknown option 'restart'/);
  });
});
