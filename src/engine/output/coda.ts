import { fileError, LineIndex } from '../data/fileProblems';

/**
 * One monitored scalar's draws in CODA terms: per chain, the values recorded
 * at iterations `first`, `first + thin`, `first + 2·thin`, …
 */
export interface CodaTrace {
  name: string;
  first: number;
  thin: number;
  /** Per chain, the recorded values in order. */
  chains: ArrayLike<number>[];
}

/** The files JAGS writes for `coda *, stem(prefix)`: `prefixindex.txt` and `prefixchain1.txt`, … */
export function codaFileNames(stem: string, chains: number): { index: string; chains: string[] } {
  return { index: `${stem}index.txt`, chains: Array.from({ length: chains }, (_, k) => `${stem}chain${k + 1}.txt`) };
}

/**
 * The index file: `name first last` per scalar, where first and last are the
 * (1-based) lines of its values in every chain file, as JAGS writes it. A
 * scalar without values gets `last = first − 1`.
 */
export function codaIndex(traces: CodaTrace[]): string {
  let line = 1;
  let text = '';
  for (const t of traces) {
    const n = t.chains[0]?.length ?? 0;
    text += `${t.name} ${line} ${line + n - 1}\n`;
    line += n;
  }
  return text;
}

/** One chain's file: `iteration  value` per line, every scalar's values one after another, in the index's order. */
export function codaChain(traces: CodaTrace[], chain: number): string {
  // Appended to one string (a rope V8 flattens once when written): an array of a million lines and its join cost twice the time and memory.
  let text = '';
  for (const t of traces) {
    const values = t.chains[chain]!;
    for (let k = 0; k < values.length; k++) text += `${t.first + k * t.thin}  ${formatCodaValue(values[k]!)}\n`;
  }
  return text;
}

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

/** A scalar's draws read back from CODA files: per chain, its iterations and values. */
export interface CodaSeries {
  name: string;
  chains: Array<{ iterations: number[]; values: Float64Array }>;
}

/**
 * Reads an index file and its chain files (as JAGS or `latent jags` write
 * them). Problems are ModelErrors whose messages start with `file:line:column:`.
 */
export function readCoda(index: { name: string; text: string }, chains: Array<{ name: string; text: string }>): CodaSeries[] {
  const entries = parseIndex(index.name, index.text);
  const parsed = chains.map((c) => parseChain(c.name, c.text));
  return entries.map((e) => ({
    name: e.name,
    chains: parsed.map((rows, c) => {
      if (e.last > rows.length) {
        throw fileError(index.name, e.range, `${e.name} runs to line ${e.last} but ${chains[c]!.name} has ${rows.length} lines.`);
      }
      const slice = rows.slice(e.first - 1, e.last);
      return { iterations: slice.map((r) => r[0]), values: Float64Array.from(slice, (r) => r[1]) };
    }),
  }));
}

type Range = ReturnType<LineIndex['range']>;

/** The non-blank lines of a text, each split at blanks, with its range. */
function fieldLines(text: string): Array<{ line: string; parts: string[]; range: Range }> {
  const lines = new LineIndex(text);
  const out = [];
  let offset = 0;
  for (const line of text.split('\n')) {
    const range = lines.range(offset, offset + line.length);
    offset += line.length + 1;
    if (line.trim() !== '') out.push({ line: line.trim(), parts: line.trim().split(/\s+/), range });
  }
  return out;
}

function parseIndex(fileName: string, text: string): Array<{ name: string; first: number; last: number; range: Range }> {
  return fieldLines(text).map(({ line, parts, range }) => {
    const first = Number(parts[parts.length - 2]);
    const last = Number(parts[parts.length - 1]);
    if (parts.length < 3 || !Number.isInteger(first) || !Number.isInteger(last) || first < 1 || last < first - 1) {
      throw fileError(fileName, range, `Expected 'name first last' (line numbers in the chain files), found '${line}'.`);
    }
    return { name: parts.slice(0, -2).join(' '), first, last, range };
  });
}

function parseChain(fileName: string, text: string): Array<[number, number]> {
  return fieldLines(text).map(({ line, parts, range }): [number, number] => {
    const iteration = Number(parts[0]);
    const value = parseCodaValue(parts[1]);
    if (parts.length !== 2 || !Number.isInteger(iteration) || value === undefined) {
      throw fileError(fileName, range, `Expected 'iteration value', found '${line}'.`);
    }
    return [iteration, value];
  });
}

function parseCodaValue(text: string | undefined): number | undefined {
  if (text === 'NA' || text === 'NaN') return Number.NaN;
  if (text === 'Inf' || text === 'inf') return Number.POSITIVE_INFINITY;
  if (text === '-Inf' || text === '-inf') return Number.NEGATIVE_INFINITY;
  const x = Number(text);
  return text === undefined || text === '' || Number.isNaN(x) ? undefined : x;
}
