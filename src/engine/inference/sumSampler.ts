import { errorAt } from '../language/source';
import { currentParameters, nodeLogDensity, propagate, Role, type ModelGraph, type StochasticNode } from '../model/graph';
import { sumOf, sumTolerance } from '../model/observationDevices';
import type { Random } from '../random/rng';
import type { Sampler } from './samplers';
import { AdaptiveSlice } from './sliceSamplers';

/** The observed dsum node among a node's children, if any. */
export function observedSumOf(graph: ModelGraph, node: StochasticNode): StochasticNode | undefined {
  // childCount and child, not `children`: a node keeping a lone child as its id would make its list (nodeRecords.ts).
  for (let k = 0; k < node.childCount; k++) {
    const child = graph.stochastic[node.child(k)]!;
    if (child.observed && child.distribution.name === 'dsum') return child;
  }
  return undefined;
}

/**
 * The terms of an observed dsum, each a stochastic scalar named as an argument
 * (as JAGS requires: its sum sampler moves the terms themselves). A term that
 * is data stays fixed; the unobserved ones are moved.
 */
export function sumTerms(graph: ModelGraph, sum: StochasticNode): StochasticNode[] {
  return sum.statement.args.map((arg) => {
    const { reads } = graph.expressions.array(arg, sum.scope);
    const ref = reads.length === 1 ? reads[0]! : undefined;
    const role = ref?.variable.role[ref.offset];
    if (ref && role === Role.Stochastic) {
      const term = graph.stochastic[ref.variable.node[ref.offset]!]!;
      if (!term.distribution.multivariate) return term;
    }
    if (role === Role.Data) return undefined;
    throw errorAt(arg.range, `Each term of dsum must name one stochastic scalar node (or data), as in dsum(x[1], x[2]): ${sum.name} has a term that is ${ref ? 'computed from other nodes' : 'not a single node'}. Give the term its own distribution, or observe it.`);
  }).filter((term): term is StochasticNode => term !== undefined && !term.observed);
}

/**
 * Moves the terms of an observed sum so that the sum stays what the data say
 * (JAGS's dsum sampler): for each term i in turn, a partner j, and a slice
 * step on δ in (x_i + δ, x_j − δ), whose conditional is the product of the two
 * terms' densities and their other children's. Counts move by whole δ (the
 * slice runs over floor(δ), as the discrete slice sampler does). A single free
 * term is fixed by the sum and stays where the start put it.
 */
export class SumSampler extends AdaptiveSlice implements Sampler {
  readonly label: string;
  /** Per term, its children other than the sum. */
  private readonly childLists: StochasticNode[][];
  /** The children of the current pair, without repeats. */
  private readonly pairChildren: StochasticNode[] = [];
  private readonly seen: Uint32Array;
  private generation = 0;
  private i = 0;
  private j = 0;
  private xi = 0;
  private xj = 0;

  constructor(
    private readonly graph: ModelGraph,
    readonly nodes: StochasticNode[],
    sum: StochasticNode,
    discrete: boolean,
  ) {
    super(discrete);
    this.label = discrete ? 'sum-preserving (discrete pairs)' : 'sum-preserving (pairs)';
    this.childLists = nodes.map((n) => n.children.filter((id) => id !== sum.id).map((id) => graph.stochastic[id]!));
    this.seen = new Uint32Array(graph.stochastic.length);
  }

  private value(node: StochasticNode): number {
    return node.variable.values[node.offset]!;
  }

  logConditional(delta: number): number {
    const { graph, nodes } = this;
    const d = this.discrete ? Math.floor(delta) : delta;
    const a = nodes[this.i]!, b = nodes[this.j]!;
    a.variable.values[a.offset] = this.xi + d;
    b.variable.values[b.offset] = this.xj - d;
    propagate(graph, a);
    propagate(graph, b);
    let total = nodeLogDensity(a) + nodeLogDensity(b);
    for (let k = 0; k < this.pairChildren.length && total > Number.NEGATIVE_INFINITY; k++) total += nodeLogDensity(this.pairChildren[k]!);
    return Number.isNaN(total) ? Number.NEGATIVE_INFINITY : total;
  }

  /** Gathers the children of terms i and j, each once (a child of both counts once). */
  private choosePair(i: number, j: number): void {
    this.i = i;
    this.j = j;
    this.xi = this.value(this.nodes[i]!);
    this.xj = this.value(this.nodes[j]!);
    const stamp = ++this.generation;
    this.pairChildren.length = 0;
    for (const list of [this.childLists[i]!, this.childLists[j]!]) {
      for (const child of list) {
        if (this.seen[child.id] === stamp) continue;
        this.seen[child.id] = stamp;
        this.pairChildren.push(child);
      }
    }
  }

  update(random: Random): void {
    const m = this.nodes.length;
    if (m < 2) return;
    for (let i = 0; i < m; i++) {
      const j = (i + 1 + Math.floor(random.uniform() * (m - 1))) % m;
      this.choosePair(i, j);
      this.step(random);
    }
  }

  private step(random: Random): void {
    // δ = 0 is the current state; for counts the continuous δ is spread over [0, 1).
    const d0 = this.discrete ? random.uniform() : 0;
    this.slice(d0, this.discrete ? 1e-9 : 1e-14 * Math.max(Math.abs(this.xi), Math.abs(this.xj), 1e-300), random);
  }
}

/** The sum sampler of a node that is a term of an observed dsum, or undefined. */
export function claimSumTerms(graph: ModelGraph, node: StochasticNode): Sampler[] | undefined {
  const sum = observedSumOf(graph, node);
  if (!sum) return undefined;
  const terms = sumTerms(graph, sum);
  for (const term of terms) {
    const sums = term.children.filter((id) => graph.stochastic[id]!.observed && graph.stochastic[id]!.distribution.name === 'dsum');
    if (sums.length > 1) {
      throw errorAt(graph.stochastic[sums[1]!]!.statement.range, `${term.name} is a term of two observed sums (${sums.map((id) => graph.stochastic[id]!.name).join(' and ')}): a move that keeps one sum would change the other. Each node may be a term of one dsum only.`);
    }
  }
  const discrete = terms.map((t) => t.distribution.discrete);
  if (discrete.some((d) => d !== discrete[0])) {
    throw errorAt(sum.statement.range, `The terms of ${sum.name} mix counts and continuous nodes: a move that keeps their sum must be whole for the counts. Make them all counts or all continuous.`);
  }
  return [new SumSampler(graph, terms, sum, discrete[0] ?? false)];
}

/**
 * Moves the free terms of each observed dsum so that they add up to its value
 * before sampling starts (JAGS does the same with its start values): the gap is
 * shared equally, in whole parts for counts. Returns the sums it could not meet.
 */
export function meetObservedSums(graph: ModelGraph, fixed: (n: StochasticNode) => boolean): void {
  for (const sum of graph.stochastic) {
    if (!sum.observed || sum.distribution.name !== 'dsum') continue;
    const p = new Float64Array(sum.paramCount);
    for (let k = 0; k < p.length; k++) p[k] = sum.parameter(k);
    const x = sum.variable.values[sum.offset]!;
    const gap = x - sumOf(p);
    if (!(Math.abs(gap) > sumTolerance(x, p))) continue;
    const all = sumTerms(graph, sum);
    const free = all.filter((t) => !fixed(t));
    const movable = free.length ? free : all;
    if (movable.length === 0) continue;
    if (movable.every((t) => t.distribution.discrete)) shareCounts(graph, movable, gap);
    else for (const term of movable) shift(graph, term, gap / movable.length);
  }
}

function shift(graph: ModelGraph, term: StochasticNode, by: number): void {
  term.variable.values[term.offset] = term.variable.values[term.offset]! + by;
  propagate(graph, term);
}

/** Shares a whole gap among counts, none taken below its support's lower end. */
function shareCounts(graph: ModelGraph, terms: StochasticNode[], gap: number): void {
  let left = gap;
  for (let k = 0; k < terms.length && left !== 0; k++) {
    const term = terms[k]!;
    const lower = (term.distribution.multivariate ? 0 : term.distribution.bounds(currentParameters(term))[0]) || 0;
    const x = term.variable.values[term.offset]!;
    let step = Math.sign(left) * Math.ceil(Math.abs(left) / (terms.length - k));
    if (x + step < lower) step = lower - x;
    shift(graph, term, step);
    left -= step;
  }
}
