import { drawFromPrior } from '../inference/priorDraws';
import { errorAt } from '../language/source';
import { propagate, type ModelGraph } from '../model/graph';
import type { Random } from '../random/rng';

/**
 * The unobserved stochastic nodes of a graph in an order where every node
 * comes after the nodes its parameters and bounds read (Kahn's algorithm on
 * the children lists). Statement order is not enough: JAGS models may define
 * a node after its children.
 */
export function forwardOrder(graph: ModelGraph): number[] {
  const included = new Uint8Array(graph.stochastic.length);
  for (const id of graph.unobserved) included[id] = 1;
  const parents = new Int32Array(graph.stochastic.length);
  for (const id of graph.unobserved) for (const child of graph.stochastic[id]!.children) if (included[child]) parents[child]!++;
  const ready = graph.unobserved.filter((id) => parents[id] === 0);
  const order: number[] = [];
  while (ready.length) {
    const id = ready.pop()!;
    order.push(id);
    for (const child of graph.stochastic[id]!.children) if (included[child] && --parents[child]! === 0) ready.push(child);
  }
  // compileModel rejects stochastic cycles, so every node is reached.
  return order;
}

/**
 * Draws every unobserved node from its prior given its parents, in `order`
 * (from forwardOrder), refreshing the deterministic nodes downstream of each
 * draw: one draw from the model's joint distribution over the unobserved
 * nodes, given the observed ones and the constants.
 */
export function forwardSample(graph: ModelGraph, order: number[], random: Random): void {
  for (const id of order) {
    const node = graph.stochastic[id]!;
    if (!drawFromPrior(node, random)) {
      const p = Array.from(node.paramValues, (v) => formatValue(v)).join(', ');
      throw errorAt(node.statement.range, `Cannot draw ${node.name} from ${node.distribution.name}(${p}): the parameters drawn before it are outside its domain (vague priors often draw values that underflow), or its bounds hold almost no mass.`);
    }
    propagate(graph, node);
  }
}

function formatValue(x: number): string {
  return Number.isFinite(x) && x !== 0 && (Math.abs(x) >= 1e5 || Math.abs(x) < 1e-3) ? x.toExponential(2) : String(Number(x.toPrecision(4)));
}
