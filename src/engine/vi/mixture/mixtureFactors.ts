/**
 * The global factors of mean-field VI for a Bayesian Gaussian mixture, held
 * as arrays over the K components (Bishop, PRML §10.2, with BayesPy's
 * factorisation: the mean and the precision of a component are separate
 * factors, as the model text gives them separate priors):
 *
 *   q(w) = Dirichlet(α),  q(μ_k) = N(m_k, S_k),  q(Ω_k) = Wishart(R_k, ν_k)   (JAGS's dwish(R, ν))
 *
 * The responsibilities q(z_i) are never stored: EM's fused E-step kernel
 * (src/engine/em/gaussianKernel.ts) computes them row by row from the
 * expected parameters this class packs — log ρ_ik = E[log w_k] + ½E[log|Ω_k|]
 * − (d/2)log 2π − ½(x_i − m_k)ᵀE[Ω_k](x_i − m_k) − ½tr(E[Ω_k]S_k) — and hands
 * back EM's summed statistics (N_k, Σ r(x − m_k), Σ r(x − m_k)(x − m_k)ᵀ,
 * centred at the packed means), from which every update and the exact ELBO
 * follow. Updates take a step ρ on the natural parameters (ρ = 1: the
 * coordinate optimum, batch VI; ρ < 1 with the statistics scaled up from a
 * minibatch: stochastic VI's natural-gradient step, Hoffman et al. 2013).
 */
import { choleskyInPlace, inverseFromCholesky, invertLowerTriangular, logDeterminantFromCholesky, solveWithCholeskyInPlace } from '../../math/linalg';
import { logMultivariateGamma } from '../../model/multivariate';
import { STAT_COUNTS, STAT_LOG_LIKELIHOOD } from '../../em/statsLayout';
import { digamma, gammaln, multivariateDigamma } from '../special';

const LOG_2PI = Math.log(2 * Math.PI);

export interface MixturePriors {
  /** w ~ ddirch(concentration). */
  concentration: Float64Array;
  /** μ_k ~ dmnorm(mean, precision). */
  mean: Float64Array;
  precision: Float64Array;
  /** Ω_k ~ dwish(scale, df). */
  scale: Float64Array;
  df: number;
}

/** Which prior is not a proper distribution, and why (VI's bound needs every prior proper). */
export function improperPrior(priors: MixturePriors, d: number): { which: 'weights' | 'means' | 'precisions'; why: string } | undefined {
  const bad = priors.concentration.findIndex((a) => !(a > 0 && Number.isFinite(a)));
  if (bad >= 0) return { which: 'weights', why: `its Dirichlet concentration must be positive, not ${priors.concentration[bad]} (element ${bad + 1})` };
  const scratch = new Float64Array(d * d);
  scratch.set(priors.precision);
  if (!choleskyInPlace(scratch, d)) return { which: 'means', why: 'its precision matrix must be positive definite (a flat or zero precision is an improper prior)' };
  scratch.set(priors.scale);
  if (!choleskyInPlace(scratch, d)) return { which: 'precisions', why: 'its Wishart scale matrix R must be positive definite' };
  if (!(priors.df > d - 1)) return { which: 'precisions', why: `its Wishart degrees of freedom must exceed ${d - 1}, not ${priors.df}` };
  return undefined;
}

/** A component whose factor update gave no proper distribution (only rounding can cause it with proper priors). */
export class ComponentFactorError extends Error {
  constructor(
    readonly component: number,
    message: string,
  ) {
    super(message);
  }
}

export class MixtureFactors {
  readonly dd: number;
  /** q(w): α, and E[log w_k]. */
  readonly alpha: Float64Array;
  readonly meanLogWeight: Float64Array;
  /** q(μ_k): m_k (K × d), S_k (K × d × d), its precision Λ_k = S_k⁻¹ and log|Λ_k|. */
  readonly mean: Float64Array;
  readonly covariance: Float64Array;
  readonly meanPrecision: Float64Array;
  readonly logDetMeanPrecision: Float64Array;
  /** q(Ω_k): R_k, ν_k, E[Ω_k] = ν_k R_k⁻¹, E[log|Ω_k|], log|R_k|. */
  readonly R: Float64Array;
  readonly df: Float64Array;
  readonly expectedPrecision: Float64Array;
  readonly meanLogDet: Float64Array;
  readonly logDetR: Float64Array;
  /** Point masses (the start) until the first update: no entropy, no natural parameters to average. */
  pointMass = true;
  private readonly priorLogDetPrecision: number;
  private readonly priorLogDetScale: number;
  private readonly factor: Float64Array;
  private readonly work: Float64Array;
  private readonly column: Float64Array;
  private readonly vector: Float64Array;
  /** m_old − m_new of each component's last update: the statistics' centres move by it. */
  private readonly delta: Float64Array;

  constructor(
    readonly K: number,
    readonly d: number,
    readonly priors: MixturePriors,
  ) {
    const dd = (this.dd = d * d);
    this.alpha = new Float64Array(K);
    this.meanLogWeight = new Float64Array(K);
    this.mean = new Float64Array(K * d);
    this.covariance = new Float64Array(K * dd);
    this.meanPrecision = new Float64Array(K * dd);
    this.logDetMeanPrecision = new Float64Array(K);
    this.R = new Float64Array(K * dd);
    this.df = new Float64Array(K);
    this.expectedPrecision = new Float64Array(K * dd);
    this.meanLogDet = new Float64Array(K);
    this.logDetR = new Float64Array(K);
    this.factor = new Float64Array(dd);
    this.work = new Float64Array(dd);
    this.column = new Float64Array(d);
    this.vector = new Float64Array(d);
    this.delta = new Float64Array(K * d);
    const f = this.factor;
    f.set(priors.precision);
    this.priorLogDetPrecision = choleskyInPlace(f, d) ? logDeterminantFromCholesky(f, d) : Number.NaN;
    f.set(priors.scale);
    this.priorLogDetScale = choleskyInPlace(f, d) ? logDeterminantFromCholesky(f, d) : Number.NaN;
  }

  /**
   * Every factor a point mass: w at `weights`, μ_k at `means`, Ω_k at
   * `precisions` (K × d × d, positive definite). Returns a component whose
   * precision is not positive definite, or −1.
   */
  startAt(weights: ArrayLike<number>, means: ArrayLike<number>, precisions: ArrayLike<number>): number {
    const { K, d, dd, factor } = this;
    this.pointMass = true;
    for (let k = 0; k < K; k++) this.meanLogWeight[k] = Math.log(weights[k]!);
    for (let i = 0; i < K * d; i++) this.mean[i] = means[i]!;
    this.covariance.fill(0);
    for (let k = 0; k < K; k++) {
      for (let i = 0; i < dd; i++) factor[i] = this.expectedPrecision[k * dd + i] = precisions[k * dd + i]!;
      if (!choleskyInPlace(factor, d)) return k;
      this.meanLogDet[k] = logDeterminantFromCholesky(factor, d);
    }
    return -1;
  }

  /**
   * The E-step kernel's parameters (gaussianKernel.ts's layout): per
   * component the constant E[log w] + ½E[log|Ω|] − (d/2)log 2π − ½tr(E[Ω]S),
   * the means m_k, and a lower-triangular P_k with P_kᵀP_k = E[Ω_k].
   */
  pack(packed: Float64Array): void {
    const { K, d, dd, factor, work, column } = this;
    const precisionAt = 2 * K + K * d;
    const covarianceAt = precisionAt + K * dd;
    packed.set(this.mean, 2 * K);
    for (let k = 0; k < K; k++) {
      // P = chol(E[Ω]⁻¹)⁻¹: the kernel's precision factor of the "covariance" E[Ω]⁻¹.
      factor.set(this.expectedPrecision.subarray(k * dd, (k + 1) * dd));
      if (!choleskyInPlace(factor, d)) throw new ComponentFactorError(k, `E[Ω] of component ${k + 1} is not positive definite.`);
      inverseFromCholesky(factor, work, d, column);
      packed.set(work, covarianceAt + k * dd);
      if (!choleskyInPlace(work, d)) throw new ComponentFactorError(k, `E[Ω]⁻¹ of component ${k + 1} is not positive definite.`);
      invertLowerTriangular(work, work, d);
      packed.set(work, precisionAt + k * dd);
      const constant = this.meanLogWeight[k]! + 0.5 * this.meanLogDet[k]! - 0.5 * d * LOG_2PI - 0.5 * this.traceWithPrecision(k, this.covariance, k * dd);
      packed[k] = constant;
      packed[K + k] = constant;
    }
  }

  /** tr(E[Ω_k]·M) for the symmetric matrix M at `at` of `m` (full storage). */
  private traceWithPrecision(k: number, m: Float64Array, at: number): number {
    const { dd } = this;
    let t = 0;
    for (let i = 0; i < dd; i++) t += this.expectedPrecision[k * dd + i]! * m[at + i]!;
    return t;
  }

  /** tr(E[Ω_k]·M) for M stored as a lower triangle (the kernel's second moments). */
  private traceWithLower(k: number, stats: Float64Array, at: number): number {
    const { d, dd } = this;
    let t = 0;
    for (let i = 0; i < d; i++) {
      t += this.expectedPrecision[k * dd + i * d + i]! * stats[at + i * d + i]!;
      for (let j = 0; j < i; j++) t += 2 * this.expectedPrecision[k * dd + i * d + j]! * stats[at + i * d + j]!;
    }
    return t;
  }

  /**
   * −Σ r log r of the responsibilities the kernel just computed from `packed`
   * (this object's factors at pack time, whose means centre `stats`):
   * Σ_i log Σ_k ρ_ik − Σ_ik r_ik log ρ_ik, the second sum linear in the statistics.
   */
  responsibilityEntropy(stats: Float64Array, packed: Float64Array): number {
    const { K, d, dd } = this;
    const secondAt = STAT_COUNTS + K + K * d;
    let expected = 0;
    for (let k = 0; k < K; k++) {
      const n = stats[STAT_COUNTS + k]!;
      if (n === 0) continue;
      expected += n * packed[k]! - 0.5 * this.traceWithLower(k, stats, secondAt + k * dd);
    }
    return stats[STAT_LOG_LIKELIHOOD]! - expected;
  }

  /**
   * One step on every global factor, in BayesPy's order w, μ, Ω, from
   * statistics centred at the current means and multiplied by `scale`
   * (N / minibatch rows for stochastic VI, 1 for batch): each factor's
   * natural parameters move to (1 − ρ)·λ + ρ·λ̂, λ̂ its coordinate optimum.
   * A point-mass start has no natural parameters: its first step is ρ = 1.
   * Writes Σ_i r_ik E[(x_i − μ_k)(x_i − μ_k)ᵀ] under the new q(μ) (scaled) into `scatter`.
   */
  update(stats: Float64Array, scale: number, rho: number, scatter: Float64Array): void {
    const { K, d, dd, priors, factor, work, column, vector, delta } = this;
    const step = this.pointMass ? 1 : rho;
    const keep = 1 - step;
    const firstAt = STAT_COUNTS + K;
    const secondAt = firstAt + K * d;
    let totalAlpha = 0;
    for (let k = 0; k < K; k++) {
      this.alpha[k] = keep * this.alpha[k]! + step * (priors.concentration[k]! + scale * stats[STAT_COUNTS + k]!);
      totalAlpha += this.alpha[k]!;
    }
    const shift = digamma(totalAlpha);
    for (let k = 0; k < K; k++) this.meanLogWeight[k] = digamma(this.alpha[k]!) - shift;

    for (let k = 0; k < K; k++) {
      const n = scale * stats[STAT_COUNTS + k]!;
      const Omega = this.expectedPrecision.subarray(k * dd, (k + 1) * dd);
      const Lambda = this.meanPrecision.subarray(k * dd, (k + 1) * dd);
      // Λ̂ = P0 + n·E[Ω]; the mean moves by ρ·Λ⁻¹·(P0(m0 − m) + E[Ω]·Σ r(x − m)) (η − Λm = 0 before the step).
      for (let i = 0; i < dd; i++) Lambda[i] = keep * Lambda[i]! + step * (priors.precision[i]! + n * Omega[i]!);
      factor.set(Lambda);
      if (!choleskyInPlace(factor, d)) throw new ComponentFactorError(k, `the mean of component ${k + 1} has no positive precision.`);
      this.logDetMeanPrecision[k] = logDeterminantFromCholesky(factor, d);
      for (let i = 0; i < d; i++) {
        let s = 0;
        for (let j = 0; j < d; j++) {
          s += priors.precision[i * d + j]! * (priors.mean[j]! - this.mean[k * d + j]!) + scale * Omega[i * d + j]! * stats[firstAt + k * d + j]!;
        }
        vector[i] = step * s;
      }
      solveWithCholeskyInPlace(factor, vector, d);
      for (let i = 0; i < d; i++) {
        delta[k * d + i] = -vector[i]!;
        this.mean[k * d + i] = this.mean[k * d + i]! + vector[i]!;
      }
      inverseFromCholesky(factor, this.covariance.subarray(k * dd, (k + 1) * dd), d, column);
    }

    for (let k = 0; k < K; k++) {
      const n = stats[STAT_COUNTS + k]!;
      const S = this.covariance.subarray(k * dd, (k + 1) * dd);
      const Rk = this.R.subarray(k * dd, (k + 1) * dd);
      // Σ r E[(x − μ)(x − μ)ᵀ] = S2 + s1·δᵀ + δ·s1ᵀ + n(δδᵀ + S), δ = m_old − m_new.
      for (let i = 0; i < d; i++) {
        for (let j = 0; j <= i; j++) {
          const s1i = stats[firstAt + k * d + i]!;
          const s1j = stats[firstAt + k * d + j]!;
          const di = delta[k * d + i]!;
          const dj = delta[k * d + j]!;
          const v = scale * (stats[secondAt + k * dd + i * d + j]! + s1i * dj + di * s1j + n * (di * dj + S[i * d + j]!));
          scatter[k * dd + i * d + j] = v;
          scatter[k * dd + j * d + i] = v;
        }
      }
      for (let i = 0; i < dd; i++) Rk[i] = keep * Rk[i]! + step * (priors.scale[i]! + scatter[k * dd + i]!);
      this.df[k] = keep * this.df[k]! + step * (priors.df + scale * n);
      factor.set(Rk);
      if (!choleskyInPlace(factor, d)) throw new ComponentFactorError(k, `the precision of component ${k + 1} has a Wishart scale that is not positive definite.`);
      this.logDetR[k] = logDeterminantFromCholesky(factor, d);
      inverseFromCholesky(factor, work, d, column);
      const nu = this.df[k]!;
      for (let i = 0; i < dd; i++) this.expectedPrecision[k * dd + i] = nu * work[i]!;
      this.meanLogDet[k] = multivariateDigamma(nu, d) + d * Math.LN2 - this.logDetR[k]!;
    }
    this.pointMass = false;
  }

  /**
   * Σ_ik r_ik E[log p(z_i = k | w) + log p(x_i | μ_k, Ω_k)] at the current
   * factors, from the counts and the scatter `update` wrote: the bound's
   * data terms (split into the z part and the x part).
   */
  dataTerms(stats: Float64Array, scatter: Float64Array, scale = 1): { z: number; x: number } {
    const { K, d, dd } = this;
    let z = 0;
    let x = 0;
    for (let k = 0; k < K; k++) {
      const n = scale * stats[STAT_COUNTS + k]!;
      z += n * this.meanLogWeight[k]!;
      x += n * (0.5 * this.meanLogDet[k]! - 0.5 * d * LOG_2PI) - 0.5 * this.traceWithPrecision(k, scatter, k * dd);
    }
    return { z, x };
  }

  /** E_q[log p(w)] + Σ_k E_q[log p(μ_k)] + Σ_k E_q[log p(Ω_k)] and the factors' entropies: the bound's global terms. */
  globalTerms(): { weights: number; means: number; precisions: number } {
    const { K, d, dd, priors, alpha, vector } = this;
    // Dirichlet: log Γ(Σα0) − Σ log Γ(α0_k) + Σ (α0_k − 1)E[log w_k], and the entropy of q(w).
    let a0 = 0;
    let weights = 0;
    let total = 0;
    let entropy = 0;
    for (let k = 0; k < K; k++) {
      const a = priors.concentration[k]!;
      a0 += a;
      weights += (a - 1) * this.meanLogWeight[k]! - gammaln(a);
      total += alpha[k]!;
      entropy += gammaln(alpha[k]!) - (alpha[k]! - 1) * digamma(alpha[k]!);
    }
    weights += gammaln(a0) + entropy - gammaln(total) + (total - K) * digamma(total);

    let means = 0;
    let precisions = 0;
    const nu0 = priors.df;
    const wishartPriorConstant = 0.5 * nu0 * this.priorLogDetScale - 0.5 * nu0 * d * Math.LN2 - logMultivariateGamma(0.5 * nu0, d);
    for (let k = 0; k < K; k++) {
      // N(m0, P0⁻¹): ½log|P0| − (d/2)log 2π − ½[(m − m0)ᵀP0(m − m0) + tr(P0 S)]; entropy ½(d log 2πe − log|Λ|).
      for (let j = 0; j < d; j++) vector[j] = this.mean[k * d + j]! - priors.mean[j]!;
      let quadratic = 0;
      let trace = 0;
      for (let i = 0; i < d; i++) {
        for (let j = 0; j < d; j++) {
          quadratic += vector[i]! * priors.precision[i * d + j]! * vector[j]!;
          trace += priors.precision[i * d + j]! * this.covariance[k * dd + j * d + i]!;
        }
      }
      means += 0.5 * this.priorLogDetPrecision - 0.5 * d * LOG_2PI - 0.5 * (quadratic + trace);
      means += 0.5 * (d * (LOG_2PI + 1) - this.logDetMeanPrecision[k]!);
      // dwish(R0, ν0): its log normaliser, (ν0 − d − 1)/2·E[log|Ω|] − ½tr(R0 E[Ω]); entropy of Wishart(R_k, ν_k).
      let traceR0 = 0;
      for (let i = 0; i < dd; i++) traceR0 += priors.scale[i]! * this.expectedPrecision[k * dd + i]!;
      precisions += wishartPriorConstant + 0.5 * (nu0 - d - 1) * this.meanLogDet[k]! - 0.5 * traceR0;
      const nu = this.df[k]!;
      const logNormaliser = 0.5 * nu * d * Math.LN2 + logMultivariateGamma(0.5 * nu, d) - 0.5 * nu * this.logDetR[k]!;
      precisions += logNormaliser - 0.5 * (nu - d - 1) * this.meanLogDet[k]! + 0.5 * nu * d;
    }
    return { weights, means, precisions };
  }

  /** E[w_k] = α_k / Σα. */
  expectedWeights(): Float64Array {
    const total = this.alpha.reduce((a, b) => a + b, 0);
    return this.alpha.map((a) => a / total);
  }
}
