import { transientParameters, propagate, Role, type ModelGraph, type StochasticNode } from '../model/graph';
import { drawTruncatedNormal } from '../random/draws';
import type { Random } from '../random/rng';
import { Dependence, DependenceAnalysis } from './linearity';
import { isNodeItself } from './conditionals';
import type { Sampler } from './samplers';

/**
 * The latent normals of a censoring plate — z[i] ~ dnorm(m_i, τ_i) with
 * y[i] ~ dinterval(z[i], c[]) observed, as in probit by augmentation: each
 * conditional is the prior truncated to the interval y[i] names, drawn
 * directly from the prior's parameters and the cut points, with none of the
 * general conditional's bookkeeping (this is the hot loop of such models).
 * One sampler serves a whole run of such nodes of one statement (see
 * `absorb`): its children and fixed intervals live in flat arrays, so a
 * million rows cost no sampler object per row.
 */
export class CensoredNormalSampler implements Sampler {
  readonly label = 'conjugate truncated normal';
  readonly nodes: StochasticNode[];
  /** Node k's children are `children[childStart[k]]` up to `children[childStart[k + 1]]`. */
  private readonly children: StochasticNode[];
  private readonly childStart: number[] = [0];
  /** Node k's interval, when the cut points are data (they are fixed then, and so are the observed intervals). */
  private readonly lower: number[] = [];
  private readonly upper: number[] = [];

  constructor(
    private readonly graph: ModelGraph,
    node: StochasticNode,
    children: StochasticNode[],
    private readonly cutsAreData: boolean,
  ) {
    this.nodes = [];
    this.children = [];
    this.add(node, children);
  }

  /** Takes over `other`'s nodes when both update nodes of the same statement the same way; returns whether it did. */
  absorb(other: CensoredNormalSampler): boolean {
    if (other.graph !== this.graph || other.cutsAreData !== this.cutsAreData || other.nodes[0]!.statement !== this.nodes[0]!.statement) return false;
    for (let k = 0; k < other.nodes.length; k++) other.forNode(k, (node, children) => this.add(node, children));
    return true;
  }

  private forNode(k: number, visit: (node: StochasticNode, children: StochasticNode[]) => void): void {
    visit(this.nodes[k]!, this.children.slice(this.childStart[k]!, this.childStart[k + 1]!));
  }

  private add(node: StochasticNode, children: StochasticNode[]): void {
    const k = this.nodes.length;
    this.nodes.push(node);
    for (const c of children) this.children.push(c);
    this.childStart.push(this.children.length);
    if (this.cutsAreData) {
      const [lower, upper] = this.interval(k);
      this.lower.push(lower);
      this.upper.push(upper);
    }
  }

  private interval(k: number): [number, number] {
    let lower = Number.NEGATIVE_INFINITY;
    let upper = Number.POSITIVE_INFINITY;
    for (let j = this.childStart[k]!; j < this.childStart[k + 1]!; j++) {
      const child = this.children[j]!;
      const cuts = transientParameters(child);
      const c = child.variable.values[child.offset]!;
      if (c >= 1 && cuts[c]! > lower) lower = cuts[c]!;
      if (c + 1 < cuts.length && cuts[c + 1]! < upper) upper = cuts[c + 1]!;
    }
    return [lower, upper];
  }

  update(random: Random): void {
    const { nodes } = this;
    for (let k = 0; k < nodes.length; k++) {
      const node = nodes[k]!;
      const mean = node.parameter(0);
      const precision = node.parameter(1);
      let lower: number;
      let upper: number;
      if (this.cutsAreData) {
        lower = this.lower[k]!;
        upper = this.upper[k]!;
      } else {
        [lower, upper] = this.interval(k);
      }
      const x = drawTruncatedNormal(random, mean, 1 / Math.sqrt(precision), lower, upper);
      // An empty interval (inconsistent censoring) leaves the value where it is.
      if (Number.isNaN(x)) continue;
      node.variable.values[node.offset] = x;
      if (node.dependents.length > 0) propagate(this.graph, node);
    }
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
