import type { Statement } from '../language/ast';
import type { SourceRange } from '../language/source';
import type { ScalarDistribution } from './distributions';
import type { MultivariateDistribution } from './multivariate';
import type { ExpressionCompiler, LoopScope } from './expressions';
import { truncationLogMass } from './truncation';

/** Reads the current value of an expression; closes over the model's arrays. */
export type Evaluator = () => number;

export const enum Role {
  Unused = 0,
  Data = 1,
  Stochastic = 2,
  Deterministic = 3,
}

/** A named array of the model (a scalar has dims []). Values are row-major. */
export interface Variable {
  name: string;
  dims: number[];
  values: Float64Array;
  role: Uint8Array;
  /** Id of the node defining each element (stochastic or deterministic id), -1 for none. */
  node: Int32Array;
}

export type Distribution = ScalarDistribution | MultivariateDistribution;

export interface StochasticNode {
  id: number;
  /** As JAGS names it: `mu`, `theta[3]`, `Y[1,2]`, `P[1:2]`. */
  name: string;
  variable: Variable;
  /** The first element's offset; a scalar node's only one. */
  offset: number;
  /** Offsets of the node's elements in its variable, in the value's row-major order. */
  offsets: Int32Array;
  /** Vector length or matrix side of a multivariate node; 1 for a scalar. */
  side: number;
  distribution: Distribution;
  /**
   * One evaluator per parameter element: array parameters (dcat's pi[]) contribute one per element. Made on demand for
   * a node whose statement is compiled; samplers read `parameter(k)`, which needs no closure per node.
   */
  params: Evaluator[];
  /** The current value of parameter element k (as `params[k]()`). */
  parameter(k: number): number;
  /** The number of parameter elements (`params.length`). */
  paramCount: number;
  /** Elements per parameter, in order, to split `paramValues`. */
  paramSizes: number[];
  /** Scratch space for the parameter values; one per node so no allocation while sampling. */
  paramValues: Float64Array;
  /** Scratch for a multivariate node's value, gathered from its variable. */
  value: Float64Array;
  lower?: Evaluator;
  upper?: Evaluator;
  observed: boolean;
  statement: Extract<Statement, { kind: 'stochastic' }>;
  /** Loop variables of this instance of the statement. */
  scope: LoopScope;
  /** Stochastic nodes whose parameters depend on this one, directly or through deterministic nodes, ascending. */
  children: number[];
  /** `children.length`, without making the list of a node that keeps a lone child as its id (nodeRecords.ts). */
  readonly childCount: number;
  /** `children[k]`, likewise. */
  child(k: number): number;
  /** Deterministic nodes to recompute, in order, after this node changes. */
  dependents: number[];
}

export interface DeterministicNode {
  id: number;
  name: string;
  variable: Variable;
  offset: number;
  evaluate: Evaluator;
  statement: Extract<Statement, { kind: 'deterministic' }>;
  scope: LoopScope;
}

export interface ModelGraph {
  variables: Map<string, Variable>;
  stochastic: StochasticNode[];
  deterministic: DeterministicNode[];
  /** Deterministic node ids in topological order. */
  deterministicOrder: number[];
  /**
   * Deterministic nodes no stochastic node reads, even indirectly, in
   * topological order: `propagate` skips them, so they are current only
   * after `refreshSinks` (or `refreshDeterministic`).
   */
  sinks: number[];
  /** Unobserved stochastic nodes, in statement order: the nodes a sampler updates. */
  unobserved: number[];
  modelRange: SourceRange;
  /** Resolves references in the model's expressions, for analyses that read the source (linearity). */
  expressions: ExpressionCompiler;
}

/** `P[1:2]`, `Tau[1:3,1:3,2]`: the elements of a multivariate node, as JAGS names them. */
export function rangeName(variable: Variable, offsets: ArrayLike<number>): string {
  if (offsets.length === 1) return elementName(variable, offsets[0]!);
  const first = indicesOf(variable, offsets[0]!);
  const last = indicesOf(variable, offsets[offsets.length - 1]!);
  return `${variable.name}[${first.map((a, d) => (a === last[d] ? `${a}` : `${a}:${last[d]}`)).join(',')}]`;
}

function indicesOf(variable: Pick<Variable, 'dims'>, offset: number): number[] {
  const index: number[] = [];
  let rest = offset;
  for (let d = variable.dims.length - 1; d >= 0; d--) {
    index.unshift((rest % variable.dims[d]!) + 1);
    rest = Math.floor(rest / variable.dims[d]!);
  }
  return index;
}

export function elementName(variable: Pick<Variable, 'name' | 'dims'>, offset: number): string {
  if (variable.dims.length === 0) return variable.name;
  return `${variable.name}[${indicesOf(variable, offset).join(',')}]`;
}

/** Evaluates a node's parameters into its scratch array and returns it. */
export function currentParameters(node: StochasticNode): Float64Array {
  const p = node.paramValues;
  for (let k = 0; k < node.paramCount; k++) p[k] = node.parameter(k);
  return p;
}

/** Scratch for `transientParameters`, one per parameter count, so that no call allocates. */
const transientScratch: Float64Array[] = [];

/**
 * A node's parameters in a scratch shared by every node with as many, valid
 * only until the next call: for a caller that uses them at once (a density,
 * a check of their domain). Nodes asked only so never make their own
 * scratch (CompiledStochasticNode's `paramValues` is made when first asked
 * for), which at a million rows is about 100 MB.
 */
export function transientParameters(node: StochasticNode): Float64Array {
  const n = node.paramCount;
  const p = (transientScratch[n] ??= new Float64Array(n));
  for (let k = 0; k < n; k++) p[k] = node.parameter(k);
  return p;
}

/** Copies a multivariate node's elements into its `value` scratch and returns it. */
export function gatherValue(node: StochasticNode): Float64Array {
  const { values } = node.variable;
  const out = node.value;
  for (let k = 0; k < out.length; k++) out[k] = values[node.offsets[k]!]!;
  return out;
}

/** Writes `x` into a multivariate node's elements. */
export function scatterValue(node: StochasticNode, x: Float64Array): void {
  const { values } = node.variable;
  for (let k = 0; k < node.offsets.length; k++) values[node.offsets[k]!] = x[k]!;
}

/** Log density of a node at its current value, given its parents' current values (truncation included). */
export function nodeLogDensity(node: StochasticNode): number {
  const distribution = node.distribution;
  if (distribution.multivariate) return distribution.logDensity(gatherValue(node), transientParameters(node), node.side);
  const x = node.variable.values[node.offset]!;
  if (!node.lower && !node.upper) return distribution.logDensity(x, transientParameters(node));
  const lower = node.lower ? node.lower() : Number.NEGATIVE_INFINITY;
  const upper = node.upper ? node.upper() : Number.POSITIVE_INFINITY;
  if (x < lower || x > upper) return Number.NEGATIVE_INFINITY;
  // Divided by the mass inside the bounds, as JAGS's truncated densities are: the parents' conditionals depend on it.
  const p = transientParameters(node);
  const logMass = truncationLogMass(distribution, p, lower, upper);
  return distribution.logDensity(x, p) - (Number.isNaN(logMass) ? 0 : logMass);
}

/** Recomputes the deterministic nodes downstream of a stochastic node. */
export function propagate(graph: ModelGraph, node: StochasticNode): void {
  // Indexed, not for-of: the samplers call this for every value they try, and for-of
  // allocated an iterator result per dependent until optimised (12 MB in a 0.3 s run of Line).
  const { dependents } = node;
  for (let k = 0; k < dependents.length; k++) {
    const d = graph.deterministic[dependents[k]!]!;
    d.variable.values[d.offset] = d.evaluate();
  }
}
