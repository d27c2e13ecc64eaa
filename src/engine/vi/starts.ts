import { CategoricalFactor } from './categoricalFactor';
import type { VariationalPlan } from './plan';

/**
 * Starts the factors from the graph's values, which the shared starts
 * (src/engine/starts) have set: every factor a point mass there, and the
 * discrete factors updated first in each sweep, so that their first
 * responsibilities come from the start's parameters (as EM's first E-step).
 */
export function startFactors(plan: VariationalPlan): void {
  for (const f of plan.factors) f.start();
  const discrete = plan.factors.filter((f) => f instanceof CategoricalFactor);
  plan.order = [...discrete, ...plan.factors.filter((f) => !(f instanceof CategoricalFactor))];
}
