import betainc from '@stdlib/math-base-special-betainc';
import erfc from '@stdlib/math-base-special-erfc';
import gammainc from '@stdlib/math-base-special-gammainc';
import gammaln from '@stdlib/math-base-special-gammaln';
import { normalQuantile } from '../diagnostics/normalQuantile';
import { SCALAR_DISTRIBUTIONS, type ScalarDistribution } from './distributions';
import { MORE_SCALAR_DISTRIBUTIONS } from './moreDistributions';

/**
 * JAGS's density, distribution and quantile functions (bugs module): for each
 * family D below, dD(x, ...) is the density or probability (not its log),
 * pD(q, ...) the lower-tail P(X ≤ q) and qD(p, ...) the quantile, with the
 * parameters exactly as the distribution D takes them (precision for the
 * normal, rate for the gamma). The families are those JAGS 4.3 accepts:
 * there is no dbern/dunif/dbetabin/dcat function there. Laplace's are named
 * ddexp, pdexp and qdexp.
 */
export interface DistributionFamily {
  /** The distribution's name in a model, e.g. dnorm. */
  distribution: string;
  /** Lower-tail probability P(X ≤ q). */
  cdf(q: number, p: Float64Array): number;
  /** The quantile in closed form, where there is one; otherwise found from the CDF. */
  quantile?(u: number, p: Float64Array): number;
}

const phi = (z: number): number => 0.5 * erfc(-z / Math.SQRT2);
/** P(X ≤ x) for X ~ Gamma(shape, rate 1). */
const gammaCdf = (x: number, shape: number): number => (x <= 0 ? 0 : gammainc(x, shape));
/** P(T ≤ z) for Student's t with k degrees of freedom. */
function studentCdf(z: number, k: number): number {
  const tail = 0.5 * betainc(k / (k + z * z), k / 2, 0.5);
  return z > 0 ? 1 - tail : tail;
}
/** P(X ≤ x) for the non-central chi-squared: a Poisson(δ/2) mixture of central chi-squares with k + 2j degrees of freedom. */
function noncentralChiSquaredCdf(x: number, k: number, delta: number): number {
  if (x <= 0) return 0;
  const half = delta / 2;
  if (half === 0) return gammaCdf(x / 2, k / 2);
  let sum = 0;
  for (let j = 0; j < 100000; j++) {
    const weight = Math.exp(-half + j * Math.log(half) - gammaln(j + 1));
    sum += weight * gammaCdf(x / 2, k / 2 + j);
    if (j > half && weight < 1e-17) break;
  }
  return Math.min(sum, 1);
}

const FAMILY_LIST: DistributionFamily[] = [
  { distribution: 'dnorm', cdf: (x, p) => phi((x - p[0]!) * Math.sqrt(p[1]!)), quantile: (u, p) => p[0]! + normalQuantile(u) / Math.sqrt(p[1]!) },
  { distribution: 'dlnorm', cdf: (x, p) => (x <= 0 ? 0 : phi((Math.log(x) - p[0]!) * Math.sqrt(p[1]!))), quantile: (u, p) => Math.exp(p[0]! + normalQuantile(u) / Math.sqrt(p[1]!)) },
  { distribution: 'dgamma', cdf: (x, p) => gammaCdf(x * p[1]!, p[0]!) },
  { distribution: 'dchisqr', cdf: (x, p) => gammaCdf(x / 2, p[0]! / 2) },
  { distribution: 'dgen.gamma', cdf: (x, p) => (x <= 0 ? 0 : gammaCdf(Math.pow(x * p[1]!, p[2]!), p[0]!)) },
  { distribution: 'dnchisqr', cdf: (x, p) => noncentralChiSquaredCdf(x, p[0]!, p[1]!) },
  { distribution: 'dexp', cdf: (x, p) => (x <= 0 ? 0 : -Math.expm1(-p[0]! * x)), quantile: (u, p) => -Math.log1p(-u) / p[0]! },
  { distribution: 'dweib', cdf: (x, p) => (x <= 0 ? 0 : -Math.expm1(-p[1]! * Math.pow(x, p[0]!))), quantile: (u, p) => Math.pow(-Math.log1p(-u) / p[1]!, 1 / p[0]!) },
  { distribution: 'dpar', cdf: (x, p) => (x <= p[1]! ? 0 : 1 - Math.pow(p[1]! / x, p[0]!)), quantile: (u, p) => p[1]! * Math.pow(1 - u, -1 / p[0]!) },
  { distribution: 'dlogis', cdf: (x, p) => 1 / (1 + Math.exp(-(x - p[0]!) * p[1]!)), quantile: (u, p) => p[0]! + Math.log(u / (1 - u)) / p[1]! },
  {
    distribution: 'ddexp',
    cdf: (x, p) => (x < p[0]! ? 0.5 * Math.exp(p[1]! * (x - p[0]!)) : 1 - 0.5 * Math.exp(-p[1]! * (x - p[0]!))),
    quantile: (u, p) => (u < 0.5 ? p[0]! + Math.log(2 * u) / p[1]! : p[0]! - Math.log(2 * (1 - u)) / p[1]!),
  },
  { distribution: 'dbeta', cdf: (x, p) => (x <= 0 ? 0 : x >= 1 ? 1 : betainc(x, p[0]!, p[1]!)) },
  { distribution: 'dt', cdf: (x, p) => studentCdf((x - p[0]!) * Math.sqrt(p[1]!), p[2]!) },
  { distribution: 'df', cdf: (x, p) => (x <= 0 ? 0 : betainc((p[0]! * x) / (p[0]! * x + p[1]!), p[0]! / 2, p[1]! / 2)) },
  { distribution: 'dpois', cdf: (x, p) => (x < 0 ? 0 : gammainc(p[0]!, Math.floor(x) + 1, true, true)) },
  { distribution: 'dbin', cdf: (x, p) => (x < 0 ? 0 : x >= p[1]! ? 1 : betainc(1 - p[0]!, p[1]! - Math.floor(x), Math.floor(x) + 1)) },
  { distribution: 'dnegbin', cdf: (x, p) => (x < 0 ? 0 : betainc(p[0]!, p[1]!, Math.floor(x) + 1)) },
  { distribution: 'dhyper', cdf: (x, p) => summedCdf(MORE_SCALAR_DISTRIBUTIONS.dhyper!, x, p) },
];

/** P(X ≤ x) of a count with a bounded support, summed from its probabilities. */
function summedCdf(d: ScalarDistribution, x: number, p: Float64Array): number {
  const [low, high] = d.bounds(p);
  let s = 0;
  for (let k = low; k <= Math.min(Math.floor(x), high); k++) s += Math.exp(d.logDensity(k, p));
  return Math.min(s, 1);
}

export const DISTRIBUTION_FAMILIES: ReadonlyMap<string, DistributionFamily> = new Map(FAMILY_LIST.map((f) => [f.distribution, f]));

const ALL_SCALAR: Record<string, ScalarDistribution> = { ...SCALAR_DISTRIBUTIONS, ...MORE_SCALAR_DISTRIBUTIONS };

export function scalarDistribution(name: string): ScalarDistribution {
  return ALL_SCALAR[name]!;
}

/** The smallest x with P(X ≤ x) ≥ u, by bracketing and bisection on the CDF (integers for a count). */
export function quantileFromCdf(d: ScalarDistribution, family: DistributionFamily, u: number, p: Float64Array): number {
  const [low, high] = d.bounds(p);
  if (u <= 0) return low;
  if (u >= 1) return high;
  const below = (x: number): boolean => family.cdf(x, p) < u * (1 - 64 * Number.EPSILON);
  let lo = Number.isFinite(low) ? low : -1;
  let hi = Number.isFinite(high) ? high : Math.max(lo + 1, 1);
  for (let step = 1; !Number.isFinite(low) && !below(lo); step *= 2) lo -= step;
  for (let step = 1; !Number.isFinite(high) && below(hi); step *= 2) hi += step;
  if (d.discrete) {
    if (!below(lo)) return lo;
    // below(lo) holds and below(hi) does not: the answer lies in (lo, hi].
    while (hi - lo > 1) {
      const mid = Math.floor((lo + hi) / 2);
      if (below(mid)) lo = mid;
      else hi = mid;
    }
    return hi;
  }
  for (let i = 0; i < 2000 && hi - lo > 4 * Number.EPSILON * Math.max(Math.abs(lo), Math.abs(hi), Number.MIN_VALUE); i++) {
    const mid = 0.5 * (lo + hi);
    if (mid === lo || mid === hi) break;
    if (below(mid)) lo = mid;
    else hi = mid;
  }
  return 0.5 * (lo + hi);
}

/** A value not yet known (a node before its initial value, missing data): the result is missing too, as for any function. */
function hasMissing(a: Float64Array): boolean {
  for (let k = 0; k < a.length; k++) if (Number.isNaN(a[k]!)) return true;
  return false;
}

/** Why the arguments are outside the function's domain, or undefined when they are fine. */
function argumentProblem(d: ScalarDistribution, kind: 'd' | 'p' | 'q', a: Float64Array): string | undefined {
  if (hasMissing(a)) return undefined;
  const first = a[0]!;
  if (kind === 'q' && !(first >= 0 && first <= 1)) return `the probability must lie in [0, 1], got ${first}`;
  const problem = d.checkParameters(a.subarray(1));
  return problem ? `${problem.replace(/parameter (\d+)/, (_, k: string) => d.parameters[Number(k) - 1] ?? `parameter ${k}`)}` : undefined;
}

export interface DistributionFunction {
  name: string;
  /** The distribution it belongs to, e.g. dnorm for pnorm. */
  distribution: string;
  kind: 'd' | 'p' | 'q';
  arity: number;
  evaluate(a: Float64Array): number;
  /** Why these arguments are outside the domain, or undefined. */
  problem(a: Float64Array): string | undefined;
}

function functionsOf(family: DistributionFamily): DistributionFunction[] {
  const d = ALL_SCALAR[family.distribution]!;
  const stem = family.distribution === 'ddexp' ? 'dexp' : family.distribution.slice(1);
  const arity = d.parameters.length + 1;
  const params = (a: Float64Array): Float64Array => a.subarray(1);
  const make = (kind: 'd' | 'p' | 'q', evaluate: (a: Float64Array) => number): DistributionFunction => ({
    name: `${kind}${stem}`, distribution: family.distribution, kind, arity,
    evaluate: (a) => (hasMissing(a) ? Number.NaN : evaluate(a)),
    problem: (a) => argumentProblem(d, kind, a),
  });
  const quantile = family.quantile;
  return [
    make('d', (a) => Math.exp(d.logDensity(a[0]!, params(a)))),
    make('p', (a) => family.cdf(a[0]!, params(a))),
    make('q', (a) => {
      const u = a[0]!;
      const [low, high] = d.bounds(params(a));
      if (u === 0) return low;
      if (u === 1) return high;
      return quantile && !d.discrete ? quantile(u, params(a)) : quantileFromCdf(d, family, u, params(a));
    }),
  ];
}

/** Every d/p/q function, by name (dnorm, pnorm, qnorm, …, ddexp, pdexp, qdexp). */
export const DISTRIBUTION_FUNCTIONS: ReadonlyMap<string, DistributionFunction> = new Map(FAMILY_LIST.flatMap(functionsOf).map((f) => [f.name, f]));
