import type { Argument, Block, Declaration, Directive, Document, Expression, FileSource, IndexExpression, Statement, Target, Truncation } from './ast';
import { tokenize } from './lexer';
import { rangeOf, type Problem, type SourceRange } from './source';
import type { Token } from './tokens';

/** Link functions JAGS accepts on the left of `<-`. */
export const LINK_FUNCTIONS = new Set(['logit', 'log', 'probit', 'cloglog']);

const BINARY_PRECEDENCE: Record<string, number> = {
  '||': 1, '|': 1,
  '&&': 2, '&': 2,
  '==': 4, '!=': 4, '<': 4, '<=': 4, '>': 4, '>=': 4,
  '+': 5, '-': 5,
  '*': 6, '/': 6,
  // %*% and other %op% sit here; see binaryPrecedence().
  ':': 8,
  '^': 10,
};
const UNARY_PRECEDENCE = 9;
const NOT_PRECEDENCE = 3;

class ParseFailure extends Error {}

export interface ParseResult {
  document: Document;
  problems: Problem[];
}

/**
 * Parses a Latent document: optional `var` declarations, a `data { }` and a
 * `model { }` block as JAGS reads them, and notebook directives (`data list(...)`,
 * `inits list(...)`, `sample with gibbs(...)`). A plain JAGS model file is a
 * valid document. Recovers after an error at the next statement so that
 * several problems are reported at once; never throws.
 */
export function parseDocument(text: string): ParseResult {
  const { tokens, problems } = tokenize(text);
  const parser = new Parser(tokens.filter((t) => t.kind !== 'newline'), tokens, problems);
  return { document: parser.document(), problems };
}

/** Parses one expression (used for R-style values in files and options). */
export function parseExpressionText(text: string): { expression?: Expression; problems: Problem[] } {
  const { tokens, problems } = tokenize(text);
  const parser = new Parser(tokens.filter((t) => t.kind !== 'newline'), tokens, problems);
  const expression = parser.standaloneExpression();
  return expression ? { expression, problems } : { problems };
}

class Parser {
  private position = 0;
  private depth = 0;
  /**
   * How deep each expression built so far is (a leaf is 1). The parser's own recursion is
   * bounded by MAX_NESTING, but a chain such as 1 + 1 + ... + 1 is parsed by a loop into a
   * tree as deep as it is long, and the checker, binder, compiler and evaluators recurse over
   * expressions: the depth is bounded here, once, for all of them.
   */
  private readonly heights = new WeakMap<Expression, number>();
  /** Offsets at which a new line starts a token: a recovery point after an error. */
  private readonly lineStarts = new Set<number>();

  constructor(
    private readonly tokens: Token[],
    allTokens: Token[],
    private readonly problems: Problem[],
  ) {
    let afterNewline = true;
    for (const t of allTokens) {
      if (t.kind === 'newline') {
        afterNewline = true;
      } else {
        if (afterNewline) this.lineStarts.add(t.range.start.offset);
        afterNewline = false;
      }
    }
  }

  document(): Document {
    const doc: Document = { declarations: [], directives: [] };
    while (!this.atEnd()) {
      const start = this.position;
      try {
        this.topLevel(doc);
      } catch (e) {
        if (!(e instanceof ParseFailure)) throw e;
        this.recoverTopLevel(start);
      }
    }
    return doc;
  }

  standaloneExpression(): Expression | undefined {
    try {
      const e = this.expression();
      if (!this.atEnd()) this.fail(this.peek().range, `Unexpected '${this.peek().text}' after the value.`);
      return e;
    } catch (e) {
      if (!(e instanceof ParseFailure)) throw e;
      return undefined;
    }
  }

  private topLevel(doc: Document): void {
    const t = this.peek();
    if (t.kind === 'punct' && t.text === ';') {
      this.next();
      return;
    }
    if (t.kind !== 'name') {
      this.fail(t.range, `Expected 'model {', 'data', 'var', 'inits' or a run such as 'sample with gibbs(...)', found '${describe(t)}'.`);
    }
    switch (t.text) {
      case 'model':
        this.next();
        if (doc.model) this.report(t.range, "A second 'model' block: a document holds one model.");
        {
          const name = this.peek().kind === 'name' ? this.next() : undefined;
          doc.model = this.block('model', t);
          if (name) doc.model.name = { text: name.text, range: name.range };
        }
        return;
      case 'data':
        this.next();
        if (this.isPunct('{')) {
          if (doc.data) this.report(t.range, "A second 'data' block: a document holds one.");
          doc.data = this.block('data', t);
        } else {
          const value = this.dataValue();
          doc.directives.push({ kind: 'data', value, range: rangeOf(t.range, value.range) });
        }
        return;
      case 'inits': {
        this.next();
        const value = this.dataValue();
        doc.directives.push({ kind: 'inits', value, range: rangeOf(t.range, value.range) });
        return;
      }
      case 'var':
        this.next();
        this.declarations(doc.declarations);
        return;
      case 'sample':
      case 'calibrate':
      case 'fit':
        doc.directives.push(this.runDirective());
        return;
      case 'compare':
        doc.directives.push(this.compareDirective());
        return;
      default:
        this.fail(t.range, `Unknown section '${t.text}': expected 'model {', 'data', 'var', 'inits' or a run such as 'sample with gibbs(...)'.`);
    }
  }

  /**
   * `data list(...)` (any expression, checked when the run is read), or
   * `data from "file"` with an optional `with (name = value, ...)`.
   */
  private dataValue(): Expression | FileSource {
    if (this.peek().kind !== 'name' || this.peek().text !== 'from') return this.expression();
    const from = this.next();
    const file = this.next();
    if (file.kind !== 'string') this.fail(file.range, 'Expected a quoted file name after \'from\', as in data from "data.R".');
    let bindings: Argument[] = [];
    let end = file.range;
    if (this.peek().kind === 'name' && this.peek().text === 'with') {
      this.next();
      const open = this.expectPunct('(', 'Expected \'(\' after \'with\', as in data from "ratings.csv" with (Y = c(r1, r2, r3)).');
      bindings = this.callArguments(open);
      end = this.previous().range;
    }
    return { kind: 'file', path: file.text, pathRange: file.range, bindings, range: rangeOf(from.range, end) };
  }

  private runDirective(): Directive {
    const verb = this.next();
    const named = this.peek();
    const model = named.kind === 'name' && named.text !== 'with' ? (this.next(), { text: named.text, range: named.range }) : undefined;
    const example = RUN_EXAMPLES[verb.text as RunVerb];
    this.expectName('with', `Expected 'with' after '${verb.text}', as in ${example}.`);
    const algorithm = this.next();
    if (algorithm.kind !== 'name') this.fail(algorithm.range, `Expected an algorithm name, as in ${example}; found '${describe(algorithm)}'.`);
    let options: Argument[] = [];
    let end = algorithm.range;
    if (this.isPunct('(')) {
      const open = this.next();
      options = this.callArguments(open);
      end = this.previous().range;
    }
    return { kind: 'run', verb: verb.text as RunVerb, ...(model ? { model } : {}), algorithm: algorithm.text, algorithmRange: algorithm.range, options, range: rangeOf(verb.range, end) };
  }

  /** `compare NAME, NAME[, ...] [with loo]`. */
  private compareDirective(): Directive {
    const verb = this.next();
    const models: Array<{ text: string; range: SourceRange }> = [];
    for (;;) {
      const name = this.next();
      if (name.kind !== 'name' || name.text === 'with') this.fail(name.range, `Expected the name of a model, as in compare m1, m2 with loo; found '${describe(name)}'.`);
      models.push({ text: name.text, range: name.range });
      if (!this.isPunct(',')) break;
      this.next();
    }
    let end = this.previous().range;
    if (this.peek().kind === 'name' && this.peek().text === 'with') {
      this.next();
      const criterion = this.next();
      if (criterion.kind !== 'name' || criterion.text !== 'loo') this.fail(criterion.range, `Models are compared with loo (PSIS-LOO, with WAIC and DIC beside it); found '${describe(criterion)}'.`);
      end = criterion.range;
    }
    if (models.length < 2) this.report(rangeOf(verb.range, end), 'Comparing needs two models or more, as in compare m1, m2 with loo.');
    return { kind: 'compare', models, criterion: 'loo', range: rangeOf(verb.range, end) };
  }

  private declarations(into: Declaration[]): void {
    for (;;) {
      const name = this.next();
      if (name.kind !== 'name') this.fail(name.range, `Expected a variable name in 'var', found '${describe(name)}'.`);
      const dims: Expression[] = [];
      let end = name.range;
      if (this.isPunct('[')) {
        this.next();
        if (!this.isPunct(']')) {
          dims.push(this.expression());
          while (this.isPunct(',')) {
            this.next();
            dims.push(this.expression());
          }
        }
        end = this.expectPunct(']').range;
      }
      into.push({ name: name.text, dims, range: rangeOf(name.range, end) });
      if (!this.isPunct(',')) break;
      this.next();
    }
    if (this.isPunct(';')) this.next();
  }

  private block(kind: 'model' | 'data', keyword: Token): Block {
    this.expectPunct('{', `Expected '{' after '${kind}'.`);
    const statements = this.statements();
    const close = this.expectPunct('}', `Expected '}' to close the '${kind}' block.`);
    return { kind, statements, range: rangeOf(keyword.range, close.range) };
  }

  /** Statements up to a closing brace, recovering after each bad one. */
  private statements(): Statement[] {
    const statements: Statement[] = [];
    while (!this.atEnd() && !this.isPunct('}')) {
      if (this.isPunct(';')) {
        this.next();
        continue;
      }
      const start = this.position;
      try {
        statements.push(this.statement());
      } catch (e) {
        if (!(e instanceof ParseFailure)) throw e;
        this.recoverStatement(start);
      }
    }
    return statements;
  }

  private statement(): Statement {
    if (++this.depth > MAX_NESTING) {
      this.depth = 0;
      this.fail(this.peek().range, `The model nests more than ${MAX_NESTING} levels deep.`);
    }
    try {
      return this.statementBody();
    } finally {
      this.depth = Math.max(0, this.depth - 1);
    }
  }

  private statementBody(): Statement {
    const t = this.peek();
    if (t.kind === 'name' && t.text === 'for' && this.peek(1).text === '(') return this.forLoop();
    const target = this.target();
    const op = this.next();
    if (op.kind === 'operator' && op.text === '~') {
      const dist = this.next();
      if (dist.kind !== 'name') this.fail(dist.range, `Expected a distribution such as dnorm after '~', found '${describe(dist)}'.`);
      const open = this.expectPunct('(', `Expected '(' after the distribution '${dist.text}'.`);
      const args = this.callArguments(open).map((a) => {
        if (a.name !== undefined) this.report(a.range, 'Distribution arguments are positional in JAGS; drop the name.');
        return a.value;
      });
      let end = this.previous().range;
      let truncation: Truncation | undefined;
      const next = this.peek();
      if (next.kind === 'name' && (next.text === 'T' || next.text === 'I') && this.peek(1).text === '(') {
        truncation = this.truncation();
        end = truncation.range;
      }
      if (target.link) this.report(target.range, `A link function ('${target.link}') is allowed only on the left of '<-', not of '~'.`);
      const statement: Statement = { kind: 'stochastic', target, distribution: dist.text, distributionRange: dist.range, args, range: rangeOf(target.range, end) };
      if (truncation) statement.truncation = truncation;
      return statement;
    }
    if (op.kind === 'operator' && (op.text === '<-' || op.text === '=')) {
      const value = this.expression();
      return { kind: 'deterministic', target, value, range: rangeOf(target.range, value.range) };
    }
    return this.fail(op.range, `Expected '~' or '<-' after '${target.name}', found '${describe(op)}'.`);
  }

  private truncation(): Truncation {
    const kind = this.next();
    this.expectPunct('(');
    const result: Truncation = { kind: kind.text as 'T' | 'I', range: kind.range };
    if (!this.isPunct(',')) result.lower = this.expression();
    this.expectPunct(',', `Expected ',' in ${kind.text}(lower, upper); leave a bound empty to omit it, as in ${kind.text}(0,).`);
    if (!this.isPunct(')')) result.upper = this.expression();
    result.range = rangeOf(kind.range, this.expectPunct(')').range);
    return result;
  }

  private forLoop(): Statement {
    const keyword = this.next();
    this.expectPunct('(');
    const variable = this.next();
    if (variable.kind !== 'name') this.fail(variable.range, `Expected a loop variable, found '${describe(variable)}'.`);
    this.expectName('in', `Expected 'in' after the loop variable '${variable.text}'.`);
    const rangeExpression = this.expression();
    if (rangeExpression.kind !== 'binary' || rangeExpression.op !== ':') {
      this.fail(rangeExpression.range, 'Expected a range such as 1:N in the for loop.');
    }
    this.expectPunct(')', "Expected ')' after the loop range.");
    let body: Statement[];
    let end: SourceRange;
    if (this.isPunct('{')) {
      this.next();
      body = this.statements();
      end = this.expectPunct('}', "Expected '}' to close the for loop.").range;
    } else {
      const single = this.statement();
      body = [single];
      end = single.range;
    }
    return { kind: 'for', variable: variable.text, variableRange: variable.range, from: rangeExpression.left, to: rangeExpression.right, body, range: rangeOf(keyword.range, end) };
  }

  private target(allowLink = true): Target {
    const first = this.next();
    if (first.kind !== 'name') this.fail(first.range, `Expected a variable name, found '${describe(first)}'.`);
    if (allowLink && LINK_FUNCTIONS.has(first.text) && this.isPunct('(')) {
      this.next();
      const inner = this.target(false);
      const close = this.expectPunct(')', `Expected ')' after ${first.text}(${inner.name}...`);
      return { ...inner, link: first.text, range: rangeOf(first.range, close.range) };
    }
    let indices: IndexExpression[] = [];
    let end = first.range;
    if (this.isPunct('[')) {
      const open = this.next();
      indices = this.indices(open);
      end = this.previous().range;
    }
    return { name: first.text, nameRange: first.range, indices, range: rangeOf(first.range, end) };
  }

  /** Index list after '[' up to and including ']'. */
  private indices(open: Token): IndexExpression[] {
    const result: IndexExpression[] = [];
    for (;;) {
      const t = this.peek();
      if (this.isPunct(',') || this.isPunct(']')) {
        result.push({ kind: 'empty', range: { start: t.range.start, end: t.range.start } });
      } else {
        const e = this.expression();
        result.push(e.kind === 'binary' && e.op === ':' ? { kind: 'range', from: e.left, to: e.right, range: e.range } : { kind: 'at', value: e, range: e.range });
      }
      if (this.isPunct(',')) {
        this.next();
        continue;
      }
      if (this.isPunct(']')) {
        this.next();
        return result;
      }
      return this.fail(this.peek().range, `Expected ',' or ']' in the index opened at line ${open.range.start.line + 1}, found '${describe(this.peek())}'.`);
    }
  }

  /** Arguments after '(' up to and including ')'. */
  private callArguments(open: Token): Argument[] {
    const args: Argument[] = [];
    if (this.isPunct(')')) {
      this.next();
      return args;
    }
    for (;;) {
      const t = this.peek();
      let name: string | undefined;
      if ((t.kind === 'name' || t.kind === 'string') && this.peek(1).kind === 'operator' && this.peek(1).text === '=') {
        name = t.text;
        this.next();
        this.next();
      }
      const value = this.expression();
      const arg: Argument = { value, range: rangeOf(t.range, value.range) };
      if (name !== undefined) arg.name = name;
      args.push(arg);
      if (this.isPunct(',')) {
        this.next();
        continue;
      }
      if (this.isPunct(')')) {
        this.next();
        return args;
      }
      return this.fail(this.peek().range, `Expected ',' or ')' in the argument list opened at line ${open.range.start.line + 1}, column ${open.range.start.column + 1}, found '${describe(this.peek())}'.`);
    }
  }

  private expression(minPrecedence = 0): Expression {
    // Deeply nested input would overflow the stack; no real model nests this deep.
    if (++this.depth > MAX_NESTING) {
      this.depth = 0;
      this.fail(this.peek().range, `The expression nests more than ${MAX_NESTING} levels deep.`);
    }
    try {
      return this.binaryTail(this.unary(), minPrecedence);
    } finally {
      this.depth = Math.max(0, this.depth - 1);
    }
  }

  private binaryTail(first: Expression, minPrecedence: number): Expression {
    let left = first;
    for (;;) {
      const op = this.peek();
      const precedence = binaryPrecedence(op);
      if (precedence === undefined || precedence < minPrecedence) return left;
      this.next();
      // '^' is right-associative; the rest are left-associative.
      const right = this.expression(op.text === '^' ? precedence : precedence + 1);
      left = this.built({ kind: 'binary', op: op.text, left, right, range: rangeOf(left.range, right.range) }, [left, right]);
    }
  }

  private unary(): Expression {
    const t = this.peek();
    if (t.kind === 'operator' && (t.text === '-' || t.text === '+' || t.text === '!')) {
      this.next();
      const operand = this.expression(t.text === '!' ? NOT_PRECEDENCE : UNARY_PRECEDENCE);
      return this.built({ kind: 'unary', op: t.text, operand, range: rangeOf(t.range, operand.range) }, [operand]);
    }
    return this.primary();
  }

  private primary(): Expression {
    const t = this.next();
    if (t.kind === 'number') {
      return { kind: 'number', value: Number(t.text.endsWith('L') ? t.text.slice(0, -1) : t.text), range: t.range };
    }
    if (t.kind === 'string') return { kind: 'string', value: t.text, range: t.range };
    if (t.kind === 'punct' && t.text === '(') {
      const inner = this.expression();
      this.expectPunct(')', "Expected ')' to close '('.");
      return inner;
    }
    if (t.kind === 'name') {
      if (this.isPunct('(')) {
        const open = this.next();
        const args = this.callArguments(open);
        return this.built({ kind: 'call', callee: t.text, calleeRange: t.range, args, range: rangeOf(t.range, this.previous().range) }, args.map((a) => a.value));
      }
      if (this.isPunct('[')) {
        const open = this.next();
        const indices = this.indices(open);
        const inner = indices.flatMap((i) => (i.kind === 'range' ? [i.from, i.to] : i.kind === 'at' ? [i.value] : []));
        return this.built({ kind: 'index', name: t.text, nameRange: t.range, indices, range: rangeOf(t.range, this.previous().range) }, inner);
      }
      return { kind: 'name', name: t.text, range: t.range };
    }
    return this.fail(t.range, `Expected a value, a name or '(', found '${describe(t)}'.`);
  }

  /** Records how deep `e` is, from its operands; fails, naming the expression, past MAX_EXPRESSION_DEPTH. */
  private built<E extends Expression>(e: E, operands: Expression[]): E {
    let height = 0;
    for (const operand of operands) height = Math.max(height, this.heights.get(operand) ?? 1);
    height += 1;
    if (height > MAX_EXPRESSION_DEPTH) {
      this.fail(
        e.range,
        `This expression nests more than ${MAX_EXPRESSION_DEPTH} operations inside one another (a sum of more than ${MAX_EXPRESSION_DEPTH} terms written out does): ` +
          'split it, e.g. into partial sums in deterministic nodes, or use sum() or inprod() over an array.',
      );
    }
    this.heights.set(e, height);
    return e;
  }

  // ---- token helpers -------------------------------------------------------

  private peek(ahead = 0): Token {
    return this.tokens[Math.min(this.position + ahead, this.tokens.length - 1)]!;
  }

  private previous(): Token {
    return this.tokens[Math.max(this.position - 1, 0)]!;
  }

  private next(): Token {
    const t = this.peek();
    if (t.kind !== 'eof') this.position++;
    return t;
  }

  private atEnd(): boolean {
    return this.peek().kind === 'eof';
  }

  private isPunct(text: string): boolean {
    const t = this.peek();
    return t.kind === 'punct' && t.text === text;
  }

  private expectPunct(text: string, message?: string): Token {
    if (!this.isPunct(text)) this.fail(this.peek().range, message ?? `Expected '${text}', found '${describe(this.peek())}'.`);
    return this.next();
  }

  private expectName(text: string, message: string): Token {
    const t = this.peek();
    if (t.kind !== 'name' || t.text !== text) this.fail(t.range, message);
    return this.next();
  }

  private report(range: SourceRange, message: string): void {
    this.problems.push({ severity: 'error', message, range });
  }

  private fail(range: SourceRange, message: string): never {
    this.report(range, message);
    throw new ParseFailure(message);
  }

  /** After a bad statement: skip to a ';', a '}' that closes the block, or the next line. */
  private recoverStatement(start: number): void {
    if (this.position === start) this.next();
    let depth = 0;
    while (!this.atEnd()) {
      const t = this.peek();
      if (depth === 0 && this.lineStarts.has(t.range.start.offset) && this.position > start) return;
      if (t.kind === 'punct') {
        if (t.text === ';' && depth === 0) {
          this.next();
          return;
        }
        if (t.text === '(' || t.text === '[' || t.text === '{') depth++;
        if (t.text === ')' || t.text === ']') depth = Math.max(0, depth - 1);
        if (t.text === '}') {
          if (depth === 0) return;
          depth--;
        }
      }
      this.next();
    }
  }

  private recoverTopLevel(start: number): void {
    if (this.position === start) this.next();
    while (!this.atEnd()) {
      const t = this.peek();
      if (t.kind === 'name' && TOP_LEVEL_WORDS.has(t.text) && this.lineStarts.has(t.range.start.offset)) return;
      this.next();
    }
  }
}

const MAX_NESTING = 200;
/**
 * The deepest expression tree accepted. The analyses that recurse over expressions use a few
 * stack frames per level; 1,000 levels leave them a wide margin on Node's default stack, in
 * worker threads too (test/unit/language/depth.test.ts runs a sum of this many terms).
 */
export const MAX_EXPRESSION_DEPTH = 1000;

const TOP_LEVEL_WORDS = new Set(['model', 'data', 'var', 'inits', 'sample', 'calibrate', 'fit', 'compare']);

type RunVerb = Extract<Directive, { kind: 'run' }>['verb'];

const RUN_EXAMPLES: Record<RunVerb, string> = {
  sample: 'sample with gibbs(chains = 4) or sample mymodel with gibbs()',
  calibrate: 'calibrate with sbc(simulations = 200) or calibrate mymodel with sbc()',
  fit: 'fit with em(restarts = 5) or fit mymodel with em()',
};

function binaryPrecedence(t: Token): number | undefined {
  if (t.kind !== 'operator') return undefined;
  if (t.text.startsWith('%')) return 7;
  return BINARY_PRECEDENCE[t.text];
}

function describe(t: Token): string {
  return t.kind === 'eof' ? 'end of text' : t.text;
}
