/**
 * When Monte-Carlo EM has settled. Its iterates never stop moving: each
 * M-step follows a noisy E-step, so "the parameters moved by less than x"
 * either never holds (x below the noise) or holds by chance after an
 * iteration or two (x above it). Instead the rule looks for the absence of a
 * trend: over the last 2h iterations (at the E-step's most draws), the mean
 * of the last h iterates and of the h before them agree within the noise
 * (z = 3 standard errors of their difference, from the spread inside each
 * half), and the Monte-Carlo standard error of the window's mean is within
 * √tol of each value's scale. The estimate reported is then the window's
 * mean, whose noise is that of 2h iterations, not of one.
 *
 * Iterates are autocorrelated (EM's contraction), so the spread understates
 * the noise of a mean: the trend test then errs towards running longer, never
 * towards stopping early.
 */
export class McemStopping {
  private readonly window: Float64Array[] = [];

  constructor(
    private readonly tolerance: number,
    /** Iterates per half of the window. */
    private readonly half = 10,
  ) {}

  /** Adds the parameters after an M-step whose E-step used its most draws. */
  push(parameters: Float64Array): void {
    this.window.push(Float64Array.from(parameters));
    if (this.window.length > 2 * this.half) this.window.shift();
  }

  /** Forgets the window (a new start, or the E-step still growing). */
  clear(): void {
    this.window.length = 0;
  }

  settled(): boolean {
    const h = this.half;
    if (this.window.length < 2 * h) return false;
    const width = this.window[0]!.length;
    const scale = Math.sqrt(this.tolerance);
    for (let j = 0; j < width; j++) {
      const early = moments(this.window, 0, h, j);
      const late = moments(this.window, h, 2 * h, j);
      const trendError = Math.sqrt(early.variance / h + late.variance / h);
      if (Math.abs(late.mean - early.mean) > 3 * trendError + 1e-12) return false;
      const all = moments(this.window, 0, 2 * h, j);
      if (Math.sqrt(all.variance / (2 * h)) > scale * Math.max(1, Math.abs(all.mean))) return false;
    }
    return true;
  }

  /** The window's mean of each parameter element: the reported estimate. */
  mean(): Float64Array {
    const width = this.window[0]?.length ?? 0;
    const out = new Float64Array(width);
    for (let j = 0; j < width; j++) out[j] = moments(this.window, 0, this.window.length, j).mean;
    return out;
  }
}

function moments(rows: Float64Array[], from: number, to: number, j: number): { mean: number; variance: number } {
  const n = to - from;
  let mean = 0;
  for (let r = from; r < to; r++) mean += rows[r]![j]!;
  mean /= n;
  let ss = 0;
  for (let r = from; r < to; r++) ss += (rows[r]![j]! - mean) ** 2;
  return { mean, variance: n > 1 ? ss / (n - 1) : 0 };
}
