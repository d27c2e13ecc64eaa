/**
 * The E-step split across threads: this thread takes the first slice of
 * rows and `threads − 1` workers (estepWorker.ts) the others, all reading
 * the data and parameters from shared memory. A pass bumps a generation
 * word, computes its own slice, then waits (asynchronously, so that a
 * worker's crash can still be heard) until every worker has counted itself
 * done, and sums the per-thread statistics in thread order so that a given
 * thread count always gives the same numbers.
 */
import { Worker } from 'node:worker_threads';
import type { EStepRunner, RowSet } from './estep';
import {
  COMMAND_ACCUMULATE, COMMAND_ACCUMULATE_WITH_OUTPUTS, COMMAND_EXIT, CONTROL_COMMAND, CONTROL_DONE, CONTROL_ERROR, CONTROL_GENERATION,
  CONTROL_LENGTH, type EStepWorkerData, type EStepWorkerMessage,
} from './estepProtocol';
import { createKernel, type FamilyKind, type Kernel } from './kernels';
import { splitEvenly, type RowOutputs, type RowSlice } from './rows';

/** Atomics.waitAsync (Node ≥ 16) is missing from the ES2022 typings. */
interface WaitAsync {
  waitAsync(array: Int32Array, index: number, value: number, timeout?: number): { async: boolean; value: Promise<string> | string };
}

export interface PoolOptions {
  threads: number;
  workerScript: string;
  workerExecArgv?: string[];
  /** Allocate shared buffers for the final pass's per-row log-likelihoods, and responsibilities (n × K) when `responsibilities`. */
  rowOutputs: boolean;
  responsibilities?: boolean;
}

function sharedCopy<T extends Float64Array | Int32Array | Uint8Array>(array: T): SharedArrayBuffer {
  const buffer = new SharedArrayBuffer(array.byteLength);
  new Uint8Array(buffer).set(new Uint8Array(array.buffer, array.byteOffset, array.byteLength));
  return buffer;
}

export class EStepPool implements EStepRunner {
  private readonly workers: Worker[] = [];
  private failure: string | undefined;
  private closing = false;

  private constructor(
    private readonly kernel: Kernel,
    private readonly control: Int32Array,
    private readonly parameters: Float64Array,
    private readonly threadStats: Float64Array,
    private readonly ownSlice: RowSlice,
    private readonly sharedRowLogLikelihood: Float64Array | null,
    private readonly sharedResponsibilities: Float64Array | null,
  ) {}

  get statsLength(): number {
    return this.kernel.statsLength;
  }

  get packedLength(): number {
    return this.kernel.packedLength;
  }

  /** Starts the workers; rejects (after stopping those started) if any fails to start. */
  static async start(kind: FamilyKind, K: number, d: number, rowSet: RowSet, options: PoolOptions): Promise<EStepPool> {
    const kernel = createKernel(kind, K, d);
    const threads = options.threads;
    const control = new SharedArrayBuffer(CONTROL_LENGTH * 4);
    const data = sharedCopy(rowSet.data.subarray(0, rowSet.rows * d));
    const incompleteFlags = rowSet.incompleteFlags ? sharedCopy(rowSet.incompleteFlags) : null;
    const incompleteRows = sharedCopy(rowSet.incompleteRows);
    const parameters = new SharedArrayBuffer((kernel.packedLength + 1) * 8);
    const stats = new SharedArrayBuffer(threads * kernel.statsLength * 8);
    const rowLogLikelihood = options.rowOutputs ? new SharedArrayBuffer(rowSet.rows * 8) : null;
    const responsibilities = options.rowOutputs && options.responsibilities !== false ? new SharedArrayBuffer(rowSet.rows * K * 8) : null;
    const rowBounds = splitEvenly(rowSet.rows, threads);
    const incompleteBounds = splitEvenly(rowSet.incompleteRows.length, threads);
    const slice = (t: number): RowSlice => ({
      data: new Float64Array(data),
      rowStart: rowBounds[t]!,
      rowEnd: rowBounds[t + 1]!,
      incompleteFlags: incompleteFlags ? new Uint8Array(incompleteFlags) : null,
      incompleteRows: new Int32Array(incompleteRows),
      incompleteStart: incompleteBounds[t]!,
      incompleteEnd: incompleteBounds[t + 1]!,
    });
    const pool = new EStepPool(
      kernel,
      new Int32Array(control),
      new Float64Array(parameters),
      new Float64Array(stats),
      slice(0),
      rowLogLikelihood ? new Float64Array(rowLogLikelihood) : null,
      responsibilities ? new Float64Array(responsibilities) : null,
    );
    const ready: Promise<void>[] = [];
    for (let t = 1; t < threads; t++) {
      const own = slice(t);
      const workerData: EStepWorkerData = {
        kind, K, d, rows: rowSet.rows, control, data, incompleteFlags, incompleteRows, parameters, stats, rowLogLikelihood, responsibilities,
        thread: t, rowStart: own.rowStart, rowEnd: own.rowEnd, incompleteStart: own.incompleteStart, incompleteEnd: own.incompleteEnd,
      };
      const worker = new Worker(options.workerScript, { workerData, execArgv: options.workerExecArgv ?? [] });
      pool.workers.push(worker);
      ready.push(
        new Promise<void>((resolve, reject) => {
          worker.on('message', (message: EStepWorkerMessage) => {
            if (message.type === 'ready') resolve();
            else pool.fail(message.message);
          });
          worker.on('error', (e) => {
            pool.fail(e.message);
            reject(e);
          });
          worker.on('exit', (code) => {
            if (!pool.closing) pool.fail(`an E-step worker stopped with exit code ${code}`);
            reject(new Error(`an E-step worker stopped with exit code ${code} before it was ready`));
          });
        }),
      );
    }
    try {
      await Promise.all(ready);
    } catch (e) {
      await pool.close();
      throw e;
    }
    return pool;
  }

  private fail(message: string): void {
    this.failure ??= message;
    Atomics.store(this.control, CONTROL_ERROR, 1);
    Atomics.notify(this.control, CONTROL_DONE);
  }

  async run(packed: Float64Array, beta: number, stats: Float64Array, outputs: RowOutputs): Promise<void> {
    const { control, kernel } = this;
    const withOutputs = outputs.rowLogLikelihood !== null || outputs.responsibilities !== null;
    if ((outputs.rowLogLikelihood !== null && !this.sharedRowLogLikelihood) || (outputs.responsibilities !== null && !this.sharedResponsibilities)) {
      throw new Error('this E-step pool was started without these row outputs');
    }
    this.parameters.set(packed.subarray(0, kernel.packedLength));
    this.parameters[kernel.packedLength] = beta;
    Atomics.store(control, CONTROL_DONE, 0);
    Atomics.store(control, CONTROL_COMMAND, withOutputs ? COMMAND_ACCUMULATE_WITH_OUTPUTS : COMMAND_ACCUMULATE);
    Atomics.add(control, CONTROL_GENERATION, 1);
    Atomics.notify(control, CONTROL_GENERATION);

    const length = kernel.statsLength;
    const own = this.threadStats.subarray(0, length);
    own.fill(0);
    const ownOutputs: RowOutputs = withOutputs
      ? { rowLogLikelihood: outputs.rowLogLikelihood && this.sharedRowLogLikelihood, responsibilities: outputs.responsibilities && this.sharedResponsibilities }
      : outputs;
    kernel.accumulate(this.ownSlice, packed, beta, own, ownOutputs);
    await this.waitForWorkers();

    stats.fill(0);
    for (let t = 0; t <= this.workers.length; t++) {
      const block = this.threadStats.subarray(t * length, (t + 1) * length);
      for (let i = 0; i < length; i++) stats[i] += block[i]!;
    }
    if (withOutputs) {
      outputs.rowLogLikelihood?.set(this.sharedRowLogLikelihood!);
      outputs.responsibilities?.set(this.sharedResponsibilities!);
    }
  }

  private async waitForWorkers(): Promise<void> {
    const control = this.control;
    const atomics = Atomics as unknown as WaitAsync;
    for (;;) {
      if (Atomics.load(control, CONTROL_ERROR) !== 0) throw new Error(`E-step worker failed: ${this.failure ?? 'unknown error'}`);
      const done = Atomics.load(control, CONTROL_DONE);
      if (done === this.workers.length) return;
      const waiting = atomics.waitAsync(control, CONTROL_DONE, done);
      if (waiting.async) await waiting.value;
    }
  }

  async close(): Promise<void> {
    this.closing = true;
    Atomics.store(this.control, CONTROL_COMMAND, COMMAND_EXIT);
    Atomics.add(this.control, CONTROL_GENERATION, 1);
    Atomics.notify(this.control, CONTROL_GENERATION);
    await Promise.all(this.workers.map((w) => w.terminate()));
    this.workers.length = 0;
  }
}
