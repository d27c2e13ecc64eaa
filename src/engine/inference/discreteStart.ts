import { nodeLogDensity, propagate, type ModelGraph, type StochasticNode } from '../model/graph';
import { drawCategoricalFromLogWeights } from '../random/draws';
import { Random } from '../random/rng';
import { finiteSupport, MAX_ENUMERATED } from './finiteSupport';

/** Sweeps before giving up; a sweep visits each discrete node once. */
const MAX_SWEEPS = 500;
/** Log weight of each impossible factor: far below any ordinary density, so that fewer violations always win. */
const PENALTY = -40;
/** The repair's own stream, so that the first chain's start stays a function of the model alone. */
const REPAIR_SEED = 20261204;

/**
 * Moves the unobserved discrete nodes with a small finite support to a start
 * of positive probability when the typical or drawn values make some density
 * zero — genotypes that cannot explain an affected child under a fully
 * penetrant model, say. Gibbs sweeps on a softened model, where each
 * impossible factor costs PENALTY instead of −∞: a parent can then move on a
 * plateau (its child stays impossible until the other parent also carries
 * the allele) and the sweeps walk into the region the data allow. Stops as
 * soon as no density is zero; values given as initial values stay. Gives up
 * quietly after MAX_SWEEPS; the caller's start check then names the node at
 * fault.
 */
export function repairDiscreteStart(graph: ModelGraph, given: ReadonlySet<StochasticNode>): void {
  const nodes = graph.unobserved.map((id) => graph.stochastic[id]!).filter((n) => !given.has(n) && !n.distribution.multivariate && n.distribution.discrete);
  if (nodes.length === 0 || allPossible(graph.stochastic)) return;
  const random = new Random(REPAIR_SEED);
  const factors = nodes.map((n) => [n, ...n.children.map((c) => graph.stochastic[c]!)]);
  let weights = new Float64Array(16);
  for (let sweep = 0; sweep < MAX_SWEEPS; sweep++) {
    nodes.forEach((node, k) => {
      const [lower, upper] = finiteSupport(node);
      const count = upper - lower + 1;
      if (!(count >= 1 && count <= MAX_ENUMERATED)) return;
      if (weights.length < count) weights = new Float64Array(count);
      const values = node.variable.values;
      for (let j = 0; j < count; j++) {
        values[node.offset] = lower + j;
        propagate(graph, node);
        weights[j] = softenedLogDensity(factors[k]!);
      }
      const j = drawCategoricalFromLogWeights(random, weights, count);
      values[node.offset] = lower + Math.max(0, j);
      propagate(graph, node);
    });
    if (allPossible(graph.stochastic)) return;
  }
}

function allPossible(nodes: StochasticNode[]): boolean {
  for (const n of nodes) if (!(nodeLogDensity(n) > Number.NEGATIVE_INFINITY)) return false;
  return true;
}

function softenedLogDensity(nodes: StochasticNode[]): number {
  let total = 0;
  for (const n of nodes) {
    const d = nodeLogDensity(n);
    total += d > Number.NEGATIVE_INFINITY ? Math.max(d, PENALTY) : PENALTY;
  }
  return total;
}
