import { grownTypedArray } from '../collections';
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
  readonly nodes: StochasticNode[] = [];
  // Per row in typed arrays grown by doubling (and cut to size at the first update): a list of child nodes, a list of
  // starts and two lists of bounds were about 60 bytes a row with their spare capacity.
  /** Node k's children are the stochastic nodes `childIds[childStart[k]]` up to `childIds[childStart[k + 1]]`. */
  private childIds = new Int32Array(4);
  private childStart = new Int32Array(4);
  private childCount = 0;
  /** Node k's interval, when the cut points are data (they are fixed then, and so are the observed intervals). */
  private lower = new Float64Array(4);
  private upper = new Float64Array(4);
  private sized = false;

  constructor(
    private readonly graph: ModelGraph,
    node: StochasticNode,
    private readonly cutsAreData: boolean,
  ) {
    // childCount and child, not `children`: a node keeping a lone child as its id would make its list (nodeRecords.ts).
    this.add(node, undefined, 0, node.childCount);
  }

  /** Takes over `other`'s nodes when both update nodes of the same statement the same way; returns whether it did. */
  absorb(other: CensoredNormalSampler): boolean {
    if (other.graph !== this.graph || other.cutsAreData !== this.cutsAreData || other.nodes[0]!.statement !== this.nodes[0]!.statement) return false;
    for (let k = 0; k < other.nodes.length; k++) {
      this.add(other.nodes[k]!, other.childIds, other.childStart[k]!, other.childStart[k + 1]!);
    }
    return true;
  }

  /** Adds a node whose children are `ids[from]` up to `ids[to]` (without `ids`, the node's own `child(from)` up to `child(to)`). */
  private add(node: StochasticNode, ids: ArrayLike<number> | undefined, from: number, to: number): void {
    const k = this.nodes.length;
    this.nodes.push(node);
    if (k + 2 > this.childStart.length) {
      this.childStart = grownTypedArray(this.childStart, k + 2);
      this.lower = grownTypedArray(this.lower, k + 2);
      this.upper = grownTypedArray(this.upper, k + 2);
    }
    if (this.childCount + to - from > this.childIds.length) this.childIds = grownTypedArray(this.childIds, this.childCount + to - from);
    for (let j = from; j < to; j++) this.childIds[this.childCount++] = ids ? ids[j]! : node.child(j);
    this.childStart[k + 1] = this.childCount;
    if (this.cutsAreData) this.interval(k);
  }

  /** Node k's interval into `lower[k]` and `upper[k]`. */
  private interval(k: number): void {
    let lower = Number.NEGATIVE_INFINITY;
    let upper = Number.POSITIVE_INFINITY;
    for (let j = this.childStart[k]!; j < this.childStart[k + 1]!; j++) {
      const child = this.graph.stochastic[this.childIds[j]!]!;
      const cuts = transientParameters(child);
      const c = child.variable.values[child.offset]!;
      if (c >= 1 && cuts[c]! > lower) lower = cuts[c]!;
      if (c + 1 < cuts.length && cuts[c + 1]! < upper) upper = cuts[c + 1]!;
    }
    this.lower[k] = lower;
    this.upper[k] = upper;
  }

  update(random: Random): void {
    if (!this.sized) this.cutToSize();
    const { nodes, lower, upper } = this;
    for (let k = 0; k < nodes.length; k++) {
      const node = nodes[k]!;
      const mean = node.parameter(0);
      const precision = node.parameter(1);
      if (!this.cutsAreData) this.interval(k);
      const x = drawTruncatedNormal(random, mean, 1 / Math.sqrt(precision), lower[k]!, upper[k]!);
      // An empty interval (inconsistent censoring) leaves the value where it is.
      if (Number.isNaN(x)) continue;
      node.variable.values[node.offset] = x;
      if (node.dependents.length > 0) propagate(this.graph, node);
    }
  }

  /** The rows are all added once sampling starts: the spare capacity of the doubling goes. */
  private cutToSize(): void {
    const n = this.nodes.length;
    this.childIds = this.childIds.slice(0, this.childCount);
    this.childStart = this.childStart.slice(0, n + 1);
    this.lower = this.lower.slice(0, n);
    this.upper = this.upper.slice(0, n);
    this.sized = true;
  }
}

/** A copy of `from` with room for at least `need` elements (twice as many, or more). */
/** Whether every child's cut points read only data (then each observed interval never changes). */
export function cutsAreData(graph: ModelGraph, node: StochasticNode): boolean {
  for (let k = 0; k < node.childCount; k++) {
    const child = graph.stochastic[node.child(k)]!;
    const cuts = child.statement.args[1]!;
    // A written number (probit's 0) reads nothing: compiling it again for every row was garbage at a million rows.
    if (cuts.kind === 'number') continue;
    if (!graph.expressions.array(cuts, child.scope).reads.every((r) => r.variable.role[r.offset] === Role.Data)) return false;
  }
  return true;
}

/** Whether the node is such a latent normal: untruncated dnorm, every child an observed dinterval of the node itself with cut points free of it. */
export function isCensoredNormal(graph: ModelGraph, node: StochasticNode): boolean {
  if (node.distribution.name !== 'dnorm' || node.statement.truncation || node.observed || node.childCount === 0) return false;
  // Made only for cut points that are not a written number (probit's 0): an analysis per row was garbage at a million rows.
  let analysis: DependenceAnalysis | undefined;
  for (let k = 0; k < node.childCount; k++) {
    const child = graph.stochastic[node.child(k)]!;
    if (child.distribution.name !== 'dinterval' || !child.observed || child.statement.truncation || !isNodeItself(graph, child, node)) return false;
    const cuts = child.statement.args[1]!;
    if (cuts.kind !== 'number' && !(analysis ??= new DependenceAnalysis(graph, node)).elements(cuts, child.scope).every((d) => d === Dependence.Constant)) return false;
  }
  return true;
}
