/**
 * When an ascent algorithm (EM, VI) has converged, judged by how far the
 * objective still is from its limit rather than by one iteration's gain.
 * EM converges linearly: the gains shrink by a rate a per iteration, so the
 * distance left is gain·a/(1 − a) (Aitken's Δ² extrapolation; McLachlan &
 * Krishnan, The EM Algorithm and Extensions, §4.9). With a near 1 — slow EM
 * — a tiny gain can leave a large distance, which is how a per-iteration
 * rule stops early. The rate is the largest of the last few ratios, so a
 * lucky ratio does not stop the run. A gain at the objective's rounding
 * level (or a fall there) means the limit is reached.
 *
 * Why the distance is in the objective's own units: near the optimum the
 * objective falls by ½δ² where δ is the distance of the estimates in
 * standard errors (the objective's curvature is the observed information),
 * so a distance d leaves every estimate within √(2d) standard errors —
 * 1e-5 gives 0.45 % of a standard error, whatever the sample size.
 */
export class ConvergenceMonitor {
  private readonly values: number[] = [];

  constructor(private readonly tolerance: number) {}

  /** Records the objective after an iteration. */
  push(value: number): void {
    this.values.push(value);
  }

  /** The estimated distance to the limit; +∞ while it cannot be estimated (too few iterations, or gains not shrinking). */
  distance(): number {
    const v = this.values;
    const n = v.length;
    if (n < 2) return Number.POSITIVE_INFINITY;
    const gain = v[n - 1]! - v[n - 2]!;
    const rounding = 1e-13 * Math.max(1, Math.abs(v[n - 1]!));
    if (Math.abs(gain) <= rounding) return Math.abs(gain);
    if (gain < 0 || n < 4) return Number.POSITIVE_INFINITY;
    let rate = 0;
    for (let k = Math.max(2, n - 3); k < n; k++) {
      const before = v[k - 1]! - v[k - 2]!;
      const after = v[k]! - v[k - 1]!;
      if (!(before > 0)) return Number.POSITIVE_INFINITY;
      rate = Math.max(rate, after / before);
    }
    if (!(rate < 1)) return Number.POSITIVE_INFINITY;
    return (gain * rate) / (1 - rate);
  }

  converged(): boolean {
    return this.distance() < this.tolerance;
  }

  /** The extrapolated limit of the objective (the last value while no distance can be estimated). */
  limit(): number {
    const last = this.values.at(-1) ?? Number.NaN;
    const d = this.distance();
    return Number.isFinite(d) ? last + d : last;
  }
}
