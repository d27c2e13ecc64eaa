/**
 * Deterministic-annealing EM (Ueda & Nakano 1998): E-steps with the
 * posterior raised to β < 1 flatten the responsibilities, so that early
 * iterations see every component spread over all the data and the
 * components then separate as β rises to 1, instead of settling in the
 * local optimum nearest the start.
 *
 * At small β the components merge into one (every component at the same
 * fixed point); in floating point they can become exactly equal, and equal
 * components never separate again. After each β step the means (or
 * probabilities) therefore get a small seeded jitter, as deterministic
 * annealing does at its phase transitions (Rose 1998): a relative size of
 * 10⁻³ of each coordinate's spread is far below anything the data resolve,
 * and enough to let a split grow when β passes its critical value.
 */
import type { Random } from '../random/rng';
import { PROBABILITY_FLOOR } from './bernoulliKernel';
import type { AnnealingSchedule, MixtureParameters } from './types';

export const ANNEALING_JITTER = 1e-3;

/** The β values below 1, from betaStart growing geometrically; plain EM at β = 1 follows. */
export function annealingBetas(schedule: AnnealingSchedule | undefined): number[] {
  const betas: number[] = [];
  if (!schedule) return betas;
  const growth = schedule.growth ?? 1.5;
  for (let beta = schedule.betaStart ?? 0.1; beta < 1; beta *= growth) betas.push(beta);
  return betas;
}

/**
 * While β < 1 the Gaussian covariances stay at their starting values. Left
 * free, they absorb the temperature: with one merged component N(m, S) and
 * a split ±ε along an axis, a tempered E-step and full M-step give
 * ε' = β·ε·E[x²]/S = β·ε, so a split never grows for β < 1 (and only at
 * second order at β = 1) and annealing would end with merged components.
 * With the covariances held, the tempered kernel is N(x; μ, Σ/β) and merged
 * components split at the critical temperatures of deterministic annealing.
 */
export function holdShapes(previous: MixtureParameters, next: MixtureParameters): void {
  if (previous.kind === 'gaussian' && next.kind === 'gaussian') next.covariances.set(previous.covariances);
}

/** Moves each mean by ANNEALING_JITTER·sd·z per coordinate (each probability by ANNEALING_JITTER·p(1 − p)·z), z standard normal. */
export function jitter(p: MixtureParameters, K: number, d: number, random: Random): void {
  for (let k = 0; k < K; k++) {
    for (let j = 0; j < d; j++) {
      if (p.kind === 'gaussian') {
        p.means[k * d + j] += ANNEALING_JITTER * Math.sqrt(p.covariances[k * d * d + j * d + j]!) * random.normal();
      } else {
        const q = p.probabilities[k * d + j]!;
        const moved = q + ANNEALING_JITTER * q * (1 - q) * random.normal();
        p.probabilities[k * d + j] = Math.min(Math.max(moved, PROBABILITY_FLOOR), 1 - PROBABILITY_FLOOR);
      }
    }
  }
}
