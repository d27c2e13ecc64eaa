import erfc from '@stdlib/math-base-special-erfc';

/**
 * The tables of a 128-layer ziggurat for the standard normal (Marsaglia &
 * Tsang 2000, "The ziggurat method for generating random variables", with
 * the layer chosen by bits apart from the uniform's, after Doornik 2005).
 *
 * The half-density f(x) = exp(−x²/2) is covered by 128 strips of equal area
 * v: layer i ≥ 1 is the rectangle [0, x_i] × [f(x_i), f(x_{i+1})], the base
 * layer 0 the rectangle [0, r] × [0, f(r)] plus the tail beyond r. Given r,
 * v = r·f(r) + ∫_r^∞ f, x_1 = r and f(x_{i+1}) = f(x_i) + v / x_i; r is the
 * root for which the top layer [0, x_127] × [f(x_127), 1] has area v too,
 * found here to the last bit (≈ 3.4426, zigguratBase), rather than copied as
 * a rounded constant, so that every layer's area is v to rounding and the
 * draws have the normal law exactly (Random.normal).
 */
export const LAYERS = 128;

const density = (x: number): number => Math.exp(-0.5 * x * x);

/** ∫_r^∞ exp(−x²/2) dx. */
const tailArea = (r: number): number => Math.sqrt(Math.PI / 2) * erfc(r / Math.SQRT2);

/** x_1 .. x_{LAYERS−1} for base r into `x` (x[0] and x[LAYERS] left to the caller); the top layer's area minus v, NaN when the layers reach the top too early. */
export function zigguratLayers(r: number, x: Float64Array): number {
  const v = r * density(r) + tailArea(r);
  x[1] = r;
  for (let i = 1; i < LAYERS - 1; i++) {
    const next = density(x[i]!) + v / x[i]!;
    if (!(next < 1)) return Number.NaN;
    x[i + 1] = Math.sqrt(-2 * Math.log(next));
  }
  const top = x[LAYERS - 1]!;
  return top * (1 - density(top)) - v;
}

/**
 * The base r: the least double at which the top layer's area exceeds v (`layers` positive), its predecessor
 * giving a top layer too small or none. Bisection from [3, 4] took 51 evaluations of the 127 layers, about
 * 7 ms of every process's start (cold code); secant steps between the last two finite evaluations, kept
 * inside the bracket and closing it from the side they approach, take about a dozen to the same pair of
 * neighbouring doubles (the sign of `layers` changes once, at one pair, in [3, 4]). A secant point outside
 * the bracket, or after a NaN, gives way to the bracket's midpoint.
 */
export function zigguratBase(x: Float64Array): { r: number; evaluations: number } {
  let low = 3, high = 4;
  let a = Number.NaN, fa = Number.NaN, b = Number.NaN, fb = Number.NaN;
  let evaluations = 0;
  for (let step = 0; step < 200; step++) {
    // In [3, 4] doubles lie 2^-51 apart: `low + ULP === high` means the bracket is a pair of neighbours.
    if (low + ULP_IN_3_4 >= high) break;
    let c = fa === fa && fb === fb && fa !== fb ? b - (fb * (b - a)) / (fb - fa) : Number.NaN;
    // A secant point at or within a few units in the last place of an end (rounding of a converged secant)
    // steps one unit inside, so that the bracket closes; one further out, or none, gives way to the midpoint.
    if (c < low + ULP_IN_3_4 && c > low - 4 * ULP_IN_3_4) c = low + ULP_IN_3_4;
    else if (c > high - ULP_IN_3_4 && c < high + 4 * ULP_IN_3_4) c = high - ULP_IN_3_4;
    else if (!(c > low && c < high)) c = 0.5 * (low + high);
    const excess = zigguratLayers(c, x);
    evaluations++;
    if (excess > 0) high = c;
    else low = c;
    if (excess === excess) {
      a = b;
      fa = fb;
      b = c;
      fb = excess;
    }
  }
  return { r: high, evaluations };
}

const ULP_IN_3_4 = 2 * Number.EPSILON;

function build(): { x: Float64Array; ratio: Float64Array; r: number } {
  const x = new Float64Array(LAYERS + 1);
  const { r } = zigguratBase(x);
  zigguratLayers(r, x);
  x[0] = (r * density(r) + tailArea(r)) / density(r);
  x[LAYERS] = 0;
  const ratio = new Float64Array(LAYERS);
  for (let i = 0; i < LAYERS; i++) ratio[i] = x[i + 1]! / x[i]!;
  return { x, ratio, r };
}

const built = build();
/** x_i: layer i's width; x_0 = v / f(r), the base layer's as one rectangle of area v; x_128 = 0. */
export const ZIGGURAT_X = built.x;
/** x_{i+1} / x_i: below it (in |u|), a point of layer i lies under the density whatever its height. */
export const ZIGGURAT_RATIO = built.ratio;
/** Where the tail begins. */
export const ZIGGURAT_R = built.r;
