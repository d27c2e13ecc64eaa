import type { NamedValues } from '../language/rvalues';
import type { Problem } from '../language/source';
import { fileError, fileProblem, LineIndex } from './fileProblems';
import { grownTypedArray } from '../collections';
import { quoted as quotedToken } from '../language/messageText';

/** One field of a record, with where it starts and ends in the text. */
interface Field {
  text: string;
  quoted: boolean;
  start: number;
  end: number;
}

/**
 * Reads a CSV file (RFC 4180: fields in double quotes may hold the delimiter,
 * line breaks and doubled quotes): a header row of column names, then one row
 * per observation. Each column becomes a vector named after its header; `NA`,
 * `NaN` or an empty field is a missing value, `TRUE`/`FALSE` read as 1/0, and
 * anything else must be a number. Blank lines are skipped, as R's read.csv
 * does. A column with an empty header (R's row names) is left out with a
 * warning through `warn`.
 *
 * Throws ModelError: each problem's range is in the file and its message
 * starts with `fileName:line:column:`.
 */
export function readCsv(text: string, fileName: string, delimiter = ',', warn: (p: Problem) => void = () => {}): NamedValues {
  const lines = new LineIndex(text);
  const fail = (start: number, end: number, message: string): never => {
    throw fileError(fileName, lines.range(Math.min(start, text.length), Math.min(end, text.length)), message);
  };
  // Records are read one at a time into the columns: a field object per cell, all kept until the last line was read,
  // was about 100 bytes a cell (400 MB for a million rows of four columns).
  let names: string[] | undefined;
  const keep: number[] = [];
  let columns: Array<Float64Array<ArrayBuffer>> = [];
  let rows = 0;
  forEachRecord(text, delimiter, fail, (record) => {
    if (record.length === 1 && record[0]!.text.trim() === '' && !record[0]!.quoted) return;
    if (!names) {
      names = headerNames(record, keep, fileName, lines, warn, fail);
      columns = keep.map(() => new Float64Array(1024));
      return;
    }
    if (record.length !== names.length) {
      const first = record[0]!;
      fail(first.start, record[record.length - 1]!.end, `This row has ${record.length} field(s) but the header names ${names.length} column(s).`);
    }
    if (rows === columns[0]?.length) columns = columns.map((c) => grownTypedArray(c));
    for (let c = 0; c < keep.length; c++) {
      const k = keep[c]!;
      const f = record[k]!;
      const value = cellValue(f.text);
      if (value === undefined) {
        fail(f.start, f.end, `${quotedToken(f.text.trim())} in column ${quotedToken(names[k]!)} is not a number; write a number, or NA or nothing for a missing value.`);
      }
      columns[c]![rows] = value!;
    }
    rows++;
  });
  if (!names) return fail(0, 0, 'The file is empty; expected a header row of column names, as in y,x1,x2.');
  const result: NamedValues = new Map();
  keep.forEach((k, c) => result.set(names![k]!, { dims: [rows], values: columns[c]!.slice(0, rows) }));
  return result;
}

/** The header's column names; the columns kept (those with a name) go to `keep`. */
function headerNames(
  header: Field[],
  keep: number[],
  fileName: string,
  lines: LineIndex,
  warn: (p: Problem) => void,
  fail: (start: number, end: number, message: string) => never,
): string[] {
  const names = header.map((f) => f.text.trim());
  const seen = new Map<string, number>();
  names.forEach((name, k) => {
    const f = header[k]!;
    if (name === '') {
      warn(fileProblem(fileName, lines.range(f.start, f.end), `Column ${k + 1} has no name in the header: it is left out of the data.`, 'warning'));
      return;
    }
    if (seen.has(name)) fail(f.start, f.end, `Column ${k + 1} is named ${quotedToken(name)}, as column ${seen.get(name)! + 1} is.`);
    seen.set(name, k);
    keep.push(k);
  });
  return names;
}

const NUMBER = /^[+-]?([0-9]+\.?[0-9]*|\.[0-9]+)([eE][+-]?[0-9]+)?$/;

/** A CSV cell as a number: NA, NaN or empty is missing (NaN), TRUE/FALSE are 1/0, Inf and -Inf as R writes them; undefined if not a number. */
export function cellValue(text: string): number | undefined {
  const t = text.trim();
  // Only NA or nothing is missing: NaN is the result of a failed computation, reported at its cell.
  if (t === '' || t === 'NA') return Number.NaN;
  if (NUMBER.test(t)) return Number(t);
  if (t === 'Inf' || t === '+Inf') return Number.POSITIVE_INFINITY;
  if (t === '-Inf') return Number.NEGATIVE_INFINITY;
  if (t === 'TRUE') return 1;
  if (t === 'FALSE') return 0;
  return undefined;
}

/** Calls `visit` with each record of fields, in order (the list is reused); a line break ends a record outside quotes. */
function forEachRecord(text: string, delimiter: string, fail: (start: number, end: number, message: string) => never, visit: (record: Field[]) => void): void {
  const record: Field[] = [];
  let at = text.charCodeAt(0) === 0xfeff ? 1 : 0;
  for (;;) {
    const start = at;
    let value = '';
    let quoted = false;
    if (text[at] === '"') {
      quoted = true;
      at++;
      for (;;) {
        const close = text.indexOf('"', at);
        if (close < 0) return fail(start, text.length, 'Unterminated quoted field: a closing " is missing.');
        value += text.slice(at, close);
        at = close + 1;
        if (text[at] !== '"') break;
        value += '"';
        at++;
      }
      // Spaces may follow the closing quote; anything else is an error.
      while (text[at] === ' ' || (text[at] === '\t' && delimiter !== '\t')) at++;
      if (at < text.length && text[at] !== delimiter && text[at] !== '\n' && text[at] !== '\r') {
        fail(at, at + 1, `Unexpected ${quotedToken(text[at]!)} after a quoted field; expected '${delimiter === '\t' ? '\\t' : delimiter}' or the end of the line.`);
      }
    } else {
      while (at < text.length && text[at] !== delimiter && text[at] !== '\n' && text[at] !== '\r') at++;
      value = text.slice(start, at);
    }
    record.push({ text: value, quoted, start, end: at });
    if (at >= text.length) {
      visit(record);
      return;
    }
    if (text[at] === delimiter) {
      at++;
      continue;
    }
    // A line break: \n, \r\n or \r.
    at += text[at] === '\r' && text[at + 1] === '\n' ? 2 : 1;
    visit(record);
    record.length = 0;
    if (at >= text.length) return;
  }
}
