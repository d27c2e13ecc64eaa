import erfc from '@stdlib/math-base-special-erfc';
import gammainc from '@stdlib/math-base-special-gammainc';
import gammaln from '@stdlib/math-base-special-gammaln';
import { incompleteBeta } from '../diagnostics/betaQuantile';
import { normalQuantile } from '../diagnostics/normalQuantile';

/**
 * The special functions the variational factors need: ψ for E[log θ] of
 * gamma, beta, Dirichlet and Wishart factors; the truncated normal's
 * moments and entropy; and quantiles for the factors' 95 % intervals.
 */

/** ψ(x) = d/dx log Γ(x), x > 0: recurrence up to x ≥ 10, then the asymptotic series (its next term < 1e-15 there). */
export function digamma(x: number): number {
  let shift = 0;
  while (x < 10) {
    shift -= 1 / x;
    x += 1;
  }
  const f = 1 / (x * x);
  // Bernoulli-number series: ln x − 1/(2x) − Σ B₂ₖ/(2k x²ᵏ).
  const series = f * (1 / 12 - f * (1 / 120 - f * (1 / 252 - f * (1 / 240 - f * (1 / 132 - f * (691 / 32760 - f / 12))))));
  return shift + Math.log(x) - 0.5 / x - series;
}

/** Σ_{i=1..d} ψ((k + 1 − i)/2): the part of E[log|Ω|] under a Wishart with k degrees of freedom that does not depend on the scale. */
export function multivariateDigamma(k: number, d: number): number {
  let s = 0;
  for (let i = 1; i <= d; i++) s += digamma((k + 1 - i) / 2);
  return s;
}

const LOG_SQRT_2PI = 0.5 * Math.log(2 * Math.PI);
const SQRT1_2 = Math.SQRT1_2;

/**
 * log P(a < Z < b) for a standard normal Z, accurate in either tail (probit
 * augmentation meets |a| of 10 and more): the upper tail is used on the
 * side where the probability is small, so nothing cancels.
 */
export function logNormalInterval(a: number, b: number): number {
  if (a > 0) return logDifference(logUpperTail(a), logUpperTail(b));
  if (b < 0) return logDifference(logUpperTail(-b), logUpperTail(-a));
  const p = 1 - 0.5 * erfc(-a * SQRT1_2) - 0.5 * erfc(b * SQRT1_2);
  return Math.log(p);
}

/** log P(Z > a). */
function logUpperTail(a: number): number {
  if (a === Number.POSITIVE_INFINITY) return Number.NEGATIVE_INFINITY;
  if (a < 30) return Math.log(0.5 * erfc(a * SQRT1_2));
  // Mills' ratio: P(Z > a) = φ(a)/a · (1 − 1/a² + 3/a⁴ − …).
  const f = 1 / (a * a);
  return -0.5 * a * a - LOG_SQRT_2PI - Math.log(a) + Math.log1p(-f * (1 - 3 * f * (1 - 5 * f)));
}

/** log(eˣ − eʸ), x ≥ y. */
function logDifference(x: number, y: number): number {
  if (y === Number.NEGATIVE_INFINITY) return x;
  return x + Math.log(-Math.expm1(y - x));
}

/** Mean, variance and entropy of N(m, 1/λ) truncated to (lower, upper). */
export interface TruncatedNormalMoments {
  mean: number;
  variance: number;
  entropy: number;
  /** log of the probability the untruncated normal gives the interval. */
  logMass: number;
}

export function truncatedNormalMoments(m: number, precision: number, lower: number, upper: number, out: TruncatedNormalMoments): void {
  const sd = 1 / Math.sqrt(precision);
  const a = (lower - m) / sd;
  const b = (upper - m) / sd;
  const logZ = logNormalInterval(a, b);
  // φ(a)/Z and φ(b)/Z formed in log space: Z underflows long before these ratios do.
  const ra = Number.isFinite(a) ? Math.exp(-0.5 * a * a - LOG_SQRT_2PI - logZ) : 0;
  const rb = Number.isFinite(b) ? Math.exp(-0.5 * b * b - LOG_SQRT_2PI - logZ) : 0;
  const aa = Number.isFinite(a) ? a * ra : 0;
  const bb = Number.isFinite(b) ? b * rb : 0;
  const shift = ra - rb;
  out.mean = m + sd * shift;
  out.variance = Math.max(sd * sd * (1 + aa - bb - shift * shift), 0);
  out.entropy = Math.log(sd) + LOG_SQRT_2PI + 0.5 + logZ + 0.5 * (aa - bb);
  out.logMass = logZ;
}

/** The p-quantile of N(m, 1/λ) truncated to (lower, upper). */
export function truncatedNormalQuantile(p: number, m: number, precision: number, lower: number, upper: number): number {
  const sd = 1 / Math.sqrt(precision);
  const cdf = (z: number): number => (z === Number.NEGATIVE_INFINITY ? 0 : z === Number.POSITIVE_INFINITY ? 1 : 0.5 * erfc(-z * SQRT1_2));
  const fa = cdf((lower - m) / sd);
  const fb = cdf((upper - m) / sd);
  if (fb - fa > 1e-12) return Math.min(upper, Math.max(lower, m + sd * normalQuantile(fa + p * (fb - fa))));
  // The interval lies far in a tail: the truncated normal is nearly exponential from the near bound.
  const nearLower = Number.isFinite(lower) && Math.abs(lower - m) <= Math.abs(upper - m);
  const bound = nearLower ? lower : upper;
  const rate = Math.abs(bound - m) * precision;
  const step = -Math.log1p(-p) / rate;
  return nearLower ? bound + step : bound - step;
}

/** The p-quantile of Gamma(shape, rate), by bisection on the regularised incomplete gamma function. */
export function gammaQuantile(p: number, shape: number, rate: number): number {
  let lo = 0;
  let hi = Math.max(1, shape) * 2;
  while (gammainc(hi, shape) < p) hi *= 2;
  for (let i = 0; i < 200 && hi - lo > 1e-14 * hi; i++) {
    const mid = 0.5 * (lo + hi);
    if (gammainc(mid, shape) < p) lo = mid;
    else hi = mid;
  }
  return (0.5 * (lo + hi)) / rate;
}

/** The p-quantile of Beta(a, b), by bisection on the regularised incomplete beta function. */
export function betaQuantile(p: number, a: number, b: number): number {
  let lo = 0;
  let hi = 1;
  for (let i = 0; i < 200 && hi - lo > 1e-15; i++) {
    const mid = 0.5 * (lo + hi);
    if (incompleteBeta(mid, a, b) < p) lo = mid;
    else hi = mid;
  }
  return 0.5 * (lo + hi);
}

export { gammaln };
