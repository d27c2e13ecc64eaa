/**
 * The E-step of a full-covariance Gaussian mixture fused with its sufficient
 * statistics: one pass over the rows computes each row's log-likelihood and
 * responsibilities and adds r·1, r·(x − μ_k), r·(x − μ_k)(x − μ_k)ᵀ to the
 * statistics of each component k, centred at the current means so that the
 * M-step's subtraction does not cancel. Runs unchanged in a worker thread on
 * a slice of the rows.
 *
 * Densities use the precision Cholesky factor P_k = L_k⁻¹ (Σ_k = L_k·L_kᵀ):
 * log N(x; μ, Σ) = −(d/2)·log 2π + Σ_i log P_ii − |P·(x − μ)|²/2,
 * a triangular product with no division.
 *
 * Rows with missing values use the marginal of the observed columns and the
 * conditional mean and covariance of the missing ones (EM for incomplete
 * data: E[x_M | x_O] = μ_M + Σ_MO·Σ_OO⁻¹·(x_O − μ_O), Cov = Σ_MM − Σ_MO·Σ_OO⁻¹·Σ_OM).
 */
import { choleskyInPlace, invertLowerTriangular } from '../math/linalg';
import { gaussianTileKernels, type GaussianTileKernels } from './gaussianTiles';
import { RowObjective, responsibilitiesInPlace } from './responsibilities';
import { samePattern, type RowOutputs, type RowSlice } from './rows';
import { STAT_COUNTS, STAT_LOG_LIKELIHOOD, STAT_TEMPERED } from './statsLayout';

export const LOG_2PI = Math.log(2 * Math.PI);

/** Statistics: the common head (statsLayout.ts), then first moments (K×d), second moments (K×d×d, lower triangle). */
export function gaussianStatsLength(K: number, d: number): number {
  return 2 + K + K * d + K * d * d;
}

/** Packed parameters: [log w_k + log normaliser (K), log w_k (K), means (K×d), precision factors (K×d×d), covariances (K×d×d)]. */
export function gaussianPackedLength(K: number, d: number): number {
  return 2 * K + K * d + 2 * K * d * d;
}

/**
 * Writes the kernel's form of the parameters into `packed`. Returns the first
 * component whose covariance is not positive definite, or −1 when all are.
 */
export function packGaussian(weights: Float64Array, means: Float64Array, covariances: Float64Array, K: number, d: number, packed: Float64Array): number {
  const dd = d * d;
  const precisionAt = 2 * K + K * d;
  const covarianceAt = precisionAt + K * dd;
  packed.set(means.subarray(0, K * d), 2 * K);
  packed.set(covariances.subarray(0, K * dd), covarianceAt);
  for (let k = 0; k < K; k++) {
    const factor = packed.subarray(precisionAt + k * dd, precisionAt + (k + 1) * dd);
    factor.set(covariances.subarray(k * dd, (k + 1) * dd));
    if (!choleskyInPlace(factor, d)) return k;
    invertLowerTriangular(factor, factor, d);
    let halfLogDetPrecision = 0;
    for (let i = 0; i < d; i++) halfLogDetPrecision += Math.log(factor[i * d + i]!);
    const logWeight = Math.log(weights[k]!);
    packed[K + k] = logWeight;
    packed[k] = logWeight - 0.5 * d * LOG_2PI + halfLogDetPrecision;
  }
  return -1;
}

/** Rows per tile of the complete-row loop: the tile's K log densities per row stay in the L1/L2 cache. */
export const TILE_ROWS = 256;

/** Per-thread scratch, allocated once. */
export class GaussianWorkspace {
  readonly tile: Float64Array;
  readonly tiles: GaussianTileKernels;
  readonly diff: Float64Array;
  readonly logJoint: Float64Array;
  readonly row = new RowObjective();
  // Per missingness pattern: for each k, the observed block's Cholesky factor (o×o),
  // Z = L_O⁻¹·Σ_OM (o×m) and the conditional covariance of the missing block (m×m).
  readonly observedFactor: Float64Array;
  readonly regression: Float64Array;
  readonly conditionalCovariance: Float64Array;
  readonly observedLogConstant: Float64Array;
  readonly observed: Int32Array;
  readonly missing: Int32Array;
  readonly solved: Float64Array;

  constructor(
    readonly K: number,
    readonly d: number,
    unroll = true,
  ) {
    const dd = d * d;
    this.tile = new Float64Array(TILE_ROWS * K);
    this.tiles = gaussianTileKernels(d, unroll);
    this.diff = new Float64Array(K * d);
    this.logJoint = new Float64Array(K);
    this.observedFactor = new Float64Array(K * dd);
    this.regression = new Float64Array(K * dd);
    this.conditionalCovariance = new Float64Array(K * dd);
    this.observedLogConstant = new Float64Array(K);
    this.observed = new Int32Array(d);
    this.missing = new Int32Array(d);
    this.solved = new Float64Array(d);
  }
}

/** Adds the sufficient statistics of the rows of `slice` to `stats` (tempered by β), and fills `outputs` when given. */
export function accumulateGaussian(ws: GaussianWorkspace, slice: RowSlice, packed: Float64Array, beta: number, stats: Float64Array, outputs: RowOutputs): void {
  accumulateCompleteRows(ws, slice, packed, beta, stats, outputs);
  if (slice.incompleteEnd > slice.incompleteStart) accumulateIncompleteRows(ws, slice, packed, beta, stats, outputs);
}

function accumulateCompleteRows(ws: GaussianWorkspace, slice: RowSlice, packed: Float64Array, beta: number, stats: Float64Array, outputs: RowOutputs): void {
  const { K, tile, tiles, row: objective } = ws;
  const { data, incompleteFlags } = slice;
  const { rowLogLikelihood, responsibilities } = outputs;
  let logLikelihood = 0;
  let tempered = 0;
  for (let start = slice.rowStart; start < slice.rowEnd; start += TILE_ROWS) {
    const end = Math.min(start + TILE_ROWS, slice.rowEnd);
    tiles.logJoint(data, start, end, packed, K, tile);
    for (let row = start; row < end; row++) {
      const at = (row - start) * K;
      if (incompleteFlags !== null && incompleteFlags[row] === 1) {
        // Done by the incomplete-row path; a zero responsibility keeps it out of this tile's sums.
        tile.fill(0, at, at + K);
        continue;
      }
      responsibilitiesInPlace(tile, at, K, beta, objective);
      logLikelihood += objective.logLikelihood;
      tempered += objective.tempered;
      if (rowLogLikelihood !== null) rowLogLikelihood[row] = objective.logLikelihood;
      if (responsibilities !== null) for (let k = 0; k < K; k++) responsibilities[row * K + k] = tile[at + k]!;
    }
    tiles.accumulate(data, start, end, packed, K, tile, stats);
  }
  stats[STAT_LOG_LIKELIHOOD] += logLikelihood;
  stats[STAT_TEMPERED] += tempered;
}

/**
 * Per-pattern factors for the observed set O and missing set M of `row`:
 * L_O (Cholesky of Σ_OO), Z = L_O⁻¹·Σ_OM and C = Σ_MM − ZᵀZ, for each k.
 * Returns the number of observed columns.
 */
function preparePattern(ws: GaussianWorkspace, data: Float64Array, row: number, packed: Float64Array): number {
  const { K, d, observed, missing, observedFactor, regression, conditionalCovariance, observedLogConstant } = ws;
  const dd = d * d;
  let o = 0;
  let m = 0;
  for (let j = 0; j < d; j++) {
    if (Number.isNaN(data[row * d + j]!)) missing[m++] = j;
    else observed[o++] = j;
  }
  const covarianceAt = 2 * K + K * d + K * dd;
  for (let k = 0; k < K; k++) {
    const cov = covarianceAt + k * dd;
    const factor = observedFactor.subarray(k * dd, k * dd + o * o);
    for (let a = 0; a < o; a++) for (let b = 0; b < o; b++) factor[a * o + b] = packed[cov + observed[a]! * d + observed[b]!]!;
    let ridge = 0;
    while (!choleskyInPlace(factor, o)) {
      // Σ_k is positive definite, so its block is too; only rounding can get here.
      ridge = ridge === 0 ? 1e-12 : ridge * 10;
      for (let a = 0; a < o; a++) {
        for (let b = 0; b < o; b++) factor[a * o + b] = packed[cov + observed[a]! * d + observed[b]!]! + (a === b ? ridge : 0);
      }
    }
    let halfLogDet = 0;
    for (let a = 0; a < o; a++) halfLogDet += Math.log(factor[a * o + a]!);
    observedLogConstant[k] = packed[K + k]! - 0.5 * o * LOG_2PI - halfLogDet;
    // Z column by column: solve L_O·z = Σ_O,b for each missing b.
    const z = k * dd;
    for (let b = 0; b < m; b++) {
      for (let a = 0; a < o; a++) {
        let s = packed[cov + observed[a]! * d + missing[b]!]!;
        for (let c = 0; c < a; c++) s -= factor[a * o + c]! * regression[z + c * m + b]!;
        regression[z + a * m + b] = s / factor[a * o + a]!;
      }
    }
    for (let a = 0; a < m; a++) {
      for (let b = 0; b < m; b++) {
        let s = packed[cov + missing[a]! * d + missing[b]!]!;
        for (let c = 0; c < o; c++) s -= regression[z + c * m + a]! * regression[z + c * m + b]!;
        conditionalCovariance[z + a * m + b] = s;
      }
    }
  }
  return o;
}

function accumulateIncompleteRows(ws: GaussianWorkspace, slice: RowSlice, packed: Float64Array, beta: number, stats: Float64Array, outputs: RowOutputs): void {
  const { K, d, diff, logJoint, observed, missing, observedFactor, regression, conditionalCovariance, observedLogConstant, solved } = ws;
  const dd = d * d;
  const { data, incompleteRows } = slice;
  const meansAt = 2 * K;
  const firstAt = STAT_COUNTS + K;
  const secondAt = firstAt + K * d;
  const objective = ws.row;
  const r = logJoint;
  let o = 0;
  let previous = -1;
  for (let t = slice.incompleteStart; t < slice.incompleteEnd; t++) {
    const row = incompleteRows[t]!;
    if (previous < 0 || !samePattern(data, previous, row, d)) o = preparePattern(ws, data, row, packed);
    previous = row;
    const m = d - o;
    for (let k = 0; k < K; k++) {
      const mean = meansAt + k * d;
      const factor = k * dd;
      // u = L_O⁻¹·(x_O − μ_O), kept in `solved`.
      let q = 0;
      for (let a = 0; a < o; a++) {
        let s = data[row * d + observed[a]!]! - packed[mean + observed[a]!]!;
        for (let c = 0; c < a; c++) s -= observedFactor[factor + a * o + c]! * solved[c]!;
        s /= observedFactor[factor + a * o + a]!;
        solved[a] = s;
        q += s * s;
      }
      logJoint[k] = observedLogConstant[k]! - 0.5 * q;
      // Expected row minus μ_k: observed part as is, missing part Zᵀ·u.
      const c0 = k * d;
      for (let a = 0; a < o; a++) diff[c0 + observed[a]!] = data[row * d + observed[a]!]! - packed[mean + observed[a]!]!;
      for (let b = 0; b < m; b++) {
        let s = 0;
        for (let a = 0; a < o; a++) s += regression[factor + a * m + b]! * solved[a]!;
        diff[c0 + missing[b]!] = s;
      }
    }
    responsibilitiesInPlace(logJoint, 0, K, beta, objective);
    stats[STAT_LOG_LIKELIHOOD] += objective.logLikelihood;
    stats[STAT_TEMPERED] += objective.tempered;
    if (outputs.rowLogLikelihood !== null) outputs.rowLogLikelihood[row] = objective.logLikelihood;
    if (outputs.responsibilities !== null) for (let k = 0; k < K; k++) outputs.responsibilities[row * K + k] = r[k]!;
    for (let k = 0; k < K; k++) {
      const rk = r[k]!;
      if (rk === 0) continue;
      stats[STAT_COUNTS + k] += rk;
      const c0 = k * d;
      const s2 = secondAt + k * dd;
      for (let i = 0; i < d; i++) {
        const rdi = rk * diff[c0 + i]!;
        stats[firstAt + c0 + i] += rdi;
        for (let j = 0; j <= i; j++) stats[s2 + i * d + j] += rdi * diff[c0 + j]!;
      }
      // E[(x − μ)(x − μ)ᵀ] adds the conditional covariance on the missing block.
      const cc = k * dd;
      for (let a = 0; a < m; a++) {
        for (let b = 0; b < m; b++) {
          const i = missing[a]!;
          const j = missing[b]!;
          if (j <= i) stats[s2 + i * d + j] += rk * conditionalCovariance[cc + a * m + b]!;
        }
      }
    }
  }
}
