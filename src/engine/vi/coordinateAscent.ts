import type { VariationalPlan } from './plan';

/** A decrease of the bound larger than this (relative) is reported: each update maximises it exactly, so only rounding may lower it. */
export const DECREASE_TOLERANCE = 1e-9;

export interface AscentSettings {
  /** Relative: stop when |ΔELBO| ≤ tolerance·|ELBO|. */
  tolerance: number;
  maxIterations: number;
}

export interface AscentOutcome {
  elbo: number;
  /** The bound after each sweep. */
  curve: number[];
  iterations: number;
  status: 'converged' | 'max-iterations' | 'cancelled';
  /** Sweeps after which the bound fell by more than DECREASE_TOLERANCE (relative): a diagnostic, never expected. */
  decreases: Array<{ iteration: number; from: number; to: number }>;
}

/**
 * The evidence lower bound Σ_nodes E_q[log p(node | parents)] + Σ_factors H[q_f],
 * exact at the current factors (every expectation is in closed form).
 */
export function evidenceLowerBound(plan: VariationalPlan): number {
  let total = 0;
  for (const term of plan.terms) total += term.expected();
  for (const factor of plan.factors) total += factor.entropy();
  return total;
}

/** Each node's share of the bound: its term, and the entropy of the factor it heads (a block's under its first member). */
export function boundContributions(plan: VariationalPlan): Array<{ name: string; expectedLogDensity: number; entropy: number }> {
  const entropyOf = new Map(plan.factors.map((f) => [f.nodes[0]!, f.entropy()]));
  return plan.terms.map((t) => ({ name: t.node.name, expectedLogDensity: t.expected(), entropy: entropyOf.get(t.node) ?? 0 }));
}

/**
 * Coordinate ascent on the bound (Bishop, PRML §10.1.1; Winn & Bishop's VMP):
 * each sweep updates every factor once, in the plan's update order, to its optimum
 * given the others; the bound is evaluated after each sweep.
 */
export function coordinateAscent(
  plan: VariationalPlan,
  settings: AscentSettings,
  onSweep: (iteration: number, elbo: number) => void,
  cancelled: () => boolean,
): AscentOutcome {
  const curve: number[] = [];
  const decreases: AscentOutcome['decreases'] = [];
  let previous = Number.NaN;
  for (let iteration = 1; iteration <= settings.maxIterations; iteration++) {
    if (cancelled()) return { elbo: previous, curve, iterations: iteration - 1, status: 'cancelled', decreases };
    for (const factor of plan.order) factor.update();
    const elbo = evidenceLowerBound(plan);
    curve.push(elbo);
    onSweep(iteration, elbo);
    if (!Number.isNaN(previous)) {
      const scale = Math.max(Math.abs(elbo), Math.abs(previous), 1e-300);
      if (previous - elbo > DECREASE_TOLERANCE * scale) decreases.push({ iteration, from: previous, to: elbo });
      if (Math.abs(elbo - previous) <= settings.tolerance * scale) return { elbo, curve, iterations: iteration, status: 'converged', decreases };
    }
    previous = elbo;
  }
  return { elbo: previous, curve, iterations: settings.maxIterations, status: 'max-iterations', decreases };
}
