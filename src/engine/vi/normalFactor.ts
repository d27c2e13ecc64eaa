import { choleskyInPlace, inverseFromCholesky, logDeterminantFromCholesky, solveWithCholeskyInPlace } from '../math/linalg';
import { elementName, propagate, type ModelGraph, type StochasticNode } from '../model/graph';
import type { VariationalNode } from '../output/fitOutput';
import { FactorError, type Factor, type Term } from './factor';
import { truncatedNormalMoments, truncatedNormalQuantile, type TruncatedNormalMoments } from './special';

const LOG_2PI_E = Math.log(2 * Math.PI) + 1;
const Z975 = 1.959963984540054;

/**
 * A Gaussian factor over d coordinates: one scalar normal node, a block of
 * scalar normal nodes that share their children (a regression's
 * coefficients: their correlation is kept), or one dmnorm node. With d = 1
 * and bounds it is the truncated normal of probit augmentation (the bounds
 * come from the node's dinterval children). Natural parameters Λ and η are
 * summed from the terms; q = N(Λ⁻¹η, Λ⁻¹), truncated where bounded.
 */
export class NormalFactor implements Factor {
  readonly family: 'normal' | 'truncated normal';
  readonly terms: Term[] = [];
  readonly d: number;
  readonly coordinates: Array<{ node: StochasticNode; offset: number }>;
  /** E[θ] and Cov[θ] (row-major d × d). */
  readonly mean: Float64Array;
  readonly covariance: Float64Array;
  /** Accumulated messages: Λ (d × d) and η. */
  readonly lambda: Float64Array;
  readonly eta: Float64Array;
  private readonly factor: Float64Array;
  private readonly column: Float64Array;
  private logDetPrecision = 0;
  /** Truncated case: the untruncated location and precision, and the moments. */
  private location = 0;
  private precision = 0;
  private readonly truncated: TruncatedNormalMoments = { mean: 0, variance: 0, entropy: 0, logMass: 0 };

  constructor(
    private readonly graph: ModelGraph,
    readonly nodes: StochasticNode[],
    readonly lower = Number.NEGATIVE_INFINITY,
    readonly upper = Number.POSITIVE_INFINITY,
  ) {
    this.coordinates = nodes.flatMap((node) => Array.from(node.offsets, (offset) => ({ node, offset })));
    const d = (this.d = this.coordinates.length);
    this.family = lower > Number.NEGATIVE_INFINITY || upper < Number.POSITIVE_INFINITY ? 'truncated normal' : 'normal';
    this.mean = new Float64Array(d);
    this.covariance = new Float64Array(d * d);
    this.lambda = new Float64Array(d * d);
    this.eta = new Float64Array(d);
    this.factor = new Float64Array(d * d);
    this.column = new Float64Array(d);
    this.start();
  }

  start(): void {
    this.coordinates.forEach((c, k) => (this.mean[k] = c.node.variable.values[c.offset]!));
    this.covariance.fill(0);
  }

  /** The coordinate of a node's element in this factor, or −1. */
  coordinateOf(node: StochasticNode, offset: number): number {
    return this.coordinates.findIndex((c) => c.node === node && c.offset === offset);
  }

  update(): void {
    this.lambda.fill(0);
    this.eta.fill(0);
    for (const term of this.terms) term.send(this);
    this.finish();
  }

  private finish(): void {
    const { d, factor, mean, covariance } = this;
    factor.set(this.lambda);
    if (!choleskyInPlace(factor, d)) {
      const node = this.nodes[0]!;
      throw new FactorError(node, `The variational factor of '${node.name}' has no positive precision: its prior is improper (a zero or flat precision) and the data do not determine it. Give it a proper prior.`);
    }
    this.logDetPrecision = logDeterminantFromCholesky(factor, d);
    if (this.family === 'truncated normal') {
      this.precision = this.lambda[0]!;
      this.location = this.eta[0]! / this.precision;
      truncatedNormalMoments(this.location, this.precision, this.lower, this.upper, this.truncated);
      mean[0] = this.truncated.mean;
      covariance[0] = this.truncated.variance;
      return;
    }
    mean.set(this.eta);
    solveWithCholeskyInPlace(factor, mean, d);
    inverseFromCholesky(factor, covariance, d, this.column);
  }

  entropy(): number {
    if (this.family === 'truncated normal') return this.truncated.entropy;
    return 0.5 * (this.d * LOG_2PI_E - this.logDetPrecision);
  }

  writeMeans(): void {
    this.coordinates.forEach((c, k) => (c.node.variable.values[c.offset] = this.mean[k]!));
    for (const node of this.nodes) propagate(this.graph, node);
  }

  summaries(): VariationalNode[] {
    const { d, mean, covariance } = this;
    return this.coordinates.map((c, k) => {
      const m = mean[k]!;
      const sd = Math.sqrt(covariance[k * d + k]!);
      const name = elementName(c.node.variable, c.offset);
      if (this.family === 'truncated normal') {
        const { location, precision, lower, upper } = this;
        const q = (p: number): number => truncatedNormalQuantile(p, location, precision, lower, upper);
        return { name, family: this.family, mean: m, sd, lower: q(0.025), upper: q(0.975), parameters: { location, precision, lower, upper } };
      }
      const parameters: VariationalNode['parameters'] = { mean: m, variance: sd * sd };
      if (d > 1) parameters.block = this.coordinates.map((b) => elementName(b.node.variable, b.offset)).join(', ');
      return { name, family: this.family, mean: m, sd, lower: m - Z975 * sd, upper: m + Z975 * sd, parameters };
    });
  }
}
