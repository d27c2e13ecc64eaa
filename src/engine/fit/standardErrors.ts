/**
 * Standard errors of a fit's estimates from the curvature of its objective:
 * the observed-data log-likelihood (ML: the observed information) or log
 * posterior (MAP: the posterior's curvature at its mode, a Laplace
 * approximation's sd). The Hessian is taken by central differences of the
 * objective on the parameter vector, each evaluation one exact E-step at the
 * perturbed parameters (the latent nodes integrated out, not held fixed, so
 * the missing information is accounted for, as Louis' identity would), and
 * SE_j = √((−H)⁻¹)_jj from the Cholesky factor of −H.
 */
import { refreshDeterministic } from '../model/compile';
import type { ModelGraph, StochasticNode } from '../model/graph';
import { cholesky, inverseFromCholesky } from '../math/linalg';

/** Parameters whose elements are constrained together (a simplex, a positive-definite matrix): their curvature along the constraint is not an SE. */
const JOINTLY_CONSTRAINED = new Set(['ddirch', 'dwish']);

/** The most objective evaluations spent: the Hessian takes 2p² + 1 of them. */
const BUDGET_SECONDS = 5;

export interface StandardErrors {
  /** Per element of `parameters` (in their order), the SE, or NaN where none is given. */
  se: Float64Array;
  /** Why some or all are missing, for the output's messages. */
  note?: string;
}

/**
 * `rotatable`: variables identified only up to a rotation (the loadings of L ≥ 2 latent factors), whose
 * Hessian has flat directions: left out, with a note, and held fixed for the others' SEs.
 */
export function standardErrors(graph: ModelGraph, parameters: StochasticNode[], objective: () => number, withPrior: boolean, rotatable: ReadonlySet<string> = new Set()): StandardErrors {
  const elements: Array<{ node: StochasticNode; offset: number; index: number }> = [];
  let index = 0;
  const left = (node: StochasticNode): boolean => JOINTLY_CONSTRAINED.has(node.distribution.name) || rotatable.has(node.variable.name);
  for (const node of parameters) {
    for (const offset of node.offsets) {
      if (!left(node)) elements.push({ node, offset, index });
      index++;
    }
  }
  const se = new Float64Array(index).fill(Number.NaN);
  const p = elements.length;
  if (p === 0) return { se };
  const value = (k: number): number => elements[k]!.node.variable.values[elements[k]!.offset]!;
  const set = (k: number, v: number): void => {
    elements[k]!.node.variable.values[elements[k]!.offset] = v;
  };
  const at = (moves: Array<[number, number]>): number => {
    const saved = moves.map(([k]) => value(k));
    for (const [k, d] of moves) set(k, value(k) + d);
    refreshDeterministic(graph);
    const f = objective();
    moves.forEach(([k], m) => set(k, saved[m]!));
    return f;
  };
  const started = Date.now();
  const f0 = at([]);
  const seconds = Math.max(1e-3, (Date.now() - started) / 1000);
  const evaluations = 2 * p * p + 1;
  if (evaluations * seconds > BUDGET_SECONDS) {
    refreshDeterministic(graph);
    return { se, note: `Standard errors not computed: the objective's curvature needs ${evaluations} E-steps (about ${Math.round(evaluations * seconds)} s) for ${p} parameters.` };
  }
  // Step ε^(1/4)·scale balances the central difference's truncation (h²) against rounding (ε·|f|/h²).
  const h = Float64Array.from({ length: p }, (_, k) => 1e-4 * Math.max(Math.abs(value(k)), 1e-2));
  const negH = new Float64Array(p * p);
  for (let i = 0; i < p; i++) {
    const hi = h[i]!;
    negH[i * p + i] = -(at([[i, hi]]) - 2 * f0 + at([[i, -hi]])) / (hi * hi);
    for (let j = 0; j < i; j++) {
      const hj = h[j]!;
      const d = (at([[i, hi], [j, hj]]) - at([[i, hi], [j, -hj]]) - at([[i, -hi], [j, hj]]) + at([[i, -hi], [j, -hj]])) / (4 * hi * hj);
      negH[i * p + j] = -d;
      negH[j * p + i] = -d;
    }
  }
  refreshDeterministic(graph);
  objective();
  const l = new Float64Array(p * p);
  // A pivot L_ii² far below −H_ii: that parameter is (numerically) a combination of the others, a flat
  // direction such as a rotation of factor loadings, where the difference noise alone makes −H positive.
  const flat = (): boolean => negH.some((_, k) => k % (p + 1) === 0 && l[k]! * l[k]! < 1e-6 * negH[k]!);
  const factored = negH.every(Number.isFinite) && cholesky(negH, l, p);
  if (!factored || flat()) {
    return { se, note: `Standard errors not given: the ${withPrior ? 'log posterior' : 'log-likelihood'} is not curved downwards in every direction at the estimate (a parameter at a boundary, or a flat direction such as a rotation of factor loadings, which leaves the fit unchanged).` };
  }
  const inverse = new Float64Array(p * p);
  inverseFromCholesky(l, inverse, p, new Float64Array(p));
  for (let k = 0; k < p; k++) se[elements[k]!.index] = Math.sqrt(inverse[k * p + k]!);
  const notes: string[] = [];
  const constrained = [...new Set(parameters.filter((n) => JOINTLY_CONSTRAINED.has(n.distribution.name)).map((n) => n.variable.name))];
  if (constrained.length) notes.push(`No standard errors for ${constrained.join(', ')} (constrained jointly: a simplex or a covariance matrix); the others hold them fixed.`);
  const turned = [...new Set(parameters.filter((n) => rotatable.has(n.variable.name)).map((n) => n.variable.name))];
  if (turned.length) notes.push(`No standard errors for ${turned.join(', ')}: factor loadings are identified only up to a rotation (W·R fits as well as W), so their curvature is flat along it; the others hold them fixed.`);
  return notes.length ? { se, note: notes.join(' ') } : { se };
}
