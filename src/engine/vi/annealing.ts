import type { Random } from '../random/rng';
import { CategoricalFactor } from './categoricalFactor';
import { GammaFactor } from './scalarFactors';
import { WishartFactor } from './wishartFactor';
import type { Factor } from './factor';
import { coordinateAscent, type AscentOutcome, type AscentSettings } from './coordinateAscent';
import type { VariationalPlan } from './plan';

/** β's schedule, with the semantics of annealed EM's mixture kernel: β starts at `start`, is held until the tempered bound settles (at most STEP_SWEEPS sweeps), then multiplied by `growth`, until it reaches 1. */
export interface AnnealingSchedule {
  start: number;
  growth: number;
}

/**
 * Deterministic annealing for mean-field VI (Ueda & Nakano 1998; Katahira,
 * Watanabe & Okada 2008), as annealed EM tempers its E-step: each discrete
 * factor (the latent assignments) is set to q(z) ∝ exp(β·E[log p(z, rest)]),
 * the optimum of F_β = E_q[log p] + H[continuous factors] + H[q(z)]/β. At
 * small β the assignments are flat, every component sees all the data and
 * the components move together; as β rises they separate where the data
 * support it, rather than where the start put them.
 *
 * As annealed EM holds the covariances while β < 1 (em/annealing.ts), the
 * precision factors (gamma and Wishart) are held here: left free, a
 * precision absorbs the temperature — at small β it falls to the pooled
 * precision of all the data, the tempered kernel N(x; μ, 1/(βτ)) stays as
 * wide as the data, and the merged components never separate (they end at
 * the symmetric point). They stay at the start's values (point masses) while
 * β < 1, the annealing sweeps update every other factor, and from β = 1 on
 * the run is plain coordinate ascent. Each annealing sweep maximises F_β in
 * the factors it updates, so F_β never falls at fixed β. While the precisions
 * are point masses their entropy is −∞: the curve records, with each sweep's
 * β, the ELBO without it (the held factors' share is a constant then); in the
 * plain phase it is the ELBO, which never falls.
 *
 * Merged components can become exactly equal in floating point, and equal
 * components never separate: as annealed EM jitters its means, each tempered
 * assignment q(z) is moved by a seeded relative 10⁻³ (far below anything the
 * data resolve) before the continuous factors read it, so that a split can
 * grow when β passes its critical value.
 */
export const ASSIGNMENT_JITTER = 1e-3;

/** Sweeps at one β at most, and the relative change of the tempered bound F_β that ends a step sooner: near a critical β a split grows by a factor close to 1 per sweep, so one sweep per β is far too few. */
const STEP_SWEEPS = 100;
const STEP_TOLERANCE = 1e-7;
export function annealedAscent(
  plan: VariationalPlan,
  settings: AscentSettings,
  schedule: AnnealingSchedule,
  onSweep: (iteration: number, elbo: number, beta: number) => void,
  cancelled: () => boolean,
  random: Random,
): AscentOutcome & { betas: number[] } {
  const discrete = plan.factors.filter((f): f is CategoricalFactor => f instanceof CategoricalFactor);
  const isHeld = (f: Factor): boolean => f instanceof GammaFactor || f instanceof WishartFactor;
  const free = plan.order.filter((f) => !isHeld(f));
  const curve: number[] = [];
  const betas: number[] = [];
  let beta = Math.min(Math.max(schedule.start, 1e-6), 1);
  try {
    for (let atBeta = 0, previous = Number.NaN; beta < 1 && curve.length < settings.maxIterations; atBeta++) {
      if (cancelled()) return { elbo: curve.at(-1) ?? Number.NaN, curve, betas, iterations: curve.length, status: 'cancelled', decreases: [] };
      for (const f of discrete) f.temper(beta);
      for (const factor of free) {
        factor.update();
        if (factor instanceof CategoricalFactor) jitter(factor, random);
      }
      const held = boundWithHeld(plan, isHeld);
      curve.push(held);
      betas.push(beta);
      onSweep(curve.length, held, beta);
      let value = held;
      for (const f of discrete) value += (1 / beta - 1) * f.entropy();
      if (atBeta >= STEP_SWEEPS || Math.abs(value - previous) <= STEP_TOLERANCE * Math.abs(value)) {
        beta = Math.min(1, beta * schedule.growth);
        atBeta = 0;
        previous = Number.NaN;
      } else previous = value;
    }
  } finally {
    for (const f of discrete) f.temper(1);
  }
  const annealing = curve.length;
  const rest = coordinateAscent(plan, { ...settings, maxIterations: Math.max(settings.maxIterations - annealing, 1) }, (iteration, elbo) => onSweep(annealing + iteration, elbo, 1), cancelled);
  return {
    ...rest,
    curve: [...curve, ...rest.curve],
    betas: [...betas, ...rest.curve.map(() => 1)],
    iterations: annealing + rest.iterations,
    decreases: rest.decreases.map((d) => ({ ...d, iteration: d.iteration + annealing })),
  };
}

/** q(v) · (1 + ASSIGNMENT_JITTER·ε_v), ε standard normal, renormalised. */
function jitter(factor: CategoricalFactor, random: Random): void {
  const q = factor.probabilities;
  let total = 0;
  for (let v = 0; v < q.length; v++) total += q[v] = q[v]! * Math.max(0, 1 + ASSIGNMENT_JITTER * random.normal());
  if (total > 0) for (let v = 0; v < q.length; v++) q[v] = q[v]! / total;
}

/** The ELBO with the held factors' entropies left out (point masses while β < 1). */
function boundWithHeld(plan: VariationalPlan, isHeld: (f: Factor) => boolean): number {
  let total = 0;
  for (const term of plan.terms) total += term.expected();
  for (const factor of plan.factors) if (!isHeld(factor)) total += factor.entropy();
  return total;
}
