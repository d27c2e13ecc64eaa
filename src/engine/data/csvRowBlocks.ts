/**
 * Streams a numeric CSV file as blocks of rows, so that a file larger than
 * memory can feed online EM: only one read chunk and one block are held at a
 * time, and each call to `blocks()` reads the file again (one pass = one
 * epoch). Cells read as in readCsv (NA or empty = missing = NaN). Quoted
 * fields may not hold the delimiter or a line break here: numeric files
 * don't need them, and the in-memory reader handles them.
 */
import { createReadStream } from 'node:fs';
import { basename } from 'node:path';
import type { Problem } from '../language/source';
import { ModelError } from '../language/source';
import { assertRegularFile } from './boundedRead';
import { cellValue } from './csv';
import { fileProblem } from './fileProblems';
import { quoted } from '../language/messageText';

export interface CsvRowBlock {
  /** rows × columns, row-major. */
  values: Float64Array;
  rows: number;
  /** 0-based index of the block's first data row in the file. */
  firstRow: number;
}

export interface CsvRowBlockSource {
  fileName: string;
  /** The kept columns' names, in file order. */
  names: string[];
  columns: number;
  blocks(): AsyncGenerator<CsvRowBlock>;
}

export interface CsvRowBlockOptions {
  /** Rows per block; default 8192. */
  blockRows?: number;
  /** Columns to leave out, by header name (e.g. a label column). */
  exclude?: string[];
  delimiter?: string;
}

const CHUNK_BYTES = 1 << 20;

/** Lines of a file with their 0-based line number and character offset, read chunk by chunk. */
async function* lines(path: string): AsyncGenerator<{ text: string; line: number; offset: number }> {
  let carry = '';
  let line = 0;
  let offset = 0;
  let first = true;
  for await (const chunk of createReadStream(path, { encoding: 'utf8', highWaterMark: CHUNK_BYTES })) {
    let text = carry + (chunk as string);
    if (first && text.charCodeAt(0) === 0xfeff) {
      text = text.slice(1);
      offset++;
    }
    first = false;
    let start = 0;
    for (let end = text.indexOf('\n'); end >= 0; end = text.indexOf('\n', start)) {
      const body = text.charCodeAt(end - 1) === 13 ? text.slice(start, end - 1) : text.slice(start, end);
      yield { text: body, line, offset };
      offset += end + 1 - start;
      line++;
      start = end + 1;
    }
    carry = text.slice(start);
  }
  if (carry !== '') yield { text: carry.endsWith('\r') ? carry.slice(0, -1) : carry, line, offset };
}

function problemAt(fileName: string, line: number, column: number, offset: number, width: number, message: string): Problem {
  const start = { line, column, offset: offset + column };
  const end = { line, column: column + width, offset: offset + column + width };
  return fileProblem(fileName, { start, end }, message);
}

function splitLine(text: string, delimiter: string): { value: string; column: number }[] {
  const fields: { value: string; column: number }[] = [];
  let column = 0;
  for (const raw of text.split(delimiter)) {
    const t = raw.trim();
    const unquoted = t.length >= 2 && t.startsWith('"') && t.endsWith('"') ? t.slice(1, -1) : t;
    fields.push({ value: unquoted, column });
    column += raw.length + delimiter.length;
  }
  return fields;
}

/** Reads the header and returns a restartable source of row blocks. Throws ModelError for a missing or empty file. */
export async function openCsvRowBlocks(path: string, options: CsvRowBlockOptions = {}): Promise<CsvRowBlockSource> {
  const fileName = basename(path);
  const delimiter = options.delimiter ?? ',';
  const blockRows = options.blockRows ?? 8192;
  let header: { value: string; column: number }[] | undefined;
  try {
    assertRegularFile(path);
    for await (const l of lines(path)) {
      if (l.text.trim() === '') continue;
      header = splitLine(l.text, delimiter);
      break;
    }
  } catch (e) {
    throw new ModelError([problemAt(fileName, 0, 0, 0, 0, `Cannot read the file: ${e instanceof Error ? e.message : String(e)}`)]);
  }
  if (!header) throw new ModelError([problemAt(fileName, 0, 0, 0, 0, 'The file is empty; expected a header row of column names, as in x1,x2.')]);
  const excluded = new Set(options.exclude ?? []);
  const keep = header.map((f, k) => ({ name: f.value, k })).filter((c) => c.name !== '' && !excluded.has(c.name));
  const width = header.length;
  const names = keep.map((c) => c.name);
  const columns = names.length;

  async function* blocks(): AsyncGenerator<CsvRowBlock> {
    let values = new Float64Array(blockRows * columns);
    let rows = 0;
    let firstRow = 0;
    let seenHeader = false;
    for await (const l of lines(path)) {
      if (l.text.trim() === '') continue;
      if (!seenHeader) {
        seenHeader = true;
        continue;
      }
      const fields = splitLine(l.text, delimiter);
      if (fields.length !== width) {
        throw new ModelError([problemAt(fileName, l.line, 0, l.offset, l.text.length, `This row has ${fields.length} field(s) but the header names ${width} column(s).`)]);
      }
      for (let c = 0; c < columns; c++) {
        const f = fields[keep[c]!.k]!;
        const v = cellValue(f.value);
        if (v === undefined) {
          const message = f.value.includes('"')
            ? 'A quoted field holding the delimiter is not supported when streaming; use the in-memory reader.'
            : `${quoted(f.value)} in column ${quoted(names[c]!)} is not a number; write a number, or NA or nothing for a missing value.`;
          throw new ModelError([problemAt(fileName, l.line, f.column, l.offset, f.value.length, message)]);
        }
        values[rows * columns + c] = v;
      }
      if (++rows === blockRows) {
        yield { values, rows, firstRow };
        firstRow += rows;
        rows = 0;
        values = new Float64Array(blockRows * columns);
      }
    }
    if (rows > 0) yield { values: values.subarray(0, rows * columns), rows, firstRow };
  }

  return { fileName, names, columns, blocks };
}

/** The whole file as one row-major matrix (for data that fits in memory). */
export async function readCsvMatrix(path: string, options: CsvRowBlockOptions = {}): Promise<{ names: string[]; rows: number; columns: number; values: Float64Array }> {
  const source = await openCsvRowBlocks(path, options);
  const parts: CsvRowBlock[] = [];
  let rows = 0;
  for await (const block of source.blocks()) {
    parts.push(block);
    rows += block.rows;
  }
  const values = new Float64Array(rows * source.columns);
  for (const p of parts) values.set(p.values, p.firstRow * source.columns);
  return { names: source.names, rows, columns: source.columns, values };
}
