import gammaln from '@stdlib/math-base-special-gammaln';
import { logFactorial, type ScalarDistribution } from './distributions';

/**
 * The rest of the scalar distributions of JAGS's bugs module (JAGS user
 * manual, chapter 9): F, generalised gamma, non-central chi-squared,
 * non-central hypergeometric and beta-binomial. Densities are normalised
 * (DIC uses them). dsum and dround, JAGS's observation devices, are in
 * observationDevices.ts.
 */

const POSITIVE: [number, number] = [0, Number.POSITIVE_INFINITY];
const isCount = (x: number): boolean => x >= 0 && Number.isInteger(x);
const lbeta = (a: number, b: number): number => gammaln(a) + gammaln(b) - gammaln(a + b);
const logChoose = (n: number, k: number): number => logFactorial(n) - logFactorial(k) - logFactorial(n - k);

function allPositive(names: string[]) {
  return (p: Float64Array): string | undefined => {
    for (let k = 0; k < names.length; k++) if (!(p[k]! > 0)) return `${names[k]} must be > 0, got ${p[k]}`;
    return undefined;
  };
}

/** Non-central χ²: a Poisson(δ/2) mixture of central χ² with k + 2i degrees of freedom, summed outwards from the Poisson mode. */
export function noncentralChiSquaredLogDensity(x: number, k: number, delta: number): number {
  if (x < 0) return Number.NEGATIVE_INFINITY;
  const central = (df: number): number => {
    const a = 0.5 * df;
    return x === 0 ? (a < 1 ? Number.POSITIVE_INFINITY : a === 1 ? -Math.LN2 : Number.NEGATIVE_INFINITY) : -a * Math.LN2 - gammaln(a) + (a - 1) * Math.log(x) - 0.5 * x;
  };
  if (delta === 0) return central(k);
  const lambda = 0.5 * delta;
  const term = (i: number): number => -lambda + i * Math.log(lambda) - logFactorial(i) + central(k + 2 * i);
  const mode = Math.floor(lambda);
  const top = term(mode);
  if (!Number.isFinite(top)) return top;
  let sum = 1;
  for (let i = mode + 1; ; i++) {
    const r = Math.exp(term(i) - top);
    sum += r;
    if (r < 1e-17 * sum || i > mode + 10000) break;
  }
  for (let i = mode - 1; i >= 0; i--) {
    const r = Math.exp(term(i) - top);
    sum += r;
    if (r < 1e-17 * sum) break;
  }
  return top + Math.log(sum);
}

/** The support of dhyper(n1, n2, m1, psi): max(0, m1 − n2) … min(n1, m1). */
function hyperBounds(p: Float64Array): [number, number] {
  const n1 = p[0]!, n2 = p[1]!, m1 = p[2]!;
  return [Math.max(0, m1 - n2), Math.min(n1, m1)];
}

/** log P(x) of Fisher's non-central hypergeometric: C(n1, x) C(n2, m1 − x) ψ^x, normalised over the support. */
export function hypergeometricLogDensity(x: number, p: Float64Array): number {
  const [lower, upper] = hyperBounds(p);
  if (!Number.isInteger(x) || x < lower || x > upper) return Number.NEGATIVE_INFINITY;
  const n1 = p[0]!, n2 = p[1]!, m1 = p[2]!, logPsi = Math.log(p[3]!);
  const weight = (y: number): number => logChoose(n1, y) + logChoose(n2, m1 - y) + y * logPsi;
  let max = Number.NEGATIVE_INFINITY;
  for (let y = lower; y <= upper; y++) max = Math.max(max, weight(y));
  let total = 0;
  for (let y = lower; y <= upper; y++) total += Math.exp(weight(y) - max);
  return weight(x) - max - Math.log(total);
}

export const MORE_SCALAR_DISTRIBUTIONS: Record<string, ScalarDistribution> = {
  df: {
    name: 'df', parameters: ['n', 'm'], support: 'positive', discrete: false,
    logDensity: (x, p) => {
      if (x < 0) return Number.NEGATIVE_INFINITY;
      const n = p[0]!, m = p[1]!;
      return 0.5 * n * Math.log(n / m) + (0.5 * n - 1) * Math.log(x) - 0.5 * (n + m) * Math.log1p((n * x) / m) - lbeta(0.5 * n, 0.5 * m);
    },
    bounds: () => POSITIVE,
    checkParameters: allPositive(['the degrees of freedom n', 'the degrees of freedom m']),
    typical: (p) => (p[1]! > 2 ? p[1]! / (p[1]! - 2) : 1),
  },
  'dgen.gamma': {
    name: 'dgen.gamma', parameters: ['r', 'lambda', 'b'], support: 'positive', discrete: false,
    // b λ^(br) x^(br − 1) exp(−(λx)^b) / Γ(r): (λx)^b is Gamma(r, 1).
    logDensity: (x, p) => {
      if (x < 0) return Number.NEGATIVE_INFINITY;
      const r = p[0]!, lambda = p[1]!, b = p[2]!;
      return Math.log(b) + b * r * Math.log(lambda) + (b * r - 1) * Math.log(x) - Math.pow(lambda * x, b) - gammaln(r);
    },
    bounds: () => POSITIVE,
    checkParameters: allPositive(['the shape r', 'the rate lambda', 'the power b']),
    typical: (p) => Math.exp(gammaln(p[0]! + 1 / p[2]!) - gammaln(p[0]!)) / p[1]!,
  },
  dnchisqr: {
    name: 'dnchisqr', parameters: ['k', 'delta'], support: 'positive', discrete: false,
    logDensity: (x, p) => noncentralChiSquaredLogDensity(x, p[0]!, p[1]!),
    bounds: () => POSITIVE,
    checkParameters: (p) => (!(p[0]! > 0) ? `the degrees of freedom must be > 0, got ${p[0]}` : !(p[1]! >= 0) ? `the non-centrality must be ≥ 0, got ${p[1]}` : undefined),
    typical: (p) => p[0]! + p[1]!,
  },
  dhyper: {
    name: 'dhyper', parameters: ['n1', 'n2', 'm1', 'psi'], support: 'count', discrete: true,
    logDensity: hypergeometricLogDensity,
    bounds: hyperBounds,
    checkParameters: (p) => {
      for (let k = 0; k < 3; k++) if (!isCount(p[k]!)) return `${['n1', 'n2', 'm1'][k]} must be a count, got ${p[k]}`;
      if (p[2]! > p[0]! + p[1]!) return `m1 (${p[2]}) cannot exceed n1 + n2 (${p[0]! + p[1]!})`;
      return p[3]! > 0 ? undefined : `the odds ratio psi must be > 0, got ${p[3]}`;
    },
    typical: (p) => {
      const [lower, upper] = hyperBounds(p);
      let best = lower;
      for (let y = lower; y <= upper; y++) if (hypergeometricLogDensity(y, p) > hypergeometricLogDensity(best, p)) best = y;
      return best;
    },
  },
  dbetabin: {
    name: 'dbetabin', parameters: ['a', 'b', 'n'], support: 'count', discrete: true,
    logDensity: (x, p) => {
      const a = p[0]!, b = p[1]!, n = p[2]!;
      if (!isCount(x) || x > n) return Number.NEGATIVE_INFINITY;
      return logChoose(n, x) + lbeta(x + a, n - x + b) - lbeta(a, b);
    },
    bounds: (p) => [0, p[2]!],
    checkParameters: (p) => (!(p[0]! > 0 && p[1]! > 0) ? `a and b must be > 0, got ${p[0]} and ${p[1]}` : isCount(p[2]!) ? undefined : `the size n must be a count, got ${p[2]}`),
    typical: (p) => Math.round((p[2]! * p[0]!) / (p[0]! + p[1]!)),
  },
};
