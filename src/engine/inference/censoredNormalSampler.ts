import { currentParameters, propagate, Role, type ModelGraph, type StochasticNode } from '../model/graph';
import { drawTruncatedNormal } from '../random/draws';
import type { Random } from '../random/rng';
import { Dependence, DependenceAnalysis } from './linearity';
import { isNodeItself } from './conditionals';
import type { Sampler } from './samplers';

/**
 * The latent normal of a censoring plate — z[i] ~ dnorm(m_i, τ_i) with
 * y[i] ~ dinterval(z[i], c[]) observed, as in probit by augmentation: its
 * conditional is the prior truncated to the interval y[i] names, drawn
 * directly from the prior's parameters and the cut points, with none of the
 * general conditional's bookkeeping (this is the hot loop of such models).
 */
export class CensoredNormalSampler implements Sampler {
  readonly label = 'conjugate truncated normal';
  readonly nodes: StochasticNode[];
  /** The interval when the cut points are data (they are fixed then, and so are the observed intervals). */
  private readonly fixed: [number, number] | undefined;
  private readonly propagates: boolean;

  constructor(
    private readonly graph: ModelGraph,
    private readonly node: StochasticNode,
    private readonly children: StochasticNode[],
    cutsAreData: boolean,
  ) {
    this.nodes = [node];
    this.fixed = cutsAreData ? this.interval() : undefined;
    this.propagates = node.dependents.length > 0;
  }

  private interval(): [number, number] {
    let lower = Number.NEGATIVE_INFINITY;
    let upper = Number.POSITIVE_INFINITY;
    for (let j = 0; j < this.children.length; j++) {
      const child = this.children[j]!;
      const cuts = currentParameters(child);
      const k = child.variable.values[child.offset]!;
      if (k >= 1 && cuts[k]! > lower) lower = cuts[k]!;
      if (k + 1 < cuts.length && cuts[k + 1]! < upper) upper = cuts[k + 1]!;
    }
    return [lower, upper];
  }

  update(random: Random): void {
    const { node } = this;
    const mean = node.params[0]!();
    const precision = node.params[1]!();
    const [lower, upper] = this.fixed ?? this.interval();
    const x = drawTruncatedNormal(random, mean, 1 / Math.sqrt(precision), lower, upper);
    // An empty interval (inconsistent censoring) leaves the value where it is.
    if (Number.isNaN(x)) return;
    node.variable.values[node.offset] = x;
    if (this.propagates) propagate(this.graph, node);
  }
}

/** Whether every child's cut points read only data (then each observed interval never changes). */
export function cutsAreData(graph: ModelGraph, node: StochasticNode): boolean {
  return node.children.every((id) => {
    const child = graph.stochastic[id]!;
    return graph.expressions.array(child.statement.args[1]!, child.scope).reads.every((r) => r.variable.role[r.offset] === Role.Data);
  });
}

/** Whether the node is such a latent normal: untruncated dnorm, every child an observed dinterval of the node itself with cut points free of it. */
export function isCensoredNormal(graph: ModelGraph, node: StochasticNode): boolean {
  if (node.distribution.name !== 'dnorm' || node.statement.truncation || node.observed || node.children.length === 0) return false;
  const analysis = new DependenceAnalysis(graph, node);
  return node.children.every((id) => {
    const child = graph.stochastic[id]!;
    return child.distribution.name === 'dinterval' && child.observed && !child.statement.truncation && isNodeItself(graph, child, node) &&
      analysis.elements(child.statement.args[1]!, child.scope).every((d) => d === Dependence.Constant);
  });
}
