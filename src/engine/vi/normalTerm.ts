import type { StochasticNode } from '../model/graph';
import type { Configurations } from './configurations';
import type { Factor, Term } from './factor';
import { NormalFactor } from './normalFactor';
import { GammaFactor } from './scalarFactors';
import { WishartFactor } from './wishartFactor';

const LOG_2PI = Math.log(2 * Math.PI);

/** Coefficients B (m × d, row-major) of a normal factor's coordinates in the residual x − μ. */
export interface NormalPart {
  factor: NormalFactor;
  coefficients: Float64Array;
}

/**
 * A dnorm or dmnorm node's structure in one configuration of the discrete
 * nodes it reads: its residual r = x − μ is affine in the normal factors'
 * coordinates, r = c + Σ_f B_f θ_f (the linearity analysis checked it; the
 * plan read c and B_f off the model), and its precision is a constant, s·τ
 * for a gamma factor τ, or a Wishart factor itself.
 */
export interface NormalShape {
  intercept: Float64Array;
  parts: NormalPart[];
  /** Constant precision (m × m) and its log-determinant, when no factor sets it. */
  precision?: Float64Array;
  logDetPrecision: number;
  gamma?: GammaFactor;
  scale: number;
  wishart?: WishartFactor;
}

/**
 * E_q[log N(x | μ, T)] = ½E[log|T|] − (m/2)log 2π − ½ tr(E[T] E[r rᵀ]), with
 * E[r rᵀ] = r̄ r̄ᵀ + Σ_f B_f Cov_f B_fᵀ (the factors are independent under q),
 * and its messages: to a normal factor Λ += Bᵀ E[T] B and
 * η −= Bᵀ E[T] (r̄ − B μ); to a gamma factor ½ on log τ and −½ s E[r²] on τ;
 * to a Wishart factor ½ on log|Ω| and E[r rᵀ] on R.
 */
export class NormalTerm implements Term {
  private readonly m: number;
  private readonly residual: Float64Array;
  private readonly second: Float64Array;
  private readonly precision: Float64Array;
  private readonly weighted: Float64Array;
  private readonly product: Float64Array;

  constructor(
    readonly node: StochasticNode,
    private readonly configurations: Configurations,
    private readonly shapes: NormalShape[],
  ) {
    const m = (this.m = node.side);
    this.residual = new Float64Array(m);
    this.second = new Float64Array(m * m);
    this.precision = new Float64Array(m * m);
    this.weighted = new Float64Array(m);
    let widest = 1;
    for (const s of shapes) for (const p of s.parts) widest = Math.max(widest, p.factor.d);
    this.product = new Float64Array(m * widest);
  }

  expected(): number {
    const { configurations, shapes, m } = this;
    let total = 0;
    for (let c = 0; c < configurations.count; c++) {
      const w = configurations.weight(c);
      if (w === 0) continue;
      const shape = shapes[c]!;
      this.moments(shape, true);
      const logDet = this.expectedPrecision(shape);
      let trace = 0;
      for (let i = 0; i < m * m; i++) trace += this.precision[i]! * this.second[i]!;
      total += w * (0.5 * logDet - 0.5 * m * LOG_2PI - 0.5 * trace);
    }
    return total;
  }

  send(factor: Factor): void {
    const { configurations, shapes } = this;
    for (let c = 0; c < configurations.count; c++) {
      const shape = shapes[c]!;
      if (factor instanceof NormalFactor) {
        const part = partOf(shape, factor);
        if (!part) continue;
        const w = configurations.weight(c);
        if (w !== 0) this.sendNormal(shape, part, w);
      } else if (shape.gamma && factor === shape.gamma) {
        const w = configurations.weight(c);
        if (w === 0) continue;
        this.moments(shape, true);
        shape.gamma.logCoefficient += 0.5 * w;
        shape.gamma.linearCoefficient -= 0.5 * w * shape.scale * this.second[0]!;
      } else if (shape.wishart && factor === shape.wishart) {
        const w = configurations.weight(c);
        if (w === 0) continue;
        this.moments(shape, true);
        shape.wishart.logDetCoefficient += 0.5 * w;
        const { scatter } = shape.wishart;
        for (let i = 0; i < this.second.length; i++) scatter[i] = scatter[i]! + w * this.second[i]!;
      }
    }
  }

  private sendNormal(shape: NormalShape, part: NormalPart, w: number): void {
    const { m, residual, precision, weighted, product } = this;
    const { factor, coefficients: B } = part;
    const d = factor.d;
    this.moments(shape, false);
    this.expectedPrecision(shape);
    // residual ← r̄ − B μ_g: the residual's mean without this factor's share.
    for (let i = 0; i < m; i++) {
      let s = residual[i]!;
      for (let k = 0; k < d; k++) s -= B[i * d + k]! * factor.mean[k]!;
      residual[i] = s;
    }
    for (let i = 0; i < m; i++) {
      let s = 0;
      for (let h = 0; h < m; h++) s += precision[i * m + h]! * residual[h]!;
      weighted[i] = s;
    }
    // product ← E[T]·B (m × d).
    for (let i = 0; i < m; i++) {
      for (let k = 0; k < d; k++) {
        let s = 0;
        for (let h = 0; h < m; h++) s += precision[i * m + h]! * B[h * d + k]!;
        product[i * d + k] = s;
      }
    }
    const { lambda, eta } = factor;
    for (let k = 0; k < d; k++) {
      let e = 0;
      for (let i = 0; i < m; i++) e += B[i * d + k]! * weighted[i]!;
      eta[k] = eta[k]! - w * e;
      for (let l = 0; l < d; l++) {
        let s = 0;
        for (let i = 0; i < m; i++) s += B[i * d + k]! * product[i * d + l]!;
        lambda[k * d + l] = lambda[k * d + l]! + w * s;
      }
    }
  }

  /** r̄ into `residual`; with `withSecond`, E[r rᵀ] into `second`. */
  private moments(shape: NormalShape, withSecond: boolean): void {
    const { m, residual, second } = this;
    residual.set(shape.intercept);
    for (const { factor, coefficients: B } of shape.parts) {
      const d = factor.d;
      for (let i = 0; i < m; i++) {
        let s = 0;
        for (let k = 0; k < d; k++) s += B[i * d + k]! * factor.mean[k]!;
        residual[i] = residual[i]! + s;
      }
    }
    if (!withSecond) return;
    for (let i = 0; i < m; i++) for (let h = 0; h < m; h++) second[i * m + h] = residual[i]! * residual[h]!;
    for (const { factor, coefficients: B } of shape.parts) {
      const d = factor.d;
      const cov = factor.covariance;
      for (let i = 0; i < m; i++) {
        for (let h = 0; h <= i; h++) {
          let s = 0;
          for (let k = 0; k < d; k++) {
            const bik = B[i * d + k]!;
            if (bik === 0) continue;
            let t = 0;
            for (let l = 0; l < d; l++) t += cov[k * d + l]! * B[h * d + l]!;
            s += bik * t;
          }
          second[i * m + h] = second[i * m + h]! + s;
          if (h !== i) second[h * m + i] = second[h * m + i]! + s;
        }
      }
    }
  }

  /** E[T] into `precision`; returns E[log|T|]. */
  private expectedPrecision(shape: NormalShape): number {
    const { precision } = this;
    if (shape.wishart) {
      precision.set(shape.wishart.mean);
      return shape.wishart.meanLogDet;
    }
    if (shape.gamma) {
      precision[0] = shape.scale * shape.gamma.mean;
      return Math.log(shape.scale) + shape.gamma.meanLog;
    }
    precision.set(shape.precision!);
    return shape.logDetPrecision;
  }
}

/** The factor's part of the residual, if any (a loop: this runs per term and configuration in every update). */
function partOf(shape: NormalShape, factor: NormalFactor): NormalPart | undefined {
  const { parts } = shape;
  for (let i = 0; i < parts.length; i++) if (parts[i]!.factor === factor) return parts[i];
  return undefined;
}
