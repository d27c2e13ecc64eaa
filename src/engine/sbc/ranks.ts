import gammainc from '@stdlib/math-base-special-gammainc';
import type { Random } from '../random/rng';

/**
 * Ranks and their uniformity test, after Talts et al. (2018), "Validating
 * Bayesian inference algorithms with simulation-based calibration": when the
 * true value is drawn from the prior, the data from the model and the L
 * draws exactly from the posterior, the number of draws below the true value
 * is uniform on {0, …, L}.
 */

/**
 * The rank of a true value given how many of the L draws lie below it and how
 * many equal it. Ties (discrete nodes, or a sampler that did not move) are
 * broken at random: the true value takes any of the ties + 1 positions among
 * its equals with equal probability, which keeps the rank uniform under the
 * null hypothesis.
 */
export function randomizedRank(below: number, ties: number, random: Random): number {
  if (ties === 0) return below;
  return below + Math.min(ties, Math.floor(random.uniform() * (ties + 1)));
}

/** The bin of a rank in 0..draws when the draws + 1 possible ranks are cut into `bins` bins of (nearly) equal width. */
export function rankBin(rank: number, draws: number, bins: number): number {
  return Math.floor((rank * bins) / (draws + 1));
}

/** The probability of each bin under uniform ranks: its share of the draws + 1 possible ranks. */
export function binProbabilities(draws: number, bins: number): number[] {
  const widths = new Array<number>(bins).fill(0);
  for (let r = 0; r <= draws; r++) widths[rankBin(r, draws, bins)]!++;
  return widths.map((w) => w / (draws + 1));
}

export interface UniformityTest {
  /** Pearson's χ² statistic Σ (observed − expected)² / expected. */
  statistic: number;
  degreesOfFreedom: number;
  /** P(χ²_df ≥ statistic): the regularized upper incomplete gamma Q(df/2, statistic/2). */
  pValue: number;
}

/** Pearson's χ² test of a rank histogram against the uniform ranks' bin probabilities. */
export function uniformityTest(counts: ArrayLike<number>, probabilities: number[]): UniformityTest {
  let total = 0;
  for (let b = 0; b < counts.length; b++) total += counts[b]!;
  let statistic = 0;
  for (let b = 0; b < counts.length; b++) {
    const expected = total * probabilities[b]!;
    statistic += (counts[b]! - expected) ** 2 / expected;
  }
  const degreesOfFreedom = counts.length - 1;
  const pValue = total === 0 || degreesOfFreedom === 0 ? 1 : gammainc(statistic / 2, degreesOfFreedom / 2, true, true);
  return { statistic, degreesOfFreedom, pValue };
}
