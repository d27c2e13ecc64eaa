import { boundedMessage } from '../language/messageText';
import { ModelError, type Position, type Problem, type Severity, type SourceRange } from '../language/source';

/**
 * A problem inside a data file. Its range is in the file; its message starts
 * with `file:line:column:` so that it still says where once it is shown at the
 * directive that reads the file (a notebook shows problems in the cell). The
 * file's own text in it is cut to the offending token and made printable.
 */
export function fileProblem(fileName: string, range: SourceRange, message: string, severity: Severity = 'error'): Problem {
  return { severity, message: boundedMessage(`${fileName}:${range.start.line + 1}:${range.start.column + 1}: ${message}`), range };
}

export function fileError(fileName: string, range: SourceRange, message: string): ModelError {
  return new ModelError([fileProblem(fileName, range, message)]);
}

/** The most problems reported for one file: past them, the file is not what it should be. */
const MAX_FILE_PROBLEMS = 20;

/** Rewrites problems whose ranges are in a file (from the shared expression machinery) to name the file; at most MAX_FILE_PROBLEMS of them. */
export function inFile(fileName: string, problems: Problem[]): ModelError {
  const shown = problems.slice(0, MAX_FILE_PROBLEMS).map((p) => fileProblem(fileName, p.range, p.message, p.severity));
  const more = problems.length - shown.length;
  if (more > 0) {
    const rest = problems.slice(MAX_FILE_PROBLEMS);
    const range = { start: rest[0]!.range.start, end: rest[rest.length - 1]!.range.end };
    shown.push(fileProblem(fileName, range, `… and ${more} more problem${more === 1 ? '' : 's'} in this file.`));
  }
  return new ModelError(shown);
}

/** Line and column of offsets in a text, counted as the lexer counts them (zero-based, '\n' ends a line). */
export class LineIndex {
  private readonly starts: number[] = [0];

  constructor(text: string) {
    for (let k = text.indexOf('\n'); k >= 0; k = text.indexOf('\n', k + 1)) this.starts.push(k + 1);
  }

  position(offset: number): Position {
    let lo = 0;
    let hi = this.starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.starts[mid]! <= offset) lo = mid;
      else hi = mid - 1;
    }
    return { line: lo, column: offset - this.starts[lo]!, offset };
  }

  range(start: number, end: number): SourceRange {
    return { start: this.position(start), end: this.position(end) };
  }
}
