// The problems the editor shows for a Latent document. No `vscode` import, so
// that it runs (and is tested) in plain Node; diagnostics.ts makes the Diagnostics.
import { shapeProblems } from '../../engine/language/dataShapes';
import type { Document } from '../../engine/language/ast';
import { checkText, suggest } from '../../engine/language/check';
import { parseDocument } from '../../engine/language/parser';
import type { Problem, SourceRange } from '../../engine/language/source';
import { inlineDataNames } from '../../engine/language/symbols';
import { FIT_METHODS, FIT_OPTION_NAMES } from '../../engine/run/fitOptions';
import { runOptionInfo } from './completionLogic';
import type { DataFileCheck } from './dataFileCheck';

/** Zero-based lines and characters, the order of vscode.Range's constructor. */
export interface EditorRange {
  startLine: number;
  startCharacter: number;
  endLine: number;
  endCharacter: number;
}

/**
 * Every problem found in a document as the user types: the parse, unknown
 * distributions and functions, argument counts, unknown options of the run
 * directive, and (when the data's names are known: inline, or read from the
 * data files in the background, `files`) names that are neither data nor
 * defined by the model, with the problems of reading those files.
 */
export function problemsIn(text: string, files?: DataFileCheck): Problem[] {
  try {
    const { document } = parseDocument(text);
    const known = files ? files.names : inlineDataNames(document);
    const problems = [...checkText(text, known).problems, ...runOptionProblems(document), ...(files?.problems ?? []), ...(files ? shapeProblems(document, files.shapes) : [])];
    return problems.sort((a, b) => a.range.start.offset - b.range.start.offset);
  } catch (e) {
    // Checking runs on open and as the user types: a checker bug must cost one diagnostic, not the editor's features.
    const start = { line: 0, column: 0, offset: 0 };
    return [{ severity: 'error', message: `The model checker stopped on this document (${e instanceof Error ? e.message : String(e)}); running it still reports its problems.`, range: { start, end: start } }];
  }
}

/** Options a run directive does not take (`restart` for `restarts`), with the run reader's wording. */
export function runOptionProblems(document: Document): Problem[] {
  const problems: Problem[] = [];
  for (const d of document.directives) {
    if (d.kind !== 'run') continue;
    const isFit = d.verb === 'fit' || FIT_METHODS.some((m) => m === d.algorithm);
    // A fit option that exists but not for this variant is the reader's to explain.
    const names = isFit ? FIT_OPTION_NAMES : runOptionInfo(d.algorithm).map((o) => o.name);
    const what = isFit ? 'fit' : d.algorithm === 'sbc' ? 'sbc' : 'gibbs';
    for (const option of d.options) {
      if (option.name === undefined || names.includes(option.name)) continue;
      problems.push({
        severity: 'error',
        message: `Unknown option '${option.name}' for ${what}.${suggest(option.name, names)} Options: ${names.join(', ')}.`,
        range: option.range,
      });
    }
  }
  return problems;
}

export function editorRange(range: SourceRange): EditorRange {
  return {
    startLine: range.start.line,
    startCharacter: range.start.column,
    endLine: range.end.line,
    endCharacter: range.end.column,
  };
}
