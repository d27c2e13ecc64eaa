import type { ModelGraph, StochasticNode } from '../model/graph';

/**
 * The stochastic parents of every stochastic node (the reverse of
 * `children`: read directly or through deterministic nodes), built once per
 * graph in compressed rows. Structural questions asked of every child of a
 * block ("does it read anything that moves besides the block?") then cost
 * the child's parents, not a recompilation of its relation.
 */
export interface Parents {
  start: Int32Array;
  ids: Int32Array;
}

const built = new WeakMap<ModelGraph, Parents>();

export function parentsOf(graph: ModelGraph): Parents {
  let parents = built.get(graph);
  if (parents) return parents;
  parents = parentRows(graph);
  built.set(graph, parents);
  return parents;
}

/** Keeps `parents` (from parentRows, with `children` unchanged since) as the graph's parents. */
export function rememberParents(graph: ModelGraph, parents: Parents): void {
  built.set(graph, parents);
}

/**
 * Lets go of the graph's parents once the samplers are made (their
 * constructors ask; nothing asks while sampling): 12 bytes a child, 24 MB at a
 * million probit rows, kept as long as the graph otherwise.
 */
export function forgetParents(graph: ModelGraph): void {
  built.delete(graph);
}

/** The parents as `children` list them now, not kept: for a caller that changes `children` afterwards (predictiveNodes.ts). */
export function parentRows(graph: ModelGraph): Parents {
  const n = graph.stochastic.length;
  const start = new Int32Array(n + 1);
  // childCount and child, not `children`: a node keeping a lone child as its id would make its list (nodeRecords.ts).
  for (const node of graph.stochastic) for (let k = 0; k < node.childCount; k++) start[node.child(k) + 1]!++;
  for (let k = 0; k < n; k++) start[k + 1]! += start[k]!;
  const ids = new Int32Array(start[n]!);
  // Filled through the starts themselves, each moved on to its row's end, then shifted back: a copy of them to fill
  // through was 8 MB more at a million probit rows.
  for (const node of graph.stochastic) for (let k = 0; k < node.childCount; k++) ids[start[node.child(k)]!++] = node.id;
  for (let k = n; k > 0; k--) start[k] = start[k - 1]!;
  start[0] = 0;
  return { start, ids };
}

/** Whether every stochastic parent of `node` is observed or one of `allowed`: then all its relation reads is fixed or allowed. */
export function readsOnlyFixedOr(graph: ModelGraph, node: StochasticNode, allowed: ReadonlySet<number>): boolean {
  const { start, ids } = parentsOf(graph);
  for (let k = start[node.id]!; k < start[node.id + 1]!; k++) {
    const p = ids[k]!;
    if (!allowed.has(p) && !graph.stochastic[p]!.observed) return false;
  }
  return true;
}
