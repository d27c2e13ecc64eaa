import { dirname, extname, isAbsolute, resolve } from 'node:path';
import type { Argument, Expression } from '../language/ast';
import { suggest } from '../language/check';
import type { DataArray, NamedValues } from '../language/rvalues';
import { errorAt, ModelError, type Problem, type SourceRange } from '../language/source';
import { readCsv } from './csv';
import { readJsonData } from './json';
import { readRDump } from './rdump';
import { appendAll } from '../collections';

export { DEFAULT_MAX_FILE_BYTES, readTextFile } from './boundedRead';

export type DataFormat = 'rdump' | 'json' | 'csv' | 'tsv';

const FORMATS: Record<string, DataFormat> = {
  '.r': 'rdump',
  '.txt': 'rdump',
  '.dump': 'rdump',
  '.json': 'json',
  '.csv': 'csv',
  '.tsv': 'tsv',
};

/** A data file's format from its extension: .R/.r/.txt/.dump are R dump format, .json JSON, .csv CSV, .tsv tab-separated. */
export function formatOf(path: string): DataFormat | undefined {
  return FORMATS[extname(path).toLowerCase()];
}

/** Reads a data file's text. Problems have ranges in the file and messages that start with `fileName:line:column:`. */
export function parseDataText(text: string, fileName: string, format: DataFormat, warn: (p: Problem) => void = () => {}): NamedValues {
  switch (format) {
    case 'rdump':
      return readRDump(text, fileName, warn);
    case 'json':
      return readJsonData(text, fileName, warn);
    case 'csv':
      return readCsv(text, fileName, ',', warn);
    case 'tsv':
      return readCsv(text, fileName, '\t', warn);
  }
}

/** How a run finds its files. */
export interface FileAccess {
  /** The folder relative names are read from: the notebook's, or the model file's in the CLI. Undefined for an unsaved notebook. */
  baseDirectory?: string;
  /** Reads a file as UTF-8 text; throws as node:fs does (with `code` such as ENOENT). */
  readFile: (path: string) => string;
}


/** Values read from a file, and where each name came from (for messages such as "never used"). */
export interface LoadedFile {
  values: NamedValues;
  origins: Map<string, SourceRange>;
}

/**
 * Reads `data from "path" with (...)` or `inits from "path"`: finds the file,
 * reads it in the format its extension names and applies the `with (...)`
 * bindings. Every problem, also one inside the file, is reported at `at` (the
 * file name in the cell), since the cell is where the user looks; a problem
 * inside the file says `file:line:column:` in its message. Warnings go to
 * `warn`, at `at` too.
 */
export function loadDataFile(
  path: string,
  what: 'data' | 'initial values',
  access: FileAccess,
  at: SourceRange,
  bindings: Argument[] = [],
  warn: (p: Problem) => void = () => {},
): LoadedFile {
  let absolute: string;
  if (isAbsolute(path)) absolute = path;
  else if (access.baseDirectory !== undefined) absolute = resolve(access.baseDirectory, path);
  else throw errorAt(at, `Cannot read ${what} file '${path}': the notebook is not saved yet, so there is no folder to look in; save it, or give an absolute path.`);
  const format = formatOf(path);
  if (!format) {
    throw errorAt(at, `Cannot tell the format of '${path}' from its extension: use .R, .r, .txt or .dump for R dump format, .json for JSON, .csv for CSV, .tsv for tab-separated values.`);
  }
  let text: string;
  try {
    text = access.readFile(absolute);
  } catch (e) {
    throw errorAt(at, `Cannot read ${what} file '${path}' (looked in ${dirname(absolute)}): ${reason(e)}.`);
  }
  let values: NamedValues;
  try {
    values = parseDataText(text, path, format, (p) => warn({ ...p, range: at }));
  } catch (e) {
    if (e instanceof ModelError) throw new ModelError(e.problems.map((p) => ({ ...p, range: at })));
    throw e;
  }
  return applyBindings(values, bindings, path, at);
}

function reason(e: unknown): string {
  switch ((e as { code?: unknown }).code) {
    case 'ENOENT':
      return 'no such file';
    case 'EISDIR':
      return 'it is a folder, not a file';
    case 'EACCES':
    case 'EPERM':
      return 'permission denied';
    case 'ELOOP':
      return 'too many symbolic links';
    default:
      return e instanceof Error ? e.message : String(e);
  }
}

/**
 * The `with (...)` entries of a file directive, applied to the file's values:
 * - `y = rating` gives the file's `rating` the name `y`;
 * - `Y = c(r1, r2, r3)` (or `Y = r1:r3`, the columns from r1 to r3 in the
 *   file's order) binds vectors of the same length n as the columns of the
 *   n × 3 matrix Y;
 * - `N = length(y)` is the number of values of the file's `y`;
 * - `test = NULL` leaves the file's `test` out.
 * A renamed or bound value is no longer given under its own name; every other
 * value of the file is. Problems are reported at the entries, in the cell.
 */
export function applyBindings(values: NamedValues, bindings: Argument[], fileName: string, at: SourceRange): LoadedFile {
  const names = [...values.keys()];
  const consumed = new Set<string>();
  const made = new Map<string, { value: DataArray; range: SourceRange }>();
  const problems: Problem[] = [];
  const lookup = (name: string, range: SourceRange): DataArray => {
    const value = values.get(name);
    if (!value) throw errorAt(range, missingValueMessage(name, names, fileName));
    return value;
  };

  for (const b of bindings) {
    try {
      if (b.name === undefined) throw errorAt(b.range, "Each entry of 'with (...)' names what it makes, as in with (Y = c(r1, r2)) or with (y = rating).");
      if (made.has(b.name)) throw errorAt(b.range, `'${b.name}' is made twice in 'with (...)'.`);
      const v = b.value;
      if (v.kind === 'name' && v.name === 'NULL') {
        lookup(b.name, b.range);
        consumed.add(b.name);
        continue;
      }
      const single = nameOf(v);
      if (single !== undefined) {
        made.set(b.name, { value: lookup(single, v.range), range: b.range });
        consumed.add(single);
      } else if (v.kind === 'call' && v.callee === 'length' && v.args.length === 1 && nameOf(v.args[0]!.value) !== undefined) {
        const of = lookup(nameOf(v.args[0]!.value)!, v.args[0]!.range);
        made.set(b.name, { value: { dims: [], values: Float64Array.of(of.values.length) }, range: b.range });
      } else if ((v.kind === 'call' && v.callee === 'c') || (v.kind === 'binary' && v.op === ':')) {
        const columns = v.kind === 'call' ? v.args.flatMap((a) => columnNames(a.value, names, lookup)) : columnNames(v, names, lookup);
        made.set(b.name, { value: bindColumns(b.name, columns, values, v.range), range: b.range });
        for (const c of columns) consumed.add(c.name);
      } else {
        throw errorAt(v.range, `Expected a name in ${fileName} (to rename it), c(a, b, ...) or a:b (to bind columns into a matrix), length(a), or NULL (to leave a value out).`);
      }
    } catch (e) {
      if (!(e instanceof ModelError)) throw e;
      appendAll(problems, e.problems);
    }
  }
  if (problems.length) throw new ModelError(problems);

  const result: NamedValues = new Map();
  const origins = new Map<string, SourceRange>();
  for (const name of names) {
    if (consumed.has(name)) continue;
    result.set(name, values.get(name)!);
    origins.set(name, at);
  }
  for (const [name, { value, range }] of made) {
    if (result.has(name)) problems.push({ severity: 'error', message: `'${name}' is in ${fileName} too; give what 'with (...)' makes another name, or leave the file's out with ${name} = NULL.`, range });
    result.set(name, value);
    origins.set(name, range);
  }
  if (problems.length) throw new ModelError(problems);
  return { values: result, origins };
}

/** Names a file's values in full only when they fit on a line. */
const LISTED_VALUES = 6;

/**
 * A `with (...)` entry naming a value the file does not give: the close name
 * when there is one, the file's values when they are few, else how many
 * there are and where the list is — never a wall of column names, which a
 * wide file repeats for every bad entry.
 */
export function missingValueMessage(name: string, names: string[], fileName: string): string {
  const close = suggest(name, names);
  if (!names.length) return `'${name}' is not in ${fileName}, which gives nothing.`;
  if (names.length <= LISTED_VALUES) return `'${name}' is not in ${fileName}, which gives ${names.join(', ')}.${close}`;
  if (close) return `'${name}' is not among the ${names.length} values of ${fileName}.${close}`;
  return `'${name}' is not among the ${names.length} values of ${fileName} (${names.slice(0, 3).join(', ')}, … ${names.at(-1)}; names are case-sensitive, and a CSV file's header line lists them all).`;
}

/** A bare or quoted name, as in `rating` or `"Naive SE"`. */
function nameOf(e: Expression): string | undefined {
  if (e.kind === 'name') return e.name;
  if (e.kind === 'string') return e.value;
  return undefined;
}

/** The columns an entry of c(...) denotes: one name, or `a:b`, every value from a to b in the file's order. */
function columnNames(e: Expression, names: string[], lookup: (name: string, range: SourceRange) => DataArray): Array<{ name: string; range: SourceRange }> {
  const single = nameOf(e);
  if (single !== undefined) {
    lookup(single, e.range);
    return [{ name: single, range: e.range }];
  }
  if (e.kind === 'binary' && e.op === ':' && nameOf(e.left) !== undefined && nameOf(e.right) !== undefined) {
    const from = nameOf(e.left)!;
    const to = nameOf(e.right)!;
    lookup(from, e.left.range);
    lookup(to, e.right.range);
    const a = names.indexOf(from);
    const b = names.indexOf(to);
    const step = a <= b ? 1 : -1;
    const out: Array<{ name: string; range: SourceRange }> = [];
    for (let k = a; k !== b + step; k += step) out.push({ name: names[k]!, range: e.range });
    return out;
  }
  throw errorAt(e.range, 'Columns to bind are names in the file, or a:b for the columns from a to b, as in c(r1, r2, r3) or c(x1:x5).');
}

/** Vectors of one length n as the columns of an n × k matrix, stored row-major. */
function bindColumns(name: string, columns: Array<{ name: string; range: SourceRange }>, values: NamedValues, range: SourceRange): DataArray {
  if (columns.length === 0) throw errorAt(range, `No columns to bind into ${name}.`);
  const vectors = columns.map((c) => {
    const v = values.get(c.name)!;
    if (v.dims.length !== 1) throw errorAt(c.range, `'${c.name}' is ${v.dims.length === 0 ? 'a single value' : `a ${v.dims.join(' × ')} array`}; only vectors can be bound as the columns of ${name}.`);
    return v.values;
  });
  const n = vectors[0]!.length;
  columns.forEach((c, k) => {
    if (vectors[k]!.length !== n) throw errorAt(c.range, `'${c.name}' has ${vectors[k]!.length} values but '${columns[0]!.name}' has ${n}: the columns of ${name} must have the same length.`);
  });
  const k = vectors.length;
  const out = new Float64Array(n * k);
  for (let i = 0; i < n; i++) for (let j = 0; j < k; j++) out[i * k + j] = vectors[j]![i]!;
  return { dims: [n, k], values: out };
}
