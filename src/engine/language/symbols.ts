import type { Document, Expression, IndexExpression, Statement } from './ast';
import { tokenize } from './lexer';
import type { Token } from './tokens';

/**
 * Small questions the editor asks about a document's text: which name is at an
 * offset, whether an offset is in code, a comment or a string, and which names
 * a document defines. Pure: no editor, no data.
 */

/** A name as the lexer reads it (and as media/language-configuration.json's wordPattern): letters, digits, `_` and `.`, as in tau.c. */
export const NAME_PATTERN = /[A-Za-z_.][A-Za-z0-9_.]*/;
const NAME_PART = /[A-Za-z0-9_.]/;

/** A name token with its neighbours (line breaks skipped): enough to tell `~ dnorm` and `sqrt(` from a plain name. */
export interface NameAt {
  token: Token;
  previous: Token | undefined;
  next: Token | undefined;
}

/**
 * The name at `offset`: the name token that contains it, else the one that ends
 * exactly there (the cursor just after a word). Never in a comment or a string,
 * since the lexer skips comments and reads strings whole.
 */
export function nameAt(text: string, offset: number): NameAt | undefined {
  const tokens = tokenize(text).tokens.filter((t) => t.kind !== 'newline');
  let found = -1;
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i]!;
    if (t.range.start.offset > offset) break;
    if (t.kind !== 'name') continue;
    if (offset < t.range.end.offset) {
      found = i;
      break;
    }
    if (offset === t.range.end.offset) found = i;
  }
  if (found < 0) return undefined;
  const next = tokens[found + 1];
  return { token: tokens[found]!, previous: tokens[found - 1], next: next && next.kind !== 'eof' ? next : undefined };
}

export type TextState = 'code' | 'comment' | 'string';

/** Whether the character position `offset` (between two characters) is in code, in a comment or in a string, read as the lexer reads. */
export function textStateAt(text: string, offset: number): TextState {
  let i = 0;
  while (i < offset) {
    const c = text[i]!;
    if (c === '#') {
      const newline = text.indexOf('\n', i);
      if (newline < 0 || newline >= offset) return 'comment';
      i = newline + 1;
    } else if (c === '/' && text[i + 1] === '*') {
      const close = text.indexOf('*/', i + 2);
      if (close < 0 || close + 2 > offset) return 'comment';
      i = close + 2;
    } else if (c === '"' || c === "'") {
      let j = i + 1;
      while (j < text.length && text[j] !== c && text[j] !== '\n') j++;
      // Up to the closing quote, or the line break that ends an unterminated string.
      if (offset <= j) return 'string';
      i = text[j] === c ? j + 1 : j;
    } else {
      i++;
    }
  }
  return 'code';
}

/** Where the name-like word around `offset` starts and ends (it may be empty: start = end = offset). */
export function wordRangeAt(text: string, offset: number): { start: number; end: number } {
  let start = offset;
  while (start > 0 && NAME_PART.test(text[start - 1]!)) start--;
  let end = offset;
  while (end < text.length && NAME_PART.test(text[end]!)) end++;
  return { start, end };
}

export type NodeRole = 'stochastic' | 'deterministic';

/** The nodes a document's model (and `data { }` block) defines, in text order: targets of `~` and `<-`. */
export function definedNodes(document: Document): Map<string, NodeRole> {
  const nodes = new Map<string, NodeRole>();
  const visit = (statements: Statement[]): void => {
    for (const s of statements) {
      if (s.kind === 'for') visit(s.body);
      else if (!nodes.has(s.target.name) || s.kind === 'stochastic') nodes.set(s.target.name, s.kind);
    }
  };
  visit(document.data?.statements ?? []);
  visit(document.model?.statements ?? []);
  return nodes;
}

/** The variables of the `for` loops (in the model or the data block) whose text contains `offset`, outermost first. */
export function loopVariablesAt(document: Document, offset: number): string[] {
  const found: string[] = [];
  const visit = (statements: Statement[]): void => {
    for (const s of statements) {
      if (s.kind === 'for' && s.range.start.offset <= offset && offset <= s.range.end.offset) {
        found.push(s.variable);
        visit(s.body);
      }
    }
  };
  visit(document.data?.statements ?? []);
  visit(document.model?.statements ?? []);
  return found;
}

/**
 * The names of the data a document gives inline, for checking the model's
 * names as the user types: the named entries of every `data list(...)`
 * directive, plus the names a `data { }` block defines. Undefined when the
 * names cannot be known from the text: no data at all (a plain model file,
 * whose data come from elsewhere), or data that are not an inline list (such
 * as `data from "file"`).
 */
export function inlineDataNames(document: Document): Set<string> | undefined {
  const directives = document.directives.filter((d) => d.kind === 'data');
  if (directives.length === 0) return undefined;
  const names = new Set<string>();
  for (const d of directives) {
    if (d.value.kind !== 'call' || d.value.callee !== 'list') return undefined;
    for (const arg of d.value.args) if (arg.name !== undefined) names.add(arg.name);
  }
  const visit = (statements: Statement[]): void => {
    for (const s of statements) {
      if (s.kind === 'for') visit(s.body);
      else names.add(s.target.name);
    }
  };
  visit(document.data?.statements ?? []);
  return names;
}

/** Every name a document's model and data block read (not the targets they define), loop variables included. */
export function usedNames(document: Document): Set<string> {
  const names = new Set<string>();
  const indices = (list: IndexExpression[]): void => {
    for (const i of list) {
      if (i.kind === 'at') expression(i.value);
      else if (i.kind === 'range') {
        expression(i.from);
        expression(i.to);
      }
    }
  };
  const expression = (e: Expression): void => {
    switch (e.kind) {
      case 'name':
        names.add(e.name);
        return;
      case 'index':
        names.add(e.name);
        indices(e.indices);
        return;
      case 'unary':
        expression(e.operand);
        return;
      case 'binary':
        expression(e.left);
        expression(e.right);
        return;
      case 'call':
        e.args.forEach((a) => expression(a.value));
        return;
      default:
        return;
    }
  };
  const visit = (statements: Statement[]): void => {
    for (const s of statements) {
      if (s.kind === 'for') {
        expression(s.from);
        expression(s.to);
        visit(s.body);
        continue;
      }
      indices(s.target.indices);
      if (s.kind === 'deterministic') {
        expression(s.value);
      } else {
        s.args.forEach(expression);
        if (s.truncation?.lower) expression(s.truncation.lower);
        if (s.truncation?.upper) expression(s.truncation.upper);
      }
    }
  };
  visit(document.data?.statements ?? []);
  visit(document.model?.statements ?? []);
  return names;
}
