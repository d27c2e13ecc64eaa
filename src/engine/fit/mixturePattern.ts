import type { Expression } from '../language/ast';
import { cholesky, inverseFromCholesky } from '../math/linalg';
import type { GaussianParameters, MixtureProblem } from '../em/types';
import { currentParameters, gatherValue, propagate, scatterValue, type ModelGraph, type StochasticNode, type Variable } from '../model/graph';
import type { Roles } from './roles';

/**
 * A finite Gaussian mixture recognised in the graph, whatever its names:
 *   z[i] ~ dcat(w[]);  x[i, 1:D] ~ dmnorm(mu[z[i], ], Omega[, , z[i]])
 * with w ~ ddirch, each component mean a dmnorm node and each precision a
 * dwish node. Such a model is fitted by the mixture kernels of src/engine/em
 * (vectorised E-step, Cholesky densities, worker threads) instead of the
 * generic conditional-by-conditional EM.
 */
export interface GaussianMixturePattern {
  problem: MixtureProblem;
  latent: StochasticNode[];
  weights: StochasticNode;
  means: StochasticNode[];
  precisions: StochasticNode[];
  /** The rows' nodes, in data order. */
  rows: StochasticNode[];
  /** Whether the priors are the same for every component (needed for MAP by the kernel). */
  sharedPriors: boolean;
}

export function findGaussianMixture(graph: ModelGraph, roles: Roles): GaussianMixturePattern | undefined {
  const { latent, parameters } = roles;
  if (latent.length === 0 || !latent.every((z) => z.distribution.name === 'dcat' && z.variable === latent[0]!.variable)) return undefined;
  const first = latent[0]!;
  const weightRef = first.statement.args[0]!;
  const weights = referencedNode(graph, weightRef, first);
  if (!weights || weights.distribution.name !== 'ddirch' || weights.observed) return undefined;
  const K = weights.side;
  const rows: StochasticNode[] = [];
  let meanPlan: ComponentPlan | undefined, precisionPlan: ComponentPlan | undefined;
  for (const z of latent) {
    if (referencedNode(graph, z.statement.args[0]!, z) !== weights || z.children.length !== 1) return undefined;
    const x = graph.stochastic[z.children[0]!]!;
    if (!x.observed || x.distribution.name !== 'dmnorm') return undefined;
    const m = componentPlan(x.statement.args[0]!, z);
    const o = componentPlan(x.statement.args[1]!, z);
    if (!m || !o) return undefined;
    meanPlan ??= m;
    precisionPlan ??= o;
    if (!samePlan(meanPlan, m) || !samePlan(precisionPlan, o)) return undefined;
    rows.push(x);
  }
  const meanVariable = graph.variables.get(meanPlan!.variable);
  const precisionVariable = graph.variables.get(precisionPlan!.variable);
  if (!meanVariable || !precisionVariable) return undefined;
  const D = rows[0]!.side;
  const means: StochasticNode[] = [];
  const precisions: StochasticNode[] = [];
  for (let k = 1; k <= K; k++) {
    const mean = nodeAt(graph, meanVariable, meanPlan!, k);
    const precision = nodeAt(graph, precisionVariable, precisionPlan!, k);
    if (!mean || mean.distribution.name !== 'dmnorm' || mean.side !== D || mean.observed) return undefined;
    if (!precision || precision.distribution.name !== 'dwish' || precision.side !== D || precision.observed) return undefined;
    means.push(mean);
    precisions.push(precision);
  }
  // Every parameter must be one of these nodes: anything else would be left out of the fit.
  const covered = new Set([weights, ...means, ...precisions]);
  if (parameters.some((p) => !covered.has(p))) return undefined;

  const data = new Float64Array(rows.length * D);
  rows.forEach((x, i) => data.set(gatherValue(x), i * D));
  const weightPrior = Float64Array.from(currentParameters(weights));
  const meanPrior = currentParameters(means[0]!).slice();
  const precisionPrior = currentParameters(precisions[0]!).slice();
  const sharedPriors = means.every((m) => sameValues(currentParameters(m), meanPrior)) && precisions.every((p) => sameValues(currentParameters(p), precisionPrior));
  const problem: MixtureProblem = {
    data, rows: rows.length, columns: D, components: K,
    family: {
      kind: 'gaussian',
      meanPrior: { mean: meanPrior.slice(0, D), precision: meanPrior.slice(D, D + D * D) },
      precisionPrior: { scale: precisionPrior.slice(0, D * D), df: precisionPrior[D * D]! },
    },
    weightsPrior: { concentration: weightPrior },
  };
  return { problem, latent, weights, means, precisions, rows, sharedPriors };
}

/** The graph's current values of the mixture's parameters, as the kernel's start. */
export function currentMixtureParameters(pattern: GaussianMixturePattern): GaussianParameters | undefined {
  const K = pattern.means.length;
  const D = pattern.problem.columns;
  const weights = Float64Array.from(gatherValue(pattern.weights));
  const means = new Float64Array(K * D);
  const covariances = new Float64Array(K * D * D);
  const factor = new Float64Array(D * D);
  const column = new Float64Array(D);
  for (let k = 0; k < K; k++) {
    means.set(gatherValue(pattern.means[k]!), k * D);
    if (!cholesky(gatherValue(pattern.precisions[k]!), factor, D)) return undefined;
    inverseFromCholesky(factor, covariances.subarray(k * D * D, (k + 1) * D * D), D, column);
  }
  return { kind: 'gaussian', weights, means, covariances };
}

/** Writes a kernel fit back into the graph: weights, means, and precisions = inverse covariances. */
export function writeMixtureParameters(graph: ModelGraph, pattern: GaussianMixturePattern, fit: GaussianParameters): void {
  const K = pattern.means.length;
  const D = pattern.problem.columns;
  const factor = new Float64Array(D * D);
  const precision = new Float64Array(D * D);
  const column = new Float64Array(D);
  scatterValue(pattern.weights, fit.weights);
  propagate(graph, pattern.weights);
  for (let k = 0; k < K; k++) {
    scatterValue(pattern.means[k]!, fit.means.subarray(k * D, (k + 1) * D));
    propagate(graph, pattern.means[k]!);
    if (cholesky(fit.covariances.subarray(k * D * D, (k + 1) * D * D), factor, D)) {
      inverseFromCholesky(factor, precision, D, column);
      scatterValue(pattern.precisions[k]!, precision);
      propagate(graph, pattern.precisions[k]!);
    }
  }
}

/** How a child's argument picks component k: `mu[z[i], ]` reads variable mu with index position `at` equal to z[i], whole ranges elsewhere. */
interface ComponentPlan {
  variable: string;
  at: number;
  indices: number;
}

function componentPlan(e: Expression, z: StochasticNode): ComponentPlan | undefined {
  if (e.kind !== 'index') return undefined;
  let at = -1;
  for (let d = 0; d < e.indices.length; d++) {
    const index = e.indices[d]!;
    if (index.kind === 'empty') continue;
    if (index.kind !== 'at' || at >= 0 || !isReferenceTo(index.value, z)) return undefined;
    at = d;
  }
  return at >= 0 ? { variable: e.name, at, indices: e.indices.length } : undefined;
}

function samePlan(a: ComponentPlan, b: ComponentPlan): boolean {
  return a.variable === b.variable && a.at === b.at && a.indices === b.indices;
}

/** Whether an index expression is the latent node itself (z[i] in the scope of z's relation). */
function isReferenceTo(e: Expression, z: StochasticNode): boolean {
  if (e.kind === 'name') return e.name === z.variable.name && z.variable.dims.length === 0;
  if (e.kind !== 'index' || e.name !== z.variable.name) return false;
  // Same index expressions as z's own target, evaluated in the same loop scope.
  const target = z.statement.target;
  return e.indices.length === target.indices.length && e.indices.every((index, d) => {
    const t = target.indices[d]!;
    return index.kind === 'at' && t.kind === 'at' && index.value.kind === 'name' && t.value.kind === 'name' && index.value.name === t.value.name;
  });
}

function nodeAt(graph: ModelGraph, variable: Variable, plan: ComponentPlan, k: number): StochasticNode | undefined {
  if (variable.dims.length !== plan.indices || k > variable.dims[plan.at]!) return undefined;
  let offset = 0;
  variable.dims.forEach((size, d) => (offset = offset * size + (d === plan.at ? k - 1 : 0)));
  const id = variable.node[offset]!;
  return id >= 0 ? graph.stochastic[id] : undefined;
}

/** The unobserved node a plain reference such as `w[]` or `w[1:K]` denotes, when it denotes exactly one node's elements. */
function referencedNode(graph: ModelGraph, e: Expression, at: StochasticNode): StochasticNode | undefined {
  if (e.kind !== 'name' && e.kind !== 'index') return undefined;
  const direct = graph.expressions.array(e, at.scope).direct;
  const variable = graph.variables.get(e.name);
  if (!direct || !variable || direct.offsets.length === 0) return undefined;
  const id = variable.node[direct.offsets[0]!]!;
  const node = id >= 0 ? graph.stochastic[id] : undefined;
  if (!node || node.offsets.length !== direct.offsets.length) return undefined;
  return node.offsets.every((o, k) => o === direct.offsets[k]) ? node : undefined;
}

function sameValues(a: Float64Array, b: Float64Array): boolean {
  if (a.length !== b.length) return false;
  for (let k = 0; k < a.length; k++) if (a[k] !== b[k]) return false;
  return true;
}
