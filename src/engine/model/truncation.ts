import erfc from '@stdlib/math-base-special-erfc';
import gammainc from '@stdlib/math-base-special-gammainc';
import type { ScalarDistribution } from './distributions';

/** The largest count range a truncated discrete node's mass is summed over. */
const MAX_SUMMED = 100000;

const phi = (z: number): number => 0.5 * erfc(-z / Math.SQRT2);

/** P(l ≤ X ≤ u) from a CDF, taken from the upper tail when l is above the middle so that far tails keep their precision. */
function between(cdf: (x: number) => number, survival: (x: number) => number, l: number, u: number, middle: number): number {
  return l > middle ? survival(l) - survival(u) : cdf(u) - cdf(l);
}

/** P(l ≤ X ≤ u) for the continuous families with a closed-form or incomplete-gamma CDF; NaN for the others. */
function continuousMass(name: string, p: Float64Array, l: number, u: number): number {
  switch (name) {
    case 'dnorm': {
      const s = Math.sqrt(p[1]!);
      return between((x) => phi((x - p[0]!) * s), (x) => phi((p[0]! - x) * s), l, u, p[0]!);
    }
    case 'dlnorm': {
      const s = Math.sqrt(p[1]!);
      const z = (x: number): number => (x > 0 ? (Math.log(x) - p[0]!) * s : Number.NEGATIVE_INFINITY);
      return between((x) => phi(z(x)), (x) => phi(-z(x)), l, u, Math.exp(p[0]!));
    }
    case 'dgamma':
    case 'dchisqr': {
      const [shape, rate] = name === 'dgamma' ? [p[0]!, p[1]!] : [0.5 * p[0]!, 0.5];
      const at = (x: number): number => Math.max(x, 0) * rate;
      return between((x) => gammainc(at(x), shape, true, false), (x) => gammainc(at(x), shape, true, true), l, u, shape / rate);
    }
    case 'dexp': {
      const survival = (x: number): number => Math.exp(-p[0]! * Math.max(x, 0));
      return survival(l) - survival(u);
    }
    case 'dweib': {
      const survival = (x: number): number => Math.exp(-p[1]! * Math.pow(Math.max(x, 0), p[0]!));
      return survival(l) - survival(u);
    }
    case 'dpar': {
      const survival = (x: number): number => (x <= p[1]! ? 1 : Math.pow(p[1]! / x, p[0]!));
      return survival(l) - survival(u);
    }
    case 'dlogis': {
      const cdf = (x: number): number => 1 / (1 + Math.exp(-(x - p[0]!) * p[1]!));
      return between(cdf, (x) => cdf(2 * p[0]! - x), l, u, p[0]!);
    }
    case 'ddexp': {
      const cdf = (x: number): number => (x < p[0]! ? 0.5 * Math.exp(p[1]! * (x - p[0]!)) : 1 - 0.5 * Math.exp(-p[1]! * (x - p[0]!)));
      return between(cdf, (x) => cdf(2 * p[0]! - x), l, u, p[0]!);
    }
    case 'dt':
      // Half of a t on either side of its centre (half-t priors on a scale, T(0,) with centre 0); other cuts need the t CDF.
      return (l === p[0]! && u === Number.POSITIVE_INFINITY) || (l === Number.NEGATIVE_INFINITY && u === p[0]!) ? 0.5 : Number.NaN;
    case 'dunif': {
      const width = p[1]! - p[0]!;
      return (Math.min(u, p[1]!) - Math.max(l, p[0]!)) / width;
    }
    default:
      return Number.NaN;
  }
}

/** P(l ≤ X ≤ u) of a count, summed from its probabilities over the shorter side of the cut; NaN past MAX_SUMMED terms. */
function discreteMass(d: ScalarDistribution, p: Float64Array, l: number, u: number): number {
  const [low, high] = d.bounds(p);
  const from = Math.max(Math.ceil(l), low);
  const to = Math.min(Math.floor(u), high);
  if (to < from) return 0;
  const sum = (a: number, b: number): number => {
    let s = 0;
    for (let k = a; k <= b; k++) s += Math.exp(d.logDensity(k, p));
    return s;
  };
  if (Number.isFinite(to) && to - from <= MAX_SUMMED) return sum(from, to);
  // An open upper end: one minus the mass below the lower end (and above a finite upper end's count, none here).
  if (!Number.isFinite(to) && from - low <= MAX_SUMMED) return 1 - sum(low, from - 1);
  return Number.NaN;
}

/**
 * log P(lower ≤ X ≤ upper) for a node truncated by T(lower, upper): its
 * density is the distribution's divided by this mass, as JAGS's is. The mass
 * depends on the parameters, so a parent's conditional needs it whenever the
 * parameters or the bounds move. NaN when the distribution has no CDF here.
 */
export function truncationLogMass(d: ScalarDistribution, p: Float64Array, lower: number, upper: number): number {
  const mass = d.discrete ? discreteMass(d, p, lower, upper) : continuousMass(d.name, p, lower, upper);
  return Math.log(Math.min(mass, 1));
}

