import type { Argument, Expression, IndexExpression } from '../language/ast';
import { tokenize } from '../language/lexer';
import { parseExpressionText } from '../language/parser';
import { bugsOrderWarnings, evaluateArray, evaluateList, type DataArray, type NamedValues } from '../language/rvalues';
import { ModelError, type Position, type Problem, type SourceRange } from '../language/source';
import type { Token } from '../language/tokens';
import { fileError, fileProblem, inFile } from './fileProblems';
import { readPlainRDump } from './rdumpNumbers';
import { quoted } from '../language/messageText';
import { JAGS_GENERATORS } from '../run/rngEntries';

/**
 * Reads data in R's dump format, as JAGS reads it (`data.R`, `inits.R`):
 * assignments `"x" <- value`, `x <- value` or `` `x` <- value``, one after
 * another, each value an R expression over several lines if need be —
 * numbers (`10L` too), `NA`, `c(...)`, `a:b`, `rep(...)`,
 * `structure(c(...), .Dim = c(r, c))` (filled column-major, as R does, and
 * stored row-major), `as.integer(...)`; attributes such as `.Dimnames` are
 * ignored. A whole file holding one `list(name = value, ...)` is read too.
 *
 * Throws ModelError: each problem's range is in the file and its message
 * starts with `fileName:line:column:`.
 */
export function readRDump(text: string, fileName: string, warn: (p: Problem) => void = () => {}): NamedValues {
  return readPlainRDump(text) ?? readGeneralRDump(text, fileName, warn);
}

/** Any R dump file, through the language's lexer and parser (exported for the test that holds readPlainRDump to it). */
export function readGeneralRDump(text: string, fileName: string, warn: (p: Problem) => void = () => {}): NamedValues {
  const source = backticksAsQuotes(text);
  const lexed = tokenize(source);
  if (lexed.problems.length) throw inFile(fileName, lexed.problems);
  const tokens = lexed.tokens.filter((t) => t.kind !== 'newline');
  if (tokens[0]?.kind === 'name' && tokens[0].text === 'list' && tokens[1]?.text === '(') {
    const list = parseSlice(source, tokens[0]!.range.start, source.length);
    const values = naming(fileName, () => evaluateList(list, 'data'));
    for (const w of bugsOrderWarnings(list)) warn(fileProblem(fileName, w.range, w.message, 'warning'));
    return values;
  }
  return readAssignments(source, tokens, fileName);
}

/** Runs f, giving the problems of the shared expression machinery the file's name. */
function naming<T>(fileName: string, f: () => T): T {
  try {
    return f();
  } catch (e) {
    if (e instanceof ModelError) throw inFile(fileName, e.problems);
    throw e;
  }
}

function readAssignments(source: string, tokens: Token[], fileName: string): NamedValues {
  const result: NamedValues = new Map();
  const isAssignment = (k: number): boolean => {
    const name = tokens[k]!;
    const arrow = tokens[k + 1];
    return (name.kind === 'name' || name.kind === 'string') && arrow?.kind === 'operator' && (arrow.text === '<-' || arrow.text === '=');
  };
  let k = 0;
  while (tokens[k]!.kind !== 'eof') {
    const first = tokens[k]!;
    if (first.kind === 'punct' && first.text === ';') {
      k++;
      continue;
    }
    if (!isAssignment(k)) {
      throw fileError(fileName, first.range, `Expected an assignment such as "x" <- c(1, 2), found ${quoted(first.text)}.`);
    }
    const name = first.text;
    const arrow = tokens[k + 1]!;
    k += 2;
    // The value runs to the next assignment at the outer level (R dump puts each on its own lines).
    const start = k;
    let depth = 0;
    for (; tokens[k]!.kind !== 'eof'; k++) {
      const t = tokens[k]!;
      if (depth === 0 && k > start && (isAssignment(k) || t.text === ';')) break;
      if (t.kind !== 'punct') continue;
      if (t.text === '(' || t.text === '[' || t.text === '{') depth++;
      else if (t.text === ')' || t.text === ']' || t.text === '}') depth = Math.max(0, depth - 1);
    }
    if (k === start) throw fileError(fileName, arrow.range, `${quoted(name)} has no value after '${arrow.text}'.`);
    if (result.has(name)) throw fileError(fileName, first.range, `${quoted(name)} is given twice.`);
    // JAGS's generator name, a string: kept as its place in JAGS's list, so that a run can say it draws from its own generator.
    if (name === '.RNG.name') {
      result.set(name, generatorOf(tokens.slice(start, k), fileName));
      continue;
    }
    const from = tokens[start]!.range.start;
    const to = tokens[k - 1]!.range.end.offset;
    result.set(name, naming(fileName, () => evaluateArray(parseSlice(source, from, to))));
  }
  return result;
}

/** `.RNG.name`'s value, one of JAGS's generators, as its index in JAGS_GENERATORS. */
function generatorOf(value: Token[], fileName: string): DataArray {
  const [only] = value;
  const at = only && value.length === 1 && only.kind === 'string' ? JAGS_GENERATORS.indexOf(only.text) : -1;
  if (at < 0) {
    throw fileError(fileName, (only ?? value[0]!).range, `.RNG.name must be the name of one of JAGS's generators, in quotes: ${JAGS_GENERATORS.map((g) => `"${g}"`).join(', ')}.`);
  }
  return { values: Float64Array.of(at), dims: [] };
}

/**
 * Parses the text from `start` to offset `end` as one expression, with ranges
 * in the whole text. The slice is preceded by as many line breaks and spaces as
 * put it on its line and column, so that the parser's messages ("opened at
 * line 3, column 8") count as the file does; offsets are moved afterwards.
 */
function parseSlice(source: string, start: Position, end: number): Expression {
  const padding = '\n'.repeat(start.line) + ' '.repeat(start.column);
  const { expression, problems } = parseExpressionText(padding + source.slice(start.offset, end));
  const delta = start.offset - padding.length;
  if (problems.length || !expression) throw new ModelError(problems.map((p): Problem => ({ ...p, range: shiftRange(p.range, delta) })));
  shiftExpression(expression, delta);
  return expression;
}

function shiftRange(r: SourceRange, delta: number): SourceRange {
  return { start: { ...r.start, offset: r.start.offset + delta }, end: { ...r.end, offset: r.end.offset + delta } };
}

/** Moves the offsets of every range of a parsed expression by `base`, in place. */
function shiftExpression(e: Expression, base: number): void {
  e.range = shiftRange(e.range, base);
  switch (e.kind) {
    case 'index':
      e.nameRange = shiftRange(e.nameRange, base);
      for (const i of e.indices) shiftIndex(i, base);
      return;
    case 'call':
      e.calleeRange = shiftRange(e.calleeRange, base);
      for (const a of e.args) shiftArgument(a, base);
      return;
    case 'unary':
      shiftExpression(e.operand, base);
      return;
    case 'binary':
      shiftExpression(e.left, base);
      shiftExpression(e.right, base);
      return;
    default:
      return;
  }
}

function shiftIndex(i: IndexExpression, base: number): void {
  i.range = shiftRange(i.range, base);
  if (i.kind === 'at') shiftExpression(i.value, base);
  if (i.kind === 'range') {
    shiftExpression(i.from, base);
    shiftExpression(i.to, base);
  }
}

function shiftArgument(a: Argument, base: number): void {
  a.range = shiftRange(a.range, base);
  shiftExpression(a.value, base);
}

/**
 * R quotes unusual names with backticks (`` `x` <- 1``); the lexer reads
 * strings. Each backtick outside strings and comments becomes a double quote,
 * which keeps every offset, line and column.
 */
function backticksAsQuotes(text: string): string {
  if (!text.includes('`')) return text;
  const out = text.split('');
  let quote: string | undefined;
  for (let k = 0; k < out.length; k++) {
    const c = out[k]!;
    if (quote) {
      if (c === quote || c === '\n') quote = undefined;
    } else if (c === '"' || c === "'") {
      quote = c;
    } else if (c === '#') {
      while (k < out.length && out[k] !== '\n') k++;
    } else if (c === '`') {
      const close = text.indexOf('`', k + 1);
      const line = text.indexOf('\n', k + 1);
      if (close > k && (line < 0 || close < line) && !text.slice(k + 1, close).includes('"')) {
        out[k] = '"';
        out[close] = '"';
        k = close;
      }
    }
  }
  return out.join('');
}
