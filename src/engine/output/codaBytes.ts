import type { CodaTrace } from './coda';
import { formatCodaValue } from './codaValue';

/**
 * One chain's CODA file as bytes: `iteration  value` per line, every scalar's
 * values one after another, in the index's order. Written straight into one
 * buffer because a string built line by line is a rope of two short strings
 * per value, all alive until the file is written: in a short run (Line: 40,000
 * values, 0.25 s in all) those ropes survived every young-generation
 * collection and CODA writing was a sixth of the run's CPU. The text is
 * byte for byte what `formatCodaValue` gives (checked on millions of values
 * in coda.test.ts).
 */
export function codaChainBytes(traces: CodaTrace[], chain: number): Uint8Array {
  let bound = 0;
  for (const t of traces) {
    const n = t.chains[chain]!.length;
    if (n) bound += n * (decimalDigits(t.first + (n - 1) * t.thin) + LINE_EXTRA);
  }
  const out = Buffer.allocUnsafe(bound);
  let p = 0;
  for (const t of traces) p = writeTrace(out, p, t.chains[chain]!, t.first, t.thin);
  return out.subarray(0, p);
}

/** One scalar's lines. A function of its own so that V8 optimises its loop once, whatever the traces around it. */
function writeTrace(out: Uint8Array, p: number, values: ArrayLike<number>, first: number, thin: number): number {
  for (let k = 0; k < values.length; k++) {
    p = writeInteger(out, p, first + k * thin);
    out[p++] = SPACE;
    out[p++] = SPACE;
    p = writeCodaValue(out, p, values[k]!);
    out[p++] = NEWLINE;
  }
  return p;
}

const SPACE = 32;
const NEWLINE = 10;
const ZERO = 48;
const MINUS = 45;
const POINT = 46;
/** Two blanks, a newline and the longest value formatCodaValue writes (`-1.23457e-308`: 13 characters; a sign and a three-digit exponent at most). */
const LINE_EXTRA = 3 + 13;

/** 10^k for k = 0…22: every one is a double exactly, so a·10^k is rounded once. */
const POWERS_OF_TEN = Float64Array.from({ length: 23 }, (_, k) => Number(`1e${k}`));

/**
 * Near a tie between two six-digit roundings, the scaled value's rounding
 * (at most 2^-33 of it, below 1.2e-10 for values under 10^6) could decide
 * differently from the exact decimal rounding of toPrecision: such values,
 * one in millions, go through formatCodaValue.
 */
const TIE_MARGIN = 1e-6;

const digits = new Uint8Array(6);

/** The exponent of the last value written: writeCodaValue's first try. */
let exponentGuess = 0;

/**
 * Writes x as formatCodaValue does (C's %g, six significant digits), without
 * making a string: the six digits are the integer nearest x·10^(5−e), where e
 * is the decimal exponent. Values whose scaling would need a power of ten
 * that is not an exact double, near-ties and non-finite values take the string path.
 */
export function writeCodaValue(out: Uint8Array, p: number, x: number): number {
  const a = Math.abs(x);
  if (!(a > 0 && a < Infinity)) return writeText(out, p, formatCodaValue(x));
  // A trace's values are mostly of one magnitude: the last value's exponent is tried first, then log10's. Any
  // exponent that scales x into [1e5, 1e6) gives the same six digits (next to a power of ten, where two might,
  // both round to 100000 at the larger one). Written out here, not in a helper: most of a short run's values are
  // written before V8 optimises this function, and an interpreted call costs more than the log10 it saves.
  let e = exponentGuess;
  let k = 5 - e;
  let scaled = k > 22 || k < -22 ? Number.NaN : k >= 0 ? a * POWERS_OF_TEN[k]! : a / POWERS_OF_TEN[-k]!;
  if (!(scaled >= 1e5 && scaled < 1e6)) {
    e = Math.floor(Math.log10(a));
    // log10 can land one off next to a power of ten: then the next exponent is tried, at most twice.
    for (let tries = 0; tries < 3; tries++) {
      k = 5 - e;
      scaled = k > 22 || k < -22 ? Number.NaN : k >= 0 ? a * POWERS_OF_TEN[k]! : a / POWERS_OF_TEN[-k]!;
      if (scaled < 1e5) e--;
      else if (scaled >= 1e6) e++;
      else break;
    }
    if (!(scaled >= 1e5 && scaled < 1e6)) return writeText(out, p, formatCodaValue(x));
  }
  exponentGuess = e;
  let n = Math.floor(scaled);
  const fraction = scaled - n;
  if (Math.abs(fraction - 0.5) < TIE_MARGIN) return writeText(out, p, formatCodaValue(x));
  if (fraction > 0.5) n++;
  if (n === 1e6) {
    n = 1e5;
    e++;
  }
  for (let d = 5; d >= 0; d--) {
    const q = (n / 10) | 0;
    digits[d] = n - 10 * q;
    n = q;
  }
  let last = 5;
  while (last > 0 && digits[last] === 0) last--;
  if (x < 0) out[p++] = MINUS;
  if (e < -4 || e >= 6) {
    out[p++] = ZERO + digits[0]!;
    if (last > 0) {
      out[p++] = POINT;
      for (let d = 1; d <= last; d++) out[p++] = ZERO + digits[d]!;
    }
    out[p++] = 101; // e
    out[p++] = e < 0 ? MINUS : 43; // + or -
    const exponent = Math.abs(e);
    if (exponent < 10) out[p++] = ZERO;
    return writeInteger(out, p, exponent);
  }
  if (e < 0) {
    out[p++] = ZERO;
    out[p++] = POINT;
    for (let z = -1; z > e; z--) out[p++] = ZERO;
    for (let d = 0; d <= last; d++) out[p++] = ZERO + digits[d]!;
    return p;
  }
  for (let d = 0; d <= e; d++) out[p++] = ZERO + digits[d]!;
  if (last > e) {
    out[p++] = POINT;
    for (let d = e + 1; d <= last; d++) out[p++] = ZERO + digits[d]!;
  }
  return p;
}

/** A non-negative integer (an iteration number, an exponent) in decimal. */
function writeInteger(out: Uint8Array, p: number, n: number): number {
  const end = p + decimalDigits(n);
  let at = end;
  do {
    const q = n < 2 ** 31 ? (n / 10) | 0 : Math.floor(n / 10);
    out[--at] = ZERO + n - 10 * q;
    n = q;
  } while (n > 0);
  return end;
}

/** Digits of a non-negative integer. */
function decimalDigits(n: number): number {
  let count = 1;
  for (let power = 10; n >= power; power *= 10) count++;
  return count;
}

function writeText(out: Uint8Array, p: number, text: string): number {
  for (let k = 0; k < text.length; k++) out[p++] = text.charCodeAt(k);
  return p;
}
