import type { ScalarDistribution } from '../model/distributions';
import { currentParameters, type ModelGraph, type StochasticNode } from '../model/graph';
import type { Random } from '../random/rng';
import { componentOffset, readIsFreeOf, resolveComponentRead, type ComponentRead } from './componentSelection';
import { CountedChildren } from './componentCounts';
import { finiteSupport } from './finiteSupport';
import { Propagation } from './propagation';
import { propagateFrom, RenamingPropagation } from './renamingPropagation';

/**
 * The update of a finite mixture's indicator z whose one child has every
 * parameter a plain element, fixed or selected by z (`y[i] ~ dnorm(mu[i],
 * tau)` with `mu[i] <- lambda[T[i]]`, `x[i] ~ dpois(rate[g[i]])`): the
 * child's density at z = k reads the k-th component's elements straight from
 * their arrays, so weighing K components costs K densities, with no
 * deterministic node recomputed and no closure evaluated; the nodes
 * downstream of z are recomputed once, and only when z moves. A dcat prior
 * whose probabilities are a plain array is read the same way (the
 * normalising sum is the same for every k, so it is left out).
 */
export class MixtureIndicator {
  private readonly parameters: Float64Array;
  private readonly distribution: ScalarDistribution;
  private readonly normal: boolean;
  private weights = new Float64Array(4);
  /** Logs of the precisions and probabilities read, shared by every row that reads the same array: one log per element and sweep, not per row. */
  private readonly precisionLogs: LogMemo | undefined;
  private readonly probabilityLogs: LogMemo | undefined;
  /** The row's renaming node (`mu[i] <- lambda[T[i]]`) is refreshed by copying the component z now selects. */
  private readonly propagation: RenamingPropagation | undefined;
  /** With counted children, a move recomputes the counts too (by differences: propagation.ts). */
  private readonly fullPropagation: Propagation | undefined;
  // Read once here: a node's distribution and statement are looked up through its statement's record.
  private readonly prior: ScalarDistribution;
  private readonly values: Float64Array;
  private readonly offset: number;
  private readonly childValues: Float64Array;
  private readonly childOffset: number;

  private constructor(
    private readonly graph: ModelGraph,
    private readonly node: StochasticNode,
    child: StochasticNode,
    private readonly reads: ComponentRead[],
    /** The largest value of z every selecting read has an element for. */
    private readonly limit: number,
    /** dcat's probabilities as a plain array, else undefined (the prior's density is evaluated). */
    private readonly probabilities: { values: Float64Array; offsets: Int32Array } | undefined,
    /** The other children (a constraint on the counts), weighed by tables shared between rows; then moves propagate in full. */
    private readonly counted: CountedChildren | undefined,
  ) {
    this.parameters = new Float64Array(reads.length);
    this.distribution = child.distribution as ScalarDistribution;
    this.normal = this.distribution.name === 'dnorm';
    this.propagation = counted ? undefined : RenamingPropagation.of(graph, node);
    this.fullPropagation = counted ? Propagation.of(graph, node) : undefined;
    this.precisionLogs = this.normal ? LogMemo.of(reads[1]!.values) : undefined;
    this.probabilityLogs = probabilities ? LogMemo.of(probabilities.values) : undefined;
    this.prior = node.distribution as ScalarDistribution;
    this.values = node.variable.values;
    this.offset = node.offset;
    this.childValues = child.variable.values;
    this.childOffset = child.offset;
  }

  /** Whether other children than the one selected for are weighed by counts (componentCounts.ts). */
  get counts(): boolean {
    return this.counted !== undefined;
  }

  static of(graph: ModelGraph, node: StochasticNode, children: StochasticNode[]): MixtureIndicator | undefined {
    if (node.distribution.multivariate || !node.distribution.discrete || children.length === 0) return undefined;
    const dependents = new Set(node.dependents);
    for (const child of children) {
      const selection = componentsOf(graph, node, child, dependents);
      if (!selection) continue;
      // The other children, if any, must read z only through counts over the plate (componentCounts.ts).
      const counted = children.length > 1 ? CountedChildren.of(graph, node, child, selection.limit) : undefined;
      if (children.length > 1 && !counted) return undefined;
      return new MixtureIndicator(graph, node, child, selection.reads, selection.limit, plainProbabilities(graph, node), counted);
    }
    return undefined;
  }

  /** Draws z from its conditional; false when its support reaches past the components (then the caller enumerates). */
  update(random: Random): boolean {
    const { node, probabilities } = this;
    let lower = 1;
    let upper: number;
    let prior: Float64Array | undefined;
    if (probabilities) {
      upper = probabilities.offsets.length;
    } else {
      [lower, upper] = finiteSupport(node);
      prior = currentParameters(node);
    }
    const count = upper - lower + 1;
    if (!(count >= 1) || lower < 1 || upper > this.limit) return false;
    if (this.weights.length < count) this.weights = new Float64Array(count);
    const weights = this.weights;
    const distribution = this.prior;
    const { values, offset, counted } = this;
    const current = values[offset]!;
    // The counted children's table is indexed by the current value: one outside the components is left to enumeration.
    if (counted && !(Number.isInteger(current) && current >= 1 && current <= this.limit)) return false;
    let max = Number.NEGATIVE_INFINITY;
    for (let k = 0; k < count; k++) {
      const z = lower + k;
      const logPrior = probabilities ? this.probabilityLogs!.log(probabilities.offsets[k]!) : distribution.logDensity(z, prior!);
      let total = logPrior + this.childLogDensity(z);
      if (counted && total > Number.NEGATIVE_INFINITY) total += counted.logDensity(current, z);
      if (Number.isNaN(total) || total === Number.POSITIVE_INFINITY) total = Number.NEGATIVE_INFINITY;
      weights[k] = total;
      if (total > max) max = total;
    }
    const k = max === Number.NEGATIVE_INFINITY ? -1 : drawFromLogWeights(random, weights, count, max);
    // No value has positive probability (the rest of the model is inconsistent): stay put.
    if (k < 0 || k >= count || lower + k === current) return true;
    this.moveTo(lower + k);
    return true;
  }

  /** Sets z to a new value and recomputes what depends on it. */
  moveTo(z: number): void {
    this.values[this.offset] = z;
    if (this.fullPropagation) {
      this.fullPropagation.run();
      this.counted!.moved();
    } else {
      propagateFrom(this.graph, this.node, this.propagation);
    }
  }

  /** What a plate of rows weighed together needs of this row (mixturePlate.ts): a normal child, dcat probabilities as an array. */
  plateRow(): PlateRow | undefined {
    if (!this.normal || !this.probabilities) return undefined;
    return { indicator: this, values: this.values, offset: this.offset, y: this.childValues, yAt: this.childOffset, mean: this.reads[0]!, precision: this.reads[1]!, probabilities: this.probabilities, limit: this.limit, counted: this.counted };
  }

  /** The child's log density when z = k (1 ≤ k ≤ limit), up to a constant of k for a normal child. */
  private childLogDensity(k: number): number {
    const { reads, parameters } = this;
    const y = this.childValues[this.childOffset]!;
    if (this.normal) {
      const mean = reads[0]!.values[componentOffset(reads[0]!, k)]!;
      const at = componentOffset(reads[1]!, k);
      const precision = reads[1]!.values[at]!;
      const d = y - mean;
      return 0.5 * this.precisionLogs!.log(at) - 0.5 * precision * d * d;
    }
    for (let j = 0; j < reads.length; j++) {
      const read = reads[j]!;
      parameters[j] = read.values[componentOffset(read, k)]!;
    }
    return this.distribution.logDensity(y, parameters);
  }
}

/** One row of a plate (mixturePlate.ts): where z and y are, the components read, and the counted children. */
export interface PlateRow {
  indicator: MixtureIndicator;
  values: Float64Array;
  offset: number;
  y: Float64Array;
  yAt: number;
  mean: ComponentRead;
  precision: ComponentRead;
  probabilities: { values: Float64Array; offsets: Int32Array };
  limit: number;
  counted: CountedChildren | undefined;
}

/** The reads of `child`'s parameters when each is a plain element, fixed or a component selected by `node`, and the number of components. */
function componentsOf(graph: ModelGraph, node: StochasticNode, child: StochasticNode, dependents: Set<number>): { reads: ComponentRead[]; limit: number } | undefined {
  // A truncated child's density needs its bounds' mass; a child with array parameters is read element by element: leave both to enumeration.
  if (child.distribution.multivariate || child.lower || child.upper || child.statement.truncation) return undefined;
  if (child.statement.args.length !== child.paramCount || child.paramSizes.some((size) => size !== 1)) return undefined;
  let limit = Number.POSITIVE_INFINITY;
  const reads: ComponentRead[] = [];
  for (const arg of child.statement.args) {
    const read = resolveComponentRead(graph, arg, child.scope);
    if (!read || !readIsFreeOf(read, node, dependents)) return undefined;
    if (read.stride > 0) {
      if (read.selector !== node) return undefined;
      limit = Math.min(limit, read.count);
    }
    reads.push(read);
  }
  // A child reading z itself, not through a selection, is left to enumeration, which sets z before weighing.
  return limit === Number.POSITIVE_INFINITY ? undefined : { reads, limit };
}

/** A dcat node's probabilities when they are a plain array of the model (`P[]`, `pi[g, ]`) and the node is not truncated. */
function plainProbabilities(graph: ModelGraph, node: StochasticNode): { values: Float64Array; offsets: Int32Array } | undefined {
  if (node.distribution.name !== 'dcat' || node.lower || node.upper || node.statement.truncation) return undefined;
  const direct = graph.expressions.array(node.statement.args[0]!, node.scope).direct;
  return direct && direct.offsets.length === node.paramSizes[0] ? direct : undefined;
}

/**
 * One index k with probability ∝ exp(logWeights[k] − max), given the largest
 * weight `max` (finite): one exp per weight, kept in `logWeights` for the
 * walk, so nothing is allocated and nothing computed twice.
 */
export function drawFromLogWeights(random: Random, logWeights: Float64Array, count: number, max: number): number {
  let total = 0;
  // The largest weighs exactly 1: with two components, one exp per draw.
  for (let k = 0; k < count; k++) total += logWeights[k] = logWeights[k] === max ? 1 : Math.exp(logWeights[k]! - max);
  let u = random.uniform() * total;
  let last = -1;
  for (let k = 0; k < count; k++) {
    const w = logWeights[k]!;
    if (w === 0) continue;
    last = k;
    if (u < w) return k;
    u -= w;
  }
  // Only rounding in the running subtraction gets here.
  return last;
}

const memos = new WeakMap<Float64Array, LogMemo>();

/** The log of each element of a model's array, recomputed only when the element has changed since it was last asked for. */
class LogMemo {
  private readonly seen: Float64Array;
  private readonly logs: Float64Array;

  private constructor(private readonly values: Float64Array) {
    this.seen = new Float64Array(values.length).fill(Number.NaN);
    this.logs = new Float64Array(values.length);
  }

  static of(values: Float64Array): LogMemo {
    let memo = memos.get(values);
    if (!memo) memos.set(values, (memo = new LogMemo(values)));
    return memo;
  }

  log(offset: number): number {
    const x = this.values[offset]!;
    // NaN never equals itself, so a NaN element is logged (to NaN) every time, as it should be.
    if (x !== this.seen[offset]) {
      this.seen[offset] = x;
      this.logs[offset] = Math.log(x);
    }
    return this.logs[offset]!;
  }
}
