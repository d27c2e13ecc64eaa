import type { StochasticNode } from '../model/graph';
import type { Factor, Term } from './factor';
import type { NormalFactor } from './normalFactor';
import type { ScaleShape } from './conjugateTerms';

const LOG_2PI = Math.log(2 * Math.PI);

/**
 * An observed dnorm node whose mean is bilinear in two normal factors a and
 * b: y ~ N(c + aᵀCb, s·τ), as matrix factorisation writes it
 * (`y[r] ~ dnorm(inprod(U[user[r], ], V[item[r], ]), tau)`). Given b the mean
 * is linear in a and given a linear in b, so each factor keeps its normal
 * update (Lim & Teh 2007; Bishop, PRML §12.2.4 for the linear case):
 *
 *   E[log p] = ½E[log τ] − ½ log 2π − ½E[τ]·E[r²],  r = y − c − aᵀCb,
 *   E[r²] = (y − c − āᵀCb̄)² + tr(Cᵀ E[aaᵀ] C E[bbᵀ]) − (āᵀCb̄)²  (a, b independent under q),
 *
 * with messages Λ_a += E[τ]·C E[bbᵀ] Cᵀ, η_a += E[τ]·(y − c)·C b̄ (and the
 * same for b with Cᵀ), and to τ's gamma factor ½ on log τ, −½ s E[r²] on τ.
 */
export class BilinearNormalTerm implements Term {
  private readonly secondA: Float64Array;
  private readonly secondB: Float64Array;

  constructor(
    readonly node: StochasticNode,
    private readonly a: NormalFactor,
    private readonly b: NormalFactor,
    /** C (a.d × b.d, row-major) and c. */
    private readonly coefficients: Float64Array,
    private readonly intercept: number,
    private readonly rate: ScaleShape,
  ) {
    this.secondA = new Float64Array(a.d * a.d);
    this.secondB = new Float64Array(b.d * b.d);
  }

  private get y(): number {
    return this.node.variable.values[this.node.offset]!;
  }

  expected(): number {
    const { rate } = this;
    const precision = rate.scale * (rate.gamma ? rate.gamma.mean : 1);
    const logPrecision = Math.log(rate.scale) + (rate.gamma ? rate.gamma.meanLog : 0);
    return 0.5 * logPrecision - 0.5 * LOG_2PI - 0.5 * precision * this.expectedSquare();
  }

  /** E[r²]. */
  expectedSquare(): number {
    const { a, b, coefficients: C } = this;
    secondMoment(a, this.secondA);
    secondMoment(b, this.secondB);
    // tr(Cᵀ E[aaᵀ] C E[bbᵀ]) = Σ_{i,k,j,l} C_ij E[aaᵀ]_ik C_kl E[bbᵀ]_lj.
    let quadratic = 0;
    let meanProduct = 0;
    for (let i = 0; i < a.d; i++) {
      for (let j = 0; j < b.d; j++) {
        const cij = C[i * b.d + j]!;
        if (cij === 0) continue;
        meanProduct += a.mean[i]! * cij * b.mean[j]!;
        for (let k = 0; k < a.d; k++) {
          const sik = this.secondA[i * a.d + k]!;
          for (let l = 0; l < b.d; l++) quadratic += cij * sik * C[k * b.d + l]! * this.secondB[l * b.d + j]!;
        }
      }
    }
    const offset = this.y - this.intercept - meanProduct;
    return offset * offset + quadratic - meanProduct * meanProduct;
  }

  send(factor: Factor): void {
    const { a, b, rate } = this;
    if (factor === rate.gamma) {
      rate.gamma.logCoefficient += 0.5;
      rate.gamma.linearCoefficient -= 0.5 * rate.scale * this.expectedSquare();
      return;
    }
    const precision = rate.scale * (rate.gamma ? rate.gamma.mean : 1);
    if (factor === a) this.sendTo(a, b, false, precision);
    else if (factor === b) this.sendTo(b, a, true, precision);
  }

  /** Λ_f += τ·M E[ggᵀ] Mᵀ and η_f += τ·(y − c)·M ḡ, M = C (f = a) or Cᵀ (f = b). */
  private sendTo(f: NormalFactor, g: NormalFactor, transposed: boolean, precision: number): void {
    const { coefficients: C } = this;
    const second = transposed ? this.secondA : this.secondB;
    secondMoment(g, second);
    const entry = (i: number, j: number): number => (transposed ? C[j * f.d + i]! : C[i * g.d + j]!);
    const residual = this.y - this.intercept;
    for (let i = 0; i < f.d; i++) {
      let s = 0;
      for (let j = 0; j < g.d; j++) s += entry(i, j) * g.mean[j]!;
      f.eta[i] = f.eta[i]! + precision * residual * s;
    }
    for (let i = 0; i < f.d; i++) {
      for (let k = 0; k < f.d; k++) {
        let s = 0;
        for (let j = 0; j < g.d; j++) {
          const cij = entry(i, j);
          if (cij === 0) continue;
          for (let l = 0; l < g.d; l++) s += cij * second[j * g.d + l]! * entry(k, l);
        }
        f.lambda[i * f.d + k] = f.lambda[i * f.d + k]! + precision * s;
      }
    }
  }
}

/** E[θθᵀ] = Cov + θ̄θ̄ᵀ. */
function secondMoment(f: NormalFactor, out: Float64Array): void {
  for (let i = 0; i < f.d; i++) for (let k = 0; k < f.d; k++) out[i * f.d + k] = f.covariance[i * f.d + k]! + f.mean[i]! * f.mean[k]!;
}
