import { fileError, LineIndex } from '../data/fileProblems';
import type { ParameterDraws } from './draws';
import { appendAll } from '../collections';
import { quoted } from '../language/messageText';

/** One chain of a Stan CSV file: its columns by name, after the renaming described at `readStanCsv`. */
export interface StanChain {
  fileName: string;
  names: string[];
  columns: Float64Array[];
}

/**
 * Reads one chain from a CmdStan output file: lines starting with `#` are
 * comments (configuration, adaptation, timing), the first other line is the
 * header, and each further line one draw. Element columns such as `theta.1`
 * or `Omega.1.2` are renamed `theta[1]` and `Omega[1,2]`. Sampler columns
 * ending in `__` are left out except `lp__`, which `posterior` also treats as a
 * variable. Throws ModelError with the file's line and column.
 */
export function readStanCsv(text: string, fileName: string): StanChain {
  const lines = new LineIndex(text);
  const fail = (start: number, end: number, message: string): never => {
    throw fileError(fileName, lines.range(start, end), message);
  };
  let header: string[] | undefined;
  let keep: number[] = [];
  const values: number[][] = [];
  let offset = 0;
  while (offset < text.length) {
    let end = text.indexOf('\n', offset);
    if (end < 0) end = text.length;
    const line = text.slice(offset, end).replace(/\r$/, '');
    const start = offset;
    offset = end + 1;
    const trimmed = line.trim();
    if (trimmed === '' || trimmed.startsWith('#')) continue;
    const fields = line.split(',');
    if (!header) {
      header = fields.map((f) => f.trim());
      header.forEach((name, k) => {
        if (!/^[A-Za-z_][\w.]*$/.test(name)) {
          fail(start, start + line.length, `Column ${k + 1} of the header is '${name}', not a Stan name: is this a Stan CSV file (comment lines starting with #, then column names such as lp__,theta.1)?`);
        }
      });
      keep = header.flatMap((name, k) => (name.endsWith('__') && name !== 'lp__' ? [] : [k]));
      appendAll(values, keep.map(() => []));
      continue;
    }
    if (fields.length !== header.length) {
      fail(start, start + line.length, `This row has ${fields.length} field(s) but the header names ${header.length} column(s).`);
    }
    let column = start;
    const fieldStarts = fields.map((f) => {
      const s = column;
      column += f.length + 1;
      return s;
    });
    keep.forEach((k, c) => {
      const field = fields[k]!.trim();
      const value = field === '' ? Number.NaN : Number(field);
      if (field === '' || (Number.isNaN(value) && !/^(nan|-?inf(inity)?)$/i.test(field))) {
        fail(fieldStarts[k]!, fieldStarts[k]! + fields[k]!.length, `${quoted(field)} in column ${quoted(header![k]!)} is not a number.`);
      }
      values[c]!.push(Number.isNaN(value) ? parseSpecial(field) : value);
    });
  }
  if (!header) return fail(0, 0, 'The file has no header row: a Stan CSV file has comment lines starting with #, then a row of column names, then one row per draw.');
  if (values.every((v) => v.length === 0)) {
    return fail(text.length, text.length, 'The file has a header but no draws: was the run stopped before sampling, or is this the output of an optimisation or a warm-up only?');
  }
  const names = keep.map((k) => stanToJagsName(header![k]!));
  const seen = new Set<string>();
  for (const name of names) {
    if (seen.has(name)) fail(0, 0, `The column ${name} appears twice.`);
    seen.add(name);
  }
  return { fileName, names, columns: values.map((v) => Float64Array.from(v)) };
}

function parseSpecial(field: string): number {
  const lower = field.toLowerCase();
  if (lower === 'nan') return Number.NaN;
  return lower.startsWith('-') ? -Infinity : Infinity;
}

/** `theta.1.2` → `theta[1,2]`; names without trailing numeric parts stay as they are. */
export function stanToJagsName(name: string): string {
  const match = /^([A-Za-z_]\w*)((?:\.\d+)+)$/.exec(name);
  if (!match) return name;
  return `${match[1]}[${match[2]!.slice(1).split('.').join(',')}]`;
}

/**
 * Joins the chains of several Stan CSV files (one chain each) into draws per
 * parameter. The files must name the same columns and hold the same number
 * of draws, as `posterior`'s diagnostics need equal-length chains.
 */
export function joinStanChains(chains: StanChain[]): ParameterDraws[] {
  const first = chains[0];
  if (!first) return [];
  for (const chain of chains.slice(1)) {
    if (chain.names.join(',') !== first.names.join(',')) {
      const missing = first.names.find((n) => !chain.names.includes(n)) ?? chain.names.find((n) => !first.names.includes(n));
      throw new DrawsInputError(`${chain.fileName} and ${first.fileName} have different columns${missing ? ` (${missing} is in only one of them)` : ''}; give chains of the same model.`);
    }
    const here = chain.columns[0]?.length ?? 0;
    const there = first.columns[0]?.length ?? 0;
    if (here !== there) {
      throw new DrawsInputError(`${chain.fileName} has ${here} draws but ${first.fileName} has ${there}; the diagnostics need chains of equal length.`);
    }
  }
  return first.names.map((name, k) => ({ name, chains: chains.map((c) => c.columns[k]!) }));
}

/** Input files that do not fit together (as opposed to a problem at a line of one file). */
export class DrawsInputError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'DrawsInputError';
  }
}
