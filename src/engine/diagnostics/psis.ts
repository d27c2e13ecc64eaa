/**
 * Pareto-smoothed importance sampling (Vehtari, Simpson, Gelman, Yao & Gabry,
 * "Pareto smoothed importance sampling", 2015–2024; Vehtari, Gelman & Gabry
 * 2017, section 2.1): the largest M importance ratios are replaced by the
 * expected order statistics of a generalized Pareto distribution fitted to
 * them, and the fitted shape k̂ says how far the raw ratios can be trusted.
 * The conventions are those of the R package `loo` (2.5), so that results
 * agree with it: M = ⌈min(0.2 S, 3 √(S / r_eff))⌉, no smoothing below 5 tail
 * draws (k̂ = ∞ then), the fit of Zhang & Stephens (2009) with a weakly
 * informative prior on k, and weights truncated at the largest raw ratio.
 */

export interface SmoothedWeights {
  /** Log weights, not normalised, on the scale of the log ratios given. */
  logWeights: Float64Array;
  /** The Pareto shape estimate k̂; ∞ when the tail is too short to fit or flat. */
  k: number;
}

/** Draws in the tail that is smoothed, for S draws with relative efficiency r_eff. */
export function paretoTailLength(draws: number, relativeEfficiency: number): number {
  return Math.ceil(Math.min(0.2 * draws, 3 * Math.sqrt(draws / relativeEfficiency)));
}

const MIN_TAIL = 5;
const DOUBLE_EPSILON = 2.220446049250313e-16;

/** Smooths one vector of log importance ratios (for leave-one-out: −log p(y_i | θ_s)). */
export function paretoSmooth(logRatios: Float64Array, relativeEfficiency = 1): SmoothedWeights {
  const draws = logRatios.length;
  let largest = -Infinity;
  for (let s = 0; s < draws; s++) if (logRatios[s]! > largest) largest = logRatios[s]!;
  const logWeights = new Float64Array(draws);
  for (let s = 0; s < draws; s++) logWeights[s] = logRatios[s]! - largest;
  let k = Infinity;
  const tail = paretoTailLength(draws, relativeEfficiency);
  if (tail >= MIN_TAIL && tail < draws) {
    const order = Array.from({ length: draws }, (_, s) => s).sort((a, b) => logWeights[a]! - logWeights[b]! || a - b);
    const first = draws - tail;
    const lowest = logWeights[order[first]!]!;
    const highest = logWeights[order[draws - 1]!]!;
    if (Math.abs(highest - lowest) >= DOUBLE_EPSILON / 100) {
      const cutoff = Math.exp(logWeights[order[first - 1]!]!);
      // Exceedances of the tail ratios over the largest ratio below the tail, already sorted.
      const excess = new Float64Array(tail);
      for (let j = 0; j < tail; j++) excess[j] = Math.exp(logWeights[order[first + j]!]!) - cutoff;
      const fit = generalizedParetoFit(excess);
      k = fit.k;
      if (Number.isFinite(k)) {
        // The expected order statistics: the quantiles at (j − ½)/M of the fitted distribution.
        for (let j = 0; j < tail; j++) {
          const p = (j + 0.5) / tail;
          logWeights[order[first + j]!] = Math.log(generalizedParetoQuantile(p, k, fit.sigma) + cutoff);
        }
      }
    }
  }
  // Truncation at the largest raw ratio (0 after the shift), then back to the ratios' scale.
  for (let s = 0; s < draws; s++) logWeights[s] = Math.min(logWeights[s]!, 0) + largest;
  return { logWeights, k };
}

/**
 * Zhang & Stephens (2009)'s estimate of the generalized Pareto distribution
 * of sorted exceedances x (ascending): the posterior mean of θ = −k/σ over a
 * grid of M = 30 + ⌊√n⌋ points, each weighted by its profile likelihood
 * n·(log(−θ/k(θ)) − k(θ) − 1) with k(θ) = −mean log(1 − θx); then k̂ is
 * shrunk towards ½ as if by 10 prior observations (Vehtari et al., appendix C).
 */
export function generalizedParetoFit(x: Float64Array): { k: number; sigma: number } {
  const n = x.length;
  const gridSize = 30 + Math.floor(Math.sqrt(n));
  const firstQuartile = x[Math.floor(n / 4 + 0.5) - 1]!;
  const largest = x[n - 1]!;
  const PRIOR = 3;
  const theta = new Float64Array(gridSize);
  const logLik = new Float64Array(gridSize);
  let top = -Infinity;
  for (let j = 0; j < gridSize; j++) {
    const t = 1 / largest + (1 - Math.sqrt(gridSize / (j + 0.5))) / PRIOR / firstQuartile;
    theta[j] = t;
    const kOfTheta = meanLog1p(-t, x);
    const l = n * (Math.log(-t / kOfTheta) - kOfTheta - 1);
    logLik[j] = l;
    if (l > top) top = l;
  }
  let total = 0;
  for (let j = 0; j < gridSize; j++) total += Math.exp(logLik[j]! - top);
  let thetaHat = 0;
  for (let j = 0; j < gridSize; j++) thetaHat += theta[j]! * (Math.exp(logLik[j]! - top) / total);
  let k = meanLog1p(-thetaHat, x);
  const sigma = -k / thetaHat;
  const PRIOR_DRAWS = 10;
  k = (k * n) / (n + PRIOR_DRAWS) + (PRIOR_DRAWS * 0.5) / (n + PRIOR_DRAWS);
  return { k: Number.isNaN(k) ? Infinity : k, sigma };
}

function meanLog1p(a: number, x: Float64Array): number {
  let sum = 0;
  for (let i = 0; i < x.length; i++) sum += Math.log1p(a * x[i]!);
  return sum / x.length;
}

/** The p-quantile of the generalized Pareto distribution with shape k and scale σ (location 0). */
export function generalizedParetoQuantile(p: number, k: number, sigma: number): number {
  if (!(sigma > 0)) return Number.NaN;
  return (sigma * Math.expm1(-k * Math.log1p(-p))) / k;
}
