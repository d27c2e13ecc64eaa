import { lowerBound } from '../collections';
import type { ModelGraph, StochasticNode } from '../model/graph';

/**
 * How many unobserved stochastic parents each stochastic node has (read
 * directly or through deterministic nodes), saturating at SATURATED. Built
 * once per graph, after predictiveNodes.ts has pruned `children`, and
 * forgotten once the samplers are made. A count is all a block asks of its
 * children's parents ("does it read anything that moves besides the block?"):
 * 2 bytes a node, where the parents themselves in compressed rows were 12
 * bytes a child (24 MB at a million probit rows, live through the whole of
 * sampler assignment).
 */
const counted = new WeakMap<ModelGraph, Uint16Array>();

/** A count at this value may be higher: the question is then answered no, and the caller looks closer. */
const SATURATED = 0xffff;

function movingParentCounts(graph: ModelGraph): Uint16Array {
  let counts = counted.get(graph);
  if (counts) return counts;
  counts = new Uint16Array(graph.stochastic.length);
  // By index: run once, a for-of makes an iterator result per element.
  for (let u = 0; u < graph.unobserved.length; u++) {
    const node = graph.stochastic[graph.unobserved[u]!]!;
    // childCount and child, not `children`: a node keeping a lone child as its id would make its list (nodeRecords.ts).
    for (let k = 0; k < node.childCount; k++) {
      const c = node.child(k);
      if (counts[c]! < SATURATED) counts[c]!++;
    }
  }
  counted.set(graph, counts);
  return counts;
}

/** How many unobserved stochastic parents node `id` has; a count of SATURATED may be higher. */
export function movingParentCount(graph: ModelGraph, id: number): number {
  return movingParentCounts(graph)[id]!;
}

/** Lets go of the counts once the samplers are made: nothing asks while sampling. */
export function forgetParents(graph: ModelGraph): void {
  counted.delete(graph);
}

/** Whether every stochastic parent of `node` is observed: then all its relation reads is fixed. */
export function readsOnlyFixed(graph: ModelGraph, node: StochasticNode): boolean {
  return movingParentCounts(graph)[node.id] === 0;
}

/**
 * For each of `children` (ascending ids, as the union of the members'
 * children), whether every stochastic parent it has is observed or one of
 * `members` (unobserved nodes): then all its relation reads is fixed or a
 * member. The members that are parents of a child are counted off the
 * members' own children lists and compared with the child's count of moving
 * parents.
 */
export function readsOnlyFixedOrMembers(graph: ModelGraph, members: readonly StochasticNode[], children: readonly StochasticNode[]): Uint8Array {
  const counts = movingParentCounts(graph);
  const memberParents = new Uint16Array(children.length);
  for (const member of members) {
    let at = 0;
    for (let k = 0; k < member.childCount; k++) {
      const c = member.child(k);
      // Children lists are usually ascending, so the next position is usually the one after the last.
      if (children[at]?.id !== c) at = positionOf(children, c);
      if (at < 0) continue;
      memberParents[at]!++;
      at++;
    }
  }
  const answer = new Uint8Array(children.length);
  for (let j = 0; j < children.length; j++) {
    const moving = counts[children[j]!.id]!;
    answer[j] = moving < SATURATED && moving === memberParents[j]! ? 1 : 0;
  }
  return answer;
}

/** Where the node `id` is in `nodes` (ascending ids), or −1. */
function positionOf(nodes: readonly StochasticNode[], id: number): number {
  const at = lowerBound(nodes.length, (k) => nodes[k]!.id < id);
  return at < nodes.length && nodes[at]!.id === id ? at : -1;
}
