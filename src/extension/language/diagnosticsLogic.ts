// The problems the editor shows for a Latent document. No `vscode` import, so
// that it runs (and is tested) in plain Node; diagnostics.ts makes the Diagnostics.
import { checkText } from '../../engine/language/check';
import { parseDocument } from '../../engine/language/parser';
import type { Problem, SourceRange } from '../../engine/language/source';
import { inlineDataNames } from '../../engine/language/symbols';

/** Zero-based lines and characters, the order of vscode.Range's constructor. */
export interface EditorRange {
  startLine: number;
  startCharacter: number;
  endLine: number;
  endCharacter: number;
}

/**
 * Every problem found in a document as the user types: the parse, unknown
 * distributions and functions, argument counts, and (when the document gives
 * its data inline) names that are neither data nor defined by the model.
 */
export function problemsIn(text: string): Problem[] {
  try {
    const { document } = parseDocument(text);
    return checkText(text, inlineDataNames(document)).problems;
  } catch (e) {
    // Checking runs on open and as the user types: a checker bug must cost one diagnostic, not the editor's features.
    const start = { line: 0, column: 0, offset: 0 };
    return [{ severity: 'error', message: `The model checker stopped on this document (${e instanceof Error ? e.message : String(e)}); running it still reports its problems.`, range: { start, end: start } }];
  }
}

export function editorRange(range: SourceRange): EditorRange {
  return {
    startLine: range.start.line,
    startCharacter: range.start.column,
    endLine: range.end.line,
    endCharacter: range.end.column,
  };
}
