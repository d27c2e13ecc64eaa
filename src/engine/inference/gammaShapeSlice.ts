import gammaln from '@stdlib/math-base-special-gammaln';
import { nodeLogDensity, propagate, type ModelGraph, type StochasticNode } from '../model/graph';
import type { Random } from '../random/rng';
import { isNodeItself } from './conditionals';
import { Dependence, DependenceAnalysis } from './linearity';
import { AdaptiveSlice } from './sliceSamplers';
import type { Sampler } from './samplers';

/**
 * Slice sampling of the shape α of gamma children, y_j ~ dgamma(α, r_j) with
 * rates free of α (the hierarchical prior of Pumps' failure rates): the
 * children's part of the log conditional is
 *   Σ_j [α log r_j − log Γ(α) + (α − 1) log y_j] = α·S − n·log Γ(α) + const,
 * S = Σ_j (log r_j + log y_j), so S is summed once per update and each of the
 * slice's evaluations costs the prior's density and one log Γ, instead of
 * every child's density (a log Γ each) after a propagation. The slice step and
 * its width's adaptation are the general slice sampler's, so the draws are
 * those of the general sampler up to rounding.
 */
export class GammaShapeSliceSampler extends AdaptiveSlice implements Sampler {
  readonly label = 'slice (gamma shape)';
  readonly nodes: StochasticNode[];
  private sum = 0;

  constructor(
    private readonly graph: ModelGraph,
    private readonly node: StochasticNode,
    private readonly children: StochasticNode[],
  ) {
    super(false);
    this.nodes = [node];
  }

  logConditional(x: number): number {
    if (!(x > 0)) return Number.NEGATIVE_INFINITY;
    const { node } = this;
    node.variable.values[node.offset] = x;
    const prior = nodeLogDensity(node);
    if (prior === Number.NEGATIVE_INFINITY || Number.isNaN(prior)) return Number.NEGATIVE_INFINITY;
    const total = prior + x * this.sum - this.children.length * gammaln(x);
    return Number.isNaN(total) ? Number.NEGATIVE_INFINITY : total;
  }

  update(random: Random): void {
    const { node, children } = this;
    let sum = 0;
    for (let j = 0; j < children.length; j++) {
      const child = children[j]!;
      sum += Math.log(child.parameter(1)) + Math.log(child.variable.values[child.offset]!);
    }
    this.sum = sum;
    const x0 = node.variable.values[node.offset]!;
    this.slice(x0, 1e-14 * Math.max(Math.abs(x0), 1e-300), random);
    // The evaluations wrote only the node's value; its dependents follow once, at the point the step chose.
    propagate(this.graph, node);
  }
}

/** The node's children when every one is an untruncated dgamma whose shape is the node itself and whose rate is free of it. */
export function gammaShapeChildren(graph: ModelGraph, node: StochasticNode): StochasticNode[] | undefined {
  if (node.distribution.multivariate || node.distribution.discrete || node.observed || node.children.length === 0) return undefined;
  const children = node.children.map((id) => graph.stochastic[id]!);
  const analysis = new DependenceAnalysis(graph, node);
  for (const child of children) {
    if (child.distribution.name !== 'dgamma' || child.statement.truncation || child.lower || child.upper) return undefined;
    if (!isNodeItself(graph, child, node)) return undefined;
    if (analysis.of(child.statement.args[1]!, child.scope) !== Dependence.Constant) return undefined;
  }
  return children;
}
