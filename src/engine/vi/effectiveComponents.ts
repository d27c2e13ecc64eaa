/**
 * How many components of a mixture hold data under q. In variational Bayes a
 * surplus component is emptied (its expected rows fall to 0 and its factors
 * return to the prior; Bishop PRML §10.2.4): a legitimate answer that says
 * how many components the data support, as scikit-learn's
 * BayesianGaussianMixture reports them by weight — not a failure, and not a
 * symmetric point. Counted as the VI checks for symmetry count them: a
 * component holds data when its expected rows reach one.
 */
import type { EffectiveComponents } from '../output/fitOutput';

export function effectiveComponents(variable: string, expectedRows: ArrayLike<number>): EffectiveComponents {
  const rows = Array.from(expectedRows);
  const emptied = rows.flatMap((n, k) => (n < 1 ? [k + 1] : []));
  return { variable, components: rows.length, effective: rows.length - emptied.length, emptied, expectedRows: rows };
}

/** One line for the output: nothing to say when every component holds data. */
export function effectiveComponentsMessage(e: EffectiveComponents): string | undefined {
  if (!e.emptied.length) return undefined;
  const which = e.emptied.length === 1 ? `component ${e.emptied[0]} holds` : `components ${e.emptied.join(', ')} hold`;
  const largest = Math.max(...e.emptied.map((k) => e.expectedRows[k - 1]!));
  const rows = largest < 0.005 ? 'none of the rows' : `at most ${(Math.floor(largest * 100) / 100).toFixed(2)} expected rows`;
  return `${e.effective} of ${e.components} components of ${e.variable} hold data: ${which} less than one row (${rows}) and stay at the prior — VI's way of dropping surplus components, not a failure.`;
}
