import type { Expression, IndexExpression } from '../language/ast';
import { ARRAY_FUNCTIONS } from './arrayFunctions';
import { FUNCTIONS } from './functions';
import type { Variable } from './graph';
import { LoopFrame } from './loopFrame';
import { sharedFactory } from './sharedCode';
import { zeroTimesInfinity, type LoopScope } from './expressions';

/**
 * One expression of a statement, compiled once for every row of its loops:
 * called with a row's loop scope, it reads the model's arrays at that row.
 * A node then needs no closure of its own per parameter (about 90 bytes
 * each, two million of them in a million-row model), and the expression
 * runs as one JavaScript function instead of a tree of closures.
 */
export type StatementCode = (scope: LoopScope) => number;

/**
 * The same expression writing its value into `values[offset]` itself: a
 * double returned from a call that is not inlined (a propagation calls the
 * code of many statements from one place) is boxed in a new heap number, one
 * allocation per deterministic node recomputed, and the garbage collector's
 * work grows with it (a tenth of Dugongs' time).
 */
export type StatementStore = (scope: LoopScope, values: Float64Array, offset: number) => void;

/*
 * The source is generated from the engine's AST only, never from the user's
 * text: what it names is fixed here (the argument names a0, a1, …, the loop
 * frame's `index` and `outer`, operators), variables' arrays, functions and
 * non-finite numbers come in as arguments, and the only user values written
 * into it are finite numbers checked against NUMBER_LITERAL. Whatever it
 * cannot compile (array values, reductions, functions that check their
 * domain) gives undefined, and the caller keeps the interpreter's closures.
 */
const NUMBER_LITERAL = /^[0-9]+(\.[0-9]+)?(e[+-]?[0-9]+)?$/;

/** Whether statements' expressions are compiled at all; the interpreter alone when not (the differential tests compare the two). */
let compiling = true;

/** Runs `f` with every expression interpreted, as before statements were compiled. */
export function withInterpretedExpressions<T>(f: () => T): T {
  const before = compiling;
  compiling = false;
  try {
    return f();
  } finally {
    compiling = before;
  }
}

/** The loop variables of a scope, innermost first, or undefined when it is not a chain of loop frames. */
function loopNames(scope: LoopScope): string[] | undefined {
  if (scope.size === 0 && !(scope instanceof LoopFrame)) return [];
  const names: string[] = [];
  for (let f: LoopFrame | undefined = scope instanceof LoopFrame ? scope : undefined; f; f = f.outer) names.push(f.loopVariable);
  return scope instanceof LoopFrame ? names : undefined;
}

/** Compiles statements' expressions, each once per loop nest, and keeps them for every row. */
export class StatementCompiler {
  private readonly compiled = new WeakMap<Expression, Map<string, StatementCode | StatementStore | null>>();

  constructor(private readonly variables: ReadonlyMap<string, Variable>) {}

  /** The element `e` reads in place for rows with this scope's loops, when it is such a read (affineRead). */
  read(e: Expression, scope: LoopScope): AffineRead | undefined {
    return affineRead(e, scope, this.variables);
  }

  /** The compiled expression for rows with this scope's loops; undefined where it falls back to the interpreter. */
  code(e: Expression, scope: LoopScope, link?: (x: number) => number): StatementCode | undefined {
    return this.cached(e, scope, link, false, false) as StatementCode | undefined;
  }

  /** `code` with powers by trialPower, for values a sampler only weighs (a design read while another node moves); undefined where `code` is, or where it would be the same. */
  trialCode(e: Expression, scope: LoopScope): StatementCode | undefined {
    return this.cached(e, scope, undefined, false, true) as StatementCode | undefined;
  }

  /** The compiled expression as a store into an array (StatementStore); undefined where `code` is. */
  store(e: Expression, scope: LoopScope, link?: (x: number) => number): StatementStore | undefined {
    return this.cached(e, scope, link, true, false) as StatementStore | undefined;
  }

  /**
   * The store for points a sampler only tries (trialPower): undefined where it would be the same code as
   * `store`'s (no power in the expression) or where `store` is. Its values differ from the interpreter's in the
   * last bits, so the sampler writes the exact values (`store`) at the point it keeps.
   */
  trialStore(e: Expression, scope: LoopScope, link?: (x: number) => number): StatementStore | undefined {
    return this.cached(e, scope, link, true, true) as StatementStore | undefined;
  }

  private cached(e: Expression, scope: LoopScope, link: ((x: number) => number) | undefined, store: boolean, trial: boolean): StatementCode | StatementStore | undefined {
    if (!compiling) return undefined;
    const names = loopNames(scope);
    if (!names) return undefined;
    let byLoops = this.compiled.get(e);
    if (!byLoops) this.compiled.set(e, (byLoops = new Map()));
    const key = names.join(',') + (link ? `|${link.name}` : '') + (store ? '|store' : '') + (trial ? '|trial' : '');
    let found = byLoops.get(key);
    if (found === undefined) {
      const writer = new CodeWriter(this.variables, names, trial);
      found = (store ? writer.store(e, link) : writer.function(e, link)) ?? null;
      if (trial && !writer.approximated) found = null;
      byLoops.set(key, found);
    }
    return found ?? undefined;
  }
}

/**
 * A parameter that reads one element at an offset affine in the two
 * innermost loop indices (`tau`, `mu[i]`, `X[i, j]`, `b[j + 1]`, a number):
 * the node reads it in place, without a call. Most parameters of the classic
 * models are such reads, and a call through a statement's function cannot be
 * inlined where nodes of many statements meet (a conditional's children).
 */
export interface AffineRead {
  values: Float64Array;
  base: number;
  /** Multipliers of the innermost loop's index and of the next one's. */
  inner: number;
  outer: number;
}

/** The read `e` is, for rows of this scope's loops, or undefined when it is not such a read. */
export function affineRead(e: Expression, scope: LoopScope, variables: ReadonlyMap<string, Variable>): AffineRead | undefined {
  if (!compiling) return undefined;
  const names = loopNames(scope);
  if (!names) return undefined;
  if (e.kind === 'number') return { values: Float64Array.of(e.value), base: 0, inner: 0, outer: 0 };
  if (e.kind === 'name') {
    const v = names.includes(e.name) ? undefined : variables.get(e.name);
    return v && v.values.length === 1 ? { values: v.values, base: 0, inner: 0, outer: 0 } : undefined;
  }
  if (e.kind !== 'index') return undefined;
  const v = variables.get(e.name);
  if (!v) return undefined;
  const dims = v.dims.length === 0 ? [1] : v.dims;
  if (e.indices.length !== dims.length) return undefined;
  const read: AffineRead = { values: v.values, base: 0, inner: 0, outer: 0 };
  let stride = 1;
  for (let d = dims.length - 1; d >= 0; d--) {
    const index = e.indices[d]!;
    if (index.kind !== 'at') return undefined;
    const term = affineIndex(index.value, names);
    if (!term) return undefined;
    // Position p reads offset (p - 1) × stride; the interpreter has checked every row's position in range.
    read.base += (term.constant - 1) * stride;
    if (term.depth === 0) read.inner += stride;
    if (term.depth === 1) read.outer += stride;
    stride *= dims[d]!;
  }
  return read;
}

/** The offset an affine read reads at the row `scope`; undefined when the scope lacks a loop frame the read needs. */
export function affineOffset(read: AffineRead, scope: LoopScope): number | undefined {
  let at = read.base;
  if (read.inner === 0 && read.outer === 0) return at;
  if (!(scope instanceof LoopFrame)) return undefined;
  if (read.inner !== 0) at += scope.index * read.inner;
  if (read.outer !== 0) {
    if (!scope.outer) return undefined;
    at += scope.outer.index * read.outer;
  }
  return at;
}

/** A number, or a loop variable of the two innermost loops plus or minus a number. */
function affineIndex(e: Expression, names: string[]): { depth: number; constant: number } | undefined {
  if (e.kind === 'number') return { depth: -1, constant: e.value };
  const depthOf = (x: Expression): number => (x.kind === 'name' ? names.indexOf(x.name) : -1);
  if (e.kind === 'name') {
    const depth = depthOf(e);
    return depth === 0 || depth === 1 ? { depth, constant: 0 } : undefined;
  }
  if (e.kind === 'binary' && (e.op === '+' || e.op === '-') && e.right.kind === 'number') {
    const depth = depthOf(e.left);
    if (depth !== 0 && depth !== 1) return undefined;
    return { depth, constant: e.op === '+' ? e.right.value : -e.right.value };
  }
  return undefined;
}

/** Helpers the generated code calls: JAGS's 0 × ∞ = 0, and a position read at run time (a stochastic index), NaN outside. */
function position(at: number, size: number): number {
  return at >= 1 && at <= size && at === Math.floor(at) ? at - 1 : Number.NaN;
}

function readAt(values: Float64Array, offset: number): number {
  return offset === offset ? values[offset]! : Number.NaN;
}

function innerProduct(va: Float64Array, a0: number, sa: number, vb: Float64Array, b0: number, sb: number, n: number): number {
  if (a0 !== a0 || b0 !== b0) return Number.NaN;
  let s = 0;
  for (let k = 0; k < n; k++) s += va[a0 + k * sa]! * vb[b0 + k * sb]!;
  return s;
}

/** A vector read for inprod(): where it starts, its stride and its length. */
interface VectorCode {
  values: string;
  start: string;
  stride: number;
  length: number;
}

/**
 * x^y for points a sampler tries: e^(y·log x) for a positive finite base, within a few units in the last place
 * of Math.pow (the error grows with |y·log x|); Math.pow's own answer elsewhere (a base that is negative, zero,
 * infinite or NaN). V8's Math.pow takes about 45 ns, and it took most of Dugongs' time: pow(gamma, x[i]) for
 * 27 rows at every point of gamma's slice. The rows of a point share the base, so its logarithm is kept from
 * the last call, and a power costs one exponential (about 10 ns).
 */
export function trialPower(x: number, y: number): number {
  if (!(x > 0 && x < Number.POSITIVE_INFINITY)) return Math.pow(x, y);
  if (x !== lastBase) {
    lastBase = x;
    lastLog = Math.log(x);
  }
  return Math.exp(y * lastLog);
}

let lastBase = Number.NaN;
let lastLog = Number.NaN;

/**
 * Math.pow for one power of a statement's store, remembering each row's last base, exponent and result (the
 * row by the offset it stores at in `values`, the target's array): the same arguments give the same result
 * without the call (about 45 ns). A Gaussian block's members (Dugongs' alpha and beta in alpha - beta *
 * pow(gamma, x[i])) rewrite every row after a draw while the power's arguments have not moved since the row
 * was last computed. A zero base is not remembered (-0 and 0 compare equal but give different powers), nor is
 * NaN (never equal). Three numbers per element of the target, made at the first store.
 */
export function rowPowers(): (x: number, y: number, values: Float64Array, row: number) => number {
  let bases: Float64Array = new Float64Array(0);
  let exponents: Float64Array = new Float64Array(0);
  let results: Float64Array = new Float64Array(0);
  return (x, y, values, row) => {
    if (row < bases.length) {
      if (bases[row] === x && exponents[row] === y && x !== 0) return results[row]!;
    } else {
      const size = Math.max(row + 1, values.length);
      bases = grown(bases, size);
      exponents = grown(exponents, size);
      results = grown(results, size);
    }
    const result = Math.pow(x, y);
    bases[row] = x;
    exponents[row] = y;
    results[row] = result;
    return result;
  };
}

function grown(a: Float64Array, size: number): Float64Array {
  const b = new Float64Array(size).fill(Number.NaN);
  b.set(a);
  return b;
}

class CodeWriter {
  private readonly argumentValues: unknown[] = [];
  private readonly argumentNames: string[] = [];
  private readonly bound = new Map<unknown, string>();
  /** Whether the code computes a power by trialPower (a trial writer's): its values are not the interpreter's. */
  approximated = false;
  /** Whether the code is a store (`o` names the row's offset): an exact store remembers its rows' powers (rowPowers). */
  private storing = false;

  constructor(
    private readonly variables: ReadonlyMap<string, Variable>,
    /** Loop variables, innermost first. */
    private readonly loops: string[],
    /** Powers by trialPower, for points a sampler only tries (StatementCompiler.trialStore). */
    private readonly trial = false,
  ) {}

  function(e: Expression, link?: (x: number) => number): StatementCode | undefined {
    return this.build(e, link, (result) => `function ${this.prefix}statementCode(f) { return ${result}; }`) as StatementCode | undefined;
  }

  store(e: Expression, link?: (x: number) => number): StatementStore | undefined {
    this.storing = true;
    // `v` and `o` are the generated code's own names, as `f` is: arguments are a0, a1, ….
    return this.build(e, link, (result) => `function ${this.prefix}statementStore(f, v, o) { v[o] = ${result}; }`) as StatementStore | undefined;
  }

  /**
   * A trial writer's code has a text, so a factory (sharedFactory) and V8's call feedback, of its own: sharing
   * them with the exact code of the same statement, its power's call saw both Math.pow and trialPower, and
   * V8 inlined neither (Dugongs' pow(gamma, x[i]): a call and a boxed result per row at every point tried).
   */
  private get prefix(): string {
    return this.trial ? 'trial_' : '';
  }

  private build(e: Expression, link: ((x: number) => number) | undefined, wrap: (result: string) => string): unknown {
    const body = this.scalar(e);
    if (body === undefined) return undefined;
    const result = link ? `${this.argument(link)}(${body})` : body;
    return sharedFactory(this.argumentNames, `"use strict"; return ${wrap(result)};`)(...this.argumentValues);
  }

  /** The name of an argument of the generated code carrying `value`. */
  private argument(value: unknown): string {
    if (this.trial && value === Math.pow) {
      value = trialPower;
      this.approximated = true;
    }
    let name = this.bound.get(value);
    if (name === undefined) {
      name = `a${this.argumentNames.length}`;
      this.argumentNames.push(name);
      this.argumentValues.push(value);
      this.bound.set(value, name);
    }
    return name;
  }

  private number(value: number): string {
    const text = String(value);
    return NUMBER_LITERAL.test(text) ? text : this.argument(value);
  }

  private loopIndex(name: string): string | undefined {
    const depth = this.loops.indexOf(name);
    if (depth < 0) return undefined;
    return `f${'.outer'.repeat(depth)}.index`;
  }

  /** Whether an index is fixed by the loops alone: the interpreter has checked it in range for every row, so no check at run time. */
  private fixedByLoops(e: Expression): boolean {
    switch (e.kind) {
      case 'number':
        return true;
      case 'name':
        return this.loops.includes(e.name);
      case 'unary':
        return e.op !== '!' && this.fixedByLoops(e.operand);
      case 'binary':
        return ['+', '-', '*'].includes(e.op) && this.fixedByLoops(e.left) && this.fixedByLoops(e.right);
      default:
        return false;
    }
  }

  private scalar(e: Expression): string | undefined {
    switch (e.kind) {
      case 'number':
        return this.number(e.value);
      case 'string':
        return undefined;
      case 'name': {
        const loop = this.loopIndex(e.name);
        if (loop) return loop;
        const v = this.variables.get(e.name);
        return v && v.values.length === 1 ? `${this.argument(v.values)}[0]` : undefined;
      }
      case 'index':
        return this.element(e);
      case 'unary': {
        const x = this.scalar(e.operand);
        if (x === undefined) return undefined;
        if (e.op === '-') return `(-${x})`;
        if (e.op === '!') return `(${x} ? 0 : 1)`;
        return x;
      }
      case 'binary':
        return this.binary(e);
      case 'call':
        return this.call(e);
    }
  }

  private binary(e: Extract<Expression, { kind: 'binary' }>): string | undefined {
    const a = this.scalar(e.left);
    const b = this.scalar(e.right);
    if (a === undefined || b === undefined) return undefined;
    switch (e.op) {
      case '+': case '-': case '/':
        return `(${a} ${e.op} ${b})`;
      case '*':
        return `${this.argument(zeroTimesInfinity)}(${a}, ${b})`;
      case '^':
        return this.power(a, b);
      case '<': case '<=': case '>': case '>=':
        return `(${a} ${e.op} ${b} ? 1 : 0)`;
      case '==':
        return `(${a} === ${b} ? 1 : 0)`;
      case '!=':
        return `(${a} !== ${b} ? 1 : 0)`;
      case '&&': case '&':
        return `(${a} && ${b} ? 1 : 0)`;
      case '||': case '|':
        return `(${a} || ${b} ? 1 : 0)`;
      default:
        return undefined;
    }
  }

  /** x^y: by trialPower in a trial writer's code (`argument`), remembered per row in an exact store's, else Math.pow. */
  private power(a: string, b: string): string {
    if (!this.storing || this.trial) return `${this.argument(Math.pow)}(${a}, ${b})`;
    // A memory per power of the statement: a name of its own, not shared through `argument`.
    const name = `a${this.argumentNames.length}`;
    this.argumentNames.push(name);
    this.argumentValues.push(rowPowers());
    return `${name}(${a}, ${b}, v, o)`;
  }

  private call(e: Extract<Expression, { kind: 'call' }>): string | undefined {
    if (e.args.some((a) => a.name !== undefined)) return undefined;
    if (e.callee === 'inprod') return this.innerProduct(e);
    const f = FUNCTIONS[e.callee];
    if (!f || ARRAY_FUNCTIONS[e.callee] || f.reducesArrays || f.domainProblem) return undefined;
    const [min, max] = typeof f.arity === 'number' ? [f.arity, f.arity] : f.arity;
    if (e.args.length < min || e.args.length > max) return undefined;
    const args: string[] = [];
    for (const a of e.args) {
      const x = this.scalar(a.value);
      if (x === undefined) return undefined;
      args.push(x);
    }
    if (f.of1 && args.length === 1) return `${this.argument(f.of1)}(${args[0]})`;
    if (f.of2 === Math.pow && args.length === 2) return this.power(args[0]!, args[1]!);
    if (f.of2 && args.length === 2) return `${this.argument(f.of2)}(${args[0]}, ${args[1]})`;
    // A buffer per call site: arguments are stored as they are computed, and a nested call has its own.
    const buffer = `a${this.argumentNames.length}`;
    this.argumentNames.push(buffer);
    this.argumentValues.push(new Float64Array(args.length));
    const stores = args.map((x, k) => `${buffer}[${k}] = ${x}`).join(', ');
    return `(${stores}, ${this.argument(f)}.evaluate(${buffer}, ${args.length}))`;
  }

  /** `v[...]` with a single position in every dimension. */
  private element(e: Extract<Expression, { kind: 'index' }>): string | undefined {
    const v = this.variables.get(e.name);
    if (!v || e.indices.some((i) => i.kind !== 'at')) return undefined;
    const dims = v.dims.length === 0 ? [1] : v.dims;
    if (e.indices.length !== dims.length) return undefined;
    const offset = this.offset(dims, e.indices, -1);
    if (!offset) return undefined;
    return offset.checked ? `${this.argument(readAt)}(${this.argument(v.values)}, ${offset.code})` : `${this.argument(v.values)}[${offset.code}]`;
  }

  /**
   * The row-major offset of the positions in `indices`, skipping dimension
   * `open` (a range, which the caller walks); `checked` when a position is
   * read at run time and may fall outside (then the offset is NaN).
   */
  private offset(dims: number[], indices: IndexExpression[], open: number): { code: string; checked: boolean } | undefined {
    const terms: string[] = [];
    let checked = false;
    let stride = 1;
    for (let d = dims.length - 1; d >= 0; d--) {
      const size = dims[d]!;
      if (d !== open) {
        const index = indices[d]!;
        if (index.kind !== 'at') return undefined;
        const at = this.scalar(index.value);
        if (at === undefined) return undefined;
        let zeroBased: string;
        if (this.fixedByLoops(index.value)) {
          zeroBased = `(${at} - 1)`;
        } else {
          zeroBased = `${this.argument(position)}(${at}, ${size})`;
          checked = true;
        }
        terms.push(stride === 1 ? zeroBased : `${zeroBased} * ${stride}`);
      }
      stride *= size;
    }
    return { code: terms.length ? `(${terms.join(' + ')})` : '0', checked };
  }

  private innerProduct(e: Extract<Expression, { kind: 'call' }>): string | undefined {
    if (e.args.length !== 2) return undefined;
    const a = this.vector(e.args[0]!.value);
    const b = this.vector(e.args[1]!.value);
    if (!a || !b || a.length !== b.length) return undefined;
    return `${this.argument(innerProduct)}(${a.values}, ${a.start}, ${a.stride}, ${b.values}, ${b.start}, ${b.stride}, ${a.length})`;
  }

  /** `x`, `x[]`, `X[i, ]`, `X[i, 2:4]`: one range (or empty) dimension, with literal bounds. */
  private vector(e: Expression): VectorCode | undefined {
    if (e.kind === 'name') {
      const v = this.variables.get(e.name);
      if (!v || this.loops.includes(e.name) || v.dims.length > 1) return undefined;
      return { values: this.argument(v.values), start: '0', stride: 1, length: v.values.length };
    }
    if (e.kind !== 'index') return undefined;
    const v = this.variables.get(e.name);
    if (!v || v.dims.length === 0 || e.indices.length !== v.dims.length) return undefined;
    const open = e.indices.findIndex((i) => i.kind !== 'at');
    if (open < 0 || e.indices.some((i, d) => d !== open && i.kind !== 'at')) return undefined;
    const range = e.indices[open]!;
    const size = v.dims[open]!;
    let from = 1;
    let to = size;
    if (range.kind === 'range') {
      if (range.from.kind !== 'number' || range.to.kind !== 'number') return undefined;
      [from, to] = [range.from.value, range.to.value];
      if (!Number.isInteger(from) || !Number.isInteger(to) || from < 1 || to > size || from > to) return undefined;
    }
    const stride = v.dims.slice(open + 1).reduce((x, y) => x * y, 1);
    const offset = this.offset(v.dims, e.indices, open);
    if (!offset) return undefined;
    return { values: this.argument(v.values), start: `(${offset.code} + ${(from - 1) * stride})`, stride, length: to - from + 1 };
  }
}
