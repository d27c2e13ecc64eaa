// The text a palette command runs: a model file's text made to stand on its
// own in a notebook cell (data files named by absolute paths, the files the
// user picked added as data and inits lines, a run directive of the command's
// kind). No `vscode` import, so it is tested in plain Node.
import { isAbsolute, join } from 'node:path';
import type { JobKind } from '../../engine/job/job';
import { parseDocument } from '../../engine/language/parser';

/** Whether the document reads data of its own (`data list(...)`, `data from "..."`): then no files are asked for. */
export function hasDataDirective(source: string): boolean {
  return parseDocument(source).document.directives.some((d) => d.kind === 'data');
}

/** A file beside the model that the user may pick: its path, and whether it holds initial values (by its name, as JAGS examples name them). */
export function pickedFileRole(path: string): 'data' | 'inits' {
  const name = path.split(/[\\/]/).pop() ?? path;
  return /inits?\b|inits?[._-]/i.test(name) ? 'inits' : 'data';
}

/** Data files beside a model: R dump, JSON and CSV. */
export function isDataFileName(name: string): boolean {
  return /\.(r|json|csv)$/i.test(name);
}

/**
 * The cell text for running `source` (a model file or cell in `folder`) as a
 * job of `kind`: its relative `data from` paths made absolute (a results
 * notebook is untitled, with no folder of its own), `files` appended as data
 * or inits lines, and its run directives replaced by one of the kind (the
 * document's own when it has one, of `algorithm` when given, else the
 * default of the kind, or `fit with ALGORITHM()`). Lines of
 * the model keep their numbers, so messages point at the same lines as in
 * the file.
 */
export function commandText(source: string, folder: string | undefined, files: readonly string[], kind: JobKind, algorithm?: string): string {
  const { document } = parseDocument(source);
  const edits: Array<{ start: number; end: number; text: string }> = [];
  let own: string | undefined;
  for (const d of document.directives) {
    if (d.kind === 'run' || d.kind === 'compare') {
      const fits = d.kind === 'run' && d.verb === kind && (algorithm === undefined || d.algorithm === algorithm);
      if (d.kind === 'run' && fits && own === undefined && !d.model) own = source.slice(d.range.start.offset, d.range.end.offset);
      edits.push({ start: d.range.start.offset, end: d.range.end.offset, text: '' });
    } else if (d.value.kind === 'file' && folder && !isAbsolute(d.value.path)) {
      edits.push({ start: d.value.pathRange.start.offset, end: d.value.pathRange.end.offset, text: JSON.stringify(join(folder, d.value.path)) });
    }
  }
  let text = source;
  for (const e of edits.sort((a, b) => b.start - a.start)) text = text.slice(0, e.start) + e.text + text.slice(e.end);
  const lines = [text.replace(/\s+$/, '')];
  for (const file of files) lines.push(`${pickedFileRole(file)} from ${JSON.stringify(file)}`);
  lines.push(own ?? (kind === 'fit' && algorithm ? `fit with ${algorithm}()` : DEFAULT_DIRECTIVE[kind]));
  return `${lines.join('\n')}\n`;
}

const DEFAULT_DIRECTIVE: Readonly<Record<JobKind, string>> = {
  sample: 'sample with gibbs()',
  fit: 'fit with em()',
  calibrate: 'calibrate with sbc()',
};
