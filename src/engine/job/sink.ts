import { ModelError } from '../language/source';
import type { RunMessage } from '../output/runOutput';
import { toMessage } from '../run/runner';
import type { Job } from './job';
import { failedWithoutResults, initialJobOutput, outputMessages, type JobOutput } from './output';
import type { JobHandle } from './startJob';

/**
 * Where a job's outputs go: a notebook cell, a results notebook, the terminal,
 * a progress notification. The driver calls `show` with the first output and
 * each update (in order, each awaited before the next; a sink without `show`
 * gets no updates, and the engine prepares none), then either `finish`
 * with the final output or `fail` with messages when there is nothing else to
 * show (the document's problems, a job that failed before any result).
 */
export interface JobSink {
  show?(output: JobOutput): void | Thenable<void>;
  finish(output: JobOutput): void | Thenable<void>;
  /** `output`: the failed job's output, when it started; undefined for problems found reading the document. */
  fail(messages: RunMessage[], output?: JobOutput): void | Thenable<void>;
}

/** Cancels a job when asked: a cell's Stop, a notification's Cancel, the status bar, Ctrl-C. */
export interface CancelSignal {
  onCancel(cancel: () => void): { dispose(): void };
}

/** A cancel signal raised by calling `cancel()`; raised before a job starts, it cancels the job as soon as it starts. */
export class Cancellation implements CancelSignal {
  private readonly listeners = new Set<() => void>();
  private cancelled = false;

  cancel(): void {
    if (this.cancelled) return;
    this.cancelled = true;
    for (const listener of [...this.listeners]) listener();
  }

  onCancel(cancel: () => void): { dispose(): void } {
    if (this.cancelled) queueMicrotask(cancel);
    this.listeners.add(cancel);
    return { dispose: () => this.listeners.delete(cancel) };
  }
}

/** Any of several signals cancels. */
export function anySignal(...signals: CancelSignal[]): CancelSignal {
  return {
    onCancel(cancel) {
      const subscriptions = signals.map((s) => s.onCancel(cancel));
      return { dispose: () => subscriptions.forEach((s) => s.dispose()) };
    },
  };
}

/**
 * Reads a job and runs it into a sink: the one path from text to shown
 * output. `read` throws ModelError for problems in the document, which the
 * sink gets as messages; `start` starts the job (startJob with the caller's
 * workers). Resolves with the final output, or undefined when the job could
 * not start.
 */
export async function runJob(
  read: () => Job,
  start: (job: Job, onUpdate: ((output: JobOutput) => void) | undefined) => JobHandle,
  sink: JobSink,
  cancel?: CancelSignal,
): Promise<JobOutput | undefined> {
  let job: Job;
  try {
    job = read();
  } catch (e) {
    if (!(e instanceof ModelError)) throw e;
    await sink.fail(e.problems.map(toMessage));
    return undefined;
  }
  let queue: ShowQueue | undefined;
  let handle: JobHandle;
  if (sink.show) {
    await sink.show(initialJobOutput(job));
    queue = new ShowQueue(sink.show.bind(sink));
    handle = start(job, (output) => queue!.push(output));
  } else {
    handle = start(job, undefined);
  }
  const subscription = cancel?.onCancel(() => handle.cancel());
  try {
    const final = await handle.result;
    await queue?.settle();
    if (failedWithoutResults(final)) await sink.fail(outputMessages(final), final);
    else await sink.finish(final);
    return final;
  } finally {
    subscription?.dispose();
  }
}

/**
 * Updates for a sink, shown one at a time and in order; one that arrives
 * while another is being shown waits, replacing any older one still waiting:
 * a slow sink sees fewer updates, never a backlog (which would also hold back
 * the final output after a cancel).
 */
class ShowQueue {
  private waiting: JobOutput | undefined;
  private showing: Promise<void> | undefined;

  constructor(private readonly show: (output: JobOutput) => void | Thenable<void>) {}

  push(output: JobOutput): void {
    this.waiting = output;
    this.showing ??= this.drain().finally(() => (this.showing = undefined));
  }

  /** Drops what waits and resolves once the update being shown is shown: then the final output may follow. */
  async settle(): Promise<void> {
    this.waiting = undefined;
    await this.showing;
  }

  private async drain(): Promise<void> {
    for (let next = this.waiting; next; next = this.waiting) {
      this.waiting = undefined;
      await this.show(next);
    }
  }
}

/**
 * Several sinks fed the same outputs, each at its own pace: a slow one (a
 * notebook cell) holds back neither the others' updates nor their end (the
 * status bar and the notification know at once that a cancelled job stopped).
 */
export function allSinks(...sinks: JobSink[]): JobSink {
  const queues = sinks.map((s) => (s.show ? new ShowQueue(s.show.bind(s)) : undefined));
  const settled = (k: number): Promise<void> => queues[k]?.settle() ?? Promise.resolve();
  return {
    show(o) {
      for (const q of queues) q?.push(o);
    },
    async finish(o) {
      await Promise.all(sinks.map(async (s, k) => {
        await settled(k);
        await s.finish(o);
      }));
    },
    async fail(m, o) {
      await Promise.all(sinks.map(async (s, k) => {
        await settled(k);
        await s.fail(m, o);
      }));
    },
  };
}
