import { LineIndex } from '../../engine/data/fileProblems';
import type { Problem, SourceRange } from '../../engine/language/source';

/**
 * A token of a JAGS script. Words are runs of anything but blanks and the
 * punctuation below, so that a bare file name (`data.R`, `../x/inits.R`), a
 * node name (`tau.c`) and a number (`1000`, `1e4`) are each one word.
 */
export interface ScriptToken {
  kind: 'word' | 'string' | 'punct' | 'end' | 'eof';
  /** The word, the string's contents, the punctuation; '\n' or ';' for an end of command. */
  text: string;
  range: SourceRange;
}

const PUNCTUATION = new Set(['(', ')', ',', '[', ']', ':', '*']);
const BREAKS = new Set([' ', '\t', '\r', '\n', ';', '#', '"', "'", ...PUNCTUATION]);

/** Splits a script into tokens; `#` comments run to the end of the line, `/* *\/` comments may span lines. */
export function tokenizeScript(text: string): { tokens: ScriptToken[]; problems: Problem[] } {
  const lines = new LineIndex(text);
  const tokens: ScriptToken[] = [];
  const problems: Problem[] = [];
  const push = (kind: ScriptToken['kind'], value: string, start: number, end: number): void => {
    tokens.push({ kind, text: value, range: lines.range(start, end) });
  };
  let k = 0;
  while (k < text.length) {
    const c = text[k]!;
    if (c === ' ' || c === '\t' || c === '\r') {
      k++;
    } else if (c === '\n' || c === ';') {
      push('end', c, k, k + 1);
      k++;
    } else if (c === '#') {
      while (k < text.length && text[k] !== '\n') k++;
    } else if (c === '/' && text[k + 1] === '*') {
      const close = text.indexOf('*/', k + 2);
      if (close < 0) {
        problems.push({ severity: 'error', message: "This comment is never closed: add '*/'.", range: lines.range(k, k + 2) });
        k = text.length;
      } else {
        k = close + 2;
      }
    } else if (c === '"' || c === "'") {
      const close = text.indexOf(c, k + 1);
      const line = text.indexOf('\n', k + 1);
      if (close < 0 || (line >= 0 && line < close)) {
        const end = line < 0 ? text.length : line;
        problems.push({ severity: 'error', message: `This string is never closed: add ${c} before the end of the line.`, range: lines.range(k, end) });
        // Read as if closed at the end of the line, so that the parser does not report it again.
        push('string', text.slice(k + 1, end), k, end);
        k = end;
      } else {
        push('string', text.slice(k + 1, close), k, close + 1);
        k = close + 1;
      }
    } else if (PUNCTUATION.has(c)) {
      push('punct', c, k, k + 1);
      k++;
    } else {
      const start = k;
      while (k < text.length && !BREAKS.has(text[k]!) && !(text[k] === '/' && text[k + 1] === '*')) k++;
      push('word', text.slice(start, k), start, k);
    }
  }
  push('eof', '', text.length, text.length);
  return { tokens, problems };
}
