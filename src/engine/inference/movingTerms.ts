import { nodeLogDensity, type ModelGraph, type StochasticNode } from '../model/graph';
import { Dependence, DependenceAnalysis } from './linearity';

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
  }

  /** The log conditional at the current state, up to a constant; −∞ (or NaN) as soon as a term is. */
  logDensity(): number {
    let total = term(this.node, this.own);
    if (total === Number.NEGATIVE_INFINITY || Number.isNaN(total)) return Number.NEGATIVE_INFINITY;
    const { children, terms } = this;
    for (let j = 0; j < children.length; j++) {
      total += term(children[j]!, terms[j]!);
      if (total === Number.NEGATIVE_INFINITY || Number.isNaN(total)) return Number.NEGATIVE_INFINITY;
    }
    return total;
  }
}

/** An untruncated scalar node given by its parameters alone: its density's terms can be split. */
function plain(node: StochasticNode): boolean {
  return !node.distribution.multivariate && !node.lower && !node.upper;
}

function term(node: StochasticNode, kind: number): number {
  const x = node.variable.values[node.offset]!;
  switch (kind) {
    case Term.NormalMean: {
      const tau = node.parameter(1);
      if (!(tau > 0 && tau < Number.POSITIVE_INFINITY)) return nodeLogDensity(node);
      const d = x - node.parameter(0);
      return -0.5 * tau * d * d;
    }
    case Term.BinomialProbability: {
      const q = node.parameter(0), n = node.parameter(1);
      if (!(x >= 0 && Number.isInteger(x)) || x > n) return Number.NEGATIVE_INFINITY;
      if (q === 0) return x === 0 ? 0 : Number.NEGATIVE_INFINITY;
      if (q === 1) return x === n ? 0 : Number.NEGATIVE_INFINITY;
      return x * Math.log(q) + (n - x) * Math.log1p(-q);
    }
    case Term.PoissonRate: {
      if (!(x >= 0 && Number.isInteger(x))) return Number.NEGATIVE_INFINITY;
      const l = node.parameter(0);
      return l === 0 ? (x === 0 ? 0 : Number.NEGATIVE_INFINITY) : x * Math.log(l) - l;
    }
    case Term.GammaValue: {
      const a = node.parameter(0), b = node.parameter(1);
      if (!(a > 0 && b > 0 && a < Number.POSITIVE_INFINITY && b < Number.POSITIVE_INFINITY)) return nodeLogDensity(node);
      if (x < 0) return Number.NEGATIVE_INFINITY;
      return (a - 1) * Math.log(x) - b * x;
    }
    default:
      return nodeLogDensity(node);
  }
}
