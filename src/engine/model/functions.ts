import erfc from '@stdlib/math-base-special-erfc';
import gammaln from '@stdlib/math-base-special-gammaln';
import { normalQuantile } from '../diagnostics/normalQuantile';
import { DISTRIBUTION_FUNCTIONS } from './distributionFunctions';
import { TRIGONOMETRIC_FUNCTIONS } from './trigonometric';

/**
 * Scalar functions of the model language, as JAGS defines them. Vector
 * functions (sum, mean, ...) take every element of their array arguments.
 */
export interface ModelFunction {
  name: string;
  /** Number of arguments; a range [min, max] for functions taking several, -1 for any. */
  arity: number | [number, number];
  /** Whether array arguments are reduced (sum, mean) rather than taken element by element. */
  reducesArrays: boolean;
  evaluate(args: Float64Array, count: number): number;
  /** The same function of one or two plain arguments, when it takes that many: compiled calls skip the argument buffer. */
  of1?: (x: number) => number;
  of2?: (x: number, y: number) => number;
  /** Why these arguments are outside the function's domain (pnorm with tau ≤ 0), or undefined; checked on every call so that no NaN passes silently. */
  domainProblem?: (args: Float64Array) => string | undefined;
}

function phi(x: number): number {
  // Standard normal CDF through erfc keeps precision in the lower tail.
  return 0.5 * erfc(-x / Math.SQRT2);
}

const unary = (name: string, f: (x: number) => number): ModelFunction => ({ name, arity: 1, reducesArrays: false, evaluate: (a) => f(a[0]!), of1: f });
const binary = (name: string, f: (x: number, y: number) => number): ModelFunction => ({ name, arity: 2, reducesArrays: false, evaluate: (a) => f(a[0]!, a[1]!), of2: f });
const reducer = (name: string, f: (a: Float64Array, n: number) => number): ModelFunction => ({ name, arity: -1, reducesArrays: true, evaluate: f });

function sum(a: Float64Array, n: number): number {
  let s = 0;
  for (let k = 0; k < n; k++) s += a[k]!;
  return s;
}

export const FUNCTIONS: Record<string, ModelFunction> = Object.fromEntries(
  ([
    unary('abs', Math.abs),
    unary('exp', Math.exp),
    unary('log', Math.log),
    unary('sqrt', Math.sqrt),
    unary('ilogit', (x) => 1 / (1 + Math.exp(-x))),
    unary('logit', (x) => Math.log(x / (1 - x))),
    unary('phi', phi),
    unary('icloglog', (x) => 1 - Math.exp(-Math.exp(x))),
    unary('cloglog', (x) => Math.log(-Math.log(1 - x))),
    unary('round', Math.round),
    unary('trunc', Math.trunc),
    unary('step', (x) => (x >= 0 ? 1 : 0)),
    ...TRIGONOMETRIC_FUNCTIONS,
    ...[...DISTRIBUTION_FUNCTIONS.values()].map((d) => ({ name: d.name, arity: d.arity, reducesArrays: false, evaluate: d.evaluate, domainProblem: d.problem })),
    unary('probit', normalQuantile),
    binary('pow', Math.pow),
    unary('loggam', gammaln),
    unary('logfact', (x) => gammaln(x + 1)),
    binary('equals', (x, y) => (x === y ? 1 : 0)),
    { name: 'ifelse', arity: 3, reducesArrays: false, evaluate: (a: Float64Array) => (a[0] ? a[1]! : a[2]!) },
    reducer('sum', sum),
    reducer('mean', (a, n) => sum(a, n) / n),
    reducer('prod', (a, n) => {
      let p = 1;
      for (let k = 0; k < n; k++) p *= a[k]!;
      return p;
    }),
    reducer('sd', (a, n) => {
      const m = sum(a, n) / n;
      let s = 0;
      for (let k = 0; k < n; k++) s += (a[k]! - m) ** 2;
      return Math.sqrt(s / (n - 1));
    }),
    reducer('min', (a, n) => {
      let m = Number.POSITIVE_INFINITY;
      for (let k = 0; k < n; k++) m = Math.min(m, a[k]!);
      return m;
    }),
    reducer('max', (a, n) => {
      let m = Number.NEGATIVE_INFINITY;
      for (let k = 0; k < n; k++) m = Math.max(m, a[k]!);
      return m;
    }),
  ] as ModelFunction[]).map((f) => [f.name, f]),
);

/** Inverse link functions: `logit(p) <- eta` means p = ilogit(eta). */
export const INVERSE_LINKS: Record<string, (x: number) => number> = {
  logit: (x) => 1 / (1 + Math.exp(-x)),
  log: Math.exp,
  probit: phi,
  cloglog: (x) => 1 - Math.exp(-Math.exp(x)),
};
