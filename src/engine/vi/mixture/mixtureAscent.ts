/**
 * Batch mean-field VI for a Gaussian mixture on the fused kernels: each
 * iteration is one E-step pass of EM's kernel under the expected parameters
 * (the responsibilities, on this thread or across the E-step workers), then
 * the global factors in BayesPy's order w, μ, Ω from the summed statistics,
 * then the exact ELBO — the same sweep, and the same bound, as the generic
 * coordinate ascent over the unrolled graph (coordinateAscent.ts), in a few
 * passes over flat arrays.
 */
import type { EStepRunner } from '../../em/estep';
import { NO_OUTPUTS } from '../../em/rows';
import { STAT_COUNTS } from '../../em/statsLayout';
import type { GaussianParameters } from '../../em/types';
import { choleskyInPlace, inverseFromCholesky } from '../../math/linalg';
import { DECREASE_TOLERANCE, type AscentOutcome, type AscentSettings } from '../coordinateAscent';
import type { MixtureFactors } from './mixtureFactors';

/** The bound's parts after a sweep, by the model's variables. */
export interface MixtureBound {
  elbo: number;
  /** E[log p(z | w)] + H[q(z)], and H[q(z)] alone. */
  z: number;
  entropy: number;
  /** E[log p(x | z, μ, Ω)]. */
  x: number;
  weights: number;
  means: number;
  precisions: number;
}

export interface MixtureAscentOutcome extends AscentOutcome {
  bound: MixtureBound;
}

/** Buffers of one fit, made once and reused by every start. */
export class MixtureWorkspace {
  readonly packed: Float64Array;
  readonly stats: Float64Array;
  readonly scatter: Float64Array;

  constructor(
    readonly runner: EStepRunner,
    K: number,
    d: number,
  ) {
    this.packed = new Float64Array(runner.packedLength);
    this.stats = new Float64Array(runner.statsLength);
    this.scatter = new Float64Array(K * d * d);
  }
}

/**
 * Starts the factors as point masses at `start` (weights, means, covariances;
 * Ω = Σ⁻¹). With `fromLabels` (a k-means++ start, whose parameters are the
 * moments of hard labels) the global factors then take one update from those
 * labels' statistics, so the first E-step sees factors with their spread, as
 * the generic path's start from imputed labels does.
 */
export function startMixtureFactors(factors: MixtureFactors, start: GaussianParameters, rows: number, fromLabels: boolean, ws: { stats: Float64Array; scatter: Float64Array }): number {
  const { K, d, dd } = factors;
  const precisions = new Float64Array(K * dd);
  const factor = new Float64Array(dd);
  const column = new Float64Array(d);
  for (let k = 0; k < K; k++) {
    factor.set(start.covariances.subarray(k * dd, (k + 1) * dd));
    if (!choleskyInPlace(factor, d)) return k;
    inverseFromCholesky(factor, precisions.subarray(k * dd, (k + 1) * dd), d, column);
  }
  const bad = factors.startAt(start.weights, start.means, precisions);
  if (bad >= 0 || !fromLabels) return bad;
  // The labels' statistics about their own means: N_k, 0, N_k·Σ_k.
  const { stats, scatter } = ws;
  stats.fill(0);
  const secondAt = STAT_COUNTS + K + K * d;
  for (let k = 0; k < K; k++) {
    const n = rows * start.weights[k]!;
    stats[STAT_COUNTS + k] = n;
    for (let i = 0; i < d; i++) for (let j = 0; j <= i; j++) stats[secondAt + k * dd + i * d + j] = n * start.covariances[k * dd + i * d + j]!;
  }
  factors.update(stats, 1, 1, scatter);
  return -1;
}

/** One sweep: the E-step under the current factors, every global factor's update, and the exact bound after it. */
export async function mixtureSweep(factors: MixtureFactors, ws: MixtureWorkspace): Promise<MixtureBound> {
  const { packed, stats, scatter, runner } = ws;
  factors.pack(packed);
  await runner.run(packed, 1, stats, NO_OUTPUTS);
  const entropy = factors.responsibilityEntropy(stats, packed);
  factors.update(stats, 1, 1, scatter);
  const data = factors.dataTerms(stats, scatter);
  const global = factors.globalTerms();
  const z = data.z + entropy;
  return { elbo: z + data.x + global.weights + global.means + global.precisions, z, entropy, x: data.x, ...global };
}

/** Coordinate ascent to relative tolerance, as coordinateAscent.ts (same stopping rule, same decrease check). */
export async function ascendMixture(
  factors: MixtureFactors,
  ws: MixtureWorkspace,
  settings: AscentSettings,
  onSweep: (iteration: number, elbo: number) => void,
  cancelled: () => boolean,
): Promise<MixtureAscentOutcome> {
  const curve: number[] = [];
  const decreases: AscentOutcome['decreases'] = [];
  let previous = Number.NaN;
  let bound: MixtureBound = { elbo: Number.NaN, z: Number.NaN, entropy: Number.NaN, x: Number.NaN, weights: Number.NaN, means: Number.NaN, precisions: Number.NaN };
  for (let iteration = 1; iteration <= settings.maxIterations; iteration++) {
    if (cancelled()) return { elbo: previous, curve, iterations: iteration - 1, status: 'cancelled', decreases, bound };
    bound = await mixtureSweep(factors, ws);
    const { elbo } = bound;
    curve.push(elbo);
    onSweep(iteration, elbo);
    if (!Number.isNaN(previous)) {
      const scale = Math.max(Math.abs(elbo), Math.abs(previous), 1e-300);
      if (previous - elbo > DECREASE_TOLERANCE * scale) decreases.push({ iteration, from: previous, to: elbo });
      if (Math.abs(elbo - previous) <= settings.tolerance * scale) return { elbo, curve, iterations: iteration, status: 'converged', decreases, bound };
    }
    previous = elbo;
  }
  return { elbo: previous, curve, iterations: settings.maxIterations, status: 'max-iterations', decreases, bound };
}
