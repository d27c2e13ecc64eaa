import { CategoricalFactor } from './categoricalFactor';
import type { VariationalPlan } from './plan';

/**
 * Starts the factors from the graph's values, which the shared starts
 * (src/engine/starts) have set: every factor a point mass there. When the
 * start imputed the latent nodes from the data (k-means++ labels), the
 * continuous factors update first, from those labels — the variational
 * M-step, with the posterior's spread, rather than the point M-step's
 * parameters. Otherwise (given values, prior draws) the discrete factors
 * update first, from the start's parameters, as EM's first E-step.
 */
export function startFactors(plan: VariationalPlan, latentsFirst: boolean): void {
  for (const f of plan.factors) f.start();
  const discrete = plan.factors.filter((f) => f instanceof CategoricalFactor);
  const continuous = plan.factors.filter((f) => !(f instanceof CategoricalFactor));
  plan.order = latentsFirst ? [...continuous, ...discrete] : [...discrete, ...continuous];
}
