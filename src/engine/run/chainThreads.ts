import type { MessagePort, Worker } from 'node:worker_threads';
import { ModelError, type Problem } from '../language/source';
import type { MonitorTarget } from './modelSession';
import type { ChainStart, RunRequest } from './request';

/** Where the session worker's script is (dist/sessionWorker.js beside the CLI), and Node flags for it (a TypeScript loader in tests). */
export interface ChainThreadOptions {
  script: string;
  execArgv?: string[];
}

/**
 * What a session worker is told, in order, on its port. `open` comes first and
 * gives the worker its session; it is not answered (a problem opening it
 * answers the next call). sessionWorker.ts answers each of the others.
 */
export type SessionCall =
  | { kind: 'open'; request: RunRequest; chainCount: number; hosted: number[] }
  | { kind: 'initialize'; starts: ChainStart[] }
  | { kind: 'update'; n: number; adapt: boolean }
  | { kind: 'monitor'; target: MonitorTarget; thin: number; withDeviance: boolean }
  | { kind: 'clear'; label: string }
  | { kind: 'records' }
  | { kind: 'parameters'; chain: number }
  /** The session is over: the worker writes its code cache if it has one to write (see sessionWorker.ts), then ends. */
  | { kind: 'close' };

/** A worker's answer: a value, the model's problems, or a failure the engine did not foresee. */
export type SessionAnswer = { value?: unknown; problems?: Problem[]; failure?: string };

/** What a session worker starts with (its session comes with the `open` call). */
export interface SessionWorkerData {
  port: MessagePort;
  /** Per worker: the number of answers it has posted (FAILED_TO_START: it could not start); [workers + slot]: a count it raises as it samples. */
  signals: Int32Array;
  slot: number;
  workers: number;
}

/** What a worker that could not start sets its count of answers to: every call, past and future, is answered (by its one failure). */
export const FAILED_TO_START = 2 ** 30;

/**
 * A worker that neither answers nor samples for this long has died (out of
 * memory, or killed): the script stops with a message instead of waiting for ever.
 * Generous: compiling a model of a million rows takes about a minute.
 */
const SILENCE_MS = 300_000;

/** Session workers started but given no session yet (startSessionWorkers): a ChainThreads takes them over. */
export interface StartedWorkers {
  workers: Worker[];
  ports: MessagePort[];
  signals: Int32Array;
}

/**
 * node:worker_threads, required when first needed rather than imported: the
 * CLI's launcher bundles this file to start workers before it loads the
 * engine (cli/jags/prestart.ts), and a script whose chains all run in one
 * thread never needs it.
 */
let threadsModule: typeof import('node:worker_threads') | undefined;
function workerThreads(): typeof import('node:worker_threads') {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return (threadsModule ??= require('node:worker_threads') as typeof import('node:worker_threads'));
}

/** Starts `count` session workers, each waiting for its `open` call. */
export function startSessionWorkers(options: ChainThreadOptions, count: number): StartedWorkers {
  const threads = workerThreads();
  const signals = new Int32Array(new SharedArrayBuffer(8 * count));
  const workers: Worker[] = [];
  const ports: MessagePort[] = [];
  for (let slot = 0; slot < count; slot++) {
    const { port1, port2 } = new threads.MessageChannel();
    const workerData: SessionWorkerData = { port: port2, signals, slot, workers: count };
    const worker = new threads.Worker(options.script, { workerData, transferList: [port2], ...(options.execArgv ? { execArgv: options.execArgv } : {}) });
    // The script's process ends when its commands do, whatever the workers are doing.
    worker.unref();
    port1.unref();
    workers.push(worker);
    ports.push(port1);
  }
  return { workers, ports, signals };
}

/** Ends workers that were never given a session, without waiting for them (they may still be starting). */
export function stopSessionWorkers(started: StartedWorkers): void {
  for (const port of started.ports) port.close();
  for (const worker of started.workers) void worker.terminate();
}

/**
 * Chains of a JAGS-style session run in worker threads, a group of chains per
 * worker, while the session's own thread runs the first group: JAGS runs its
 * chains one after another, and with two cores the second chain costs no
 * wall time. Calls are synchronous, as a script's commands are: `begin` posts
 * a call to every worker, the caller does its own share of the work, and
 * `finish` waits for the answers (Atomics.wait on a shared count each worker
 * raises once its answer is posted). A worker answers a problem in the model
 * as problems, which `finish` throws as a ModelError.
 *
 * The workers (startSessionWorkers) get their session with `open`: a script
 * can start them before it has compiled the model, even before the CLI has
 * loaded the engine (a worker's own start-up, 50–80 ms, then overlaps this
 * thread's), and `abandon` them if the compiled model turns out too small for them.
 */
export class ChainThreads {
  private readonly ports: MessagePort[];
  private readonly signals: Int32Array;
  /** Per worker, the calls posted to it: its call is answered once its count of answers reaches this. */
  private readonly sent: number[];
  /** A worker stopped answering: no call waits for it again. */
  private broken = false;
  /** `close` was posted, not yet answered. */
  private closing = false;

  constructor(
    private readonly started: StartedWorkers,
    /** Per worker, the chains it runs. */
    readonly groups: number[][],
  ) {
    if (started.workers.length !== groups.length) throw new Error(`${started.workers.length} worker threads for ${groups.length} groups of chains`);
    this.ports = started.ports;
    this.signals = started.signals;
    this.sent = groups.map(() => 0);
  }

  /** Gives every worker its session: the request, and the chains it runs of `chainCount`. Before any other call. */
  open(request: RunRequest, chainCount: number): void {
    this.groups.forEach((hosted, slot) => this.ports[slot]!.postMessage({ kind: 'open', request, chainCount, hosted } satisfies SessionCall));
  }

  /** Ends workers that were never opened, without waiting for them (they may still be starting). */
  abandon(): void {
    this.broken = true;
    stopSessionWorkers(this.started);
  }

  /** Posts `call` to every worker; `finish` collects the answers. */
  begin(call: SessionCall): void {
    for (let slot = 0; slot < this.ports.length; slot++) this.post(slot, call);
  }

  /** Waits for every worker's answer to the call `begin` posted; throws the first worker's problems. */
  finish(): unknown[] {
    const answers = this.ports.map((_, slot) => this.wait(slot));
    for (const a of answers) if (a.problems) throw new ModelError(a.problems);
    for (const a of answers) if (a.failure !== undefined) throw new Error(a.failure);
    return answers.map((a) => a.value);
  }

  /** Asks one worker and waits for its answer. */
  call(slot: number, call: SessionCall): unknown {
    this.post(slot, call);
    const answer = this.wait(slot);
    if (answer.problems) throw new ModelError(answer.problems);
    if (answer.failure !== undefined) throw new Error(answer.failure);
    return answer.value;
  }

  /** The worker running `chain`, or undefined when the session's own thread runs it. */
  slotOf(chain: number): number | undefined {
    const slot = this.groups.findIndex((g) => g.includes(chain));
    return slot < 0 ? undefined : slot;
  }

  /**
   * Tells the workers the session is over without waiting: each writes its
   * code cache, answers and ends by itself (its port closed, its thread has
   * nothing left to do), while this thread goes on. `dispose` then collects
   * the answers. No other call may follow.
   */
  close(): void {
    if (this.broken || this.closing) return;
    this.begin({ kind: 'close' });
    this.closing = true;
  }

  /** Ends the workers, once each has answered `close`: a worker then writes its code cache before the process can end. */
  dispose(): void {
    if (!this.broken) {
      this.close();
      try {
        this.finish();
      } catch {
        // Ending anyway: the session's own problems were reported already.
      }
      this.broken = true;
    }
    stopSessionWorkers(this.started);
  }

  private post(slot: number, call: SessionCall): void {
    this.sent[slot]!++;
    this.ports[slot]!.postMessage(call);
  }

  private wait(slot: number): SessionAnswer {
    const progress = this.signals.length / 2 + slot;
    let seen = Atomics.load(this.signals, progress);
    let quiet = 0;
    for (let answered = Atomics.load(this.signals, slot); answered < this.sent[slot]!; answered = Atomics.load(this.signals, slot)) {
      if (Atomics.wait(this.signals, slot, answered, 1000) !== 'timed-out') continue;
      const now = Atomics.load(this.signals, progress);
      quiet = now === seen ? quiet + 1000 : 0;
      seen = now;
      if (quiet >= SILENCE_MS) {
        this.broken = true;
        throw new Error(`the worker thread running chain(s) ${this.groups[slot]!.map((c) => c + 1).join(', ')} stopped answering for ${SILENCE_MS / 1000} s (it may have run out of memory)`);
      }
    }
    const received = workerThreads().receiveMessageOnPort(this.ports[slot]!);
    if (!received) throw new Error(`the worker thread running chain(s) ${this.groups[slot]!.map((c) => c + 1).join(', ')} signalled an answer it did not send`);
    return received.message as SessionAnswer;
  }
}

/**
 * The chains split into contiguous groups, one per thread (at most `threads`):
 * the first group stays in the session's thread, the others go to workers.
 */
export function chainGroups(chainCount: number, threads: number): number[][] {
  const count = Math.max(1, Math.min(chainCount, threads));
  const groups: number[][] = Array.from({ length: count }, () => []);
  for (let c = 0; c < chainCount; c++) groups[Math.floor((c * count) / chainCount)]!.push(c);
  return groups;
}
