/**
 * Responsibilities from per-component log joint densities ℓ_k = log(w_k·p_k(x)),
 * in log space (log-sum-exp), tempered by β for deterministic annealing:
 * r_k ∝ exp(β·ℓ_k). Shared by every component family's kernel.
 */

/** A row's contributions to the objectives, set by `responsibilitiesInPlace`. */
export class RowObjective {
  /** log Σ_k exp(ℓ_k): the row's log-likelihood. */
  logLikelihood = 0;
  /** (1/β)·log Σ_k exp(β·ℓ_k): the row's term of the annealed objective (= logLikelihood at β = 1). */
  tempered = 0;
}

/**
 * Below this, exp(ℓ_k − max ℓ) < 4.3e-18 is under half an ulp of the sum
 * (which is ≥ 1): leaving the term out changes neither the sum nor the row's
 * log-likelihood, and its responsibility becomes exactly 0, which lets the
 * statistics kernels skip the component for that row.
 */
export const NEGLIGIBLE_LOG_RATIO = -40;

/**
 * Replaces values[offset … offset + K) (log joint densities) by the
 * responsibilities, and sets the row's objectives in `out`.
 */
export function responsibilitiesInPlace(values: Float64Array, offset: number, K: number, beta: number, out: RowObjective): void {
  let max = Number.NEGATIVE_INFINITY;
  for (let k = offset; k < offset + K; k++) if (values[k]! > max) max = values[k]!;
  let sum = 0;
  if (beta === 1) {
    for (let k = offset; k < offset + K; k++) {
      const shifted = values[k]! - max;
      const e = shifted < NEGLIGIBLE_LOG_RATIO ? 0 : Math.exp(shifted);
      values[k] = e;
      sum += e;
    }
    const inverse = 1 / sum;
    for (let k = offset; k < offset + K; k++) values[k] = values[k]! * inverse;
    out.logLikelihood = out.tempered = max + Math.log(sum);
    return;
  }
  let temperedSum = 0;
  for (let k = offset; k < offset + K; k++) {
    const shifted = values[k]! - max;
    if (shifted >= NEGLIGIBLE_LOG_RATIO) sum += Math.exp(shifted);
    const e = beta * shifted < NEGLIGIBLE_LOG_RATIO ? 0 : Math.exp(beta * shifted);
    values[k] = e;
    temperedSum += e;
  }
  const inverse = 1 / temperedSum;
  for (let k = offset; k < offset + K; k++) values[k] = values[k]! * inverse;
  out.logLikelihood = max + Math.log(sum);
  out.tempered = max + Math.log(temperedSum) / beta;
}
