import { columnMajorToRowMajor, type DataArray, type NamedValues } from '../language/rvalues';

/**
 * Values in R's dump format, as JAGS's `data to` and `parameters to` write
 * them and `data in` / `parameters in` read them back: `"x" <- 1`,
 * `c(...)` for a vector, `structure(c(...), .Dim = c(r, c))` with the values
 * column-major for an array; NA for a missing element. Numbers are written in
 * full (shortest exact form), so that a value survives the round trip.
 */
export function writeRDump(values: NamedValues): string {
  let text = '';
  for (const [name, value] of values) text += `"${name}" <-\n${rValue(value)}\n`;
  return text;
}

function rValue(a: DataArray): string {
  if (a.dims.length === 0) return rNumber(a.values[0]!);
  if (a.dims.length === 1) return `c(${Array.from(a.values, rNumber).join(', ')})`;
  return `structure(c(${Array.from(columnMajor(a), rNumber).join(', ')}), .Dim = c(${a.dims.join(', ')}))`;
}

function rNumber(x: number): string {
  if (Number.isNaN(x)) return 'NA';
  if (!Number.isFinite(x)) return x > 0 ? 'Inf' : '-Inf';
  return String(x);
}

/** The engine stores arrays row-major (last index fastest); R fills them column-major (first index fastest). */
function columnMajor(a: DataArray): Float64Array {
  // Reading the positions 0, 1, 2, … as column-major data tells where each row-major element goes.
  const place = columnMajorToRowMajor(Float64Array.from(a.values, (_, k) => k), a.dims);
  const out = new Float64Array(a.values.length);
  for (let k = 0; k < out.length; k++) out[place[k]!] = a.values[k]!;
  return out;
}
