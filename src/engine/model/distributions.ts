import gammaln from '@stdlib/math-base-special-gammaln';

/** Where a distribution puts its mass; a node's sampler is chosen partly from this. */
export type Support = 'real' | 'positive' | 'unit' | 'bounded' | 'count' | 'binary' | 'categorical';

/**
 * A scalar distribution as JAGS parameterises it. `logDensity` is up to no
 * constant: it must be the full normalised log density, because DIC, the
 * log-likelihood and EM's objective use it.
 */
export interface ScalarDistribution {
  multivariate?: false;
  name: string;
  /** Names of the parameters, in JAGS order, for messages and hovers. */
  parameters: string[];
  support: Support;
  discrete: boolean;
  /**
   * Rank of each parameter (0 scalar, 1 vector) when some are arrays, as in
   * dcat(pi[]); their elements follow one another in the flat parameter array.
   */
  parameterRanks?: number[];
  logDensity(x: number, p: Float64Array): number;
  /** Lower and upper bound of the support given the parameters. */
  bounds(p: Float64Array): [number, number];
  /** A message when the parameters are outside their domain, else undefined. */
  checkParameters(p: Float64Array): string | undefined;
  /** Takes any number of arguments, at least `parameters.length` (dsum). */
  variadic?: boolean;
  /** A central value to start a chain from, when the samplers' defaults do not know the distribution. */
  typical?(p: Float64Array): number;
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

/** log k! for the counts that occur most (a table: count likelihoods are evaluated in every sweep, and gammaln is costly). */
const LOG_FACTORIALS = (() => {
  const table = new Float64Array(4096);
  for (let k = 2; k < table.length; k++) table[k] = table[k - 1]! + Math.log(k);
  return table;
})();

export function logFactorial(k: number): number {
  return k < LOG_FACTORIALS.length && Number.isInteger(k) ? LOG_FACTORIALS[k]! : gammaln(k + 1);
}

function logChoose(n: number, k: number): number {
  return logFactorial(n) - logFactorial(k) - logFactorial(n - k);
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
      return l === 0 ? (x === 0 ? 0 : Number.NEGATIVE_INFINITY) : x * Math.log(l) - l - logFactorial(x);
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
  dt: {
    name: 'dt', parameters: ['mu', 'tau', 'k'], support: 'real', discrete: false,
    logDensity: (x, p) => {
      const k = p[2]!, d = x - p[0]!;
      return gammaln(0.5 * (k + 1)) - gammaln(0.5 * k) + 0.5 * Math.log(p[1]! / (k * Math.PI)) - 0.5 * (k + 1) * Math.log1p((p[1]! * d * d) / k);
    },
    bounds: () => REAL,
    checkParameters: checker(anything, positive('the precision'), positive('the degrees of freedom')),
  },
  dlogis: {
    name: 'dlogis', parameters: ['mu', 'tau'], support: 'real', discrete: false,
    logDensity: (x, p) => {
      const z = -Math.abs(p[1]! * (x - p[0]!));
      // Symmetric in z, so the negative branch keeps exp from overflowing.
      return Math.log(p[1]!) + z - 2 * Math.log1p(Math.exp(z));
    },
    bounds: () => REAL,
    checkParameters: checker(anything, positive('tau')),
  },
  ddexp: {
    name: 'ddexp', parameters: ['mu', 'tau'], support: 'real', discrete: false,
    logDensity: (x, p) => Math.log(0.5 * p[1]!) - p[1]! * Math.abs(x - p[0]!),
    bounds: () => REAL,
    checkParameters: checker(anything, positive('tau')),
  },
  dweib: {
    name: 'dweib', parameters: ['v', 'lambda'], support: 'positive', discrete: false,
    logDensity: (x, p) => {
      if (x < 0) return Number.NEGATIVE_INFINITY;
      const v = p[0]!, l = p[1]!;
      return Math.log(v) + Math.log(l) + (v - 1) * Math.log(x) - l * Math.pow(x, v);
    },
    bounds: () => POSITIVE,
    checkParameters: checker(positive('the shape v'), positive('the rate lambda')),
  },
  dchisqr: {
    name: 'dchisqr', parameters: ['k'], support: 'positive', discrete: false,
    logDensity: (x, p) => {
      if (x < 0) return Number.NEGATIVE_INFINITY;
      const a = 0.5 * p[0]!;
      return -a * Math.LN2 - gammaln(a) + (a - 1) * Math.log(x) - 0.5 * x;
    },
    bounds: () => POSITIVE,
    checkParameters: checker(positive('the degrees of freedom')),
  },
  dpar: {
    name: 'dpar', parameters: ['alpha', 'c'], support: 'positive', discrete: false,
    logDensity: (x, p) => (x < p[1]! ? Number.NEGATIVE_INFINITY : Math.log(p[0]!) + p[0]! * Math.log(p[1]!) - (p[0]! + 1) * Math.log(x)),
    bounds: (p) => [p[1]!, Number.POSITIVE_INFINITY],
    checkParameters: checker(positive('alpha'), positive('c')),
  },
  dnegbin: {
    name: 'dnegbin', parameters: ['p', 'r'], support: 'count', discrete: true,
    logDensity: (x, p) => {
      if (!isCount(x)) return Number.NEGATIVE_INFINITY;
      const q = p[0]!, r = p[1]!;
      if (q === 1) return x === 0 ? 0 : Number.NEGATIVE_INFINITY;
      return gammaln(x + r) - gammaln(r) - logFactorial(x) + r * Math.log(q) + x * Math.log1p(-q);
    },
    bounds: () => POSITIVE,
    checkParameters: (p) => {
      if (!(p[0]! > 0 && p[0]! <= 1)) return `the probability must lie in (0, 1], got ${p[0]}`;
      return p[1]! > 0 ? undefined : `r must be > 0, got ${p[1]}`;
    },
  },
  dcat: {
    name: 'dcat', parameters: ['pi'], support: 'categorical', discrete: true, parameterRanks: [1],
    logDensity: (x, p) => {
      if (!Number.isInteger(x) || x < 1 || x > p.length) return Number.NEGATIVE_INFINITY;
      let total = 0;
      for (let k = 0; k < p.length; k++) total += p[k]!;
      return Math.log(p[x - 1]! / total);
    },
    bounds: (p) => [1, p.length],
    checkParameters: (p) => {
      let total = 0;
      for (let k = 0; k < p.length; k++) {
        if (!(p[k]! >= 0)) return `the probabilities must be ≥ 0, got ${p[k]} at position ${k + 1}`;
        total += p[k]!;
      }
      return total > 0 ? undefined : 'the probabilities must not all be 0';
    },
  },
  dinterval: {
    name: 'dinterval', parameters: ['t', 'c'], support: 'count', discrete: true, parameterRanks: [0, 1],
    logDensity: (x, p) => (x === intervalIndex(p) ? 0 : Number.NEGATIVE_INFINITY),
    bounds: (p) => [0, p.length - 1],
    checkParameters: (p) => {
      for (let k = 2; k < p.length; k++) if (!(p[k]! >= p[k - 1]!)) return 'the cut points must be increasing';
      return undefined;
    },
  },
};

/** dinterval's value: how many cut points p[1..] lie strictly below t = p[0] (t on a cut point counts as below it, as in JAGS). */
export function intervalIndex(p: Float64Array): number {
  const t = p[0]!;
  let k = 0;
  while (k + 1 < p.length && t > p[k + 1]!) k++;
  return k;
}
