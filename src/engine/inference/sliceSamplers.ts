import { nodeLogDensity, propagate, type ModelGraph, type StochasticNode } from '../model/graph';
import type { Random } from '../random/rng';
import { LinkedTerms } from './linkedTerms';
import { MovingTerms } from './movingTerms';
import { Propagation } from './propagation';
import type { Sampler } from './samplers';

const MAX_STEPS = 50;
const MAX_SHRINKS = 200;

/**
 * The adapted width over the mean size of the moves. JAGS takes 2. Where the conditional is unimodal, its
 * slices are intervals, and stepping out and shrinking draw uniformly from the slice whatever the width (Neal
 * 2003, section 4): the width sets the cost of an update, not its law. Simulated (60,000 updates each, the
 * log density evaluations per update at 2× and 3×): normal 6.10 and 5.82, gamma(2) 6.08 and 5.83, Student's
 * t₃ 6.19 and 5.95, a logistic regression's coefficient 6.07 and 5.82; 4× to 5× is no better. Measured
 * (--seed 3): Seeds' b[i] 6.40 -> 5.92, its coefficients 6.06 -> 5.81, Dugongs' gamma 6.16 -> 5.94. A wider
 * interval also crosses between the modes of a multimodal conditional more often, not less.
 */
const WIDTH_PER_MOVE = 3;

/** A univariate log density, up to a constant, that a slice step explores; evaluating it sets the state to x. */
export interface SliceTarget {
  logConditional(x: number): number;
  /**
   * The log density at x0, the state as the step finds it: a Gibbs sweep leaves every node's dependents current,
   * so a target may weigh it without writing x0 and recomputing them; the value is logConditional(x0)'s.
   */
  logConditionalAtStart(x0: number): number;
}

/**
 * One slice step from x0 with stepping out (Neal 2003, fig. 3) by `width`, at
 * most MAX_STEPS steps in all, and shrinking. Returns the new point, where the
 * state is left; or NaN when shrinking reached `smallest` first (a bracket
 * rounding cannot narrow, or an infinite density at x0), with the state put
 * back at x0.
 */
export function sliceStep(target: SliceTarget, x0: number, width: number, smallest: number, random: Random): number {
  const level = target.logConditionalAtStart(x0) - random.exponential();
  let left = x0 - width * random.uniform();
  let right = left + width;
  let steps = Math.floor(MAX_STEPS * random.uniform());
  let rightSteps = MAX_STEPS - 1 - steps;
  while (steps-- > 0 && target.logConditional(left) > level) left -= width;
  while (rightSteps-- > 0 && target.logConditional(right) > level) right += width;
  for (let shrink = 0; shrink < MAX_SHRINKS; shrink++) {
    const x = left + (right - left) * random.uniform();
    if (target.logConditional(x) > level) return x;
    if (x < x0) left = x;
    else right = x;
    if (right - left < smallest) break;
  }
  target.logConditional(x0);
  return Number.NaN;
}

/**
 * A slice sampler of one coordinate whose width adapts during burn-in to
 * WIDTH_PER_MOVE times the mean size of its moves. For a count the
 * coordinate is continuous and the state its floor.
 */
export abstract class AdaptiveSlice implements SliceTarget {
  private width: number;
  private movedTotal = 0;
  private moves = 0;

  constructor(protected readonly discrete: boolean) {
    this.width = discrete ? 2 : 1;
  }

  abstract logConditional(x: number): number;

  logConditionalAtStart(x0: number): number {
    return this.logConditional(x0);
  }

  /** One slice step from x0 (see sliceStep); records the move's size for adaptation. */
  protected slice(x0: number, smallest: number, random: Random): void {
    const x = sliceStep(this, x0, this.width, smallest, random);
    if (Number.isNaN(x)) return;
    this.movedTotal += Math.abs(x - x0);
    this.moves++;
  }

  adapt(): void {
    if (this.moves >= 50) {
      this.width = Math.max(WIDTH_PER_MOVE * (this.movedTotal / this.moves), this.discrete ? 1 : 1e-8);
      this.movedTotal = 0;
      this.moves = 0;
    }
  }
}

/**
 * Univariate slice sampling with stepping out (Neal 2003, fig. 3), for one
 * element of a continuous node (a scalar, or one coordinate of a dmnorm
 * without a conjugate structure), or, with `discrete`, for a count: the
 * value is floor(x) of a continuous x, so the slice runs over a piecewise
 * constant density (as JAGS's discrete slice sampler does). The width adapts
 * during burn-in to a multiple of the mean size of the moves (AdaptiveSlice).
 */
export class SliceSampler extends AdaptiveSlice implements Sampler {
  readonly label: string;
  readonly nodes: StochasticNode[];
  private readonly target: number;

  constructor(
    private readonly graph: ModelGraph,
    private readonly node: StochasticNode,
    private readonly children: StochasticNode[],
    element = 0,
    discrete = false,
  ) {
    super(discrete);
    this.nodes = [node];
    this.target = node.offsets[element]!;
    this.label = discrete ? 'discrete slice' : node.distribution.multivariate ? 'slice (by element)' : 'slice';
  }

  logConditional(x: number): number {
    const { node } = this;
    const value = this.discrete ? Math.floor(x) : x;
    node.variable.values[this.target] = value;
    // A GLM's node: its children weighed from their linear predictors, the definitions downstream computed once, below.
    if (this.affine) return this.linked!.affineLogDensity(value);
    if (this.linked) return this.linked.logDensity();
    (this.trial ?? this.propagation!).run();
    return this.terms!.logDensity();
  }

  /**
   * At the start the node's dependents are current (the sweep's invariant), so its propagation is skipped: one
   * of the five to seven a step makes (Dugongs' 27 powers of gamma). Where the dependents' powers are computed by
   * trialPower for the points tried, the start is weighed with the exact values instead, which differ in the
   * last bits: the slice's level can move by a few units in the last place. A count's x0 is its value plus a
   * uniform, and a GLM's node weighs its children without propagating: both as logConditional.
   */
  override logConditionalAtStart(x0: number): number {
    if (this.discrete || this.linked) return this.logConditional(x0);
    return this.terms!.logDensity();
  }

  /** The node's dependents and its conditional's terms, made at the first update, once the graph's dependents and children are final. */
  private propagation: Propagation | undefined;
  private terms: MovingTerms | undefined;
  private linked: LinkedTerms | null | undefined;
  /** The propagation for points only tried, where a dependent has a power (Propagation.trialOf); the exact one runs at the point kept. */
  private trial: Propagation | null | undefined;
  /** Whether this update weighs the linked children by their predictors' affine form (LinkedTerms.prepare). */
  private affine = false;

  update(random: Random): void {
    this.propagation ??= Propagation.of(this.graph, this.node);
    this.terms ??= new MovingTerms(this.graph, this.node, this.children);
    if (this.linked === undefined) this.linked = (!this.node.distribution.multivariate && LinkedTerms.of(this.graph, this.node, this.children)) || null;
    if (this.trial === undefined) this.trial = Propagation.trialOf(this.graph, this.node) ?? null;
    const current = this.node.variable.values[this.target]!;
    // For a count, the continuous x is spread uniformly over [value, value + 1).
    const x0 = this.discrete ? current + random.uniform() : current;
    this.affine = this.linked !== null && this.linked.prepare();
    // The node's own prior parameters read once for this update's points.
    const held = this.linked ?? this.terms;
    held.hold();
    this.slice(x0, this.discrete ? 1e-9 : 1e-14 * Math.max(Math.abs(x0), 1e-300), random);
    held.release();
    if (this.linked || this.trial) this.propagation.run();
  }
}

/**
 * A Dirichlet node without a conjugate structure: slice moves along the
 * simplex, each between a pair of coordinates (x_i, x_j) with x_i + x_j = s
 * kept fixed, so the value stays a probability vector; the conditional of
 * t = x_i on [0, s] is proportional to the joint density (a linear map).
 */
export class SimplexSliceSampler implements Sampler {
  readonly label = 'slice (simplex pairs)';
  readonly nodes: StochasticNode[];
  private width: Float64Array;
  private i = 0;
  private j = 0;
  private total = 0;

  constructor(
    private readonly graph: ModelGraph,
    private readonly node: StochasticNode,
    private readonly children: StochasticNode[],
  ) {
    this.nodes = [node];
    this.width = new Float64Array(node.side).fill(0.25);
  }

  private logConditional(t: number): number {
    const { node } = this;
    if (t < 0 || t > this.total) return Number.NEGATIVE_INFINITY;
    const values = node.variable.values;
    values[node.offsets[this.i]!] = t;
    values[node.offsets[this.j]!] = this.total - t;
    propagate(this.graph, node);
    let sum = nodeLogDensity(node);
    for (let c = 0; c < this.children.length && sum > Number.NEGATIVE_INFINITY; c++) sum += nodeLogDensity(this.children[c]!);
    return Number.isNaN(sum) ? Number.NEGATIVE_INFINITY : sum;
  }

  update(random: Random): void {
    const { node } = this;
    const d = node.side;
    const values = node.variable.values;
    for (let i = 0; i < d - 1; i++) {
      this.i = i;
      this.j = i + 1 + Math.floor(random.uniform() * (d - 1 - i));
      const t0 = values[node.offsets[this.i]!]!;
      this.total = t0 + values[node.offsets[this.j]!]!;
      if (!(this.total > 0)) continue;
      const level = this.logConditional(t0) - random.exponential();
      const w = Math.min(this.width[i]!, this.total);
      let left = Math.max(0, t0 - w * random.uniform());
      let right = Math.min(this.total, left + w);
      while (left > 0 && this.logConditional(left) > level) left = Math.max(0, left - w);
      while (right < this.total && this.logConditional(right) > level) right = Math.min(this.total, right + w);
      for (let shrink = 0; ; shrink++) {
        const t = left + (right - left) * random.uniform();
        if (this.logConditional(t) > level) break;
        if (t < t0) left = t;
        else right = t;
        if (right - left < 1e-15 || shrink >= MAX_SHRINKS) {
          this.logConditional(t0);
          break;
        }
      }
    }
  }
}
