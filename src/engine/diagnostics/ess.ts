import { RealFft } from './fft';

/**
 * Scratch space for effective sample sizes, kept between calls so that
 * diagnosing many nodes allocates only when a longer run comes along.
 */
export class EssWorkspace {
  centered = new Float64Array(0);
  /** Autocovariance at each lag, averaged over segments. */
  meanAcov = new Float64Array(0);
  rho = new Float64Array(0);
  private fft: RealFft | undefined;

  ensure(total: number, length: number): void {
    if (this.centered.length < total) this.centered = new Float64Array(total);
    if (this.meanAcov.length < length) {
      this.meanAcov = new Float64Array(length);
      this.rho = new Float64Array(length);
    }
  }

  /** A transform long enough for `length` values (data and zero padding). */
  fftFor(length: number): RealFft {
    const size = RealFft.sizeFor(length);
    if (this.fft?.length !== size) this.fft = new RealFft(size);
    return this.fft;
  }
}

export interface EssOptions {
  /**
   * Lags computed by direct sums before switching to the FFT (0: FFT from the
   * start; Infinity: direct sums throughout). Well-mixing chains end Geyer's
   * sequence after a few lags, where direct sums are much cheaper than a
   * transform of every segment; the results are the same up to rounding.
   */
  directLags?: number;
}

const DEFAULT_DIRECT_LAGS = 64;
/** R's .Machine$double.eps: `posterior` calls draws within it of each other constant. */
const CONSTANT_TOLERANCE = 2.220446049250313e-16;

/** Whether `posterior` would return NA for these draws: a non-finite value, or all draws (nearly) equal. */
export function isDegenerate(segments: readonly Float64Array[]): boolean {
  let min = Infinity;
  let max = -Infinity;
  for (const segment of segments) {
    for (let i = 0; i < segment.length; i++) {
      const v = segment[i]!;
      if (!Number.isFinite(v)) return true;
      if (v < min) min = v;
      if (v > max) max = v;
    }
  }
  return !(Math.abs(max - min) >= CONSTANT_TOLERANCE);
}

/**
 * Effective sample size of equal-length segments (chains, or split halves of
 * chains), as `posterior`'s internal `.ess` (Vehtari et al. 2021, eqs. 10–11):
 * the autocorrelation at lag t combines the within-segment autocovariances with
 * the between-segment variance, ρ̂_t = 1 − (W − mean autocov_t) / var⁺; it is
 * summed in pairs while a pair sum stays positive (Geyer's initial positive
 * sequence), the pair sums are made non-increasing (initial monotone
 * sequence), and the estimate is capped at S·log10(S) for S draws in all.
 * NaN when there are fewer than 3 draws per segment, a non-finite draw, or
 * no variation at all.
 */
export function effectiveSampleSize(segments: readonly Float64Array[], workspace = new EssWorkspace(), options: EssOptions = {}): number {
  const m = segments.length;
  const n = m ? segments[0]!.length : 0;
  if (n < 3 || isDegenerate(segments)) return Number.NaN;
  workspace.ensure(m * n, n);
  const { centered, meanAcov, rho } = workspace;
  const segmentMeans = new Float64Array(m);
  let lag0 = 0;
  for (let c = 0; c < m; c++) {
    const segment = segments[c]!;
    const mean = meanOf(segment);
    segmentMeans[c] = mean;
    const offset = c * n;
    let squares = 0;
    for (let i = 0; i < n; i++) {
      const d = segment[i]! - mean;
      centered[offset + i] = d;
      squares += d * d;
    }
    lag0 += squares / n;
  }
  // The biased (divide by n) autocovariance, as Geyer (1992) recommends, averaged over segments.
  meanAcov[0] = lag0 / m;
  let known = 1;
  let preferFft = false;
  const directLags = options.directLags ?? DEFAULT_DIRECT_LAGS;
  const acovAt = (t: number): number => {
    if (t >= known) {
      if (preferFft || t >= directLags) {
        // Lags up to L − n come out exact; a quarter of n is far beyond what mixing chains need.
        const lags = t < n >> 2 && known < n >> 2 ? Math.max(n >> 2, t + 1) : n;
        lagsByFft(workspace, m, n, lags);
        known = lags;
      } else {
        const upTo = Math.min(n, Math.max(t + 1, known + DIRECT_BLOCK));
        lagsByDirectSums(workspace, m, n, known, upTo);
        known = upTo;
      }
    }
    return meanAcov[t]!;
  };

  const meanVar = (meanAcov[0]! * n) / (n - 1);
  let varPlus = (meanVar * (n - 1)) / n;
  if (m > 1) varPlus += sampleVariance(segmentMeans);
  const rhoAt = (t: number): number => 1 - (meanVar - acovAt(t)) / varPlus;

  rho[0] = 1;
  const odd = rhoAt(1);
  rho[1] = odd;
  // Chains this correlated run Geyer's sequence far (an AR(1) chain with ρ₁ = φ
  // until φᵗ sinks below the noise, ~1/√S): cheaper to transform at once.
  if (odd > 0 && Math.log(Math.sqrt(m * n)) / -Math.log(Math.min(odd, 1 - 1e-9)) > directLags / 2) preferFft = true;
  return geyerEss(rho, rhoAt, n, m * n);
}

/**
 * The ESS of `draws` draws in segments of n from their autocorrelations, rho[0]
 * = 1 and rho[1] set, `rhoAt(t)` giving lag t: Geyer's initial positive
 * sequence (pairs summed while positive), made monotone, τ capped below at
 * 1/log10(draws). `rho` is scratch of length ≥ n.
 */
export function geyerEss(rho: Float64Array, rhoAt: (t: number) => number, n: number, draws: number): number {
  let even = 1;
  let odd = rho[1]!;
  let t = 0;
  while (t < n - 5 && !Number.isNaN(even + odd) && even + odd > 0) {
    t += 2;
    even = rhoAt(t);
    odd = rhoAt(t + 1);
    const keep = even + odd >= 0;
    rho[t] = keep ? even : 0;
    rho[t + 1] = keep ? odd : 0;
  }
  const maxT = t;
  // The even term after the last positive pair improves the estimate for antithetic chains.
  if (even > 0) rho[maxT] = even;

  for (t = 2; t <= maxT - 2; t += 2) {
    if (rho[t]! + rho[t + 1]! > rho[t - 2]! + rho[t - 1]!) {
      rho[t] = (rho[t - 2]! + rho[t - 1]!) / 2;
      rho[t + 1] = rho[t]!;
    }
  }
  // R sums ρ̂ over 1:max_t; for max_t = 0 that sequence is c(1, 0), i.e. ρ̂_0 alone.
  let sum = 0;
  for (let k = 0; k < Math.max(maxT, 1); k++) sum += rho[k]!;
  const tau = Math.max(-1 + 2 * sum + rho[maxT]!, 1 / Math.log10(draws));
  return draws / tau;
}

/** Autocovariances at lags 0 … lags−1 by FFT: the segments' power spectra summed, then one inverse transform. */
function lagsByFft(workspace: EssWorkspace, m: number, n: number, lags: number): void {
  const { centered, meanAcov } = workspace;
  const fft = workspace.fftFor(n + lags - 1);
  for (let c = 0; c < m; c++) fft.addPowerSpectrum(centered.subarray(c * n, (c + 1) * n), n);
  fft.autocorrelationSums(meanAcov, lags);
  for (let t = 0; t < lags; t++) meanAcov[t] /= n * m;
}

/** Lags computed per pass over the draws by direct sums; several per pass share the loads. */
const DIRECT_BLOCK = 4;

/** Autocovariances at lags from … upTo−1 by direct sums, four lags per pass over the draws. */
function lagsByDirectSums(workspace: EssWorkspace, m: number, n: number, from: number, upTo: number): void {
  const { centered, meanAcov } = workspace;
  for (let t = from; t < upTo; t += DIRECT_BLOCK) {
    let s0 = 0;
    let s1 = 0;
    let s2 = 0;
    let s3 = 0;
    for (let c = 0; c < m; c++) {
      const start = c * n;
      const stop = start + n;
      let i = start;
      // While i + t + 3 stays inside the segment, all four lags read in bounds.
      for (const end = stop - t - 3; i < end; i++) {
        const x = centered[i]!;
        s0 += x * centered[i + t]!;
        s1 += x * centered[i + t + 1]!;
        s2 += x * centered[i + t + 2]!;
        s3 += x * centered[i + t + 3]!;
      }
      for (let j = i; j < stop - t; j++) s0 += centered[j]! * centered[j + t]!;
      for (let j = i; j < stop - t - 1; j++) s1 += centered[j]! * centered[j + t + 1]!;
      for (let j = i; j < stop - t - 2; j++) s2 += centered[j]! * centered[j + t + 2]!;
    }
    const sums = [s0, s1, s2, s3];
    for (let k = 0; k < DIRECT_BLOCK && t + k < upTo; k++) meanAcov[t + k] = sums[k]! / (n * m);
  }
}

export function meanOf(values: Float64Array): number {
  let sum = 0;
  for (let i = 0; i < values.length; i++) sum += values[i]!;
  const mean = sum / values.length;
  // A second pass removes most of the rounding of the first, as R's mean() does.
  let correction = 0;
  for (let i = 0; i < values.length; i++) correction += values[i]! - mean;
  return mean + correction / values.length;
}

/** Variance with the n − 1 denominator (R's var). */
export function sampleVariance(values: Float64Array): number {
  const mean = meanOf(values);
  let squares = 0;
  for (let i = 0; i < values.length; i++) squares += (values[i]! - mean) ** 2;
  return squares / (values.length - 1);
}
