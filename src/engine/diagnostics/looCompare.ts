/**
 * Models ranked by their expected log predictive density, as R's
 * `loo::loo_compare` ranks them: the best first, each other's elpd
 * difference from it and the standard error of that difference,
 * √(N · var_i(elpd_loo,i(m) − elpd_loo,i(best))), which counts that both
 * models predict the same observations (far smaller than the two SEs
 * combined when the models err on the same points).
 */

import type { ModelComparison } from '../output/runOutput';

export interface ComparedModel {
  name: string;
  comparison: ModelComparison;
}

export interface RankedModel {
  name: string;
  elpd_diff: number;
  se_diff: number;
  comparison: ModelComparison;
}

/** A problem with the models given, as a sentence; undefined when they can be compared. */
export function comparisonProblem(models: ComparedModel[]): string | undefined {
  if (models.length < 2) return 'Comparing needs two models or more.';
  const missing = models.find((m) => !m.comparison.elpd_loo_pointwise);
  if (missing) return `Model '${missing.name}' has no pointwise elpd (more than the observations a comparison keeps, or a run without loo).`;
  const [first] = models;
  const n = first!.comparison.observations;
  const other = models.find((m) => m.comparison.observations !== n);
  if (other) return `Models are compared on the same observations: '${first!.name}' has ${n} observed nodes, '${other.name}' has ${other.comparison.observations}.`;
  return undefined;
}

/** Best first (highest elpd_loo); throws with comparisonProblem's message when they cannot be compared. */
export function rankModels(models: ComparedModel[]): RankedModel[] {
  const problem = comparisonProblem(models);
  if (problem) throw new Error(problem);
  const sorted = [...models].sort((a, b) => b.comparison.elpd_loo.estimate - a.comparison.elpd_loo.estimate);
  const best = sorted[0]!.comparison.elpd_loo_pointwise!;
  return sorted.map(({ name, comparison }, rank) => {
    if (rank === 0) return { name, elpd_diff: 0, se_diff: 0, comparison };
    const pointwise = comparison.elpd_loo_pointwise!;
    const n = pointwise.length;
    let sum = 0;
    for (let i = 0; i < n; i++) sum += pointwise[i]! - best[i]!;
    const mean = sum / n;
    let squares = 0;
    for (let i = 0; i < n; i++) squares += (pointwise[i]! - best[i]! - mean) ** 2;
    return { name, elpd_diff: sum, se_diff: Math.sqrt(n * (squares / (n - 1))), comparison };
  });
}
