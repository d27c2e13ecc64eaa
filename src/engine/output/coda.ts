import { fileError, LineIndex } from '../data/fileProblems';
import { codaChainBytes } from './codaBytes';

export { formatCodaValue } from './codaValue';

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

/** One chain's file: `iteration  value` per line, every scalar's values one after another, in the index's order (codaBytes.ts writes it). */
export function codaChain(traces: CodaTrace[], chain: number): string {
  return Buffer.from(codaChainBytes(traces, chain)).toString('latin1');
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
