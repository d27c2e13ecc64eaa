import { transientParameters, propagate, Role, type ModelGraph, type StochasticNode } from '../model/graph';
import { drawTruncatedNormal } from '../random/draws';
import type { Random } from '../random/rng';
import { Dependence, DependenceAnalysis } from './linearity';
import { isNodeItself } from './conditionals';
import type { Sampler } from './samplers';
import { IntervalTable } from './intervalTable';
import { lowerBound } from '../collections';

/**
 * The latent normals of a censoring plate — z[i] ~ dnorm(m_i, τ_i) with
 * y[i] ~ dinterval(z[i], c[]) observed, as in probit by augmentation: each
 * conditional is the prior truncated to the interval y[i] names, drawn
 * directly from the prior's parameters and the cut points, with none of the
 * general conditional's bookkeeping (this is the hot loop of such models).
 * One sampler serves a whole run of such nodes of one statement, claimed
 * at once (`claimRun`), so a million rows cost no sampler object per row.
 */
export class CensoredNormalSampler implements Sampler {
  readonly label = 'conjugate truncated normal';
  nodes: StochasticNode[];
  /**
   * With cut points that are data, every node's interval is fixed: tabulated at the first update (the nodes are all
   * claimed by then), as a few distinct intervals and an index a row where it can be (intervalTable.ts).
   */
  private intervals: IntervalTable | undefined;
  /** The interval `interval` found last (two numbers, without an object per call). */
  private foundLower = Number.NEGATIVE_INFINITY;
  private foundUpper = Number.POSITIVE_INFINITY;

  constructor(
    private readonly graph: ModelGraph,
    nodes: StochasticNode[],
    private readonly cutsAreData: boolean,
  ) {
    this.nodes = nodes;
  }

  /**
   * The sampler of `node` and of the free latent normals of its statement that follow it among the unobserved nodes
   * with cut points as fixed as its own (a probit's z[i], row after row), its list made at its length. No factory
   * tried before this one claims such a node (they need normal or dsum children), so claiming the run here gives the
   * samplers a node-by-node assignment would. Before, each row came in a sampler and a list of its own that the row
   * before absorbed, and the absorbing list grew by copies: about 200 bytes of garbage a row.
   */
  static claimRun(graph: ModelGraph, node: StochasticNode, free: (n: StochasticNode) => boolean): CensoredNormalSampler {
    const fixedCuts = cutsAreData(graph, node);
    const unobserved = graph.unobserved;
    const first = lowerBound(unobserved.length, (k) => unobserved[k]! < node.id);
    let end = first + 1;
    for (; end < unobserved.length; end++) {
      const next = graph.stochastic[unobserved[end]!]!;
      if (next.statement !== node.statement || !free(next) || !isCensoredNormal(graph, next) || cutsAreData(graph, next) !== fixedCuts) break;
    }
    const nodes = new Array<StochasticNode>(end - first);
    for (let k = first; k < end; k++) nodes[k - first] = graph.stochastic[unobserved[k]!]!;
    return new CensoredNormalSampler(graph, nodes, fixedCuts);
  }

  /** Takes over `other`'s nodes when both update nodes of the same statement the same way; returns whether it did. */
  absorb(other: CensoredNormalSampler): boolean {
    if (other.graph !== this.graph || other.cutsAreData !== this.cutsAreData || other.nodes[0]!.statement !== this.nodes[0]!.statement) return false;
    this.intervals = undefined;
    for (const node of other.nodes) this.nodes.push(node);
    return true;
  }

  /**
   * The node's interval into `foundLower` and `foundUpper`: the intersection of the intervals its children name.
   * childCount and child, not `children`: a node keeping a lone child as its id would make its list (nodeRecords.ts).
   */
  private interval(node: StochasticNode): void {
    let lower = Number.NEGATIVE_INFINITY;
    let upper = Number.POSITIVE_INFINITY;
    for (let j = 0; j < node.childCount; j++) {
      const child = this.graph.stochastic[node.child(j)]!;
      const cuts = transientParameters(child);
      const c = child.variable.values[child.offset]!;
      if (c >= 1 && cuts[c]! > lower) lower = cuts[c]!;
      if (c + 1 < cuts.length && cuts[c + 1]! < upper) upper = cuts[c + 1]!;
    }
    this.foundLower = lower;
    this.foundUpper = upper;
  }

  update(random: Random): void {
    if (this.cutsAreData && !this.intervals) this.tabulate();
    const { nodes, intervals } = this;
    for (let k = 0; k < nodes.length; k++) {
      const node = nodes[k]!;
      const mean = node.parameter(0);
      const precision = node.parameter(1);
      let lower: number, upper: number;
      if (intervals) {
        lower = intervals.lower(k);
        upper = intervals.upper(k);
      } else {
        this.interval(node);
        lower = this.foundLower;
        upper = this.foundUpper;
      }
      const x = drawTruncatedNormal(random, mean, 1 / Math.sqrt(precision), lower, upper);
      // An empty interval (inconsistent censoring) leaves the value where it is.
      if (Number.isNaN(x)) continue;
      node.variable.values[node.offset] = x;
      if (node.dependents.length > 0) propagate(this.graph, node);
    }
  }

  /** The fixed intervals of all the nodes, once; the node list loses the spare capacity of its growth too. */
  private tabulate(): void {
    this.nodes = this.nodes.slice();
    const { nodes } = this;
    const table = new IntervalTable(nodes.length);
    for (let k = 0; k < nodes.length; k++) {
      this.interval(nodes[k]!);
      table.set(k, this.foundLower, this.foundUpper);
    }
    this.intervals = table;
  }
}

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
