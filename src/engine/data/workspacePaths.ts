import { isAbsolute, relative, resolve } from 'node:path';
import { parseDocument } from '../language/parser';
import { quoted } from '../language/messageText';
import type { Problem } from '../language/source';

/**
 * The files a document names (`data from "…"`, `inits from "…"`) that lie
 * outside `folder`, the notebook's workspace folder: absolute paths, and
 * relative ones that climb out of it (`../..`). Reading those needs a trusted
 * workspace; each is a problem at the file name, which the message quotes and
 * nothing else of the file. Relative names are resolved against
 * `baseDirectory` (the notebook's own folder); an unsaved notebook has none,
 * and then every relative name counts as inside (a run cannot read it anyway).
 */
export function pathsOutsideFolder(source: string, baseDirectory: string | undefined, folder: string): Problem[] {
  const problems: Problem[] = [];
  for (const d of parseDocument(source).document.directives) {
    if ((d.kind !== 'data' && d.kind !== 'inits') || d.value.kind !== 'file') continue;
    const { path, pathRange } = d.value;
    if (!leavesFolder(path, baseDirectory, folder)) continue;
    problems.push({
      severity: 'error',
      message: `${quoted(path)} is outside the notebook's workspace folder${isAbsolute(path) ? ' (an absolute path)' : ''}: reading it needs a trusted workspace.`,
      range: pathRange,
    });
  }
  return problems;
}

/** Whether a file name, as written, points outside the folder. */
export function leavesFolder(path: string, baseDirectory: string | undefined, folder: string): boolean {
  if (isAbsolute(path)) return true;
  if (baseDirectory === undefined) return false;
  const within = relative(resolve(folder), resolve(baseDirectory, path));
  return within === '..' || within.startsWith(`..${'/'}`) || within.startsWith('..\\') || isAbsolute(within);
}
