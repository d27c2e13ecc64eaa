import { choleskyInPlace, inverseFromCholesky, logDeterminantFromCholesky } from '../math/linalg';
import { elementName, propagate, type ModelGraph, type StochasticNode } from '../model/graph';
import { logMultivariateGamma } from '../model/multivariate';
import type { VariationalNode } from '../output/fitOutput';
import { FactorError, NodeFactor } from './factor';
import { gammaQuantile, multivariateDigamma } from './special';

const Z975 = 1.959963984540054;

/**
 * A Wishart factor for a dwish node, in JAGS's parameterisation dwish(R, k):
 * density ∝ |Ω|^((k−d−1)/2) exp(−½ tr(RΩ)), E[Ω] = k R⁻¹. Messages add to R
 * (`scatter`) and to the coefficient of log|Ω|: k = 2·that + d + 1.
 */
export class WishartFactor extends NodeFactor {
  readonly family = 'wishart';
  readonly d: number;
  readonly scatter: Float64Array;
  logDetCoefficient = 0;
  readonly R: Float64Array;
  k = Number.NaN;
  /** E[Ω] and E[log|Ω|]; a point mass at the start value until the first update. */
  readonly mean: Float64Array;
  meanLogDet = Number.NaN;
  private logDetR = 0;
  private readonly chol: Float64Array;
  private readonly column: Float64Array;

  constructor(graph: ModelGraph, node: StochasticNode) {
    super(graph, node);
    const d = (this.d = node.side);
    this.scatter = new Float64Array(d * d);
    this.R = new Float64Array(d * d);
    this.chol = new Float64Array(d * d);
    this.column = new Float64Array(d);
    this.mean = new Float64Array(d * d);
    this.start();
  }

  start(): void {
    const { d, chol, mean, node } = this;
    node.offsets.forEach((o, i) => (mean[i] = node.variable.values[o]!));
    chol.set(mean);
    this.meanLogDet = choleskyInPlace(chol, d) ? logDeterminantFromCholesky(chol, d) : Number.NaN;
  }

  protected clearMessages(): void {
    this.scatter.fill(0);
    this.logDetCoefficient = 0;
  }

  protected finish(): void {
    const { d, chol, R } = this;
    const k = 2 * this.logDetCoefficient + d + 1;
    R.set(this.scatter);
    chol.set(R);
    if (!(k > d - 1) || !choleskyInPlace(chol, d)) {
      throw new FactorError(this.node, `The variational factor of '${this.node.name}' is not a proper Wishart (k = ${k}${k > d - 1 ? ', R not positive definite' : ''}): give it a proper dwish(R, k) prior, R positive definite and k ≥ ${d}.`);
    }
    this.k = k;
    this.logDetR = logDeterminantFromCholesky(chol, d);
    inverseFromCholesky(chol, this.mean, d, this.column);
    for (let i = 0; i < d * d; i++) this.mean[i] = this.mean[i]! * k;
    this.meanLogDet = multivariateDigamma(k, d) + d * Math.LN2 - this.logDetR;
  }

  entropy(): number {
    const { d, k } = this;
    const logNormaliser = 0.5 * k * d * Math.LN2 + logMultivariateGamma(0.5 * k, d) - 0.5 * k * this.logDetR;
    return logNormaliser - 0.5 * (k - d - 1) * this.meanLogDet + 0.5 * k * d;
  }

  writeMeans(): void {
    this.node.offsets.forEach((o, i) => (this.node.variable.values[o] = this.mean[i]!));
    propagate(this.graph, this.node);
  }

  summaries(): VariationalNode[] {
    return wishartSummaries(Array.from(this.node.offsets, (o) => elementName(this.node.variable, o)), this.d, this.k, this.R, this.mean);
  }
}

/** One summary per element of a Wishart factor with k degrees of freedom, scale R (JAGS's) and mean E[Ω] = kR⁻¹, named by `names` (row-major). */
export function wishartSummaries(names: string[], d: number, k: number, R: ArrayLike<number>, mean: ArrayLike<number>): VariationalNode[] {
  const scale = Array.from(R);
  // V = R⁻¹; element (i, j) has variance k(V_ij² + V_ii V_jj); a diagonal element is V_ii·χ²_k.
  const v = (i: number, j: number): number => mean[i * d + j]! / k;
  return names.map((name, index) => {
    const i = Math.floor(index / d);
    const j = index % d;
    const m = mean[index]!;
    const sd = Math.sqrt(k * (v(i, j) ** 2 + v(i, i) * v(j, j)));
    const diagonal = i === j;
    const rate = 1 / (2 * v(i, i));
    return {
      name, family: 'wishart', mean: m, sd,
      lower: diagonal ? gammaQuantile(0.025, k / 2, rate) : m - Z975 * sd,
      upper: diagonal ? gammaQuantile(0.975, k / 2, rate) : m + Z975 * sd,
      parameters: { df: k, R: scale },
    };
  });
}
