import gammaln from '@stdlib/math-base-special-gammaln';
import type { Random } from './rng';

/**
 * Exact draws from the distributions the samplers and forward simulation
 * need, built on the seeded `Random` (uniform, normal, gamma, exponential).
 * "Exact" means rejection or transformation methods whose output has the
 * target law up to floating-point rounding, never an approximation such as a
 * normal stand-in for a large Poisson. Nothing here allocates: vectors and
 * matrices go into buffers the caller owns (row-major d×d, as in
 * src/engine/math/linalg.ts).
 */

const SQRT_2PI = Math.sqrt(2 * Math.PI);

// ---------------------------------------------------------------------------
// Truncated normal

/**
 * Normal(mean, sd²) restricted to (lower, upper); either bound may be
 * infinite. Returns NaN when sd ≤ 0 or lower > upper, and lower when the
 * interval is a point.
 *
 * The standardised interval (a, b) chooses the method, after Robert (1995),
 * "Simulation of truncated normal variables", Statistics and Computing 5:
 * - a ≤ 0 ≤ b: plain normal rejection when b − a ≥ √(2π), otherwise uniform
 *   rejection with acceptance exp(−z²/2); either accepts ≥ about half.
 * - 0 ≤ a < b (b < 0 is mirrored): exponential rejection with Robert's optimal
 *   rate λ = (a + √(a² + 4))/2, or uniform rejection with acceptance
 *   exp((a² − z²)/2) when the interval is narrow enough that it accepts more
 *   often (Robert's comparison of the two expected acceptance rates). The
 *   exponential proposal accepts ≥ 0.76 at any a, so tails like (10, ∞) or
 *   (1000, ∞) cost about one proposal.
 */
export function drawTruncatedNormal(random: Random, mean: number, sd: number, lower: number, upper: number): number {
  if (!(sd > 0) || !(lower <= upper)) return Number.NaN;
  if (lower === upper) return lower;
  const a = (lower - mean) / sd;
  const b = (upper - mean) / sd;
  let z: number;
  if (a >= 0) z = drawStandardTruncatedRight(random, a, b);
  else if (b <= 0) z = -drawStandardTruncatedRight(random, -b, -a);
  else z = drawStandardTruncatedAroundZero(random, a, b);
  const x = mean + sd * z;
  // Rounding in mean + sd·z can step just outside a narrow interval.
  return x < lower ? lower : x > upper ? upper : x;
}

/** Standard normal on (a, b) with a < 0 < b. */
function drawStandardTruncatedAroundZero(random: Random, a: number, b: number): number {
  if (b - a >= SQRT_2PI) {
    for (;;) {
      const z = random.normal();
      if (z > a && z < b) return z;
    }
  }
  for (;;) {
    const z = a + (b - a) * random.uniform();
    if (random.uniform() < Math.exp(-0.5 * z * z)) return z;
  }
}

/** Standard normal on (a, b) with 0 ≤ a < b ≤ ∞. */
function drawStandardTruncatedRight(random: Random, a: number, b: number): number {
  const root = Math.sqrt(a * a + 4);
  const uniformIsBetter = b - a < (2 / (a + root)) * Math.exp(0.25 * (a * a - a * root) + 0.5);
  if (uniformIsBetter) {
    for (;;) {
      const z = a + (b - a) * random.uniform();
      // exp((a² − z²)/2) written as a product to avoid cancellation for large a.
      if (random.uniform() < Math.exp(0.5 * (a - z) * (a + z))) return z;
    }
  }
  const rate = 0.5 * (a + root);
  for (;;) {
    const z = a + random.exponential() / rate;
    if (z >= b) continue;
    const d = z - rate;
    if (random.uniform() < Math.exp(-0.5 * d * d)) return z;
  }
}

// ---------------------------------------------------------------------------
// Gamma family, beta, Dirichlet

/**
 * log of a Gamma(shape, 1) draw, finite even when the draw itself underflows
 * (shape ≪ 1 gives values like 1e-400): for shape < 1 it uses
 * Gamma(shape) = Gamma(shape + 1)·U^(1/shape) in log space.
 */
export function drawLogGamma(random: Random, shape: number): number {
  if (shape < 1) return Math.log(random.gamma(shape + 1)) + Math.log(random.uniform()) / shape;
  return Math.log(random.gamma(shape));
}

/** Gamma(shape, rate): mean shape/rate (JAGS dgamma(r, λ)). */
export function drawGamma(random: Random, shape: number, rate: number): number {
  return random.gamma(shape) / rate;
}

/** Beta(a, b) as G_a/(G_a + G_b), the gammas drawn in log space so that tiny a and b do not give 0/0. */
export function drawBeta(random: Random, a: number, b: number): number {
  const logX = drawLogGamma(random, a);
  const logY = drawLogGamma(random, b);
  return 1 / (1 + Math.exp(logY - logX));
}

/**
 * Dirichlet(alpha[0..count)) into out[0..count): normalised gammas, drawn and
 * normalised in log space (log-sum-exp) so small concentrations stay exact.
 */
export function drawDirichlet(random: Random, alpha: Float64Array, out: Float64Array, count: number): void {
  let max = Number.NEGATIVE_INFINITY;
  for (let k = 0; k < count; k++) {
    const g = drawLogGamma(random, alpha[k]!);
    out[k] = g;
    if (g > max) max = g;
  }
  let total = 0;
  for (let k = 0; k < count; k++) {
    const e = Math.exp(out[k]! - max);
    out[k] = e;
    total += e;
  }
  for (let k = 0; k < count; k++) out[k] = out[k]! / total;
}

// ---------------------------------------------------------------------------
// Discrete distributions

/**
 * Poisson(mean). Below mean 10, inversion by sequential search (about mean + 1
 * steps). From 10 up, Hörmann's PTRS (1993, "The transformed rejection method
 * for generating Poisson random variables", Insurance: Mathematics and
 * Economics 12), exact and O(1) in the mean.
 */
export function drawPoisson(random: Random, mean: number): number {
  if (!(mean >= 0)) return Number.NaN;
  if (mean === 0) return 0;
  if (mean < 10) {
    for (;;) {
      let u = random.uniform();
      let k = 0;
      let p = Math.exp(-mean);
      while (u > p) {
        u -= p;
        k++;
        p *= mean / k;
        // Rounding can leave u above the remaining mass; start again.
        if (p === 0 || k > 1000) break;
      }
      if (u <= p) return k;
    }
  }
  const logMean = Math.log(mean);
  const b = 0.931 + 2.53 * Math.sqrt(mean);
  const a = -0.059 + 0.02483 * b;
  const logInverseAlpha = Math.log(1.1239 + 1.1328 / (b - 3.4));
  const acceptAtOnce = 0.9277 - 3.6224 / (b - 2);
  for (;;) {
    const u = random.uniform() - 0.5;
    const v = random.uniform();
    const us = 0.5 - Math.abs(u);
    const k = Math.floor(((2 * a) / us + b) * u + mean + 0.43);
    if (us >= 0.07 && v <= acceptAtOnce) return k;
    if (k < 0 || (us < 0.013 && v > us)) continue;
    if (Math.log(v) + logInverseAlpha - Math.log(a / (us * us) + b) <= -mean + k * logMean - gammaln(k + 1)) return k;
  }
}

/**
 * Binomial(n, p) (JAGS dbin(p, n)). Works on min(p, 1 − p) and mirrors. When
 * n·p < 10, inversion by sequential search from 0; otherwise Hörmann's BTRS
 * (1993, "The generation of binomial random variates", J. Statist. Comput.
 * Simul. 46), exact and O(1) in n.
 */
export function drawBinomial(random: Random, p: number, n: number): number {
  if (!(p >= 0 && p <= 1) || !(n >= 0) || !Number.isInteger(n)) return Number.NaN;
  if (n === 0 || p === 0) return 0;
  if (p === 1) return n;
  if (p > 0.5) return n - drawBinomialSmallP(random, 1 - p, n);
  return drawBinomialSmallP(random, p, n);
}

function drawBinomialSmallP(random: Random, p: number, n: number): number {
  const q = 1 - p;
  if (n * p < 10) {
    const ratio = p / q;
    const start = Math.exp(n * Math.log1p(-p));
    for (;;) {
      let u = random.uniform();
      let k = 0;
      let probability = start;
      while (u > probability && k < n) {
        u -= probability;
        k++;
        probability *= (ratio * (n - k + 1)) / k;
      }
      // Rounding can leave u above the total mass; start again.
      if (u <= probability) return k;
    }
  }
  const spq = Math.sqrt(n * p * q);
  const b = 1.15 + 2.53 * spq;
  const a = -0.0873 + 0.0248 * b + 0.01 * p;
  const c = n * p + 0.5;
  const acceptAtOnce = 0.92 - 4.2 / b;
  const alpha = (2.83 + 5.1 / b) * spq;
  const logOdds = Math.log(p / q);
  const mode = Math.floor((n + 1) * p);
  const logModeTerms = gammaln(mode + 1) + gammaln(n - mode + 1);
  for (;;) {
    const u = random.uniform() - 0.5;
    const v = random.uniform();
    const us = 0.5 - Math.abs(u);
    const k = Math.floor(((2 * a) / us + b) * u + c);
    if (k < 0 || k > n) continue;
    if (us >= 0.07 && v <= acceptAtOnce) return k;
    const logV = Math.log((v * alpha) / (a / (us * us) + b));
    if (logV <= logModeTerms - gammaln(k + 1) - gammaln(n - k + 1) + (k - mode) * logOdds) return k;
  }
}

/** drawCategoricalFromLogWeights' scratch for the scaled weights, grown as needed. */
let scaledWeights = new Float64Array(16);

/**
 * 0-based index k with probability ∝ exp(logWeights[k]), k < count. Weights
 * may be −∞ (impossible) and need not be normalised; the largest is
 * subtracted first (log-sum-exp). Returns −1 when no weight is finite or any
 * is NaN or +∞.
 */
export function drawCategoricalFromLogWeights(random: Random, logWeights: Float64Array, count: number): number {
  let max = Number.NEGATIVE_INFINITY;
  for (let k = 0; k < count; k++) {
    const w = logWeights[k]!;
    if (Number.isNaN(w) || w === Number.POSITIVE_INFINITY) return -1;
    if (w > max) max = w;
  }
  if (max === Number.NEGATIVE_INFINITY) return -1;
  // Each exponential taken once (a mixture's indicators draw millions of times a run).
  if (scaledWeights.length < count) scaledWeights = new Float64Array(Math.max(count, 2 * scaledWeights.length));
  const scaled = scaledWeights;
  let total = 0;
  for (let k = 0; k < count; k++) {
    const w = Math.exp(logWeights[k]! - max);
    scaled[k] = w;
    total += w;
  }
  let u = random.uniform() * total;
  let last = -1;
  for (let k = 0; k < count; k++) {
    const w = scaled[k]!;
    if (w === 0) continue;
    last = k;
    if (u < w) return k;
    u -= w;
  }
  // Only rounding in the running subtraction gets here.
  return last;
}

/**
 * 0-based index k with probability probabilities[k]/Σ probabilities (JAGS
 * normalises dcat's vector). Returns −1 when the total is not positive.
 */
export function drawCategorical(random: Random, probabilities: Float64Array, count: number): number {
  let total = 0;
  for (let k = 0; k < count; k++) total += probabilities[k]!;
  if (!(total > 0) || total === Number.POSITIVE_INFINITY) return -1;
  let u = random.uniform() * total;
  let last = -1;
  for (let k = 0; k < count; k++) {
    const w = probabilities[k]!;
    if (w <= 0) continue;
    last = k;
    if (u < w) return k;
    u -= w;
  }
  return last;
}

/**
 * Multinomial(size, probabilities[0..count)) into out, by conditional
 * binomials: out[k] ~ Binomial(remaining, p_k / remaining mass). The
 * probabilities are normalised here, as JAGS's dmulti does.
 */
export function drawMultinomial(random: Random, size: number, probabilities: Float64Array, out: Float64Array, count: number): void {
  let mass = 0;
  for (let k = 0; k < count; k++) mass += probabilities[k]!;
  let remaining = size;
  for (let k = 0; k < count; k++) {
    const p = probabilities[k]!;
    if (remaining === 0 || p <= 0) {
      out[k] = 0;
    } else if (k === count - 1 || p >= mass) {
      out[k] = remaining;
      remaining = 0;
    } else {
      const x = drawBinomial(random, Math.min(1, p / mass), remaining);
      out[k] = x;
      remaining -= x;
    }
    mass -= p;
  }
}

/**
 * Negative binomial as JAGS's dnegbin(p, r): failures before the r-th success,
 * mean r(1 − p)/p. Drawn as a gamma–Poisson mixture, which also covers
 * non-integer r.
 */
export function drawNegativeBinomial(random: Random, p: number, r: number): number {
  if (p === 1) return 0;
  return drawPoisson(random, (random.gamma(r) * (1 - p)) / p);
}

// ---------------------------------------------------------------------------
// Other scalar continuous distributions, JAGS parameterisations

/** Student t as JAGS's dt(mu, tau, k): mu + Z / √(tau · χ²_k / k). */
export function drawStudentT(random: Random, mu: number, tau: number, k: number): number {
  const chiSquaredOverK = (2 * random.gamma(0.5 * k)) / k;
  return mu + random.normal() / Math.sqrt(tau * chiSquaredOverK);
}

/** Weibull as JAGS's dweib(v, lambda): density v·λ·x^(v−1)·exp(−λ·x^v), so λ·X^v ~ Exp(1). */
export function drawWeibull(random: Random, shape: number, lambda: number): number {
  return Math.pow(random.exponential() / lambda, 1 / shape);
}

/** Logistic as JAGS's dlogis(mu, tau): mu + logit(U)/tau. */
export function drawLogistic(random: Random, mu: number, tau: number): number {
  const u = random.uniform();
  return mu + Math.log(u / (1 - u)) / tau;
}

/** Laplace as JAGS's ddexp(mu, tau): density (tau/2)·exp(−tau·|x − mu|). */
export function drawLaplace(random: Random, mu: number, tau: number): number {
  const e = random.exponential() / tau;
  return random.uniform() < 0.5 ? mu - e : mu + e;
}

/** Pareto as JAGS's dpar(alpha, c): c·U^(−1/alpha). */
export function drawPareto(random: Random, alpha: number, c: number): number {
  return c * Math.pow(random.uniform(), -1 / alpha);
}

// ---------------------------------------------------------------------------
// Multivariate normal and Wishart

/**
 * x = mean + L⁻ᵀz with z standard normal and L = chol(precision) (lower,
 * row-major d×d), so Cov(x) = (L·Lᵀ)⁻¹ = precision⁻¹ without forming an
 * inverse. `out` holds d values; mean may alias out.
 */
export function drawMultivariateNormalFromPrecision(
  random: Random,
  mean: Float64Array,
  precisionCholesky: Float64Array,
  out: Float64Array,
  d: number,
): void {
  for (let i = 0; i < d; i++) out[i] = random.normal();
  for (let i = d - 1; i >= 0; i--) {
    let s = out[i]!;
    for (let k = i + 1; k < d; k++) s -= precisionCholesky[k * d + i]! * out[k]!;
    out[i] = s / precisionCholesky[i * d + i]!;
  }
  for (let i = 0; i < d; i++) out[i] = out[i]! + mean[i]!;
}

/**
 * Lower-triangular Bartlett factor A into `a` (d×d row-major): A_ii = √χ²(df − i)
 * (0-based i), A_ij ~ N(0, 1) below the diagonal, zeros above, so that
 * A·Aᵀ ~ Wishart(df, I). Needs df > d − 1.
 */
function drawBartlettFactor(random: Random, df: number, a: Float64Array, d: number): void {
  for (let i = 0; i < d; i++) {
    const row = i * d;
    for (let j = 0; j < i; j++) a[row + j] = random.normal();
    a[row + i] = Math.sqrt(2 * random.gamma(0.5 * (df - i)));
    for (let j = i + 1; j < d; j++) a[row + j] = 0;
  }
}

/** out = B·Bᵀ (full symmetric d×d) for any row-major B. */
function outerSelf(b: Float64Array, out: Float64Array, d: number): void {
  for (let i = 0; i < d; i++) {
    for (let j = 0; j <= i; j++) {
      let s = 0;
      for (let k = 0; k < d; k++) s += b[i * d + k]! * b[j * d + k]!;
      out[i * d + j] = s;
      out[j * d + i] = s;
    }
  }
}

/**
 * W ~ Wishart(df, S), E[W] = df·S, given S's Cholesky factor L (S = L·Lᵀ), by
 * the Bartlett decomposition W = (L·A)(L·A)ᵀ. `out` receives the full
 * symmetric d×d matrix; `scratch` holds ≥ d·d values. Needs df > d − 1.
 */
export function drawWishart(random: Random, scaleCholesky: Float64Array, df: number, out: Float64Array, d: number, scratch: Float64Array): void {
  drawBartlettFactor(random, df, scratch, d);
  // scratch ← L·A in place: row i of the product needs rows ≤ i of A, so go
  // from the last row up.
  for (let i = d - 1; i >= 0; i--) {
    for (let j = 0; j <= i; j++) {
      let s = 0;
      for (let k = j; k <= i; k++) s += scaleCholesky[i * d + k]! * scratch[k * d + j]!;
      scratch[i * d + j] = s;
    }
  }
  outerSelf(scratch, out, d);
}

/**
 * JAGS's dwish(R, k): density ∝ |X|^((k − p − 1)/2)·exp(−tr(R·X)/2), i.e.
 * Wishart(k, R⁻¹) with E[X] = k·R⁻¹. Given L_R = chol(R), any square root F
 * of R⁻¹ serves in Bartlett's construction because Wishart(k, I) is invariant
 * under orthogonal conjugation; F = L_R⁻ᵀ needs no inverse: X = C·Cᵀ with
 * L_Rᵀ·C = A solved column by column. `scratch` holds ≥ d·d values.
 */
export function drawWishartJags(random: Random, rateCholesky: Float64Array, k: number, out: Float64Array, d: number, scratch: Float64Array): void {
  drawBartlettFactor(random, k, scratch, d);
  for (let column = 0; column < d; column++) {
    for (let i = d - 1; i >= 0; i--) {
      let s = scratch[i * d + column]!;
      for (let m = i + 1; m < d; m++) s -= rateCholesky[m * d + i]! * scratch[m * d + column]!;
      scratch[i * d + column] = s / rateCholesky[i * d + i]!;
    }
  }
  outerSelf(scratch, out, d);
}
