import type { Expression } from '../language/ast';
import { currentParameters, propagate, type ModelGraph, type StochasticNode } from '../model/graph';

/**
 * Whether a child's argument is a plain reference to the node's variable
 * (`P[]`, `pi[d, ]`, `Tau[, , z[i]]`) whose elements number exactly the
 * node's: then, whenever the child reads the node at all, its parameter is
 * the node's value, element for element.
 */
export function referencesWhole(child: StochasticNode, argument: number, node: StochasticNode): boolean {
  const e: Expression | undefined = child.statement.args[argument];
  if (!e || (e.kind !== 'name' && e.kind !== 'index') || e.name !== node.variable.name) return false;
  return child.paramSizes[argument] === node.offsets.length;
}

/** Whether a reference can select different nodes at run time (a stochastic index), so that `readsNow` must be asked. */
export function hasStochasticIndex(graph: ModelGraph, child: StochasticNode, argument: number): boolean {
  const e = child.statement.args[argument];
  if (!e || e.kind !== 'index') return false;
  return e.indices.some((index) => index.kind === 'at' && graph.expressions.tryConstant(index.value, child.scope) === undefined);
}

/**
 * Whether the child's parameter `argument` reads the node at the current
 * state: the node's first element is set to NaN for a moment and the
 * parameter evaluated.
 */
export function readsNow(graph: ModelGraph, node: StochasticNode, child: StochasticNode, argument: number): boolean {
  let start = 0;
  for (let k = 0; k < argument; k++) start += child.paramSizes[k]!;
  const end = start + child.paramSizes[argument]!;
  const values = node.variable.values;
  const saved = values[node.offset]!;
  values[node.offset] = Number.NaN;
  propagate(graph, node);
  const p = currentParameters(child);
  let reads = false;
  for (let k = start; k < end && !reads; k++) if (Number.isNaN(p[k]!)) reads = true;
  values[node.offset] = saved;
  propagate(graph, node);
  return reads;
}
