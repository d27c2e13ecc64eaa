/** What an M-step met that the driver turns into diagnostics. */
export interface MStepEvent {
  kind: 'empty' | 'singular';
  component: number;
  /** For 'singular': the ridge added to the covariance diagonal to make it positive definite. */
  ridge?: number;
}

/**
 * A component whose total responsibility is below this fraction of all rows'
 * is empty: its mean and covariance (or probabilities) are left as they were,
 * since a ratio of sums that small is noise. 1e-13 of 10⁵ rows is 10⁻⁸ of one row.
 */
export const EMPTY_FRACTION = 1e-13;

/**
 * Mixture weights: Σ-normalised counts (ML) or the Dirichlet posterior mode
 * (n_k + α_k − 1)/(n + Σα − K) (MAP, α ≥ 1 checked upstream).
 */
export function updateWeights(counts: Float64Array, K: number, concentration: Float64Array | undefined, weights: Float64Array): void {
  let total = 0;
  for (let k = 0; k < K; k++) {
    const w = concentration ? Math.max(counts[k]! + concentration[k]! - 1, 0) : counts[k]!;
    weights[k] = w;
    total += w;
  }
  for (let k = 0; k < K; k++) weights[k] = weights[k]! / total;
}

/** Whether component k's count is too small to estimate anything from (see EMPTY_FRACTION). */
export function isEmpty(counts: Float64Array, K: number, k: number): boolean {
  let total = 0;
  for (let j = 0; j < K; j++) total += counts[j]!;
  return !(counts[k]! > EMPTY_FRACTION * total);
}
