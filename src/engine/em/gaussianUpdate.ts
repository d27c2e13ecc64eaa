/**
 * The M-step of a full-covariance Gaussian mixture from the fused kernel's
 * statistics (centred at the previous means c_k): closed-form ML, or for MAP
 * the conditional modes in turn (ECM): the mean given the previous
 * covariance under a dmnorm prior, then the covariance given the new mean
 * under a dwish prior on the precision. reg_covar is added to each diagonal
 * afterwards, as scikit-learn does.
 */
import { choleskyInPlace, inverseFromCholesky, solveWithCholeskyInPlace } from '../math/linalg';
import { STAT_COUNTS } from './statsLayout';
import { isEmpty, updateWeights, type MStepEvent } from './mStep';
import type { GaussianFamily, GaussianParameters } from './types';

export interface GaussianUpdateSettings {
  regCovar: number;
  /** Present for MAP only. */
  weightsConcentration?: Float64Array;
  meanPrior?: GaussianFamily['meanPrior'];
  precisionPrior?: GaussianFamily['precisionPrior'];
}

/** Scratch for the M-step, allocated once per fit. */
export class GaussianUpdateScratch {
  readonly matrix: Float64Array;
  readonly factor: Float64Array;
  readonly precision: Float64Array;
  readonly vector: Float64Array;
  readonly column: Float64Array;
  readonly shift: Float64Array;

  constructor(d: number) {
    this.matrix = new Float64Array(d * d);
    this.factor = new Float64Array(d * d);
    this.precision = new Float64Array(d * d);
    this.vector = new Float64Array(d);
    this.column = new Float64Array(d);
    this.shift = new Float64Array(d);
  }
}

/**
 * Writes the new parameters into `next` from `stats` (centred at
 * `centres`, K×d), keeping `previous`'s values for empty components. Events
 * (empty components, covariances that needed a ridge) go to `events`.
 */
export function updateGaussian(
  stats: Float64Array,
  K: number,
  d: number,
  centres: Float64Array,
  previous: GaussianParameters,
  settings: GaussianUpdateSettings,
  next: GaussianParameters,
  scratch: GaussianUpdateScratch,
  events: MStepEvent[],
): void {
  const dd = d * d;
  const counts = stats.subarray(STAT_COUNTS, STAT_COUNTS + K);
  const firstAt = STAT_COUNTS + K;
  const secondAt = firstAt + K * d;
  updateWeights(counts, K, settings.weightsConcentration, next.weights);
  for (let k = 0; k < K; k++) {
    const nk = counts[k]!;
    const mean = next.means.subarray(k * d, (k + 1) * d);
    const covariance = next.covariances.subarray(k * dd, (k + 1) * dd);
    if (isEmpty(counts, K, k)) {
      mean.set(previous.means.subarray(k * d, (k + 1) * d));
      covariance.set(previous.covariances.subarray(k * dd, (k + 1) * dd));
      events.push({ kind: 'empty', component: k });
      continue;
    }
    const first = stats.subarray(firstAt + k * d, firstAt + (k + 1) * d);
    const centre = centres.subarray(k * d, (k + 1) * d);
    if (settings.meanPrior) meanMode(nk, first, centre, previous.covariances.subarray(k * dd, (k + 1) * dd), settings.meanPrior, d, scratch, mean);
    else for (let i = 0; i < d; i++) mean[i] = centre[i]! + first[i]! / nk;

    // Scatter about the new mean from moments about the centre c: with e = μ − c,
    // Σ r(x − μ)(x − μ)ᵀ = S2 − S1·eᵀ − e·S1ᵀ + n_k·e·eᵀ.
    const e = scratch.shift;
    for (let i = 0; i < d; i++) e[i] = mean[i]! - centre[i]!;
    const second = secondAt + k * dd;
    let denominator = nk;
    const wishart = settings.precisionPrior;
    if (wishart) denominator = nk + wishart.df - d - 1;
    if (!(denominator > 0)) {
      // The dwish mode does not exist for so few points; keep the covariance.
      covariance.set(previous.covariances.subarray(k * dd, (k + 1) * dd));
      events.push({ kind: 'empty', component: k });
      continue;
    }
    for (let i = 0; i < d; i++) {
      for (let j = 0; j <= i; j++) {
        let s = stats[second + i * d + j]! - first[i]! * e[j]! - e[i]! * first[j]! + nk * e[i]! * e[j]!;
        if (wishart) s += wishart.scale[i * d + j]!;
        s /= denominator;
        covariance[i * d + j] = s;
        covariance[j * d + i] = s;
      }
      covariance[i * d + i] += settings.regCovar;
    }
    makePositiveDefinite(covariance, d, k, settings.regCovar, scratch, events);
  }
}

/**
 * The mode of μ_k given Σ_k under μ ~ N(m0, T0⁻¹):
 * (n_k·Ω + T0)·μ = Ω·Σ_i r_i·x_i + T0·m0, with Σ_i r_i·x_i = S1 + n_k·c.
 */
function meanMode(
  nk: number,
  first: Float64Array,
  centre: Float64Array,
  covariance: Float64Array,
  prior: NonNullable<GaussianFamily['meanPrior']>,
  d: number,
  scratch: GaussianUpdateScratch,
  mean: Float64Array,
): void {
  const { factor, precision, matrix, vector, column } = scratch;
  factor.set(covariance);
  choleskyInPlace(factor, d); // positive definite: every stored covariance passed makePositiveDefinite
  inverseFromCholesky(factor, precision, d, column);
  for (let i = 0; i < d; i++) {
    let b = 0;
    for (let j = 0; j < d; j++) {
      b += precision[i * d + j]! * (first[j]! + nk * centre[j]!) + prior.precision[i * d + j]! * prior.mean[j]!;
      matrix[i * d + j] = nk * precision[i * d + j]! + prior.precision[i * d + j]!;
    }
    vector[i] = b;
  }
  choleskyInPlace(matrix, d);
  mean.set(vector);
  solveWithCholeskyInPlace(matrix, mean, d);
}

function smallestPivotSquared(factor: Float64Array, d: number): number {
  let least = Number.POSITIVE_INFINITY;
  for (let i = 0; i < d; i++) least = Math.min(least, factor[i * d + i]! * factor[i * d + i]!);
  return least;
}

/**
 * Leaves `covariance` positive definite: when its Cholesky factorisation
 * fails (a component on a lower-dimensional set, reg_covar = 0), adds a ridge
 * growing tenfold from max(reg_covar, 1e-10·scale) until it succeeds.
 */
export function makePositiveDefinite(covariance: Float64Array, d: number, k: number, regCovar: number, scratch: GaussianUpdateScratch, events: MStepEvent[]): void {
  const { factor } = scratch;
  factor.set(covariance);
  let scale = 0;
  for (let i = 0; i < d; i++) scale = Math.max(scale, Math.abs(covariance[i * d + i]!));
  // A factorisation that succeeds only on rounding (a pivot below 1e-12 of the largest variance) is singular too.
  if (choleskyInPlace(factor, d) && smallestPivotSquared(factor, d) >= 1e-12 * scale) return;
  if (!Number.isFinite(scale) || scale === 0) scale = 1;
  let ridge = Math.max(regCovar, 1e-10 * scale);
  for (;;) {
    factor.set(covariance);
    for (let i = 0; i < d; i++) factor[i * d + i] += ridge;
    if (choleskyInPlace(factor, d)) break;
    ridge *= 10;
    if (!Number.isFinite(ridge) || ridge > 1e12 * scale) {
      // Nothing finite left to repair (non-finite entries): fall back to a scaled identity.
      covariance.fill(0);
      for (let i = 0; i < d; i++) covariance[i * d + i] = scale;
      events.push({ kind: 'singular', component: k, ridge: Number.NaN });
      return;
    }
  }
  for (let i = 0; i < d; i++) covariance[i * d + i] += ridge;
  events.push({ kind: 'singular', component: k, ridge });
}
