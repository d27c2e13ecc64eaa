import type { SourceRange } from '../language/source';
import { parseDocument } from '../language/parser';
import type { RunMessage } from '../output/runOutput';

/** The model a cell's run refers to by name (`sample NAME with ...`) when the cell has no model of its own. */
export function referencedModel(cellSource: string): { name: string; range: SourceRange } | undefined {
  const { document } = parseDocument(cellSource);
  if (document.model) return undefined;
  for (const d of document.directives) if (d.kind === 'run' && d.model) return { name: d.model.text, range: d.model.range };
  return undefined;
}

/** The name a cell gives its model (`model NAME { ... }`), if any. */
export function definedModelName(source: string): string | undefined {
  return parseDocument(source).document.model?.name?.text;
}

/**
 * A run of a model defined in another cell: that cell's text (its model, data
 * and inits; its own run blanked out) followed by the running cell's text, so
 * that the engine sees one document. Messages are mapped back to the running
 * cell: a line of the model's cell is reported at the model's name.
 */
export class ComposedSource {
  readonly text: string;
  private readonly modelLines: number;

  constructor(
    cellSource: string,
    modelSource: string,
    private readonly reference: { name: string; range: SourceRange },
  ) {
    const blanked = blankRuns(modelSource);
    this.modelLines = blanked.split('\n').length;
    this.text = `${blanked}\n${cellSource}`;
  }

  toCell(m: RunMessage): RunMessage {
    if (!m.range) return m;
    if (m.range.startLine < this.modelLines) {
      const r = this.reference.range;
      return {
        severity: m.severity,
        message: `In the cell that defines model '${this.reference.name}', line ${m.range.startLine + 1}: ${m.message}`,
        range: { startLine: r.start.line, startColumn: r.start.column, endLine: r.end.line, endColumn: r.end.column },
      };
    }
    const shift = this.modelLines;
    return { ...m, range: { ...m.range, startLine: m.range.startLine - shift, endLine: m.range.endLine - shift } };
  }
}

/** Replaces the text of the run directives by spaces, keeping line breaks so positions stay put. */
export function blankRuns(source: string): string {
  const runs = parseDocument(source).document.directives.filter((d) => d.kind === 'run');
  let text = source;
  for (const run of runs) {
    const { start, end } = run.range;
    text = text.slice(0, start.offset) + text.slice(start.offset, end.offset).replace(/[^\n]/g, ' ') + text.slice(end.offset);
  }
  return text;
}
