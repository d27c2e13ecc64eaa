import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import type { RunMessage } from '../output/runOutput';
import type { ExportedDraws, FromJobWorker, JobWorkerRequest } from './jobWorkerProtocol';
import type { JobOutput } from './output';
import { allSinks, type CancelSignal, type JobSink } from './sink';

/** Every job worker alive, by who started it (a notebook's URI): ended with their owner or when the extension deactivates. */
const live = new Map<Worker, string>();
/** Why a worker was ended from here (its notebook closed, the extension stopped): what its cell then says. */
const endedBecause = new WeakMap<Worker, string>();

/** Milliseconds without a message from a job's worker after which the sink hears a note (the job is not stopped). */
export const SILENCE_NOTE_MS = 120_000;

/**
 * Runs a job in a worker thread of its own: the document is read there (its
 * data and inits files too, never on this thread), its chains are workers of
 * that worker, and its draws stay there. This thread gets the outputs, within
 * their byte budget. Resolves with the final output (undefined when the job
 * could not start); a worker that dies or throws is a failure with a message,
 * never a job that does not end.
 */
export function runJobInWorker(request: WorkerRequest, sink: JobSink, options: RunInWorkerOptions = {}): Promise<JobOutput | undefined> {
  const { cancel, owner = '', silenceNoteMs = SILENCE_NOTE_MS, onExported } = options;
  const worker = startWorker(request, owner);
  const queued = allSinks(sink);
  let last: JobOutput | undefined;
  let ended = false;
  let heardAt = Date.now();
  return new Promise<JobOutput | undefined>((resolve) => {
    // `work` is the sink's last call, made only by the first end: a worker's exit after its finish must not fail the job.
    const end = (work: () => PromiseLike<void> | void, final: JobOutput | undefined): void => {
      if (ended) return;
      ended = true;
      clearInterval(watch);
      subscription?.dispose();
      live.delete(worker);
      void worker.terminate();
      void Promise.resolve().then(work).then(() => resolve(final), () => resolve(final));
    };
    const failWith = (message: string): void => end(() => queued.fail([{ severity: 'error', message }], last), last);
    worker.on('message', (message: FromJobWorker) => {
      heardAt = Date.now();
      switch (message.type) {
        case 'show':
          last = message.output;
          queued.show?.(message.output);
          return;
        case 'finish':
          end(() => queued.finish(message.output), message.output);
          return;
        case 'fail':
          end(() => queued.fail(message.messages, message.output), message.output);
          return;
        case 'crash':
          failWith(`Latent could not run this: ${message.message}`);
          return;
        case 'exported':
          onExported?.(message.exported);
          return;
        case 'checked':
          return;
      }
    });
    worker.on('error', (error) => failWith(`The job stopped: ${error.message}`));
    worker.on('exit', (code) => {
      // Let messages still queued from the worker arrive before judging how it ended.
      setImmediate(() => failWith(endedBecause.get(worker) ?? `The job's worker ended unexpectedly (exit code ${code}) before the job finished.`));
    });
    // A job that says nothing for a long time is named (it may be a long compilation, or stuck); it goes on until stopped.
    const watch = setInterval(() => {
      const silent = Date.now() - heardAt;
      if (silent < silenceNoteMs || !last || !queued.show) return;
      heardAt = Date.now();
      queued.show(withNote(last, `No progress was reported for ${Math.round(silent / 1000)} s; the job is still running (Stop ends it).`));
    }, Math.min(silenceNoteMs, 10_000));
    const subscription = cancel?.onCancel(() => worker.postMessage({ type: 'cancel' }));
  });
}

/** A job's request as runJobInWorker takes it: the worker's script may be named (tests run the TypeScript source). */
export type WorkerRequest = Omit<JobWorkerRequest, 'workers'> & { workers: JobWorkerRequest['workers'] & { jobScript?: string } };

export interface RunInWorkerOptions {
  cancel?: CancelSignal;
  /** Who started the job (a notebook's URI): endJobsOf(owner) ends it. */
  owner?: string;
  /** Milliseconds of silence before the output says so (SILENCE_NOTE_MS). */
  silenceNoteMs?: number;
  /** Hears what Export Draws wrote (request.exportDraws), before the final output. */
  onExported?: (exported: ExportedDraws) => void;
}

function startWorker(request: WorkerRequest, owner: string): Worker {
  const { jobScript, ...workers } = request.workers;
  const worker = new Worker(jobScript ?? join(workers.folder, 'jobWorker.js'), { workerData: { ...request, workers }, execArgv: workers.execArgv ?? [] });
  live.set(worker, owner);
  return worker;
}

/**
 * Reads a document in a worker, as a run would (its data and inits files too), and runs nothing
 * (Check Model): its problems, or its warnings when it has none.
 */
export function checkInWorker(request: WorkerRequest): Promise<{ problems: RunMessage[] } | { warnings: RunMessage[] }> {
  const worker = startWorker({ ...request, checkOnly: true }, '');
  return new Promise((resolve) => {
    const done = (answer: { problems: RunMessage[] } | { warnings: RunMessage[] }): void => {
      live.delete(worker);
      void worker.terminate();
      resolve(answer);
    };
    worker.on('message', (message: FromJobWorker) => {
      if (message.type === 'checked') done({ warnings: message.warnings });
      else if (message.type === 'fail') done({ problems: message.messages });
      else if (message.type === 'crash') done({ problems: [{ severity: 'error', message: `Latent could not read this: ${message.message}` }] });
    });
    worker.on('error', (error) => done({ problems: [{ severity: 'error', message: `Latent could not read this: ${error.message}` }] }));
    worker.on('exit', (code) => setImmediate(() => live.has(worker) && done({ problems: [{ severity: 'error', message: `The check's worker ended unexpectedly (exit code ${code}).` }] })));
  });
}

function withNote(o: JobOutput, message: string): JobOutput {
  const note: RunMessage = { severity: 'warning', message };
  switch (o.kind) {
    case 'sample':
      return { kind: 'sample', output: { ...o.output, messages: [...o.output.messages, note] } };
    case 'calibrate':
      return { kind: 'calibrate', output: { ...o.output, messages: [...o.output.messages, note] } };
    case 'fit':
      return { kind: 'fit', output: { ...o.output, messages: [...o.output.messages, { severity: 'warning', message }] } };
  }
}

/** Ends the job workers a notebook started (it closed): their chains end with them. */
export function endJobsOf(owner: string, because: string): void {
  for (const [worker, by] of live) {
    if (by !== owner) continue;
    endedBecause.set(worker, because);
    void worker.terminate();
  }
}

/** Ends every job worker (the extension deactivates). Resolves once all have exited. */
export async function endAllJobs(): Promise<void> {
  const workers = [...live.keys()];
  for (const w of workers) endedBecause.set(w, 'The job was ended: Latent stopped.');
  await Promise.all(workers.map((w) => w.terminate()));
}

/** How many job workers are alive (tests). */
export function liveJobCount(): number {
  return live.size;
}
