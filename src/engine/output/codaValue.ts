/**
 * A number as JAGS writes it in CODA files, C's `%g` with six significant
 * digits (what a C++ stream prints by default): `3.20091`, `1e-06`,
 * `1.5e+07`. Missing values are `NA` and infinities `Inf` / `-Inf`, as R reads them.
 */
export function formatCodaValue(x: number): string {
  if (Number.isNaN(x)) return 'NA';
  if (!Number.isFinite(x)) return x > 0 ? 'Inf' : '-Inf';
  if (x === 0) return '0';
  // toPrecision rounds to six significant digits as %g does, and chooses by the rounded value's exponent as %g does,
  // except that it keeps fixed notation down to 1e-6 where %g turns exponential below 1e-4: every value of a
  // CODA file passes here (a million per file), so one number-to-text conversion each, not three and a regex.
  const text = x.toPrecision(6);
  const e = text.indexOf('e');
  if (e >= 0) return exponential(text, e);
  const digits = x < 0 ? 1 : 0;
  if (text.startsWith('0.0000', digits)) {
    const scientific = x.toExponential(5);
    return exponential(scientific, scientific.indexOf('e'));
  }
  return trimZeros(text);
}

/** `1.50000e+7` as %g writes it: `1.5e+07` (the mantissa's trailing zeros dropped, at least two exponent digits). */
function exponential(text: string, e: number): string {
  const exponent = text.slice(e + 2);
  return `${trimZeros(text.slice(0, e))}e${text[e + 1]}${exponent.length < 2 ? '0' : ''}${exponent}`;
}

/** Drops a decimal fraction's trailing zeros, and its point when nothing is left after it. */
function trimZeros(fixed: string): string {
  if (fixed.indexOf('.') < 0) return fixed;
  let end = fixed.length;
  while (fixed.charCodeAt(end - 1) === 48) end--;
  if (fixed.charCodeAt(end - 1) === 46) end--;
  return fixed.slice(0, end);
}
