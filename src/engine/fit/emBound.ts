/**
 * EM's lower bound made visible (Bishop, PRML §9.4; Neal & Hinton 1998): for
 * any distribution q over the latent nodes,
 *
 *   log p(X | θ) = L(q, θ) + KL(q ‖ p(Z | X, θ)),
 *   L(q, θ) = E_q[log p(X, Z | θ)] − E_q[log q].
 *
 * The E-step sets q to the posterior at θ (KL = 0: the bound touches log p);
 * the M-step raises L with q held, and log p rises at least as much. With
 * `em(bound = TRUE)` each latent unit keeps its posterior as q after the
 * E-step ("freezes" it) and reports its share of the three terms after the
 * E-step and after the M-step. The three are computed separately — log p
 * from the unit's normaliser, L from the model's densities averaged under q,
 * KL from the two posteriors' parameters in closed form — so the identity is
 * a check of the E-step, not true by construction (except for finite units,
 * where all three read the same table of log densities).
 */

import type { EmBoundRecord as BoundRecord } from '../output/fitOutput';

const LOG_2PI = Math.log(2 * Math.PI);

/** One unit's (or the whole model's) share of the identity at the current parameters, q frozen. */
export interface BoundShare {
  /** The unit's log normaliser: its share of log p(X | θ). */
  logEvidence: number;
  /** Its share of L(q, θ): E_q[log p(unit, children | θ)] + H[q]. */
  lower: number;
  /** KL(q ‖ p(unit | children, θ)). */
  divergence: number;
}

export function emptyBoundRecord(kind: BoundRecord['kind']): BoundRecord {
  return { kind, iteration: [], step: [], objective: [], lower: [], divergence: [] };
}

export function pushBound(record: BoundRecord, iteration: number, step: 'E' | 'M', share: BoundShare, logPrior: number): void {
  record.iteration.push(iteration);
  record.step.push(step);
  record.objective.push(share.logEvidence + logPrior);
  record.lower.push(share.lower + logPrior);
  record.divergence.push(share.divergence);
}

/** Keeps the first `length` points (a perturbation that did not help is undone). */
export function truncateBound(record: BoundRecord, length: number): void {
  for (const key of ['iteration', 'step', 'objective', 'lower', 'divergence'] as const) record[key].length = length;
}

/**
 * A truncated normal posterior: N(m, 1/precision) restricted to (lower, upper),
 * with its log mass there and its mean and sd (the truncated moments).
 */
export interface TruncatedNormal {
  m: number;
  precision: number;
  logMass: number;
  mean: number;
  sd: number;
  lower: number;
  upper: number;
}

/** E_q[log r(x)] for truncated normals q and r on the same interval: log r is quadratic there, so q's mean and variance suffice. */
export function crossTruncatedNormal(q: TruncatedNormal, r: TruncatedNormal): number {
  const offset = q.mean - r.m;
  return 0.5 * Math.log(r.precision) - 0.5 * LOG_2PI - r.logMass - 0.5 * r.precision * (q.sd * q.sd + offset * offset);
}

/**
 * E_q[f] for a function f that is quadratic on q's interval (the log density
 * of a normal node and its children): through three points at q's mean and
 * h either side, h at most q's sd and half the distance to a bound (so the
 * points stay inside, where a censoring child's density is finite).
 */
export function expectQuadratic(q: TruncatedNormal, f: (x: number) => number): number {
  const h = Math.min(q.sd, 0.5 * (q.mean - q.lower), 0.5 * (q.upper - q.mean));
  const centre = f(q.mean);
  if (!(h > 0)) return centre;
  const curvature = (f(q.mean + h) + f(q.mean - h) - 2 * centre) / (2 * h * h);
  return centre + curvature * q.sd * q.sd;
}

/**
 * KL(N(m0, Λ0⁻¹) ‖ N(m1, Λ1⁻¹)) = ½[tr(Λ1Λ0⁻¹) + (m1 − m0)ᵀΛ1(m1 − m0) − d + log|Λ0| − log|Λ1|],
 * from the Cholesky factors L0, L1 (lower, row-major): tr(Λ1Λ0⁻¹) = Σ_k ‖L1ᵀc_k‖² over the columns
 * c_k = L0⁻ᵀe_k of a square root of Λ0⁻¹, given here as `columns` (d × d, column k at k·d).
 */
export function gaussianDivergence(d: number, m0: Float64Array, factor0: Float64Array, m1: Float64Array, factor1: Float64Array, columns: Float64Array): number {
  let trace = 0;
  for (let k = 0; k < d; k++) trace += upperProductSquared(factor1, d, (i) => columns[k * d + i]!);
  const quadratic = upperProductSquared(factor1, d, (i) => m1[i]! - m0[i]!);
  let logDetRatio = 0;
  for (let i = 0; i < d; i++) logDetRatio += 2 * (Math.log(factor0[i * d + i]!) - Math.log(factor1[i * d + i]!));
  return 0.5 * (trace + quadratic - d + logDetRatio);
}

/** ‖Lᵀv‖² with (Lᵀv)_i = Σ_{j ≥ i} L_ji v_j. */
function upperProductSquared(factor: Float64Array, d: number, v: (i: number) => number): number {
  let total = 0;
  for (let i = 0; i < d; i++) {
    let s = 0;
    for (let j = i; j < d; j++) s += factor[j * d + i]! * v(j);
    total += s * s;
  }
  return total;
}

/** The entropy of a d-dimensional normal with precision factor L: ½d(1 + log 2π) − Σ log L_kk. */
export function gaussianEntropy(d: number, factor: Float64Array): number {
  let h = 0.5 * d * (1 + LOG_2PI);
  for (let k = 0; k < d; k++) h -= Math.log(factor[k * d + k]!);
  return h;
}

/** Appends another run's points (a continuation after a perturbation), its iterations shifted to where its curve starts. */
export function appendBound(record: BoundRecord, more: BoundRecord, offset: number): void {
  more.iteration.forEach((t, k) => {
    record.iteration.push(t + offset);
    record.step.push(more.step[k]!);
    record.objective.push(more.objective[k]!);
    record.lower.push(more.lower[k]!);
    record.divergence.push(more.divergence[k]!);
  });
}
