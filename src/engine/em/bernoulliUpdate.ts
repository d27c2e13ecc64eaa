/**
 * The M-step of a Bernoulli mixture: p_kj = Σ r·x_j / Σ r (ML), or the
 * dbeta(a, b) posterior mode (Σ r·x_j + a − 1)/(Σ r + a + b − 2) (MAP),
 * kept inside [ε, 1 − ε] (see PROBABILITY_FLOOR).
 */
import { PROBABILITY_FLOOR } from './bernoulliKernel';
import { isEmpty, updateWeights, type MStepEvent } from './mStep';
import { STAT_COUNTS } from './statsLayout';
import type { BernoulliFamily, BernoulliParameters } from './types';

export interface BernoulliUpdateSettings {
  /** Present for MAP only. */
  weightsConcentration?: Float64Array;
  probabilityPrior?: BernoulliFamily['probabilityPrior'];
}

export function updateBernoulli(
  stats: Float64Array,
  K: number,
  d: number,
  previous: BernoulliParameters,
  settings: BernoulliUpdateSettings,
  next: BernoulliParameters,
  events: MStepEvent[],
): void {
  const counts = stats.subarray(STAT_COUNTS, STAT_COUNTS + K);
  const firstAt = STAT_COUNTS + K;
  updateWeights(counts, K, settings.weightsConcentration, next.weights);
  const a = settings.probabilityPrior ? settings.probabilityPrior.a - 1 : 0;
  const b = settings.probabilityPrior ? settings.probabilityPrior.b - 1 : 0;
  for (let k = 0; k < K; k++) {
    const denominator = counts[k]! + a + b;
    if (isEmpty(counts, K, k) || !(denominator > 0)) {
      next.probabilities.set(previous.probabilities.subarray(k * d, (k + 1) * d), k * d);
      events.push({ kind: 'empty', component: k });
      continue;
    }
    for (let j = 0; j < d; j++) {
      const p = (stats[firstAt + k * d + j]! + a) / denominator;
      next.probabilities[k * d + j] = Math.min(Math.max(p, PROBABILITY_FLOOR), 1 - PROBABILITY_FLOOR);
    }
  }
}
