/**
 * What the EM driver needs to know about a component family besides its
 * kernel: packing parameters for the kernel, the M-step, the log prior,
 * parameter counting for BIC/AIC, and parameter buffers.
 */
import { packBernoulli } from './bernoulliKernel';
import { updateBernoulli } from './bernoulliUpdate';
import { packGaussian } from './gaussianKernel';
import { GaussianUpdateScratch, updateGaussian } from './gaussianUpdate';
import { logPrior, type PriorSpec } from './logPrior';
import type { MStepEvent } from './mStep';
import type { MixtureParameters, MixtureProblem } from './types';

export interface FamilyModel {
  K: number;
  d: number;
  /** Writes the kernel's parameters; returns a component whose parameters cannot be packed (covariance not positive definite), or −1. */
  pack(parameters: MixtureParameters, packed: Float64Array): number;
  /** The M-step from statistics gathered under `previous` (whose means are the statistics' centres). */
  update(stats: Float64Array, previous: MixtureParameters, next: MixtureParameters, events: MStepEvent[]): void;
  /** The M-step for statistics centred elsewhere (online EM keeps one fixed centre per component). */
  updateCentred(stats: Float64Array, centres: Float64Array, previous: MixtureParameters, next: MixtureParameters, events: MStepEvent[]): void;
  /** 0 for maximum likelihood. */
  logPrior(parameters: MixtureParameters): number;
  parameterCount: number;
  allocate(): MixtureParameters;
}

export interface FamilySettings {
  map: boolean;
  regCovar: number;
}

export function familyModel(problem: MixtureProblem, settings: FamilySettings): FamilyModel {
  const K = problem.components;
  const d = problem.columns;
  const family = problem.family;
  const weightsConcentration = settings.map ? problem.weightsPrior?.concentration : undefined;
  const prior: PriorSpec | undefined = settings.map ? { family, ...(weightsConcentration ? { weightsConcentration } : {}) } : undefined;
  const logPriorOf = (p: MixtureParameters): number => (prior ? logPrior(p, prior, K, d) : 0);
  if (family.kind === 'gaussian') {
    const scratch = new GaussianUpdateScratch(d);
    const updateSettings = {
      regCovar: settings.regCovar,
      ...(weightsConcentration ? { weightsConcentration } : {}),
      ...(settings.map && family.meanPrior ? { meanPrior: family.meanPrior } : {}),
      ...(settings.map && family.precisionPrior ? { precisionPrior: family.precisionPrior } : {}),
    };
    const updateCentred = (stats: Float64Array, centres: Float64Array, previous: MixtureParameters, next: MixtureParameters, events: MStepEvent[]): void => {
      if (previous.kind !== 'gaussian' || next.kind !== 'gaussian') throw new Error('Gaussian parameters expected');
      updateGaussian(stats, K, d, centres, previous, updateSettings, next, scratch, events);
    };
    return {
      K,
      d,
      pack: (p, packed) => {
        if (p.kind !== 'gaussian') throw new Error('Gaussian parameters expected');
        return packGaussian(p.weights, p.means, p.covariances, K, d, packed);
      },
      update: (stats, previous, next, events) => {
        if (previous.kind !== 'gaussian') throw new Error('Gaussian parameters expected');
        updateCentred(stats, previous.means, previous, next, events);
      },
      updateCentred,
      logPrior: logPriorOf,
      parameterCount: K - 1 + K * d + (K * d * (d + 1)) / 2,
      allocate: () => ({ kind: 'gaussian', weights: new Float64Array(K), means: new Float64Array(K * d), covariances: new Float64Array(K * d * d) }),
    };
  }
  const updateSettings = {
    ...(weightsConcentration ? { weightsConcentration } : {}),
    ...(settings.map && family.probabilityPrior ? { probabilityPrior: family.probabilityPrior } : {}),
  };
  const update = (stats: Float64Array, previous: MixtureParameters, next: MixtureParameters, events: MStepEvent[]): void => {
    if (previous.kind !== 'bernoulli' || next.kind !== 'bernoulli') throw new Error('Bernoulli parameters expected');
    updateBernoulli(stats, K, d, previous, updateSettings, next, events);
  };
  return {
    K,
    d,
    pack: (p, packed) => {
      if (p.kind !== 'bernoulli') throw new Error('Bernoulli parameters expected');
      packBernoulli(p.weights, p.probabilities, K, d, packed);
      return -1;
    },
    update,
    updateCentred: (stats, _centres, previous, next, events) => update(stats, previous, next, events),
    logPrior: logPriorOf,
    parameterCount: K - 1 + K * d,
    allocate: () => ({ kind: 'bernoulli', weights: new Float64Array(K), probabilities: new Float64Array(K * d) }),
  };
}

export function copyParameters(source: MixtureParameters, target: MixtureParameters): void {
  target.weights.set(source.weights);
  if (source.kind === 'gaussian' && target.kind === 'gaussian') {
    target.means.set(source.means);
    target.covariances.set(source.covariances);
  } else if (source.kind === 'bernoulli' && target.kind === 'bernoulli') {
    target.probabilities.set(source.probabilities);
  }
}

export function cloneParameters(p: MixtureParameters): MixtureParameters {
  return p.kind === 'gaussian'
    ? { kind: 'gaussian', weights: Float64Array.from(p.weights), means: Float64Array.from(p.means), covariances: Float64Array.from(p.covariances) }
    : { kind: 'bernoulli', weights: Float64Array.from(p.weights), probabilities: Float64Array.from(p.probabilities) };
}
