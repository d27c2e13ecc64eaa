/**
 * Runs E-step passes over all rows: on this thread (SerialEStep), or split
 * across worker threads (EStepPool in estepPool.ts). Both leave the summed
 * statistics in `stats` and, when asked, each row's log-likelihood and
 * responsibilities in `outputs`.
 */
import { createKernel, type FamilyKind, type Kernel } from './kernels';
import type { RowOutputs, RowSlice } from './rows';

export interface EStepRunner {
  readonly statsLength: number;
  readonly packedLength: number;
  run(packed: Float64Array, beta: number, stats: Float64Array, outputs: RowOutputs): Promise<void>;
  close(): Promise<void>;
}

/** Where the rows of a fit are: the data and its incomplete rows (see rows.ts). */
export interface RowSet {
  data: Float64Array;
  rows: number;
  incompleteFlags: Uint8Array | null;
  incompleteRows: Int32Array;
}

export class SerialEStep implements EStepRunner {
  private readonly kernel: Kernel;
  private readonly slice: RowSlice;

  constructor(kind: FamilyKind, K: number, d: number, rowSet: RowSet) {
    this.kernel = createKernel(kind, K, d);
    this.slice = {
      data: rowSet.data,
      rowStart: 0,
      rowEnd: rowSet.rows,
      incompleteFlags: rowSet.incompleteFlags,
      incompleteRows: rowSet.incompleteRows,
      incompleteStart: 0,
      incompleteEnd: rowSet.incompleteRows.length,
    };
  }

  get statsLength(): number {
    return this.kernel.statsLength;
  }

  get packedLength(): number {
    return this.kernel.packedLength;
  }

  run(packed: Float64Array, beta: number, stats: Float64Array, outputs: RowOutputs): Promise<void> {
    stats.fill(0);
    this.kernel.accumulate(this.slice, packed, beta, stats, outputs);
    return Promise.resolve();
  }

  close(): Promise<void> {
    return Promise.resolve();
  }
}
