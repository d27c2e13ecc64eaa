/**
 * The log prior density of mixture parameters, added to the log-likelihood
 * to make the MAP objective (normalising constants included, so that the
 * objective is a true log posterior up to the evidence).
 */
import gammaln from '@stdlib/math-base-special-gammaln';
import { choleskyInPlace, inverseFromCholesky, logDeterminantFromCholesky } from '../math/linalg';
import { LOG_2PI } from './gaussianKernel';
import type { BernoulliFamily, GaussianFamily, MixtureParameters } from './types';

export interface PriorSpec {
  weightsConcentration?: Float64Array;
  family: { kind: 'gaussian'; meanPrior?: GaussianFamily['meanPrior']; precisionPrior?: GaussianFamily['precisionPrior'] } | BernoulliFamily;
}

export function logPrior(parameters: MixtureParameters, prior: PriorSpec, K: number, d: number): number {
  let s = 0;
  if (prior.weightsConcentration) s += logDirichlet(parameters.weights, prior.weightsConcentration, K);
  if (parameters.kind === 'gaussian' && prior.family.kind === 'gaussian') {
    const { meanPrior, precisionPrior } = prior.family;
    const dd = d * d;
    for (let k = 0; k < K; k++) {
      if (meanPrior) s += logNormalPrecision(parameters.means.subarray(k * d, (k + 1) * d), meanPrior.mean, meanPrior.precision, d);
      if (precisionPrior) s += logWishartOfInverse(parameters.covariances.subarray(k * dd, (k + 1) * dd), precisionPrior.scale, precisionPrior.df, d);
    }
  } else if (parameters.kind === 'bernoulli' && prior.family.kind === 'bernoulli' && prior.family.probabilityPrior) {
    const { a, b } = prior.family.probabilityPrior;
    const logB = gammaln(a) + gammaln(b) - gammaln(a + b);
    for (const p of parameters.probabilities) s += xLogY(a - 1, p) + xLogY(b - 1, 1 - p) - logB;
  }
  return s;
}

/** x·log y with 0·log 0 = 0 (a flat Dirichlet or beta at a boundary). */
function xLogY(x: number, y: number): number {
  return x === 0 ? 0 : x * Math.log(y);
}

export function logDirichlet(w: Float64Array, alpha: Float64Array, K: number): number {
  let s = 0;
  let total = 0;
  for (let k = 0; k < K; k++) {
    s += xLogY(alpha[k]! - 1, w[k]!) - gammaln(alpha[k]!);
    total += alpha[k]!;
  }
  return s + gammaln(total);
}

/** log N(x; m, T⁻¹) for a precision T. */
export function logNormalPrecision(x: Float64Array, m: Float64Array, precision: Float64Array, d: number): number {
  const factor = Float64Array.from(precision.subarray(0, d * d));
  choleskyInPlace(factor, d);
  let q = 0;
  for (let i = 0; i < d; i++) {
    for (let j = 0; j < d; j++) q += (x[i]! - m[i]!) * precision[i * d + j]! * (x[j]! - m[j]!);
  }
  return -0.5 * d * LOG_2PI + 0.5 * logDeterminantFromCholesky(factor, d) - 0.5 * q;
}

/** log of the multivariate gamma Γ_d(a) = π^(d(d−1)/4)·Π_j Γ(a + (1 − j)/2). */
export function logMultivariateGamma(a: number, d: number): number {
  let s = 0.25 * d * (d - 1) * Math.log(Math.PI);
  for (let j = 1; j <= d; j++) s += gammaln(a + (1 - j) / 2);
  return s;
}

/**
 * log dwish(Ω; R, ν) at Ω = Σ⁻¹ (JAGS's parameterisation, Wishart with scale R⁻¹):
 * (ν/2)·log|R| − (νd/2)·log 2 − log Γ_d(ν/2) + ((ν − d − 1)/2)·log|Ω| − tr(R·Ω)/2.
 */
export function logWishartOfInverse(covariance: Float64Array, scale: Float64Array, df: number, d: number): number {
  const factor = Float64Array.from(covariance.subarray(0, d * d));
  choleskyInPlace(factor, d);
  const logDetCovariance = logDeterminantFromCholesky(factor, d);
  const precision = new Float64Array(d * d);
  inverseFromCholesky(factor, precision, d, new Float64Array(d));
  let trace = 0;
  for (let i = 0; i < d; i++) for (let j = 0; j < d; j++) trace += scale[i * d + j]! * precision[j * d + i]!;
  const scaleFactor = Float64Array.from(scale.subarray(0, d * d));
  choleskyInPlace(scaleFactor, d);
  const logDetScale = logDeterminantFromCholesky(scaleFactor, d);
  return 0.5 * df * logDetScale - 0.5 * df * d * Math.LN2 - logMultivariateGamma(0.5 * df, d) - 0.5 * (df - d - 1) * logDetCovariance - 0.5 * trace;
}
