import gammaln from '@stdlib/math-base-special-gammaln';
import { cholesky, logDeterminantFromCholesky } from '../math/linalg';
import { logFactorial } from './distributions';

/**
 * A distribution over a vector or a matrix, as JAGS parameterises it. The
 * node's value and its parameters come as flat row-major arrays; `d` is the
 * vector's length or the matrix's side.
 */
export interface MultivariateDistribution {
  multivariate: true;
  name: string;
  parameters: string[];
  /** Rank of each parameter: 0 scalar, 1 vector, 2 matrix. */
  parameterRanks: number[];
  /** Rank of the value: 1 for a vector, 2 for a matrix. */
  valueRank: 1 | 2;
  discrete: boolean;
  /** The value's side d from the parameters' dimensions, or a message when they do not fit together. */
  valueSide(parameterDims: number[][]): number | string;
  logDensity(x: Float64Array, p: Float64Array, d: number): number;
  /** A message when the parameters are outside their domain, else undefined. */
  checkParameters(p: Float64Array, d: number): string | undefined;
}

const LOG_2PI = Math.log(2 * Math.PI);

// Scratch for the factorisations; grown on demand, so steady-state sampling allocates nothing.
let factor = new Float64Array(16);
let spare = new Float64Array(16);
function scratch(size: number): void {
  if (factor.length < size) {
    factor = new Float64Array(size);
    spare = new Float64Array(size);
  }
}

const length = (dims: number[]): number => dims.reduce((a, b) => a * b, 1);
const isSquare = (dims: number[], d: number): boolean => dims.length === 2 && dims[0] === d && dims[1] === d;

/** log Γ_p(a), the multivariate gamma function. */
export function logMultivariateGamma(a: number, p: number): number {
  let s = (p * (p - 1) * Math.log(Math.PI)) / 4;
  for (let j = 1; j <= p; j++) s += gammaln(a + (1 - j) / 2);
  return s;
}

export function positiveDefinite(p: Float64Array, start: number, d: number, what: string): string | undefined {
  scratch(d * d);
  for (let i = 0; i < d; i++) {
    for (let j = 0; j < i; j++) {
      const a = p[start + i * d + j]!, b = p[start + j * d + i]!;
      if (Math.abs(a - b) > 1e-8 * (Math.abs(a) + Math.abs(b)) + 1e-300) return `${what} must be symmetric, but elements [${i + 1},${j + 1}] and [${j + 1},${i + 1}] differ`;
    }
  }
  return cholesky(p.subarray(start, start + d * d), factor, d) ? undefined : `${what} must be positive definite`;
}

export const MULTIVARIATE_DISTRIBUTIONS: Record<string, MultivariateDistribution> = {
  dmnorm: {
    multivariate: true, name: 'dmnorm', parameters: ['mu', 'Omega'], parameterRanks: [1, 2], valueRank: 1, discrete: false,
    valueSide: ([mu, omega]) => {
      const d = length(mu!);
      return isSquare(omega!, d) ? d : `the precision matrix must be ${d} × ${d} to match the mean's ${d} elements, got ${omega!.join(' × ')}`;
    },
    logDensity: (x, p, d) => {
      scratch(d * d);
      if (!cholesky(p.subarray(d, d + d * d), factor, d)) return Number.NaN;
      // (x − μ)ᵀ Ω (x − μ) = |Lᵀ (x − μ)|² with Ω = L Lᵀ.
      let q = 0;
      for (let j = 0; j < d; j++) {
        let s = 0;
        for (let i = j; i < d; i++) s += factor[i * d + j]! * (x[i]! - p[i]!);
        q += s * s;
      }
      return 0.5 * logDeterminantFromCholesky(factor, d) - 0.5 * d * LOG_2PI - 0.5 * q;
    },
    checkParameters: (p, d) => positiveDefinite(p, d, d, 'the precision matrix'),
  },
  dwish: {
    multivariate: true, name: 'dwish', parameters: ['R', 'k'], parameterRanks: [2, 0], valueRank: 2, discrete: false,
    valueSide: ([r]) => (r!.length === 2 && r![0] === r![1] ? r![0]! : `the scale matrix must be square, got ${r!.join(' × ')}`),
    logDensity: (x, p, d) => {
      const k = p[d * d]!;
      scratch(d * d);
      if (!cholesky(x, factor, d)) return Number.NEGATIVE_INFINITY;
      const logDetX = logDeterminantFromCholesky(factor, d);
      if (!cholesky(p.subarray(0, d * d), spare, d)) return Number.NaN;
      const logDetR = logDeterminantFromCholesky(spare, d);
      let trace = 0;
      for (let i = 0; i < d; i++) for (let j = 0; j < d; j++) trace += p[i * d + j]! * x[j * d + i]!;
      return 0.5 * (k - d - 1) * logDetX + 0.5 * k * logDetR - 0.5 * trace - 0.5 * k * d * Math.LN2 - logMultivariateGamma(0.5 * k, d);
    },
    checkParameters: (p, d) => {
      const k = p[d * d]!;
      if (!(k >= d)) return `the degrees of freedom k must be at least the dimension ${d}, got ${k}`;
      return positiveDefinite(p, 0, d, 'the scale matrix R');
    },
  },
  ddirch: {
    multivariate: true, name: 'ddirch', parameters: ['alpha'], parameterRanks: [1], valueRank: 1, discrete: false,
    valueSide: ([alpha]) => length(alpha!),
    logDensity: (x, p, d) => {
      let total = 0, sumAlpha = 0, s = 0;
      for (let k = 0; k < d; k++) {
        const a = p[k]!, v = x[k]!;
        if (v < 0) return Number.NEGATIVE_INFINITY;
        total += v;
        // alpha = 0 pins that probability to 0, as in JAGS.
        if (a === 0) {
          if (v !== 0) return Number.NEGATIVE_INFINITY;
          continue;
        }
        sumAlpha += a;
        s += (a - 1) * Math.log(v) - gammaln(a);
      }
      if (Math.abs(total - 1) > 1e-8) return Number.NEGATIVE_INFINITY;
      return s + gammaln(sumAlpha);
    },
    checkParameters: (p, d) => {
      let positive = 0;
      for (let k = 0; k < d; k++) {
        if (!(p[k]! >= 0)) return `the concentrations must be ≥ 0, got ${p[k]} at position ${k + 1}`;
        if (p[k]! > 0) positive++;
      }
      return positive > 0 ? undefined : 'at least one concentration must be > 0';
    },
  },
  dmulti: {
    multivariate: true, name: 'dmulti', parameters: ['pi', 'n'], parameterRanks: [1, 0], valueRank: 1, discrete: true,
    valueSide: ([pi]) => length(pi!),
    logDensity: (x, p, d) => {
      const n = p[d]!;
      // log n! and log x_k! from the table: through gammaln they took a third of a multinomial-logit model's run (alli).
      let total = 0, count = 0, s = logFactorial(n);
      for (let k = 0; k < d; k++) total += p[k]!;
      for (let k = 0; k < d; k++) {
        const v = x[k]!;
        if (!(v >= 0) || !Number.isInteger(v)) return Number.NEGATIVE_INFINITY;
        count += v;
        if (v > 0) s += v * Math.log(p[k]! / total) - logFactorial(v);
      }
      return count === n ? s : Number.NEGATIVE_INFINITY;
    },
    checkParameters: (p, d) => {
      let total = 0;
      for (let k = 0; k < d; k++) {
        if (!(p[k]! >= 0)) return `the probabilities must be ≥ 0, got ${p[k]} at position ${k + 1}`;
        total += p[k]!;
      }
      if (!(total > 0)) return 'the probabilities must not all be 0';
      const n = p[d]!;
      return n >= 0 && Number.isInteger(n) ? undefined : `the size must be a count, got ${n}`;
    },
  },
};
