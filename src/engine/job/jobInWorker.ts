import { fork, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import type { RunMessage } from '../output/runOutput';
import type { ExportedDraws, FromJobWorker, JobWorkerRequest, ToJobWorker } from './jobWorkerProtocol';
import type { JobOutput } from './output';
import { allSinks, type CancelSignal, type JobSink } from './sink';

/*
 * A job runs in a child process of its own, not in a worker thread of the
 * extension host. Node 20 can abort the whole process when a worker thread is
 * terminated while V8 is still compiling its code on a background thread
 * (node_platform.cc: "Assertion failed: (data.first) != nullptr" in
 * NodePlatform::ForIsolate, seen in the e2e soak that stops runs at random
 * points): in the extension host that takes every extension down. A job's
 * process is ended with SIGKILL, which tears nothing down; at worst a crash
 * inside it fails that one job with a message.
 */

/** Every job process alive, by who started it (a notebook's URI): ended with their owner or when the extension deactivates. */
const live = new Map<ChildProcess, string>();
/** Why a job process was ended from here (its notebook closed, the extension stopped): what its cell then says. */
const endedBecause = new WeakMap<ChildProcess, string>();

/** Milliseconds without a message from a job's worker after which the sink hears a note (the job is not stopped). */
export const SILENCE_NOTE_MS = 120_000;

/**
 * Runs a job in a process of its own: the document is read there (its data
 * and inits files too, never on this thread), its chains are worker threads
 * of that process, and its draws stay there. This thread gets the outputs,
 * within their byte budget. Resolves with the final output (undefined when the
 * job could not start); a process that dies or throws is a failure with a
 * message, never a job that does not end.
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
      kill(worker);
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
    // 'close' comes after the process's pipes, its messages included, are drained: every message has arrived by then.
    worker.on('close', (code, signal) => failWith(endedBecause.get(worker) ?? unexpectedEnd('job', code, signal, worker)));
    // A job that says nothing for a long time is named (it may be a long compilation, or stuck); it goes on until stopped.
    const watch = setInterval(() => {
      const silent = Date.now() - heardAt;
      if (silent < silenceNoteMs || !last || !queued.show) return;
      heardAt = Date.now();
      queued.show(withNote(last, `No progress was reported for ${Math.round(silent / 1000)} s; the job is still running (Stop ends it).`));
    }, Math.min(silenceNoteMs, 10_000));
    const subscription = cancel?.onCancel(() => send(worker, { type: 'cancel' }));
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

function startWorker(request: WorkerRequest, owner: string): ChildProcess {
  const { jobScript, ...workers } = request.workers;
  const child = fork(jobScript ?? join(workers.folder, 'jobWorker.js'), [], {
    execArgv: workers.execArgv ?? [],
    // Inside VS Code, execPath is the editor's own binary: this makes it run as plain Node.
    env: { ...process.env, ELECTRON_RUN_AS_NODE: '1' },
    serialization: 'advanced',
    stdio: ['ignore', 'inherit', 'pipe', 'ipc'],
  });
  keepStderrTail(child);
  // Errors writing to a process that has just ended are the exit handler's to report.
  child.on('error', () => undefined);
  send(child, { type: 'start', request: { ...request, workers } });
  live.set(child, owner);
  return child;
}

function send(child: ChildProcess, message: ToJobWorker): void {
  // A process that ends between the check and the write makes the write fail: its 'close' reports the job's end.
  if (child.connected) child.send(message, () => undefined);
}

/** SIGKILL: the process ends now, with nothing torn down that could abort it half way. */
function kill(child: ChildProcess): void {
  if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
}

const stderrTail = new WeakMap<ChildProcess, string>();

/** The end of what a job process wrote to stderr, for the message when it dies (Node's own fatal errors land there). */
function keepStderrTail(child: ChildProcess): void {
  child.stderr?.setEncoding('utf8');
  child.stderr?.on('data', (chunk: string) => {
    process.stderr.write(chunk);
    stderrTail.set(child, ((stderrTail.get(child) ?? '') + chunk).slice(-2000));
  });
}

function unexpectedEnd(what: 'job' | 'check', code: number | null, signal: NodeJS.Signals | null, child: ChildProcess): string {
  const how = signal ? `signal ${signal}` : `exit code ${code}`;
  // Node's fatal messages ("Assertion failed: …", "FATAL ERROR: … heap out of memory"), not the native stack below them.
  const said = (stderrTail.get(child) ?? '').split('\n').map((l) => l.replace(/^[\s#]+/, '')).filter((l) => /assertion failed|fatal error|out of memory|^\w*Error:/i.test(l)).slice(0, 2).join(' ');
  return `The ${what}'s process ended unexpectedly (${how}) before the ${what} finished.${said ? ` It said: ${said.slice(0, 300)}` : ''}`;
}

/**
 * Reads a document in a job process, as a run would (its data and inits files too), and runs nothing
 * (Check Model): its problems, or its warnings when it has none.
 */
export function checkInWorker(request: WorkerRequest): Promise<{ problems: RunMessage[] } | { warnings: RunMessage[] }> {
  const worker = startWorker({ ...request, checkOnly: true }, '');
  return new Promise((resolve) => {
    const done = (answer: { problems: RunMessage[] } | { warnings: RunMessage[] }): void => {
      live.delete(worker);
      kill(worker);
      resolve(answer);
    };
    worker.on('message', (message: FromJobWorker) => {
      if (message.type === 'checked') done({ warnings: message.warnings });
      else if (message.type === 'fail') done({ problems: message.messages });
      else if (message.type === 'crash') done({ problems: [{ severity: 'error', message: `Latent could not read this: ${message.message}` }] });
    });
    worker.on('error', (error) => done({ problems: [{ severity: 'error', message: `Latent could not read this: ${error.message}` }] }));
    worker.on('close', (code, signal) => live.has(worker) && done({ problems: [{ severity: 'error', message: unexpectedEnd('check', code, signal, worker) }] }));
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

/** Ends the job processes a notebook started (it closed): their chains end with them. */
export function endJobsOf(owner: string, because: string): void {
  for (const [worker, by] of live) {
    if (by !== owner) continue;
    endedBecause.set(worker, because);
    kill(worker);
  }
}

/** Ends every job process (the extension deactivates). Resolves once all have exited. */
export async function endAllJobs(): Promise<void> {
  const workers = [...live.keys()];
  await Promise.all(
    workers.map(
      (w) =>
        new Promise<void>((resolve) => {
          endedBecause.set(w, 'The job was ended: Latent stopped.');
          if (w.exitCode !== null || w.signalCode !== null) return resolve();
          w.once('close', () => resolve());
          kill(w);
        }),
    ),
  );
}

/** How many job processes are alive (tests). */
export function liveJobCount(): number {
  return live.size;
}
