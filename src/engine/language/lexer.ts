import { OPERATORS, PUNCTUATION, type Token, type TokenKind } from './tokens';
import { quoted } from './messageText';
import type { Position, Problem } from './source';

const NAME_START = /[A-Za-z_.]/;
const NAME_PART = /[A-Za-z0-9_.]/;
const DIGIT = /[0-9]/;
/** A binary file given as data would otherwise make a problem of every other byte. */
const MAX_UNEXPECTED_REPORTED = 20;

/**
 * Splits model text into tokens. Newlines are kept as tokens because a
 * statement may end at a line break (semicolons are optional in JAGS).
 * Never throws: unreadable characters become `invalid` tokens plus a problem.
 */
export function tokenize(text: string): { tokens: Token[]; problems: Problem[] } {
  const tokens: Token[] = [];
  const problems: Problem[] = [];
  let offset = 0;
  let line = 0;
  let column = 0;

  const here = (): Position => ({ line, column, offset });
  /** Characters that start no token: the first MAX_UNEXPECTED_REPORTED are reported one by one, the rest at once. */
  const unexpected: { count: number; first?: Position; last?: Position } = { count: 0 };
  const advance = (n: number): void => {
    for (let k = 0; k < n; k++) {
      if (text.charCodeAt(offset) === 10) {
        line++;
        column = 0;
      } else {
        column++;
      }
      offset++;
    }
  };
  const push = (kind: TokenKind, start: Position, value?: string): void => {
    tokens.push({ kind, text: value ?? text.slice(start.offset, offset), range: { start, end: here() } });
  };

  while (offset < text.length) {
    const c = text[offset]!;
    const start = here();
    if (c === '\n') {
      advance(1);
      push('newline', start);
    } else if (c === ' ' || c === '\t' || c === '\r' || c === '\f') {
      advance(1);
    } else if (c === '#') {
      while (offset < text.length && text[offset] !== '\n') advance(1);
    } else if (c === '/' && text[offset + 1] === '*') {
      const close = text.indexOf('*/', offset + 2);
      if (close < 0) {
        advance(text.length - offset);
        problems.push({ severity: 'error', message: 'Unterminated comment: "/*" has no matching "*/".', range: { start, end: here() } });
      } else {
        advance(close + 2 - offset);
      }
    } else if (DIGIT.test(c) || (c === '.' && DIGIT.test(text[offset + 1] ?? ''))) {
      lexNumber();
      push('number', start);
    } else if (NAME_START.test(c)) {
      while (offset < text.length && NAME_PART.test(text[offset]!)) advance(1);
      push('name', start);
    } else if (c === '"' || c === "'") {
      advance(1);
      let value = '';
      while (offset < text.length && text[offset] !== c && text[offset] !== '\n') {
        value += text[offset];
        advance(1);
      }
      if (text[offset] === c) {
        advance(1);
      } else {
        problems.push({ severity: 'error', message: `Unterminated string: a closing ${c} is missing.`, range: { start, end: here() } });
      }
      push('string', start, value);
    } else if (c === '%') {
      // JAGS's special operators such as %*%.
      const close = text.indexOf('%', offset + 1);
      const newline = text.indexOf('\n', offset + 1);
      if (close < 0 || (newline >= 0 && newline < close)) {
        advance(1);
        problems.push({ severity: 'error', message: 'Unterminated special operator: expected something like %*%.', range: { start, end: here() } });
        push('invalid', start);
      } else {
        advance(close + 1 - offset);
        push('operator', start);
      }
    } else {
      const op = OPERATORS.find((o) => text.startsWith(o, offset));
      if (op) {
        advance(op.length);
        push('operator', start);
      } else if (PUNCTUATION.includes(c)) {
        advance(1);
        push('punct', start);
      } else {
        const character = String.fromCodePoint(text.codePointAt(offset)!);
        advance(character.length);
        unexpected.count++;
        if (unexpected.count <= MAX_UNEXPECTED_REPORTED) {
          problems.push({ severity: 'error', message: `Unexpected character ${quoted(character)}.`, range: { start, end: here() } });
        } else {
          unexpected.last = here();
          unexpected.first ??= start;
        }
        push('invalid', start);
      }
    }
  }
  if (unexpected.first && unexpected.last) {
    const more = unexpected.count - MAX_UNEXPECTED_REPORTED;
    problems.push({
      severity: 'error',
      message: `${more} more unexpected character${more === 1 ? '' : 's'} up to here: this does not read as model text or R data (is it a binary file?).`,
      range: { start: unexpected.first, end: unexpected.last },
    });
  }
  push('eof', here());
  return { tokens, problems };

  function lexNumber(): void {
    while (DIGIT.test(text[offset] ?? '')) advance(1);
    if (text[offset] === '.') {
      advance(1);
      while (DIGIT.test(text[offset] ?? '')) advance(1);
    }
    if (text[offset] === 'e' || text[offset] === 'E') {
      const sign = text[offset + 1] === '+' || text[offset + 1] === '-' ? 1 : 0;
      if (DIGIT.test(text[offset + 1 + sign] ?? '')) {
        advance(1 + sign);
        while (DIGIT.test(text[offset] ?? '')) advance(1);
      }
    }
    // R's integer suffix, as in 10L in dump files.
    if (text[offset] === 'L') advance(1);
  }
}
