// What a run would see of a document's data files, read in the background for
// the checks as you type: the names each `data from "..."` gives (so that a
// misspelt name is squiggled before running), and the problems of reading
// them (a missing file, a bad `with (...)`), with the run's own messages. No
// `vscode` import: tested in plain Node.
import { open, stat } from 'node:fs/promises';
import { isAbsolute, resolve } from 'node:path';
import type { Document, Expression, FileSource } from '../../engine/language/ast';
import { evaluateList, type DataArray, type NamedValues } from '../../engine/language/rvalues';
import { formatOf, loadDataFile } from '../../engine/data/files';
import { ModelError, type Problem } from '../../engine/language/source';

/**
 * Files up to this size are read whole and parsed on the extension host (a
 * few milliseconds); a bigger CSV is read for its header line only, and a
 * bigger R dump or JSON file is not read (its names stay unknown, so no name
 * is reported as unknown).
 */
export const WHOLE_FILE_LIMIT = 2 * 1024 * 1024;
/** How much of a big CSV's beginning is read for its header. */
const HEADER_BYTES = 64 * 1024;

export interface DataFileCheck {
  /** Every data name the document's data give (inline, data block and files); undefined when some file's names are unknown. */
  names: Set<string> | undefined;
  /** Problems of reading the files, at the file names in the document. */
  problems: Problem[];
  /** The shapes of the data read (inline lists and files read whole), for the index checks (language/dataShapes.ts). */
  shapes: Map<string, DataArray>;
}

/** A file's text as far as the check reads it, by absolute path and modification: the same file is not read again. */
export class DataFileCache {
  private readonly texts = new Map<string, { stamp: string; text: string | undefined; whole: boolean }>();

  /** Whether the file's text as last read is all of it (not a big CSV's header only). */
  wasReadWhole(path: string): boolean {
    return this.texts.get(path)?.whole ?? false;
  }

  /** The text to parse (whole, or a big CSV's first line), undefined for a big file of another format; throws as fs does. */
  async read(path: string): Promise<string | undefined> {
    const info = await stat(path);
    if (info.isDirectory()) throw Object.assign(new Error('is a directory'), { code: 'EISDIR' });
    // A FIFO or a device would hold a thread of the pool forever, or never end: only regular files are read.
    if (!info.isFile()) throw new Error('it is not a regular file');
    const stamp = `${info.mtimeMs}:${info.size}`;
    const known = this.texts.get(path);
    if (known?.stamp === stamp) return known.text;
    const text = info.size <= WHOLE_FILE_LIMIT ? await readStart(path, info.size) : isCsv(path) ? firstLine(await readStart(path, HEADER_BYTES)) : undefined;
    this.texts.set(path, { stamp, text, whole: info.size <= WHOLE_FILE_LIMIT });
    return text;
  }
}

/** Reads what the document's data directives read, in the background. */
export async function checkDataFiles(document: Document, baseDirectory: string | undefined, cache: DataFileCache): Promise<DataFileCheck> {
  const names = new Set<string>();
  const shapes = new Map<string, DataArray>();
  let known = true;
  const problems: Problem[] = [];
  for (const d of document.directives) {
    if (d.kind !== 'data' && d.kind !== 'inits') continue;
    if (d.value.kind !== 'file') {
      if (d.kind === 'data' && d.value.kind === 'call' && d.value.callee === 'list') {
        d.value.args.forEach((a) => a.name !== undefined && names.add(a.name));
        for (const [name, value] of inlineValues(d.value)) shapes.set(name, value);
      } else if (d.kind === 'data') known = false;
      continue;
    }
    const file = d.value;
    const read = await readSource(file, d.kind === 'data' ? 'data' : 'initial values', baseDirectory, cache);
    problems.push(...read.problems);
    if (d.kind !== 'data') continue;
    if (read.values) {
      for (const [name, value] of read.values) {
        names.add(name);
        // A big CSV read for its header has names without values: no shape to check against.
        if (read.whole) shapes.set(name, value);
      }
    } else known = false;
  }
  const visit = (statements: NonNullable<Document['data']>['statements']): void => {
    for (const s of statements) {
      if (s.kind === 'for') visit(s.body);
      else names.add(s.target.name);
    }
  };
  visit(document.data?.statements ?? []);
  return { names: known ? names : undefined, problems, shapes };
}

/** An inline `list(...)`'s values, or none when it does not evaluate (the run reports why). */
function inlineValues(list: Expression): NamedValues {
  try {
    return evaluateList(list, 'data');
  } catch {
    return new Map();
  }
}

async function readSource(file: FileSource, what: 'data' | 'initial values', baseDirectory: string | undefined, cache: DataFileCache): Promise<{ values?: NamedValues; whole?: boolean; problems: Problem[] }> {
  if (!isAbsolute(file.path) && baseDirectory === undefined) return { problems: [] }; // an unsaved notebook: the run says so
  const absolute = isAbsolute(file.path) ? file.path : resolve(baseDirectory!, file.path);
  let text: string | undefined;
  let failure: unknown;
  try {
    text = formatOf(file.path) ? await cache.read(absolute) : '';
  } catch (e) {
    failure = e;
  }
  if (text === undefined && failure === undefined) return { problems: [] }; // too big to read as you type
  try {
    // The run's own reader, on the text read here, gives the run's names and messages.
    const loaded = loadDataFile(
      file.path,
      what,
      {
        baseDirectory,
        readFile: () => {
          if (failure !== undefined) throw failure;
          return text!;
        },
      },
      file.pathRange,
      file.bindings,
    );
    return { values: loaded.values, whole: cache.wasReadWhole(absolute), problems: [] };
  } catch (e) {
    if (e instanceof ModelError) return { problems: e.problems };
    return { problems: [] };
  }
}

function isCsv(path: string): boolean {
  const format = formatOf(path);
  return format === 'csv' || format === 'tsv';
}

async function readStart(path: string, bytes: number): Promise<string> {
  const handle = await open(path, 'r');
  try {
    const buffer = Buffer.alloc(bytes);
    const { bytesRead } = await handle.read(buffer, 0, bytes, 0);
    return buffer.subarray(0, bytesRead).toString('utf8');
  } finally {
    await handle.close();
  }
}

/** A CSV's header line (its names), with no rows. */
function firstLine(text: string): string {
  const end = text.search(/\r?\n/);
  return end < 0 ? text : text.slice(0, end + 1);
}
