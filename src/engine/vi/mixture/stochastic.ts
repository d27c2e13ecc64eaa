/**
 * Stochastic variational inference for the Gaussian mixture (Hoffman, Blei,
 * Wang & Paisley 2013): minibatches of rows from a row-block source (memory,
 * or a CSV file streamed block by block, as online EM reads it); for each,
 * the E-step kernel gives the batch's responsibilities under the current
 * global factors and their statistics, scaled by N / rows to the whole data
 * plate, and each global factor's natural parameters move by the natural
 * gradient: λ ← (1 − ρ_t)·λ + ρ_t·λ̂, ρ_t = (t + t0)^−κ, 0.5 < κ ≤ 1 (the
 * first step, from the point-mass start, is a full step).
 *
 * The bound is estimated on the full data at intervals: one E-step pass with
 * the factors held gives Σ_i log Σ_k ρ_ik, the bound maximised over q(z) for
 * the current global factors — an exact ELBO, reported per row.
 */
import { createKernel } from '../../em/kernels';
import type { RowBlockSource } from '../../em/online';
import { findIncompleteRows, NO_OUTPUTS, type RowSlice } from '../../em/rows';
import { STAT_LOG_LIKELIHOOD } from '../../em/statsLayout';
import type { Random } from '../../random/rng';
import type { MixtureFactors } from './mixtureFactors';

export interface StochasticSettings {
  /** Rows per minibatch. */
  batchRows: number;
  kappa: number;
  t0: number;
  /** Passes over the source. */
  epochs: number;
  /** Minibatch steps at most (all passes together). */
  maxSteps: number;
  /** Full-data bound every this many steps (and after the last). */
  evaluateEvery: number;
}

export interface StochasticPoint {
  step: number;
  epoch: number;
  rho: number;
  /** The full-data ELBO (q(z) optimal for the factors at this step) divided by the rows. */
  elboPerRow: number;
}

export interface StochasticOutcome {
  steps: number;
  epochs: number;
  rows: number;
  curve: StochasticPoint[];
  elbo: number;
  status: 'max-iterations' | 'cancelled';
}

/** Reads a source's rows in minibatches; `rows` is N (counted by a pass first when not given). */
export async function stochasticAscent(
  source: RowBlockSource,
  evaluation: RowBlockSource,
  rows: number | undefined,
  factors: MixtureFactors,
  settings: StochasticSettings,
  onPoint: (point: StochasticPoint) => void,
  cancelled: () => boolean,
): Promise<StochasticOutcome> {
  const { K, d } = factors;
  const kernel = createKernel('gaussian', K, d);
  const packed = new Float64Array(kernel.packedLength);
  const stats = new Float64Array(kernel.statsLength);
  const scatter = new Float64Array(K * d * d);
  const batch = new Float64Array(settings.batchRows * d);
  const total = rows ?? (await countRows(source));
  const curve: StochasticPoint[] = [];
  let step = 0;
  let status: StochasticOutcome['status'] = 'max-iterations';
  const evaluate = async (epoch: number, rho: number): Promise<void> => {
    const point = { step, epoch, rho, elboPerRow: (await fullBound(evaluation, factors, kernel, packed, stats, batch, settings.batchRows)) / total };
    curve.push(point);
    onPoint(point);
  };
  const takeStep = (filled: number, epoch: number): Promise<void> | undefined => {
    factors.pack(packed);
    stats.fill(0);
    kernel.accumulate(sliceOf(batch, filled, d), packed, 1, stats, NO_OUTPUTS);
    step++;
    const rho = Math.pow(step + settings.t0, -settings.kappa);
    factors.update(stats, total / filled, rho, scatter);
    return step % settings.evaluateEvery === 0 ? evaluate(epoch, rho) : undefined;
  };
  let epoch = 0;
  outer: for (epoch = 1; epoch <= settings.epochs; epoch++) {
    let filled = 0;
    for await (const block of source.blocks()) {
      for (let at = 0; at < block.rows; ) {
        const take = Math.min(block.rows - at, settings.batchRows - filled);
        batch.set(block.values.subarray(at * d, (at + take) * d), filled * d);
        filled += take;
        at += take;
        if (filled === settings.batchRows) {
          await takeStep(filled, epoch);
          filled = 0;
          if (cancelled()) status = 'cancelled';
          if (status === 'cancelled' || step >= settings.maxSteps) break outer;
        }
      }
    }
    // A last, shorter minibatch of the pass: its statistics scale up by N / its rows like any other.
    if (filled > 0) {
      await takeStep(filled, epoch);
      if (step >= settings.maxSteps) break;
    }
  }
  if (curve.at(-1)?.step !== step) await evaluate(Math.min(epoch, settings.epochs), Math.pow(step + settings.t0, -settings.kappa));
  return { steps: step, epochs: Math.min(epoch, settings.epochs), rows: total, curve, elbo: curve.at(-1)!.elboPerRow * total, status };
}

/**
 * An in-memory data plate as a row-block source whose every pass visits the
 * rows in a fresh seeded random order: the uniform minibatches SVI's noisy
 * gradient assumes (a stream from a file is taken in its own order instead).
 */
export function shuffledRowBlocks(data: Float64Array, rows: number, d: number, random: Random, blockRows = 8192): RowBlockSource {
  const order = Int32Array.from({ length: rows }, (_, i) => i);
  const block = new Float64Array(blockRows * d);
  return {
    columns: d,
    *blocks() {
      for (let i = rows - 1; i > 0; i--) {
        const j = Math.floor(random.uniform() * (i + 1));
        [order[i], order[j]] = [order[j]!, order[i]!];
      }
      for (let start = 0; start < rows; start += blockRows) {
        const end = Math.min(start + blockRows, rows);
        for (let r = start; r < end; r++) block.set(data.subarray(order[r]! * d, (order[r]! + 1) * d), (r - start) * d);
        yield { values: block, rows: end - start };
      }
    },
  };
}

function sliceOf(data: Float64Array, rows: number, d: number): RowSlice {
  const { flags, sorted } = findIncompleteRows(data, rows, d);
  return { data, rowStart: 0, rowEnd: rows, incompleteFlags: flags, incompleteRows: sorted, incompleteStart: 0, incompleteEnd: sorted.length };
}

async function countRows(source: RowBlockSource): Promise<number> {
  let rows = 0;
  for await (const block of source.blocks()) rows += block.rows;
  return rows;
}

/** max over q(z) of the ELBO at the current global factors: Σ_i log Σ_k ρ_ik plus the global factors' terms. */
async function fullBound(
  source: RowBlockSource,
  factors: MixtureFactors,
  kernel: ReturnType<typeof createKernel>,
  packed: Float64Array,
  stats: Float64Array,
  buffer: Float64Array,
  bufferRows: number,
): Promise<number> {
  const d = factors.d;
  factors.pack(packed);
  stats.fill(0);
  for await (const block of source.blocks()) {
    for (let at = 0; at < block.rows; at += bufferRows) {
      const take = Math.min(bufferRows, block.rows - at);
      buffer.set(block.values.subarray(at * d, (at + take) * d));
      kernel.accumulate(sliceOf(buffer, take, d), packed, 1, stats, NO_OUTPUTS);
    }
  }
  const global = factors.globalTerms();
  return stats[STAT_LOG_LIKELIHOOD]! + global.weights + global.means + global.precisions;
}
