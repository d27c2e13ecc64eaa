import { currentParameters, elementName, type StochasticNode } from '../model/graph';
import type { FitDiagnostic } from '../output/fitOutput';

/**
 * Degenerate answers a fit can reach and must not call converged: a scale
 * parameter (a variance or precision: positive support) that moved more
 * than ten orders of magnitude from its start or underflowed — a collapse
 * onto a few equal values, where the likelihood is unbounded; a probability
 * on 0 or 1 (a warning: it is also the maximum of a column that is all 0 or
 * all 1 in a component); an objective that grows without bound (+∞, or
 * gains that do not shrink at the iteration limit).
 */
export function findDegeneracies(parameters: StochasticNode[], start: Map<StochasticNode, Float64Array>, objective: number[], atLimit: boolean): FitDiagnostic[] {
  const found: FitDiagnostic[] = [];
  const collapsed: string[] = [];
  const boundary: string[] = [];
  for (const node of parameters) {
    const [lower, upper] = node.distribution.multivariate ? [Number.NaN, Number.NaN] : node.distribution.bounds(currentParameters(node));
    const first = start.get(node);
    node.offsets.forEach((o, k) => {
      const x = node.variable.values[o]!;
      const name = elementName(node.variable, o);
      if (lower === 0 && upper === Number.POSITIVE_INFINITY && !node.distribution.discrete) {
        const ratio = first && first[k]! > 0 ? x / first[k]! : 1;
        if (x < 1e-200 || ratio < 1e-10 || ratio > 1e10) collapsed.push(name);
      }
      if ((lower === 0 && upper === 1) || node.distribution.name === 'ddirch') {
        if (x <= 1e-12 || x >= 1 - 1e-12) boundary.push(name);
      }
    });
  }
  if (collapsed.length) {
    found.push({
      kind: 'collapsed-scale',
      message: `${list(collapsed)} collapsed (moved more than 10 orders of magnitude from the start, or to 0): the likelihood is unbounded there, so this is not an estimate. Give it a proper prior and fit by MAP, make it latent, or use fewer components.`,
      nodes: collapsed,
    });
  }
  if (boundary.length) {
    found.push({
      kind: 'boundary-probability',
      message: `${list(boundary)} ended on 0 or 1, the edge of its support; with maximum likelihood this follows from a start or a component that sees only one value. A Beta or Dirichlet prior with parameters above 1 (MAP) keeps it inside.`,
      nodes: boundary,
    });
  }
  const last = objective.at(-1) ?? Number.NaN;
  const gains = objective.slice(-6).map((v, i, a) => (i ? v - a[i - 1]! : Number.NaN)).slice(1);
  const growing = atLimit && gains.length === 5 && gains.every((g, i) => g > 1e-3 && (i === 0 || g >= 0.9 * gains[i - 1]!));
  if (last === Number.POSITIVE_INFINITY || growing) {
    found.push({ kind: 'unbounded-objective', message: 'The objective grows without bound (its gains do not shrink): the model has no maximum here, usually a scale collapsing onto one point. Give the scales proper priors.' });
  }
  return found;
}

function list(names: string[]): string {
  return names.length <= 6 ? names.join(', ') : `${names.slice(0, 6).join(', ')} and ${names.length - 6} more`;
}

/** The diagnostics that make an answer not an estimate (a boundary probability only warns). */
export function isDegenerate(diagnostics: FitDiagnostic[]): boolean {
  return diagnostics.some((d) => d.kind !== 'boundary-probability');
}
