/**
 * Starting parameters for EM: given values, random responsibilities (as
 * scikit-learn's init_params='random': uniform weights per row, normalised,
 * then an M-step), or greedy k-means++ seeding (Arthur & Vassilvitskii 2007:
 * each new centre drawn with probability ∝ squared distance to the nearest
 * centre so far, best of a few draws) followed by one hard assignment, as
 * scikit-learn's init_params='k-means++'.
 * Missing values count as their column's mean here (the start only).
 */
import type { Random } from '../random/rng';
import { PROBABILITY_FLOOR } from './bernoulliKernel';
import { cloneParameters } from './family';
import { GaussianUpdateScratch, makePositiveDefinite } from './gaussianUpdate';
import type { MStepEvent } from './mStep';
import type { MixtureParameters, MixtureProblem } from './types';

/** The data with each missing value replaced by its column's observed mean, as a value lookup. */
class ImputedData {
  readonly columnMeans: Float64Array;

  constructor(
    readonly data: Float64Array,
    readonly rows: number,
    readonly d: number,
  ) {
    this.columnMeans = new Float64Array(d);
    const counts = new Float64Array(d);
    for (let i = 0; i < rows; i++) {
      for (let j = 0; j < d; j++) {
        const v = data[i * d + j]!;
        if (!Number.isNaN(v)) {
          this.columnMeans[j] += v;
          counts[j]++;
        }
      }
    }
    for (let j = 0; j < d; j++) this.columnMeans[j] = counts[j]! > 0 ? this.columnMeans[j]! / counts[j]! : 0;
  }

  at(i: number, j: number): number {
    const v = this.data[i * this.d + j]!;
    return Number.isNaN(v) ? this.columnMeans[j]! : v;
  }
}

export function initialParameters(problem: MixtureProblem, init: 'kmeans++' | 'random', regCovar: number, random: Random, events: MStepEvent[]): MixtureParameters {
  const K = problem.components;
  const x = new ImputedData(problem.data, problem.rows, problem.columns);
  const weight = init === 'random' ? randomResponsibilities(problem.rows, K, random) : kMeansPlusPlusLabels(x, K, random);
  return fromResponsibilities(problem, x, K, weight, regCovar, init === 'kmeans++', events);
}

/**
 * Hard k-means++ responsibilities (rows × K, row-major) of a data matrix whose
 * missing values are NaN: the mixture kernels' start, shared with the
 * generic starts of any model with a latent component index (starts/).
 */
export function kMeansPlusPlusResponsibilities(data: Float64Array, rows: number, d: number, K: number, random: Random): Float64Array {
  return kMeansPlusPlusLabels(new ImputedData(data, rows, d), K, random);
}

/** Given starting values, with the weights renormalised. */
export function givenParameters(p: MixtureParameters): MixtureParameters {
  const copy = cloneParameters(p);
  let total = 0;
  for (const w of copy.weights) total += w;
  for (let k = 0; k < copy.weights.length; k++) copy.weights[k] = copy.weights[k]! / total;
  return copy;
}

/** (row, component) → weight; rows × K values. */
type Responsibility = Float64Array;

function randomResponsibilities(rows: number, K: number, random: Random): Responsibility {
  const r = new Float64Array(rows * K);
  for (let i = 0; i < rows; i++) {
    let s = 0;
    for (let k = 0; k < K; k++) s += r[i * K + k] = random.uniform();
    for (let k = 0; k < K; k++) r[i * K + k] = r[i * K + k]! / s;
  }
  return r;
}

function kMeansPlusPlusLabels(x: ImputedData, K: number, random: Random): Responsibility {
  const { rows, d } = x;
  const centres = new Float64Array(K * d);
  const nearest = new Float64Array(rows).fill(Number.POSITIVE_INFINITY);
  const candidateDistances = new Float64Array(rows);
  const bestDistances = new Float64Array(rows);
  // Greedy k-means++ (as scikit-learn): 2 + ⌊ln K⌋ candidates per centre, keeping the one that lowers the potential most.
  const trials = 2 + Math.floor(Math.log(K));
  const squaredDistance = (i: number, row: number): number => {
    let s = 0;
    for (let j = 0; j < d; j++) {
      const e = x.at(i, j) - x.at(row, j);
      s += e * e;
    }
    return s;
  };
  let chosen = Math.min(rows - 1, Math.floor(random.uniform() * rows));
  for (let i = 0; i < rows; i++) nearest[i] = squaredDistance(i, chosen);
  for (let j = 0; j < d; j++) centres[j] = x.at(chosen, j);
  for (let c = 1; c < K; c++) {
    let total = 0;
    for (let i = 0; i < rows; i++) total += nearest[i]!;
    let bestPotential = Number.POSITIVE_INFINITY;
    for (let t = 0; t < trials; t++) {
      const candidate = total > 0 ? drawProportional(nearest, total, random) : Math.min(rows - 1, Math.floor(random.uniform() * rows));
      let potential = 0;
      for (let i = 0; i < rows; i++) {
        const v = Math.min(nearest[i]!, squaredDistance(i, candidate));
        candidateDistances[i] = v;
        potential += v;
      }
      if (potential < bestPotential) {
        bestPotential = potential;
        chosen = candidate;
        bestDistances.set(candidateDistances);
      }
    }
    nearest.set(bestDistances);
    for (let j = 0; j < d; j++) centres[c * d + j] = x.at(chosen, j);
  }
  const r = new Float64Array(rows * K);
  for (let i = 0; i < rows; i++) {
    let best = 0;
    let bestDistance = Number.POSITIVE_INFINITY;
    for (let c = 0; c < K; c++) {
      let s = 0;
      for (let j = 0; j < d; j++) {
        const e = x.at(i, j) - centres[c * d + j]!;
        s += e * e;
      }
      if (s < bestDistance) {
        bestDistance = s;
        best = c;
      }
    }
    r[i * K + best] = 1;
  }
  // A centre that won no row (duplicate points) keeps its seed as its mean through a tiny share of its seed row.
  for (let c = 0; c < K; c++) {
    let owned = false;
    for (let i = 0; i < rows && !owned; i++) owned = r[i * K + c] === 1;
    if (!owned) {
      const seed = nearestRow(x, centres.subarray(c * d, (c + 1) * d));
      r[seed * K + c] = 1e-3;
    }
  }
  return r;
}

/** A row drawn with probability ∝ weights[i] (weights sum to total > 0). */
function drawProportional(weights: Float64Array, total: number, random: Random): number {
  let u = random.uniform() * total;
  let last = 0;
  for (let i = 0; i < weights.length; i++) {
    if (weights[i]! <= 0) continue;
    last = i;
    u -= weights[i]!;
    if (u <= 0) return i;
  }
  return last;
}

function nearestRow(x: ImputedData, centre: Float64Array): number {
  let best = 0;
  let bestDistance = Number.POSITIVE_INFINITY;
  for (let i = 0; i < x.rows; i++) {
    let s = 0;
    for (let j = 0; j < x.d; j++) s += (x.at(i, j) - centre[j]!) ** 2;
    if (s < bestDistance) {
      bestDistance = s;
      best = i;
    }
  }
  return best;
}

/**
 * An M-step from explicit responsibilities. After a hard assignment
 * (`hard`), a cluster of at most d rows cannot define a covariance; it
 * starts with the covariance of all the data instead, and probabilities are
 * smoothed as (Σx + 1)/(n_k + 2) so that no start is certain.
 */
function fromResponsibilities(problem: MixtureProblem, x: ImputedData, K: number, r: Responsibility, regCovar: number, hard: boolean, events: MStepEvent[]): MixtureParameters {
  const { rows, d } = x;
  const counts = new Float64Array(K);
  const sums = new Float64Array(K * d);
  for (let i = 0; i < rows; i++) {
    for (let k = 0; k < K; k++) {
      const w = r[i * K + k]!;
      if (w === 0) continue;
      counts[k] += w;
      for (let j = 0; j < d; j++) sums[k * d + j] += w * x.at(i, j);
    }
  }
  let total = 0;
  for (let k = 0; k < K; k++) total += counts[k]!;
  const weights = counts.map((c) => c / total);
  if (problem.family.kind === 'bernoulli') {
    const probabilities = new Float64Array(K * d);
    for (let k = 0; k < K; k++) {
      for (let j = 0; j < d; j++) {
        const p = hard ? (sums[k * d + j]! + 1) / (counts[k]! + 2) : sums[k * d + j]! / counts[k]!;
        probabilities[k * d + j] = Math.min(Math.max(p, PROBABILITY_FLOOR), 1 - PROBABILITY_FLOOR);
      }
    }
    return { kind: 'bernoulli', weights, probabilities };
  }
  const means = new Float64Array(K * d);
  for (let k = 0; k < K; k++) for (let j = 0; j < d; j++) means[k * d + j] = sums[k * d + j]! / counts[k]!;
  const covariances = new Float64Array(K * d * d);
  for (let i = 0; i < rows; i++) {
    for (let k = 0; k < K; k++) {
      const w = r[i * K + k]!;
      if (w === 0) continue;
      for (let a = 0; a < d; a++) {
        const ea = x.at(i, a) - means[k * d + a]!;
        for (let b = 0; b <= a; b++) covariances[k * d * d + a * d + b] += w * ea * (x.at(i, b) - means[k * d + b]!);
      }
    }
  }
  const overall = hard ? dataCovariance(x) : undefined;
  const scratch = new GaussianUpdateScratch(d);
  for (let k = 0; k < K; k++) {
    const c = covariances.subarray(k * d * d, (k + 1) * d * d);
    if (overall && counts[k]! <= d) c.set(overall);
    else {
      for (let a = 0; a < d; a++) {
        for (let b = 0; b <= a; b++) {
          c[a * d + b] = c[a * d + b]! / counts[k]!;
          c[b * d + a] = c[a * d + b]!;
        }
      }
    }
    for (let a = 0; a < d; a++) c[a * d + a] += regCovar;
    makePositiveDefinite(c, d, k, regCovar, scratch, events);
  }
  return { kind: 'gaussian', weights, means, covariances };
}

function dataCovariance(x: ImputedData): Float64Array {
  const { rows, d, columnMeans } = x;
  const c = new Float64Array(d * d);
  for (let i = 0; i < rows; i++) {
    for (let a = 0; a < d; a++) {
      const ea = x.at(i, a) - columnMeans[a]!;
      for (let b = 0; b < d; b++) c[a * d + b] += (ea * (x.at(i, b) - columnMeans[b]!)) / rows;
    }
  }
  return c;
}
