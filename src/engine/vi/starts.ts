import { startResponsibilities } from '../em/initialise';
import type { ModelGraph } from '../model/graph';
import type { Random } from '../random/rng';
import { CategoricalFactor } from './categoricalFactor';
import type { VariationalPlan } from './plan';

/**
 * Where a VI run starts. The continuous factors start as point masses at
 * the model's values (the inits, the priors' typical values or prior draws);
 * the discrete nodes of a mixture start from responsibilities — k-means++
 * hard labels on the data they explain, or random ones — so that the
 * exchangeable components never start at one common value (a fixed point).
 * With given values, the discrete factors are updated first in each sweep.
 * Kept apart so that EM's shared starts can replace it.
 * Returns how the discrete nodes started, for the output.
 */
export function startFactors(plan: VariationalPlan, init: 'kmeans++' | 'random' | 'given', random: Random): string {
  for (const f of plan.factors) f.start();
  const discrete = plan.factors.filter((f) => f instanceof CategoricalFactor);
  // Given values start the continuous factors: the discrete ones are updated first from them. Otherwise the discrete nodes' start drives the first sweep.
  plan.order = init === 'given' ? [...discrete, ...plan.factors.filter((f) => !(f instanceof CategoricalFactor))] : plan.factors;
  if (init === 'given') return discrete.length ? 'given values (the discrete nodes updated first)' : '';
  const groups = new Map<number, CategoricalFactor[]>();
  for (const f of plan.factors) {
    if (!(f instanceof CategoricalFactor)) continue;
    const K = f.values.length;
    const list = groups.get(K);
    if (list) list.push(f);
    else groups.set(K, [f]);
  }
  let how = '';
  for (const [K, factors] of groups) {
    if (factors.length < 2) continue;
    const features = init === 'kmeans++' ? featuresOf(plan.graph, factors) : undefined;
    const rows = factors.length;
    const d = features ? features.length / rows : 1;
    const r = startResponsibilities(features ?? new Float64Array(rows), rows, d, K, features ? 'kmeans++' : 'random', random);
    factors.forEach((f, i) => f.startFrom(r.subarray(i * K, (i + 1) * K)));
    how = features ? 'k-means++ on the data the discrete nodes explain' : 'random responsibilities';
  }
  return how || (groups.size ? 'the model\'s initial values' : '');
}

/** Each discrete node's observed continuous children's values, one row per node, when every row has the same length; else undefined. */
function featuresOf(graph: ModelGraph, factors: CategoricalFactor[]): Float64Array | undefined {
  const rows = factors.map((f) => f.node.children.map((id) => graph.stochastic[id]!).filter((c) => c.observed && !c.distribution.discrete).flatMap((c) => Array.from(c.offsets, (o) => c.variable.values[o]!)));
  const d = rows[0]!.length;
  if (d === 0 || rows.some((r) => r.length !== d)) return undefined;
  return Float64Array.from(rows.flat());
}
