import type { Statement } from '../language/ast';
import type { SourceRange } from '../language/source';
import type { ScalarDistribution } from './distributions';
import type { ExpressionCompiler, LoopScope } from './expressions';

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

export interface StochasticNode {
  id: number;
  /** As JAGS names it: `mu`, `theta[3]`, `Y[1,2]`. */
  name: string;
  variable: Variable;
  offset: number;
  distribution: ScalarDistribution;
  params: Evaluator[];
  /** Scratch space for the parameter values; one per node so no allocation while sampling. */
  paramValues: Float64Array;
  lower?: Evaluator;
  upper?: Evaluator;
  observed: boolean;
  statement: Extract<Statement, { kind: 'stochastic' }>;
  /** Loop variables of this instance of the statement. */
  scope: LoopScope;
  /** Stochastic nodes whose parameters depend on this one, directly or through deterministic nodes. */
  children: number[];
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
  /** Unobserved stochastic nodes, in statement order: the nodes a sampler updates. */
  unobserved: number[];
  modelRange: SourceRange;
  /** Resolves references in the model's expressions, for analyses that read the source (linearity). */
  expressions: ExpressionCompiler;
}

export function elementName(variable: Variable, offset: number): string {
  if (variable.dims.length === 0) return variable.name;
  const index: number[] = [];
  let rest = offset;
  for (let d = variable.dims.length - 1; d >= 0; d--) {
    index.unshift((rest % variable.dims[d]!) + 1);
    rest = Math.floor(rest / variable.dims[d]!);
  }
  return `${variable.name}[${index.join(',')}]`;
}

/** Evaluates a node's parameters into its scratch array and returns it. */
export function currentParameters(node: StochasticNode): Float64Array {
  const p = node.paramValues;
  for (let k = 0; k < node.params.length; k++) p[k] = node.params[k]!();
  return p;
}

/** Log density of a node at its current value, given its parents' current values (truncation included). */
export function nodeLogDensity(node: StochasticNode): number {
  const x = node.variable.values[node.offset]!;
  if (node.lower && x < node.lower()) return Number.NEGATIVE_INFINITY;
  if (node.upper && x > node.upper()) return Number.NEGATIVE_INFINITY;
  return node.distribution.logDensity(x, currentParameters(node));
}

/** Recomputes the deterministic nodes downstream of a stochastic node. */
export function propagate(graph: ModelGraph, node: StochasticNode): void {
  for (const id of node.dependents) {
    const d = graph.deterministic[id]!;
    d.variable.values[d.offset] = d.evaluate();
  }
}
