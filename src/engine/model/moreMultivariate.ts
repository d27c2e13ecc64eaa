import gammaln from '@stdlib/math-base-special-gammaln';
import { cholesky, logDeterminantFromCholesky, mahalanobisSquared, quadraticForm } from '../math/linalg';
import { positiveDefinite, type MultivariateDistribution } from './multivariate';

/**
 * JAGS's multivariate normal by covariance (dmnorm.vcov) and multivariate t
 * (dmt, with a precision-like scale matrix), bugs module.
 */

const LOG_2PI = Math.log(2 * Math.PI);

let factor = new Float64Array(16);
let centred = new Float64Array(4);
let spare = new Float64Array(4);
function scratch(d: number): void {
  if (factor.length < d * d) factor = new Float64Array(d * d);
  if (centred.length < d) {
    centred = new Float64Array(d);
    spare = new Float64Array(d);
  }
}

const size = (dims: number[]): number => dims.reduce((a, b) => a * b, 1);
const squareSide = (what: string) => ([mu, matrix]: number[][]): number | string => {
  const d = size(mu!);
  return matrix!.length === 2 && matrix![0] === d && matrix![1] === d ? d : `${what} must be ${d} × ${d} to match the mean's ${d} elements, got ${matrix!.join(' × ')}`;
};

export const MORE_MULTIVARIATE_DISTRIBUTIONS: Record<string, MultivariateDistribution> = {
  'dmnorm.vcov': {
    multivariate: true, name: 'dmnorm.vcov', parameters: ['mu', 'Sigma'], parameterRanks: [1, 2], valueRank: 1, discrete: false,
    valueSide: squareSide('the covariance matrix'),
    logDensity: (x, p, d) => {
      scratch(d);
      if (!cholesky(p.subarray(d, d + d * d), factor, d)) return Number.NaN;
      for (let i = 0; i < d; i++) centred[i] = x[i]! - p[i]!;
      // Σ = L Lᵀ: (x − μ)ᵀ Σ⁻¹ (x − μ) = |L⁻¹(x − μ)|², log |Σ| = 2 Σ log L_ii.
      return -0.5 * logDeterminantFromCholesky(factor, d) - 0.5 * d * LOG_2PI - 0.5 * mahalanobisSquared(factor, centred, d, spare);
    },
    checkParameters: (p, d) => positiveDefinite(p, d, d, 'the covariance matrix'),
  },
  dmt: {
    multivariate: true, name: 'dmt', parameters: ['mu', 'Omega', 'k'], parameterRanks: [1, 2, 0], valueRank: 1, discrete: false,
    valueSide: squareSide('the scale (precision) matrix'),
    logDensity: (x, p, d) => {
      scratch(d);
      const omega = p.subarray(d, d + d * d);
      const k = p[d + d * d]!;
      if (!cholesky(omega, factor, d)) return Number.NaN;
      for (let i = 0; i < d; i++) centred[i] = x[i]! - p[i]!;
      const q = quadraticForm(omega, centred, d);
      return gammaln(0.5 * (k + d)) - gammaln(0.5 * k) - 0.5 * d * Math.log(k * Math.PI) + 0.5 * logDeterminantFromCholesky(factor, d) - 0.5 * (k + d) * Math.log1p(q / k);
    },
    checkParameters: (p, d) => {
      const k = p[d + d * d]!;
      return k > 0 ? positiveDefinite(p, d, d, 'the scale matrix') : `the degrees of freedom k must be > 0, got ${k}`;
    },
  },
};
