import { printable } from './messageText';

/** A position in a document, zero-based, as VS Code counts them. */
export interface Position {
  line: number;
  column: number;
  /** Character offset from the start of the text. */
  offset: number;
}

export interface SourceRange {
  start: Position;
  end: Position;
}

export type Severity = 'error' | 'warning' | 'info';

/** A problem found in the model text, the data or the run options, pointing at its text. */
export interface Problem {
  severity: Severity;
  message: string;
  range: SourceRange;
}

export function rangeOf(start: SourceRange, end: SourceRange): SourceRange {
  return { start: start.start, end: end.end };
}

/**
 * Thrown inside the engine for a problem the user must fix; caught at the run boundary.
 * Messages quote inputs (names, tokens, file names): their control characters are escaped
 * here, once for every message, so that no input can write escape sequences to a terminal.
 */
export class ModelError extends Error {
  readonly problems: Problem[];

  constructor(problems: Problem[]) {
    const safe = problems.map((p) => (printable(p.message) === p.message ? p : { ...p, message: printable(p.message) }));
    super(safe.map((p) => p.message).join('\n'));
    this.problems = safe;
    this.name = 'ModelError';
  }
}

/** Runs `f`; a ModelError it throws adds its problems to `found` instead (readers report every problem, not the first). */
export function collectProblems(found: Problem[], f: () => void): void {
  try {
    f();
  } catch (e) {
    if (!(e instanceof ModelError)) throw e;
    found.push(...e.problems);
  }
}

export function errorAt(range: SourceRange, message: string): ModelError {
  return new ModelError([{ severity: 'error', message, range }]);
}

export function formatProblem(p: Problem, file = 'cell'): string {
  return printable(`${file}:${p.range.start.line + 1}:${p.range.start.column + 1}: ${p.severity}: ${p.message}`);
}
