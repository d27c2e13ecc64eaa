import { betaQuantile } from './betaQuantile';
import { DiagnosticsWorkspace, DrawMatrix, sortedQuantile } from './drawMatrix';
import { effectiveSampleSize, isDegenerate, type EssOptions } from './ess';
import { rankNormalScores } from './rankNormal';
import { rhatOfSegments } from './rhat';

/**
 * Convergence diagnostics of one scalar from equal-length chains, as defined
 * by Vehtari, Gelman, Simpson, Carpenter and Bürkner (2021), "Rank-normalization,
 * folding, and localization: an improved R-hat", and computed by the R package
 * `posterior` (whose function names these follow). NaN where `posterior`
 * gives NA: a non-finite draw, no variation at all, or too few draws.
 */
export interface ConvergenceDiagnostics {
  /** Rank-normalised split R-hat: the larger of the bulk and the folded (tail) version. */
  rhat: number;
  /** Classic split R-hat of the raw draws. */
  rhat_basic: number;
  /** ESS of the rank-normalised split chains. */
  ess_bulk: number;
  /** The smaller ESS of the indicators of the 5 % and 95 % quantiles. */
  ess_tail: number;
  /** ESS of the mean (split chains, raw draws). */
  ess_mean: number;
  /** ESS of the standard deviation: ESS of (x − mean)². */
  ess_sd: number;
  /** ESS of the median's indicator. */
  ess_median: number;
  /** sd / √ess_mean. */
  mcse_mean: number;
  /** Monte Carlo standard error of the sd (Kenney and Keeping's variance of the variance, first-order Taylor). */
  mcse_sd: number;
  /** Monte Carlo standard errors of the median and of the 5 % and 95 % quantiles. */
  mcse_median: number;
  mcse_q5: number;
  mcse_q95: number;
}

export interface DiagnoseOptions extends EssOptions {
  /** Buffers to reuse across nodes. */
  workspace?: DiagnosticsWorkspace;
  /** All draws (chain after chain) already sorted, e.g. for the summary's quantiles, to save a sort. */
  sorted?: Float64Array;
  /** Their sorting order (indices into the chains laid end to end), to save ranking them again. */
  order?: Uint32Array;
}

type Chains = readonly Float64Array[];

function matrix(x: Chains | DrawMatrix, options: DiagnoseOptions = {}): DrawMatrix {
  return x instanceof DrawMatrix ? x : new DrawMatrix(x, options.workspace, options);
}

/** Every diagnostic of one scalar, sharing sorts and buffers between them. */
export function diagnose(chains: Chains, options: DiagnoseOptions = {}): ConvergenceDiagnostics {
  const draws = matrix(chains, options);
  const q5 = essQuantile(draws, 0.05, options);
  const q95 = essQuantile(draws, 0.95, options);
  const median = essQuantile(draws, 0.5, options);
  const mean = essMean(draws, options);
  const sd = essSd(draws, options);
  return {
    rhat: rhat(draws),
    rhat_basic: rhatBasic(draws),
    ess_bulk: essBulk(draws, options),
    ess_tail: Math.min(q5, q95),
    ess_mean: mean,
    ess_sd: sd,
    ess_median: median,
    mcse_mean: draws.sd() / Math.sqrt(mean),
    mcse_sd: sdStandardError(draws, sd),
    mcse_median: quantileInterval(draws, 0.5, median),
    mcse_q5: quantileInterval(draws, 0.05, q5),
    mcse_q95: quantileInterval(draws, 0.95, q95),
  };
}

/** Rank-normalised split R-hat: max of bulk and folded. `posterior::rhat`. */
export function rhat(chains: Chains | DrawMatrix): number {
  const draws = matrix(chains);
  if (isDegenerate(draws.chains)) return Number.NaN;
  const scores = rankNormalScores(draws);
  const bulk = rhatOfSegments(scores.bulk);
  const tail = rhatOfSegments(scores.folded);
  return Math.max(bulk, tail);
}

/** Classic R-hat of the raw draws, of split chains unless `split` is false. `posterior::rhat_basic`. */
export function rhatBasic(chains: Chains | DrawMatrix, split = true): number {
  return rhatOfSegments(matrix(chains).segments(split));
}

/** ESS of the raw draws, of split chains unless `split` is false. `posterior::ess_basic`. */
export function essBasic(chains: Chains | DrawMatrix, split = true, options: DiagnoseOptions = {}): number {
  const draws = matrix(chains, options);
  return effectiveSampleSize(draws.segments(split), draws.workspace.ess, options);
}

/** `posterior::ess_bulk`. */
export function essBulk(chains: Chains | DrawMatrix, options: DiagnoseOptions = {}): number {
  const draws = matrix(chains, options);
  if (isDegenerate(draws.chains)) return Number.NaN;
  return effectiveSampleSize(rankNormalScores(draws).bulk, draws.workspace.ess, options);
}

/** `posterior::ess_mean`. */
export function essMean(chains: Chains | DrawMatrix, options: DiagnoseOptions = {}): number {
  return essBasic(chains, true, options);
}

/** `posterior::ess_tail`. */
export function essTail(chains: Chains | DrawMatrix, options: DiagnoseOptions = {}): number {
  const draws = matrix(chains, options);
  return Math.min(essQuantile(draws, 0.05, options), essQuantile(draws, 0.95, options));
}

/** ESS of the indicator I(x ≤ q̂_p), q̂_p the type-7 quantile of all draws. `posterior::ess_quantile`. */
export function essQuantile(chains: Chains | DrawMatrix, p: number, options: DiagnoseOptions = {}): number {
  const draws = matrix(chains, options);
  if (isDegenerate(draws.chains)) return Number.NaN;
  const sorted = draws.sorted();
  // posterior moves p = 1 just inside the range so that the indicator is not constant.
  const q = sortedQuantile(sorted, p === 1 ? (sorted.length - 0.5) / sorted.length : p);
  return effectiveSampleSize(
    draws.transformedSegments((x) => (x <= q ? 1 : 0)),
    draws.workspace.ess,
    options,
  );
}

/** `posterior::ess_median`. */
export function essMedian(chains: Chains | DrawMatrix, options: DiagnoseOptions = {}): number {
  return essQuantile(chains, 0.5, options);
}

/**
 * ESS of (x − mean)², the quantity the variance averages. `posterior::ess_sd`
 * as of its pull request 388 (earlier releases used |x − mean|, or the smaller
 * ESS of x and x²); the reference values match this one.
 */
export function essSd(chains: Chains | DrawMatrix, options: DiagnoseOptions = {}): number {
  const draws = matrix(chains, options);
  const mean = draws.mean();
  return effectiveSampleSize(
    draws.transformedSegments((x) => (x - mean) ** 2),
    draws.workspace.ess,
    options,
  );
}

/** `posterior::mcse_mean`. */
export function mcseMean(chains: Chains | DrawMatrix, options: DiagnoseOptions = {}): number {
  const draws = matrix(chains, options);
  return draws.sd() / Math.sqrt(essMean(draws, options));
}

/**
 * `posterior::mcse_sd`: the variance of the variance estimate without
 * assuming normality, (m₄ − m₂²) / ESS of (x − mean)² (Kenney and Keeping 1951,
 * p. 141), carried to the sd by a first-order Taylor step, var(s) ≈ var(s²) / (4 m₂).
 */
export function mcseSd(chains: Chains | DrawMatrix, options: DiagnoseOptions = {}): number {
  const draws = matrix(chains, options);
  return sdStandardError(draws, essSd(draws, options));
}

function sdStandardError(draws: DrawMatrix, ess: number): number {
  const mean = draws.mean();
  let m2 = 0;
  let m4 = 0;
  for (const chain of draws.chains) {
    for (let i = 0; i < chain.length; i++) {
      const d2 = (chain[i]! - mean) ** 2;
      m2 += d2;
      m4 += d2 * d2;
    }
  }
  m2 /= draws.total;
  m4 /= draws.total;
  return Math.sqrt((m4 - m2 * m2) / ess / m2 / 4);
}

/** `posterior::mcse_quantile`. */
export function mcseQuantile(chains: Chains | DrawMatrix, p: number, options: DiagnoseOptions = {}): number {
  const draws = matrix(chains, options);
  return quantileInterval(draws, p, essQuantile(draws, p, options));
}

/** `posterior::mcse_median`. */
export function mcseMedian(chains: Chains | DrawMatrix, options: DiagnoseOptions = {}): number {
  return mcseQuantile(chains, 0.5, options);
}

/** Φ(−1) and Φ(1) as `posterior` writes them: the ends of a ±1 sd interval. */
const ONE_SD = [0.1586553, 0.8413447] as const;

/**
 * Half the width of the central ±1 sd interval of the quantile's position
 * (Vehtari et al. 2021, section 4.3): with `ess` effective draws the fraction
 * of draws below the true p-quantile is about Beta(ess·p + 1, ess·(1 − p) + 1);
 * its 15.9 % and 84.1 % points, read off the sorted draws, bound the quantile.
 */
function quantileInterval(draws: DrawMatrix, p: number, ess: number): number {
  if (Number.isNaN(ess)) return Number.NaN;
  const sorted = draws.sorted();
  const size = sorted.length;
  const lower = betaQuantile(ONE_SD[0], ess * p + 1, ess * (1 - p) + 1);
  const upper = betaQuantile(ONE_SD[1], ess * p + 1, ess * (1 - p) + 1);
  const th1 = sorted[Math.max(Math.floor(lower * size), 1) - 1]!;
  const th2 = sorted[Math.min(Math.ceil(upper * size), size) - 1]!;
  return (th2 - th1) / 2;
}
