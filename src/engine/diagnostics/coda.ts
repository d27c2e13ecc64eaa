import { fileError, LineIndex } from '../data/fileProblems';
import type { ParameterDraws } from './draws';

/** One line of a CODA index: the draws of `name` are lines `first` … `last` (1-based) of every chain file. */
export interface CodaIndexEntry {
  name: string;
  first: number;
  last: number;
}

export interface TextFile {
  fileName: string;
  text: string;
}

/** Reads a CODA index file (JAGS's CODAindex.txt): one `name first last` line per scalar. Throws ModelError. */
export function readCodaIndex(file: TextFile): CodaIndexEntry[] {
  const entries: CodaIndexEntry[] = [];
  forEachLine(file, (fields, fail) => {
    const [name, first, last] = fields;
    if (fields.length !== 3 || !isCount(first) || !isCount(last)) {
      fail('A CODA index line is a name and two line numbers, as in "theta[1] 1 1000".');
    }
    if (Number(last) < Number(first)) fail(`The last line (${last}) comes before the first (${first}).`);
    if (entries.some((e) => e.name === name)) fail(`${name} is listed twice.`);
    entries.push({ name: name!, first: Number(first), last: Number(last) });
  });
  if (entries.length === 0) throw fileError(file.fileName, { start: zero, end: zero }, 'The index is empty: it should list one "name first last" line per scalar.');
  const length = entries[0]!.last - entries[0]!.first;
  const uneven = entries.find((e) => e.last - e.first !== length);
  if (uneven) {
    throw fileError(file.fileName, { start: zero, end: zero }, `${uneven.name} has ${uneven.last - uneven.first + 1} draws but ${entries[0]!.name} has ${length + 1}; the diagnostics need the same number for every scalar.`);
  }
  return entries;
}

/**
 * Reads the chain files (CODAchain1.txt, …) of an index: each line is an
 * iteration number and a value. Returns the draws per scalar, in index order.
 */
export function readCoda(index: CodaIndexEntry[], chainFiles: TextFile[]): ParameterDraws[] {
  const chains = chainFiles.map((file) => {
    const values: number[] = [];
    forEachLine(file, (fields, fail) => {
      const value = fields.length === 2 ? Number(fields[1]) : Number.NaN;
      if (fields.length !== 2 || !Number.isFinite(Number(fields[0])) || (Number.isNaN(value) && !/^nan$/i.test(fields[1]!))) {
        fail('A CODA chain line is an iteration number and a value, as in "1001 0.4218".');
      }
      values.push(value);
    });
    const needed = Math.max(...index.map((e) => e.last));
    if (values.length < needed) {
      throw fileError(file.fileName, { start: zero, end: zero }, `The index needs ${needed} lines but this chain file has ${values.length}: do the index and the chain files belong together?`);
    }
    return Float64Array.from(values);
  });
  return index.map((entry) => ({ name: entry.name, chains: chains.map((values) => values.slice(entry.first - 1, entry.last)) }));
}

const zero = { line: 0, column: 0, offset: 0 };

function isCount(text: string | undefined): boolean {
  return text !== undefined && /^\d+$/.test(text) && Number(text) >= 1;
}

/** Calls `visit` with the whitespace-separated fields of each non-blank line, and a way to fail at that line. */
function forEachLine(file: TextFile, visit: (fields: string[], fail: (message: string) => never) => void): void {
  const { text, fileName } = file;
  const lines = new LineIndex(text);
  let offset = 0;
  while (offset < text.length) {
    let end = text.indexOf('\n', offset);
    if (end < 0) end = text.length;
    const line = text.slice(offset, end);
    const start = offset;
    offset = end + 1;
    if (line.trim() === '') continue;
    visit(line.trim().split(/\s+/), (message) => {
      throw fileError(fileName, lines.range(start, start + line.replace(/\r$/, '').length), message);
    });
  }
}
