import type { SourceRange } from './source';

export type TokenKind =
  | 'name'
  | 'number'
  | 'string'
  | 'punct'
  | 'operator'
  | 'newline'
  | 'eof'
  | 'invalid';

export interface Token {
  kind: TokenKind;
  /** The token's text; for strings, the contents without quotes. */
  text: string;
  range: SourceRange;
}

/** Multi-character operators first so that the lexer takes the longest match. */
export const OPERATORS = ['<-', '<=', '>=', '==', '!=', '&&', '||', '~', '+', '-', '*', '/', '^', '<', '>', '!', ':', '=', '&', '|'];
export const PUNCTUATION = ['(', ')', '[', ']', '{', '}', ',', ';'];
