import gammaln from '@stdlib/math-base-special-gammaln';

/** Where a distribution puts its mass; a node's sampler is chosen partly from this. */
export type Support = 'real' | 'positive' | 'unit' | 'bounded' | 'count' | 'binary' | 'categorical';

/**
 * A scalar distribution as JAGS parameterises it. `logDensity` is up to no
 * constant: it must be the full normalised log density, because DIC, the
 * log-likelihood and EM's objective use it.
 */
export interface ScalarDistribution {
  name: string;
  /** Names of the parameters, in JAGS order, for messages and hovers. */
  parameters: string[];
  support: Support;
  discrete: boolean;
  logDensity(x: number, p: Float64Array): number;
  /** Lower and upper bound of the support given the parameters. */
  bounds(p: Float64Array): [number, number];
  /** A message when the parameters are outside their domain, else undefined. */
  checkParameters(p: Float64Array): string | undefined;
}

const LOG_2PI = Math.log(2 * Math.PI);
const REAL: [number, number] = [Number.NEGATIVE_INFINITY, Number.POSITIVE_INFINITY];
const POSITIVE: [number, number] = [0, Number.POSITIVE_INFINITY];

const positive = (label: string) => (v: number) => (v > 0 ? undefined : `${label} must be > 0, got ${v}`);
const probability = (label: string) => (v: number) => (v >= 0 && v <= 1 ? undefined : `${label} must lie in [0, 1], got ${v}`);

function checker(...checks: Array<(v: number) => string | undefined>) {
  return (p: Float64Array): string | undefined => {
    for (let k = 0; k < checks.length; k++) {
      const v = p[k]!;
      if (Number.isNaN(v)) return `parameter ${k + 1} is not a number`;
      const message = checks[k]!(v);
      if (message) return message;
    }
    return undefined;
  };
}
const anything = (): undefined => undefined;

function logChoose(n: number, k: number): number {
  return gammaln(n + 1) - gammaln(k + 1) - gammaln(n - k + 1);
}

const isCount = (x: number): boolean => x >= 0 && Number.isInteger(x);

export const SCALAR_DISTRIBUTIONS: Record<string, ScalarDistribution> = {
  dnorm: {
    name: 'dnorm', parameters: ['mean', 'precision'], support: 'real', discrete: false,
    logDensity: (x, p) => {
      const d = x - p[0]!;
      return 0.5 * (Math.log(p[1]!) - LOG_2PI) - 0.5 * p[1]! * d * d;
    },
    bounds: () => REAL,
    checkParameters: checker(anything, positive('the precision')),
  },
  dgamma: {
    name: 'dgamma', parameters: ['shape', 'rate'], support: 'positive', discrete: false,
    logDensity: (x, p) => {
      if (x < 0) return Number.NEGATIVE_INFINITY;
      const a = p[0]!, b = p[1]!;
      return a * Math.log(b) - gammaln(a) + (a - 1) * Math.log(x) - b * x;
    },
    bounds: () => POSITIVE,
    checkParameters: checker(positive('the shape'), positive('the rate')),
  },
  dexp: {
    name: 'dexp', parameters: ['rate'], support: 'positive', discrete: false,
    logDensity: (x, p) => (x < 0 ? Number.NEGATIVE_INFINITY : Math.log(p[0]!) - p[0]! * x),
    bounds: () => POSITIVE,
    checkParameters: checker(positive('the rate')),
  },
  dunif: {
    name: 'dunif', parameters: ['lower', 'upper'], support: 'bounded', discrete: false,
    logDensity: (x, p) => (x < p[0]! || x > p[1]! ? Number.NEGATIVE_INFINITY : -Math.log(p[1]! - p[0]!)),
    bounds: (p) => [p[0]!, p[1]!],
    checkParameters: (p) => (p[0]! < p[1]! ? undefined : `the lower bound (${p[0]}) must be below the upper bound (${p[1]})`),
  },
  dbeta: {
    name: 'dbeta', parameters: ['a', 'b'], support: 'unit', discrete: false,
    logDensity: (x, p) => {
      if (x < 0 || x > 1) return Number.NEGATIVE_INFINITY;
      const a = p[0]!, b = p[1]!;
      return gammaln(a + b) - gammaln(a) - gammaln(b) + (a - 1) * Math.log(x) + (b - 1) * Math.log1p(-x);
    },
    bounds: () => [0, 1],
    checkParameters: checker(positive('a'), positive('b')),
  },
  dlnorm: {
    name: 'dlnorm', parameters: ['meanlog', 'precision'], support: 'positive', discrete: false,
    logDensity: (x, p) => {
      if (x <= 0) return Number.NEGATIVE_INFINITY;
      const d = Math.log(x) - p[0]!;
      return 0.5 * (Math.log(p[1]!) - LOG_2PI) - Math.log(x) - 0.5 * p[1]! * d * d;
    },
    bounds: () => POSITIVE,
    checkParameters: checker(anything, positive('the precision')),
  },
  dpois: {
    name: 'dpois', parameters: ['rate'], support: 'count', discrete: true,
    logDensity: (x, p) => {
      if (!isCount(x)) return Number.NEGATIVE_INFINITY;
      const l = p[0]!;
      return l === 0 ? (x === 0 ? 0 : Number.NEGATIVE_INFINITY) : x * Math.log(l) - l - gammaln(x + 1);
    },
    bounds: () => POSITIVE,
    checkParameters: checker((v) => (v >= 0 ? undefined : `the rate must be >= 0, got ${v}`)),
  },
  dbern: {
    name: 'dbern', parameters: ['probability'], support: 'binary', discrete: true,
    logDensity: (x, p) => (x === 1 ? Math.log(p[0]!) : x === 0 ? Math.log1p(-p[0]!) : Number.NEGATIVE_INFINITY),
    bounds: () => [0, 1],
    checkParameters: checker(probability('the probability')),
  },
  dbin: {
    name: 'dbin', parameters: ['probability', 'size'], support: 'count', discrete: true,
    logDensity: (x, p) => {
      const q = p[0]!, n = p[1]!;
      if (!isCount(x) || x > n) return Number.NEGATIVE_INFINITY;
      if (q === 0) return x === 0 ? 0 : Number.NEGATIVE_INFINITY;
      if (q === 1) return x === n ? 0 : Number.NEGATIVE_INFINITY;
      return logChoose(n, x) + x * Math.log(q) + (n - x) * Math.log1p(-q);
    },
    bounds: (p) => [0, p[1]!],
    checkParameters: checker(probability('the probability'), (v) => (isCount(v) ? undefined : `the size must be a count, got ${v}`)),
  },
};
