import { nodeLogDensity, type ModelGraph, type StochasticNode } from '../model/graph';
import { Dependence, DependenceAnalysis } from './linearity';
import { ChildReads } from './parameterReads';

/** How one term of a node's log conditional is evaluated. */
const enum Term {
  /** The whole log density (nodeLogDensity). */
  Full,
  /** A normal whose mean moves and whose precision τ does not: −τ(x − μ)²/2, without ½log τ − ½log 2π. */
  NormalMean,
  /** A binomial whose probability moves and whose size does not: without log C(n, x). */
  BinomialProbability,
  /** A Poisson whose rate moves: without −log x!. */
  PoissonRate,
  /** The node's own gamma prior: (a − 1)·log x − b·x, without a·log b − log Γ(a). */
  GammaValue,
}

/**
 * The log conditional of one node, as a slice sampler evaluates it at every
 * point it tries: the node's own density plus its children's, each without
 * the terms that stay fixed while only this node moves — the normalising
 * constants log C(n, x) of a binomial child (three log-gamma calls), log x!
 * of a Poisson child, ½log τ of a normal child whose precision is not this
 * node. A slice step compares values of the conditional with each other
 * only, so a constant dropped from every value leaves the step's law as it
 * was (the chains can differ in the last bits, where rounding differs).
 *
 * Where a dropped term would not be finite (a precision that is not
 * positive), the full density is used, so an impossible value stays so.
 */
export class MovingTerms {
  private readonly own: Term;
  private readonly terms: Uint8Array;
  /** The children's values and the parameters their terms read, in place where they can be (parameterReads.ts). */
  private readonly values: ChildReads;
  private readonly firsts: ChildReads;
  private readonly seconds: ChildReads;

  constructor(
    graph: ModelGraph,
    private readonly node: StochasticNode,
    private readonly children: StochasticNode[],
  ) {
    this.own = plain(node) && node.distribution.name === 'dnorm' ? Term.NormalMean : plain(node) && node.distribution.name === 'dgamma' ? Term.GammaValue : Term.Full;
    const analysis = new DependenceAnalysis(graph, node);
    const fixed = (child: StochasticNode, argument: number): boolean => {
      const e = child.statement.args[argument];
      return e !== undefined && analysis.of(e, child.scope) === Dependence.Constant;
    };
    this.terms = Uint8Array.from(children, (child) => {
      if (!plain(child)) return Term.Full;
      switch (child.distribution.name) {
        case 'dnorm':
          return fixed(child, 1) ? Term.NormalMean : Term.Full;
        case 'dbin':
          return fixed(child, 1) ? Term.BinomialProbability : Term.Full;
        case 'dpois':
          return Term.PoissonRate;
        default:
          return Term.Full;
      }
    });
    const terms = this.terms;
    this.values = ChildReads.values(children);
    this.firsts = ChildReads.parameters(graph, children, (_, j) => (terms[j] === Term.Full ? -1 : 0));
    this.seconds = ChildReads.parameters(graph, children, (_, j) => (terms[j] === Term.NormalMean || terms[j] === Term.BinomialProbability ? 1 : -1));
    this.plate = NormalPlate.of(terms, this.values, this.firsts, this.seconds);
  }

  /** Where every child is a normal whose mean moves, read in place from one array per kind (NormalPlate); else null. */
  private readonly plate: NormalPlate | null;

  /** The log conditional at the current state, up to a constant; −∞ (or NaN) as soon as a term is. */
  /**
   * Reads the node's own prior parameters once for the points of one update: they cannot move with the node
   * (it is not its own parent), and a slice update evaluates about six points. Until `release`, `logDensity`
   * uses them; the caller holds them only while nothing else changes (within one update).
   */
  hold(): void {
    if (this.own === Term.Full) return;
    this.heldFirst = this.node.parameter(0);
    this.heldSecond = this.node.parameter(1);
    this.held = true;
  }

  release(): void {
    this.held = false;
  }

  /**
   * While held: whether the node's own term is a normal's with a finite positive precision, so that a caller
   * may weigh it itself as −τ(x − μ)²/2 (μ = heldMean, τ = heldPrecision) and add `childrenLogDensity` only
   * where there are children (`hasChildren`): the same value as `logDensity` without its calls.
   */
  get heldNormal(): boolean {
    return this.held && this.own === Term.NormalMean && this.heldSecond > 0 && this.heldSecond < Number.POSITIVE_INFINITY;
  }

  get heldMean(): number {
    return this.heldFirst;
  }

  get heldPrecision(): number {
    return this.heldSecond;
  }

  get hasChildren(): boolean {
    return this.children.length > 0;
  }

  private held = false;
  private heldFirst = 0;
  private heldSecond = 0;

  logDensity(): number {
    const { node, own } = this;
    const x = node.variable.values[node.offset]!;
    const total = own === Term.Full ? nodeLogDensity(node) : this.held ? term(own, node, x, this.heldFirst, this.heldSecond) : term(own, node, x, node.parameter(0), node.parameter(1));
    if (total === Number.NEGATIVE_INFINITY || Number.isNaN(total)) return Number.NEGATIVE_INFINITY;
    return this.childrenLogDensity(total);
  }

  /** `total` plus the children's terms at the current state (a caller weighs the node's own density itself); −∞ as soon as a term is. */
  childrenLogDensity(total = 0): number {
    const { children, terms, values, firsts, seconds } = this;
    if (this.plate) return this.plate.logDensity(children, total);
    for (let j = 0; j < children.length; j++) {
      const child = children[j]!;
      const kind = terms[j]!;
      if (kind === Term.Full) {
        total += nodeLogDensity(child);
      } else {
        const at = firsts.offsets[j]!, secondAt = seconds.offsets[j]!;
        const first = at >= 0 ? firsts.arrays[j]![at]! : child.parameter(0);
        // A Poisson's rate is its only parameter.
        const second = secondAt >= 0 ? seconds.arrays[j]![secondAt]! : kind === Term.PoissonRate ? 0 : child.parameter(1);
        total += term(kind, child, values.arrays[j]![values.offsets[j]!]!, first, second);
      }
      if (total === Number.NEGATIVE_INFINITY || Number.isNaN(total)) return Number.NEGATIVE_INFINITY;
    }
    return total;
  }
}

/**
 * Children that are all normals whose precision does not move with the node (Term.NormalMean), with their
 * values, means and precisions each read in place from one array (Dugongs' Y[i], m[i] and tau): the terms summed
 * in one loop over offsets, without the per-child dispatch, array-of-arrays reads and calls of the general loop,
 * which took most of a slice point's weighing. Each term is the same expression in the same order as `term`'s,
 * so the sums are the same to the bit.
 */
class NormalPlate {
  private constructor(
    private readonly values: Float64Array,
    private readonly valueAt: Int32Array,
    private readonly means: Float64Array,
    private readonly meanAt: Int32Array,
    private readonly precisions: Float64Array,
    private readonly precisionAt: Int32Array,
  ) {}

  static of(terms: Uint8Array, values: ChildReads, means: ChildReads, precisions: ChildReads): NormalPlate | null {
    if (terms.length === 0 || !terms.every((kind) => kind === Term.NormalMean)) return null;
    const one = (reads: ChildReads): boolean => reads.offsets.every((at, j) => at >= 0 && reads.arrays[j] === reads.arrays[0]);
    if (!one(values) || !one(means) || !one(precisions)) return null;
    return new NormalPlate(values.arrays[0]!, values.offsets, means.arrays[0]!, means.offsets, precisions.arrays[0]!, precisions.offsets);
  }

  /** `total` plus the children's terms; −∞ as soon as one is. A precision that is not finite and positive: that child's full density, as `term` does. */
  logDensity(children: readonly StochasticNode[], total: number): number {
    const { values, valueAt, means, meanAt, precisions, precisionAt } = this;
    for (let j = 0; j < valueAt.length; j++) {
      const tau = precisions[precisionAt[j]!]!;
      if (tau > 0 && tau < Number.POSITIVE_INFINITY) {
        const d = values[valueAt[j]!]! - means[meanAt[j]!]!;
        total += -0.5 * tau * d * d;
      } else {
        total += nodeLogDensity(children[j]!);
      }
      if (total === Number.NEGATIVE_INFINITY || Number.isNaN(total)) return Number.NEGATIVE_INFINITY;
    }
    return total;
  }
}

/** An untruncated scalar node given by its parameters alone: its density's terms can be split. */
function plain(node: StochasticNode): boolean {
  return !node.distribution.multivariate && !node.lower && !node.upper;
}

/** A split term at value x, given the node's first and second parameters (a Poisson's second is unused); `node` for the full density where a dropped term would not be finite. */
function term(kind: number, node: StochasticNode, x: number, first: number, second: number): number {
  switch (kind) {
    case Term.NormalMean: {
      const tau = second;
      if (!(tau > 0 && tau < Number.POSITIVE_INFINITY)) return nodeLogDensity(node);
      const d = x - first;
      return -0.5 * tau * d * d;
    }
    case Term.BinomialProbability: {
      const q = first, n = second;
      if (!(x >= 0 && Number.isInteger(x)) || x > n) return Number.NEGATIVE_INFINITY;
      if (q === 0) return x === 0 ? 0 : Number.NEGATIVE_INFINITY;
      if (q === 1) return x === n ? 0 : Number.NEGATIVE_INFINITY;
      return x * Math.log(q) + (n - x) * Math.log1p(-q);
    }
    case Term.PoissonRate: {
      if (!(x >= 0 && Number.isInteger(x))) return Number.NEGATIVE_INFINITY;
      const l = first;
      return l === 0 ? (x === 0 ? 0 : Number.NEGATIVE_INFINITY) : x * Math.log(l) - l;
    }
    case Term.GammaValue: {
      const a = first, b = second;
      if (!(a > 0 && b > 0 && a < Number.POSITIVE_INFINITY && b < Number.POSITIVE_INFINITY)) return nodeLogDensity(node);
      if (x < 0) return Number.NEGATIVE_INFINITY;
      return (a - 1) * Math.log(x) - b * x;
    }
    default:
      return nodeLogDensity(node);
  }
}
