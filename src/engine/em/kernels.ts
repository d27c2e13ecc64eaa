/**
 * The E-step kernels by component family, in the form both this thread and
 * the E-step workers call them: a workspace made once, then passes over row
 * slices adding to a statistics buffer.
 */
import { accumulateBernoulli, bernoulliPackedLength, bernoulliStatsLength, BernoulliWorkspace } from './bernoulliKernel';
import { accumulateGaussian, gaussianPackedLength, gaussianStatsLength, GaussianWorkspace } from './gaussianKernel';
import type { RowOutputs, RowSlice } from './rows';

export type FamilyKind = 'gaussian' | 'bernoulli';

export interface Kernel {
  statsLength: number;
  packedLength: number;
  /** Adds the statistics of `slice`'s rows under the packed parameters to `stats`. */
  accumulate(slice: RowSlice, packed: Float64Array, beta: number, stats: Float64Array, outputs: RowOutputs): void;
}

export function createKernel(kind: FamilyKind, K: number, d: number): Kernel {
  if (kind === 'gaussian') {
    const ws = new GaussianWorkspace(K, d);
    return {
      statsLength: gaussianStatsLength(K, d),
      packedLength: gaussianPackedLength(K, d),
      accumulate: (slice, packed, beta, stats, outputs) => accumulateGaussian(ws, slice, packed, beta, stats, outputs),
    };
  }
  const ws = new BernoulliWorkspace(K, d);
  return {
    statsLength: bernoulliStatsLength(K, d),
    packedLength: bernoulliPackedLength(K, d),
    accumulate: (slice, packed, beta, stats, outputs) => accumulateBernoulli(ws, slice, packed, beta, stats, outputs),
  };
}
