import type { ScalarDistribution } from './distributions';

/**
 * JAGS's observation devices of the bugs module: an observed dsum says that a
 * sum of stochastic nodes has a known value, an observed dround that a value
 * was recorded rounded to d decimal places. Their densities are 1 where the
 * observation is consistent and 0 elsewhere; the samplers keep the parents
 * consistent (inference/sumSampler.ts moves them in pairs that keep the sum,
 * and a normal parent of a dround is drawn truncated to its rounding interval).
 */

/**
 * How far a sum may be from its observed value and still count as equal:
 * moves that keep the sum in exact arithmetic drift by rounding, by about
 * 1e-16 of the magnitudes per move and growing as the square root of the moves.
 */
export function sumTolerance(x: number, p: Float64Array): number {
  let scale = Math.max(1, Math.abs(x));
  for (let k = 0; k < p.length; k++) scale = Math.max(scale, Math.abs(p[k]!));
  return 1e-8 * scale;
}

export function sumOf(p: Float64Array): number {
  let s = 0;
  for (let k = 0; k < p.length; k++) s += p[k]!;
  return s;
}

/** The values t that round to x at d decimal places: [x − h, x + h) with h = 0.5·10^−d. */
export function roundingInterval(x: number, digits: number): [number, number] {
  const h = 0.5 * Math.pow(10, -digits);
  return [x - h, x + h];
}

/** t rounded to d decimal places, halves away from zero. */
export function roundTo(t: number, digits: number): number {
  const scale = Math.pow(10, digits);
  return (Math.sign(t) * Math.round(Math.abs(t) * scale)) / scale;
}

export const OBSERVATION_DEVICES: Record<string, ScalarDistribution> = {
  dsum: {
    name: 'dsum', parameters: ['x1', 'x2'], support: 'real', discrete: false, variadic: true,
    logDensity: (x, p) => (Math.abs(x - sumOf(p)) <= sumTolerance(x, p) ? 0 : Number.NEGATIVE_INFINITY),
    bounds: () => [Number.NEGATIVE_INFINITY, Number.POSITIVE_INFINITY],
    checkParameters: () => undefined,
    typical: sumOf,
  },
  dround: {
    name: 'dround', parameters: ['t', 'd'], support: 'real', discrete: false,
    logDensity: (x, p) => {
      const [lower, upper] = roundingInterval(x, p[1]!);
      return p[0]! >= lower && p[0]! < upper ? 0 : Number.NEGATIVE_INFINITY;
    },
    bounds: () => [Number.NEGATIVE_INFINITY, Number.POSITIVE_INFINITY],
    checkParameters: (p) => (Number.isInteger(p[1]!) ? undefined : `the number of decimal places must be a whole number, got ${p[1]}`),
    typical: (p) => roundTo(p[0]!, p[1]!),
  },
};
