/**
 * Predictive accuracy of a fitted model from the pointwise log-likelihoods of
 * its observed nodes, log p(y_i | θ_s) for each kept draw s and observation i:
 * PSIS-LOO and WAIC as Vehtari, Gelman & Gabry (2017) define them (and the R
 * package `loo` computes them), and DIC with Spiegelhalter et al.'s (2002) pD
 * and Gelman et al.'s pV = var(D)/2 (BDA3, section 7.2).
 */

import { geyerEss } from './ess';
import { paretoSmooth } from './psis';

/** S draws × N observations, draw-major: value (s, i) at s·N + i. Draws of chain c come as one block, chains in order. */
export interface PointwiseLogLik {
  draws: number;
  observations: number;
  values: Float64Array;
  /** Equal-length chains the draws come from (for the relative efficiencies); 1 when unknown. */
  chains: number;
  /** The observed nodes, named as JAGS names them (`y[3]`, `x[2,1:2]`). */
  names?: string[];
}

export interface Estimate {
  estimate: number;
  se: number;
}

/** Counts of Pareto k̂ in `loo`'s bands: good (k̂ ≤ 0.5), ok (≤ 0.7), bad (≤ 1), very bad (> 1). */
export interface ParetoKCounts {
  good: number;
  ok: number;
  bad: number;
  veryBad: number;
}

export interface LooResult {
  elpd_loo: Estimate;
  p_loo: Estimate;
  looic: Estimate;
  /** Per observation: elpd_loo_i, p_loo_i and the Pareto k̂_i. */
  pointwise: { elpd: Float64Array; p: Float64Array; k: Float64Array };
  paretoK: ParetoKCounts;
  /** The relative efficiency used for each observation's tail length. */
  relativeEfficiency: Float64Array;
}

export interface WaicResult {
  elpd_waic: Estimate;
  p_waic: Estimate;
  waic: Estimate;
  pointwise: { elpd: Float64Array; p: Float64Array };
  /** Observations with var(log p(y_i | θ)) > 0.4, where `loo` warns that WAIC is unreliable. */
  largePWaic: number;
}

export interface DicResult {
  /** Posterior mean deviance D̄ = E[−2 log p(y | θ)]. */
  meanDeviance: number;
  /** Gelman's pV = var(D)/2 and DIC = D̄ + pV. */
  pV: number;
  dicV: number;
  /** Spiegelhalter's pD = D̄ − D(θ̄) and DIC = D̄ + pD, when the deviance at the posterior mean is known. */
  pD?: number;
  dic?: number;
}

/** The column of observation i. */
function column(ll: PointwiseLogLik, i: number, out: Float64Array): Float64Array {
  for (let s = 0; s < ll.draws; s++) out[s] = ll.values[s * ll.observations + i]!;
  return out;
}

function logSumExp(values: Float64Array): number {
  let top = -Infinity;
  for (let s = 0; s < values.length; s++) if (values[s]! > top) top = values[s]!;
  if (!Number.isFinite(top)) return top;
  let sum = 0;
  for (let s = 0; s < values.length; s++) sum += Math.exp(values[s]! - top);
  return top + Math.log(sum);
}

function variance(values: ArrayLike<number>): number {
  const n = values.length;
  let mean = 0;
  for (let i = 0; i < n; i++) mean += values[i]!;
  mean /= n;
  let squares = 0;
  for (let i = 0; i < n; i++) squares += (values[i]! - mean) ** 2;
  return squares / (n - 1);
}

/** A sum over observations and its standard error √(N · var), as `loo` reports it. */
function total(pointwise: Float64Array, scale = 1): Estimate {
  let sum = 0;
  for (let i = 0; i < pointwise.length; i++) sum += pointwise[i]!;
  return { estimate: scale * sum, se: Math.abs(scale) * Math.sqrt(pointwise.length * variance(pointwise)) };
}

/** log of the mean likelihood of each observation over the draws (lpd_i). */
function logPointwiseDensity(draws: Float64Array): number {
  return logSumExp(draws) - Math.log(draws.length);
}

/**
 * PSIS-LOO: each observation's leave-one-out predictive density from the
 * draws weighted by Pareto-smoothed ratios 1/p(y_i | θ_s). Relative
 * efficiencies default to those of exp(log-likelihood) over the chains.
 */
export function psisLoo(ll: PointwiseLogLik, relativeEfficiency: Float64Array = relativeEfficiencies(ll)): LooResult {
  const { draws, observations } = ll;
  const elpd = new Float64Array(observations);
  const p = new Float64Array(observations);
  const k = new Float64Array(observations);
  const x = new Float64Array(draws);
  const ratios = new Float64Array(draws);
  const weighted = new Float64Array(draws);
  for (let i = 0; i < observations; i++) {
    column(ll, i, x);
    for (let s = 0; s < draws; s++) ratios[s] = -x[s]!;
    const smoothed = paretoSmooth(ratios, relativeEfficiency[i]!);
    const norm = logSumExp(smoothed.logWeights);
    for (let s = 0; s < draws; s++) weighted[s] = smoothed.logWeights[s]! - norm + x[s]!;
    elpd[i] = logSumExp(weighted);
    p[i] = logPointwiseDensity(x) - elpd[i]!;
    k[i] = smoothed.k;
  }
  return {
    elpd_loo: total(elpd),
    p_loo: total(p),
    looic: total(elpd, -2),
    pointwise: { elpd, p, k },
    paretoK: countParetoK(k),
    relativeEfficiency,
  };
}

export function countParetoK(k: ArrayLike<number>): ParetoKCounts {
  const counts: ParetoKCounts = { good: 0, ok: 0, bad: 0, veryBad: 0 };
  for (let i = 0; i < k.length; i++) {
    const v = k[i]!;
    if (v <= 0.5) counts.good++;
    else if (v <= 0.7) counts.ok++;
    else if (v <= 1) counts.bad++;
    else counts.veryBad++;
  }
  return counts;
}

/** WAIC: lpd_i less p_waic_i, the variance over the draws of log p(y_i | θ). */
export function waic(ll: PointwiseLogLik): WaicResult {
  const { draws, observations } = ll;
  const elpd = new Float64Array(observations);
  const p = new Float64Array(observations);
  const x = new Float64Array(draws);
  let largePWaic = 0;
  for (let i = 0; i < observations; i++) {
    column(ll, i, x);
    p[i] = variance(x);
    elpd[i] = logPointwiseDensity(x) - p[i]!;
    if (p[i]! > 0.4) largePWaic++;
  }
  return { elpd_waic: total(elpd), p_waic: total(p), waic: total(elpd, -2), pointwise: { elpd, p }, largePWaic };
}

/**
 * Per observation, the effective sample size of exp(log p(y_i | θ)) over the
 * chains divided by the draws: `loo`'s `relative_eff`, whose ESS is Geyer's
 * initial monotone sequence on autocorrelations that combine the chains'
 * autocovariances with the variance of their means (no splitting, no ranks).
 */
export function relativeEfficiencies(ll: PointwiseLogLik): Float64Array {
  const { draws, observations } = ll;
  const chains = Math.max(1, ll.chains);
  const out = new Float64Array(observations);
  if (draws % chains !== 0) throw new Error(`${draws} draws do not split into ${chains} equal chains`);
  const x = new Float64Array(draws);
  for (let i = 0; i < observations; i++) {
    column(ll, i, x);
    for (let s = 0; s < draws; s++) x[s] = Math.exp(x[s]!);
    out[i] = effectiveSampleSizeOfChains(x, chains) / draws;
  }
  return out;
}

/** The next length of the form 2^a 3^b 5^c, at least 2 (the FFT size `loo` pads to). */
function goodFftSize(n: number): number {
  if (n <= 2) return 2;
  for (let candidate = n; ; candidate++) {
    let m = candidate;
    for (const f of [2, 3, 5]) while (m % f === 0) m /= f;
    if (m <= 1) return candidate;
  }
}

/**
 * ESS of `chains` equal consecutive blocks of `x`. The autocovariance at lag
 * t of each chain is (M/n)·Σ (x_s − x̄)(x_{s+t} − x̄)/n with M the padded FFT
 * length: `loo` normalises its FFT by 2n² rather than by the padded length,
 * and the same factor is kept here so that the results agree with it.
 */
function effectiveSampleSizeOfChains(x: Float64Array, chains: number): number {
  const n = x.length / chains;
  const scale = goodFftSize(n) / n;
  const centered = new Float64Array(x.length);
  const means = new Float64Array(chains);
  for (let c = 0; c < chains; c++) {
    let mean = 0;
    for (let s = 0; s < n; s++) mean += x[c * n + s]!;
    mean /= n;
    means[c] = mean;
    for (let s = 0; s < n; s++) centered[c * n + s] = x[c * n + s]! - mean;
  }
  const acov = (t: number): number => {
    let sum = 0;
    for (let c = 0; c < chains; c++) {
      const base = c * n;
      for (let s = 0; s + t < n; s++) sum += centered[base + s]! * centered[base + s + t]!;
    }
    return (scale * sum) / n / chains;
  };
  const meanVar = (acov(0) * n) / (n - 1);
  let varPlus = (meanVar * (n - 1)) / n;
  if (chains > 1) varPlus += variance(means);
  const rho = new Float64Array(n);
  rho[0] = 1;
  rho[1] = 1 - (meanVar - acov(1)) / varPlus;
  return geyerEss(rho, (t) => 1 - (meanVar - acov(t)) / varPlus, n, chains * n);
}

/** DIC from the deviance of each draw, D_s = −2 Σ_i log p(y_i | θ_s), and, if known, the deviance at the posterior mean. */
export function dic(ll: PointwiseLogLik, devianceAtMean?: number): DicResult {
  const deviance = new Float64Array(ll.draws);
  for (let s = 0; s < ll.draws; s++) {
    let sum = 0;
    for (let i = 0; i < ll.observations; i++) sum += ll.values[s * ll.observations + i]!;
    deviance[s] = -2 * sum;
  }
  let meanDeviance = 0;
  for (let s = 0; s < ll.draws; s++) meanDeviance += deviance[s]!;
  meanDeviance /= ll.draws;
  const pV = variance(deviance) / 2;
  const result: DicResult = { meanDeviance, pV, dicV: meanDeviance + pV };
  if (devianceAtMean !== undefined && Number.isFinite(devianceAtMean)) {
    result.pD = meanDeviance - devianceAtMean;
    result.dic = meanDeviance + result.pD;
  }
  return result;
}
