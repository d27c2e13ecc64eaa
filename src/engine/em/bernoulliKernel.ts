/**
 * The E-step of a mixture of products of Bernoullis (binary rows) fused with
 * its sufficient statistics (Σ r, Σ r·x per component). For a complete row,
 * log p_k(x) = Σ_j log(1 − p_kj) + Σ_j x_j·logit(p_kj): a dot product. A
 * missing entry drops out of the density and contributes E[x_j | k] = p_kj to
 * the statistics.
 */
import { RowObjective, responsibilitiesInPlace } from './responsibilities';
import type { RowOutputs, RowSlice } from './rows';
import { STAT_COUNTS, STAT_LOG_LIKELIHOOD, STAT_TEMPERED } from './statsLayout';

/**
 * Probabilities are kept in [ε, 1 − ε] so that every log stays finite; the
 * log-likelihood moves by at most n·d·ε ≈ 10⁻⁵ for 10⁵ rows of 100 columns.
 */
export const PROBABILITY_FLOOR = 1e-12;

export function bernoulliStatsLength(K: number, d: number): number {
  return 2 + K + K * d;
}

/** Packed: [log w_k + Σ_j log(1 − p_kj) (K), log w_k (K), logit p (K×d), log p (K×d), log(1 − p) (K×d), p (K×d)]. */
export function bernoulliPackedLength(K: number, d: number): number {
  return 2 * K + 4 * K * d;
}

export function packBernoulli(weights: Float64Array, probabilities: Float64Array, K: number, d: number, packed: Float64Array): void {
  const logitAt = 2 * K;
  const logAt = logitAt + K * d;
  const log1mAt = logAt + K * d;
  const pAt = log1mAt + K * d;
  for (let k = 0; k < K; k++) {
    const logWeight = Math.log(weights[k]!);
    let constant = logWeight;
    for (let j = 0; j < d; j++) {
      const p = Math.min(Math.max(probabilities[k * d + j]!, PROBABILITY_FLOOR), 1 - PROBABILITY_FLOOR);
      const logP = Math.log(p);
      const log1mP = Math.log1p(-p);
      packed[logitAt + k * d + j] = logP - log1mP;
      packed[logAt + k * d + j] = logP;
      packed[log1mAt + k * d + j] = log1mP;
      packed[pAt + k * d + j] = p;
      constant += log1mP;
    }
    packed[k] = constant;
    packed[K + k] = logWeight;
  }
}

export class BernoulliWorkspace {
  readonly logJoint: Float64Array;
  readonly row = new RowObjective();

  constructor(
    readonly K: number,
    readonly d: number,
  ) {
    this.logJoint = new Float64Array(K);
  }
}

export function accumulateBernoulli(ws: BernoulliWorkspace, slice: RowSlice, packed: Float64Array, beta: number, stats: Float64Array, outputs: RowOutputs): void {
  const { K, d, logJoint } = ws;
  const { data, incompleteFlags } = slice;
  const logitAt = 2 * K;
  const logAt = logitAt + K * d;
  const log1mAt = logAt + K * d;
  const pAt = log1mAt + K * d;
  const firstAt = STAT_COUNTS + K;
  const objective = ws.row;
  const r = logJoint;
  let logLikelihood = 0;
  let tempered = 0;
  /** Responsibilities from logJoint, then the row's statistics; a missing x_j counts as its expectation p_kj. */
  const finishRow = (row: number): void => {
    responsibilitiesInPlace(logJoint, 0, K, beta, objective);
    logLikelihood += objective.logLikelihood;
    tempered += objective.tempered;
    if (outputs.rowLogLikelihood !== null) outputs.rowLogLikelihood[row] = objective.logLikelihood;
    if (outputs.responsibilities !== null) for (let k = 0; k < K; k++) outputs.responsibilities[row * K + k] = r[k]!;
    const x = row * d;
    for (let k = 0; k < K; k++) {
      const rk = r[k]!;
      if (rk === 0) continue;
      stats[STAT_COUNTS + k] += rk;
      const f = firstAt + k * d;
      for (let j = 0; j < d; j++) {
        const v = data[x + j]!;
        stats[f + j] += rk * (v === v ? v : packed[pAt + k * d + j]!);
      }
    }
  };
  for (let row = slice.rowStart; row < slice.rowEnd; row++) {
    if (incompleteFlags !== null && incompleteFlags[row] === 1) continue;
    const x = row * d;
    for (let k = 0; k < K; k++) {
      let s = packed[k]!;
      const a = logitAt + k * d;
      for (let j = 0; j < d; j++) s += data[x + j]! * packed[a + j]!;
      logJoint[k] = s;
    }
    finishRow(row);
  }
  for (let t = slice.incompleteStart; t < slice.incompleteEnd; t++) {
    const row = slice.incompleteRows[t]!;
    const x = row * d;
    for (let k = 0; k < K; k++) {
      let s = packed[K + k]!;
      for (let j = 0; j < d; j++) {
        const v = data[x + j]!;
        if (v === 1) s += packed[logAt + k * d + j]!;
        else if (v === 0) s += packed[log1mAt + k * d + j]!;
      }
      logJoint[k] = s;
    }
    finishRow(row);
  }
  stats[STAT_LOG_LIKELIHOOD] += logLikelihood;
  stats[STAT_TEMPERED] += tempered;
}
