import type { Expression, IndexExpression } from '../language/ast';
import { suggest } from '../language/check';
import { errorAt, type SourceRange } from '../language/source';
import { compileArrayValue, isArrayExpression } from './arrayValues';
import { ARRAY_FUNCTIONS } from './arrayFunctions';
import { FUNCTIONS, type ModelFunction } from './functions';
import { Role, type Evaluator, type Variable } from './graph';
import { appendAll } from '../collections';

/** An element of a variable that an expression reads. */
export interface ElementRef {
  variable: Variable;
  offset: number;
}

/** An array argument: one evaluator per element, its dimensions, what it reads, and (without stochastic indices) where its elements live. */
export interface ArrayArgument {
  evaluators: Evaluator[];
  dims: number[];
  reads: ElementRef[];
  direct?: { values: Float64Array; offsets: Int32Array };
}

/**
 * An array argument read in place: its per-element evaluators are made only
 * when asked for (inprod(X[i, ], beta[]) never needs them). A class, not an
 * object literal with a getter: V8 keeps such a literal in dictionary mode,
 * a property dictionary of about 450 bytes per row, and at a million rows about
 * 380 MB of them reached the old space before a full collection.
 */
class DirectArray implements ArrayArgument {
  private own: Evaluator[] | undefined;

  constructor(
    readonly dims: number[],
    readonly reads: ElementRef[],
    readonly direct: { values: Float64Array; offsets: Int32Array },
  ) {}

  get evaluators(): Evaluator[] {
    const { values, offsets } = this.direct;
    return (this.own ??= Array.from(offsets, (offset) => valueAt(values, offset)));
  }
}

/** How one index of a reference selects. */
type IndexPlan =
  | { kind: 'fixed'; at: number }
  | { kind: 'range'; from: number; to: number }
  | { kind: 'dynamic'; value: Evaluator; size: number };

/** Functions of R that JAGS's bugs module does not have in models. */
const VECTOR_VALUED = new Set(['c', 'rep']);

/** x·y, except that 0 × ±∞ is 0 as in JAGS; a NaN (missing data) stays NaN. */
export function zeroTimesInfinity(x: number, y: number): number {
  const p = x * y;
  if (p === p) return p;
  return (x === 0 && y === y) || (y === 0 && x === x) ? 0 : p;
}

/** Loop variables in scope with their current values, while unrolling. */
export type LoopScope = ReadonlyMap<string, number>;

export interface CompiledExpression {
  evaluate: Evaluator;
  reads: ElementRef[];
}

/**
 * Turns an expression into a closure over the model's arrays, for one
 * unrolled instance (loop variables are constants here). Indices must be
 * fixed by the data and the loop variables; stochastic indices are handled
 * by the mixture analysis, not here.
 */
export class ExpressionCompiler {
  constructor(
    private readonly variables: ReadonlyMap<string, Variable>,
    /** Names the model defines, which may not exist yet while loops are unrolled. */
    private readonly modelNames: ReadonlySet<string>,
    private readonly suggest: (name: string) => string,
  ) {}

  /** Per variable, the offsets 0, 1, 2, …: contiguous runs of offsets are views of it. */
  private identities = new WeakMap<Variable, Int32Array>();

  /**
   * Lets go of the identity offsets once the model is compiled: the views the
   * compile handed out keep what they need, and the compiler lives as long as
   * the graph (a regression's X[i, ] made one as long as X, 12 MB at a million
   * rows). An analysis that reads a run again makes it again.
   */
  forgetIdentities(): void {
    this.identities = new WeakMap();
  }

  compile(e: Expression, scope: LoopScope): CompiledExpression {
    const reads: ElementRef[] = [];
    const evaluate = this.scalar(e, scope, reads);
    return { evaluate, reads };
  }

  /** Evaluates an expression now; it may read only data and loop variables. */
  constant(e: Expression, scope: LoopScope, what: string): number {
    const quick = literalValue(e, scope);
    if (quick !== undefined) return quick;
    const { evaluate, reads } = this.compile(e, scope);
    for (const r of reads) {
      if (r.variable.role[r.offset] !== Role.Data || Number.isNaN(r.variable.values[r.offset]!)) {
        throw errorAt(e.range, `${what} must be fixed by the data, but it reads ${r.variable.name}, which is not given as data.`);
      }
    }
    return evaluate();
  }

  /** The value of an expression fixed by the data and loop variables, or undefined when it reads model nodes. */
  tryConstant(e: Expression, scope: LoopScope): number | undefined {
    const quick = literalValue(e, scope);
    if (quick !== undefined) return quick;
    const { evaluate, reads } = this.compile(e, scope);
    for (const r of reads) {
      if (r.variable.role[r.offset] !== Role.Data || Number.isNaN(r.variable.values[r.offset]!)) return undefined;
    }
    return evaluate();
  }

  /** The row-major offset of `name[indices]` for an instance; each index must be a single position. */
  offsetOf(variable: Variable, indices: IndexExpression[], scope: LoopScope, range: SourceRange): number {
    if (indices.length === 0) return 0;
    if (indices.length !== variable.dims.length && !(variable.dims.length === 0 && indices.length === 1)) {
      throw errorAt(range, `${variable.name} has ${variable.dims.length} dimension(s) but is indexed with ${indices.length}.`);
    }
    let offset = 0;
    for (let d = 0; d < indices.length; d++) {
      const index = indices[d]!;
      if (index.kind !== 'at') throw errorAt(index.range, 'A range or an empty index is allowed only inside functions such as sum() and mean().');
      const at = this.constant(index.value, scope, 'An index');
      const size = variable.dims[d] ?? 1;
      if (!Number.isInteger(at) || at < 1 || at > size) {
        throw errorAt(index.range, `Index ${at} is out of range for ${variable.name}: dimension ${d + 1} runs from 1 to ${size}.`);
      }
      offset = offset * size + (at - 1);
    }
    return offset;
  }

  private variable(name: string, range: SourceRange): Variable {
    const v = this.variables.get(name);
    if (!v && this.modelNames.has(name)) {
      throw errorAt(range, `A loop bound or an index must be fixed by the data, but it reads ${name}, which the model defines; give it as data.`);
    }
    if (!v) throw errorAt(range, `Unknown name '${name}': it is neither data nor defined in the model.${this.suggest(name)}`);
    return v;
  }

  private scalar(e: Expression, scope: LoopScope, reads: ElementRef[]): Evaluator {
    switch (e.kind) {
      case 'number':
        return constantEvaluator(e.value);
      case 'string':
        throw errorAt(e.range, 'A string is not a value in a model.');
      case 'name': {
        const loopValue = scope.get(e.name);
        if (loopValue !== undefined) return constantEvaluator(loopValue);
        const v = this.variable(e.name, e.range);
        if (v.values.length !== 1) throw errorAt(e.range, `${e.name} is an array of ${v.values.length} elements; index it, as in ${e.name}[i].`);
        return this.read(v, 0, reads);
      }
      case 'index': {
        const v = this.variable(e.name, e.nameRange);
        const plans = this.indexPlans(v, e, scope, reads);
        if (plans.some((p) => p.kind === 'range')) {
          throw errorAt(e.range, 'A range or an empty index is allowed only inside functions such as sum() and mean(), or as a vector argument of a distribution.');
        }
        return this.planRead(v, plans, reads);
      }
      case 'unary': {
        const f = this.scalar(e.operand, scope, reads);
        if (e.op === '-') return () => -f();
        if (e.op === '!') return () => (f() ? 0 : 1);
        return f;
      }
      case 'binary':
        return this.binary(e, scope, reads);
      case 'call':
        return this.call(e, scope, reads);
    }
  }

  private read(v: Variable, offset: number, reads: ElementRef[]): Evaluator {
    reads.push({ variable: v, offset });
    const values = v.values;
    return () => values[offset]!;
  }

  private binary(e: Extract<Expression, { kind: 'binary' }>, scope: LoopScope, reads: ElementRef[]): Evaluator {
    if (e.op.startsWith('%') || isArrayExpression(e, scope)) return this.scalarOfArray(e, scope, reads);
    const a = this.scalar(e.left, scope, reads);
    const b = this.scalar(e.right, scope, reads);
    switch (e.op) {
      case '+': return () => a() + b();
      case '-': return () => a() - b();
      // JAGS takes 0 × ±∞ as 0 (its saturated deviances, (n - r) * log(1 - r/n) at r = n, rely on it).
      case '*': return () => zeroTimesInfinity(a(), b());
      case '/': return () => a() / b();
      case '^': return () => Math.pow(a(), b());
      case '<': return () => (a() < b() ? 1 : 0);
      case '<=': return () => (a() <= b() ? 1 : 0);
      case '>': return () => (a() > b() ? 1 : 0);
      case '>=': return () => (a() >= b() ? 1 : 0);
      case '==': return () => (a() === b() ? 1 : 0);
      case '!=': return () => (a() !== b() ? 1 : 0);
      case '&&': case '&': return () => (a() && b() ? 1 : 0);
      case '||': case '|': return () => (a() || b() ? 1 : 0);
      default:
        throw errorAt(e.range, `The operator '${e.op}' is not supported in a scalar expression.`);
    }
  }

  private call(e: Extract<Expression, { kind: 'call' }>, scope: LoopScope, reads: ElementRef[]): Evaluator {
    if (e.callee === 'inprod') return this.innerProduct(e, scope, reads);
    const f = FUNCTIONS[e.callee];
    if (ARRAY_FUNCTIONS[e.callee] || (f && !f.reducesArrays && isArrayExpression(e, scope))) return this.scalarOfArray(e, scope, reads);
    if (!f && VECTOR_VALUED.has(e.callee)) {
      throw errorAt(e.calleeRange, `${e.callee}() is R's, not a function of JAGS models: write the elements out, or give the vector as data.`);
    }
    if (!f) {
      throw errorAt(e.calleeRange, `Unknown function '${e.callee}'.${suggest(e.callee, Object.keys(FUNCTIONS))}`);
    }
    if (e.args.some((a) => a.name !== undefined)) throw errorAt(e.range, `${e.callee}() takes positional arguments only.`);
    if (f.reducesArrays && e.args.length === 1) {
      const { evaluators, reads: own, direct } = this.array(e.args[0]!.value, scope);
      appendAll(reads, own);
      if (direct && direct.offsets.length > 0 && e.callee === 'sum') return directSum(direct.values, direct.offsets);
      if (direct && direct.offsets.length > 0) {
        const { values, offsets } = direct;
        const n = offsets.length;
        const buffer = new Float64Array(n);
        return () => {
          for (let k = 0; k < n; k++) buffer[k] = values[offsets[k]!]!;
          return f.evaluate(buffer, n);
        };
      }
      if (evaluators.length === 0) throw errorAt(e.range, `${e.callee}() needs at least one value.`);
      const buffer = new Float64Array(evaluators.length);
      const n = evaluators.length;
      return () => {
        for (let k = 0; k < n; k++) buffer[k] = evaluators[k]!();
        return f.evaluate(buffer, n);
      };
    }
    if (f.reducesArrays) {
      const elements: Evaluator[] = [];
      for (const arg of e.args) appendAll(elements, this.elements(arg.value, scope, reads));
      if (elements.length === 0) throw errorAt(e.range, `${e.callee}() needs at least one value.`);
      const buffer = new Float64Array(elements.length);
      const n = elements.length;
      return () => {
        for (let k = 0; k < n; k++) buffer[k] = elements[k]!();
        return f.evaluate(buffer, n);
      };
    }
    const [min, max] = typeof f.arity === 'number' ? [f.arity, f.arity] : f.arity;
    if (e.args.length < min || e.args.length > max) {
      throw errorAt(e.range, `${e.callee}() takes ${min === max ? min : `${min} to ${max}`} argument(s), got ${e.args.length}.`);
    }
    const args = e.args.map((a) => this.scalar(a.value, scope, reads));
    if (f.domainProblem) return checkedCall(f, args, e);
    if (f.of1 && args.length === 1) return unaryCall(f.of1, args[0]!);
    if (f.of2 && args.length === 2) return binaryCall(f.of2, args[0]!, args[1]!);
    const buffer = new Float64Array(args.length);
    return () => {
      for (let k = 0; k < args.length; k++) buffer[k] = args[k]!();
      return f.evaluate(buffer, args.length);
    };
  }

  /** A scalar from array-valued parts (logdet(A[,]), length(x[]), t(x[]) %*% y[]); a vector or matrix here is an error. */
  private scalarOfArray(e: Expression, scope: LoopScope, reads: ElementRef[]): Evaluator {
    const value = compileArrayValue(this, e, scope);
    const n = value.dims.reduce((a, b) => a * b, 1);
    if (n !== 1) {
      throw errorAt(e.range, `This gives a ${value.dims.join(' × ')} array where one value is expected: define a vector or matrix node with it, as in x[1:${value.dims[0]}] <- ..., or index the result's elements.`);
    }
    reads.push(...value.reads);
    const out = new Float64Array(1);
    return () => {
      value.evaluate(out);
      return out[0]!;
    };
  }

  private innerProduct(e: Extract<Expression, { kind: 'call' }>, scope: LoopScope, reads: ElementRef[]): Evaluator {
    if (e.args.length !== 2) throw errorAt(e.range, `inprod() takes 2 argument(s), got ${e.args.length}.`);
    const left = this.array(e.args[0]!.value, scope);
    const right = this.array(e.args[1]!.value, scope);
    appendAll(reads, left.reads);
    appendAll(reads, right.reads);
    const lengths = [left.direct?.offsets.length ?? left.evaluators.length, right.direct?.offsets.length ?? right.evaluators.length];
    if (lengths[0] !== lengths[1]) throw errorAt(e.range, `inprod() needs two vectors of the same length, got ${lengths[0]} and ${lengths[1]}.`);
    // The hot path of regressions and factorisations: one loop over two arrays, no closure per element.
    if (left.direct && right.direct) return directInnerProduct(left.direct, right.direct);
    return evaluatedInnerProduct(left.evaluators, right.evaluators);
  }

  /**
   * An array argument of a distribution (dcat's `pi[]`, dmnorm's
   * `Omega[,]`): one evaluator per element, row-major, and the dimensions
   * that remain after single positions are dropped (`mu[z[i], ]` is a vector).
   */
  array(e: Expression, scope: LoopScope): ArrayArgument {
    const reads: ElementRef[] = [];
    if (e.kind !== 'name' && e.kind !== 'index') {
      if (!isArrayExpression(e, scope)) return { evaluators: [this.scalar(e, scope, reads)], dims: [1], reads };
      // A computed vector or matrix argument (B[,] %*% x[]): the first element computes all of it, the others read it
      // (a node's parameters are evaluated in order).
      const value = compileArrayValue(this, e, scope);
      const buffer = new Float64Array(value.dims.reduce((a, b) => a * b, 1));
      const evaluators = Array.from(buffer, (_, k): Evaluator => (k === 0 ? () => (value.evaluate(buffer), buffer[0]!) : () => buffer[k]!));
      return { evaluators, dims: value.dims, reads: value.reads };
    }
    if (e.kind === 'name' && scope.has(e.name)) return { evaluators: [this.scalar(e, scope, reads)], dims: [1], reads };
    const v = this.variable(e.name, e.kind === 'name' ? e.range : e.nameRange);
    const plans = e.kind === 'index' ? this.indexPlans(v, e, scope, reads) : v.dims.map((size): IndexPlan => ({ kind: 'range', from: 1, to: size }));
    const dims = plans.flatMap((p) => (p.kind === 'range' ? [p.to - p.from + 1] : []));
    const shape = dims.length ? dims : [1];
    if (plans.some((p) => p.kind === 'dynamic')) return { evaluators: this.expand(v, plans, reads), dims: shape, reads };
    // Without a stochastic index, element k is read k-th: the fused loops can read the array directly. The
    // per-element evaluators are made only when asked for: inprod(X[i, ], beta[]) never needs them.
    const first = reads.length;
    this.fixedReads(v, plans, reads);
    return new DirectArray(shape, reads, { values: v.values, offsets: this.offsetsOf(v, reads, first) });
  }

  /** The elements selected by fixed positions and ranges, row-major, as reads. */
  private fixedReads(v: Variable, plans: IndexPlan[], reads: ElementRef[]): void {
    if (v.dims.length === 0) {
      reads.push({ variable: v, offset: 0 });
      return;
    }
    const dims = v.dims;
    const walk = (d: number, offset: number): void => {
      if (d === plans.length) {
        reads.push({ variable: v, offset });
        return;
      }
      const p = plans[d]!;
      const size = dims[d] ?? 1;
      if (p.kind === 'fixed') walk(d + 1, offset * size + (p.at - 1));
      else if (p.kind === 'range') for (let i = p.from; i <= p.to; i++) walk(d + 1, offset * size + (i - 1));
    };
    walk(0, 0);
  }

  /**
   * The offsets read from `first` on. A contiguous run (`X[i, ]`, `beta[]`)
   * is a view of the variable's identity offsets, not an array of its own:
   * compiled closures keep these for the life of the model, one per row.
   */
  private offsetsOf(v: Variable, reads: ElementRef[], first: number): Int32Array {
    const n = reads.length - first;
    const start = n > 0 ? reads[first]!.offset : 0;
    let contiguous = true;
    for (let k = 1; k < n && contiguous; k++) contiguous = reads[first + k]!.offset === start + k;
    if (!contiguous || n === 0) return Int32Array.from(reads.slice(first), (r) => r.offset);
    let identity = this.identities.get(v);
    if (!identity) {
      identity = new Int32Array(v.values.length);
      for (let k = 0; k < identity.length; k++) identity[k] = k;
      this.identities.set(v, identity);
    }
    return identity.subarray(start, start + n);
  }

  /** The elements an array argument denotes: `x`, `x[]`, `x[2:5]`, `Y[i, ]`, `mu[z[i], ]`, or a scalar expression. */
  private elements(e: Expression, scope: LoopScope, reads: ElementRef[]): Evaluator[] {
    const { evaluators, reads: own } = this.array(e, scope);
    appendAll(reads, own);
    return evaluators;
  }

  /** One evaluator per element of the ranges in `plans`, row-major. */
  private expand(v: Variable, plans: IndexPlan[], reads: ElementRef[]): Evaluator[] {
    if (v.dims.length === 0) return [this.read(v, 0, reads)];
    const result: Evaluator[] = [];
    const fixed: IndexPlan[] = plans.map((p) => p);
    const walk = (d: number): void => {
      if (d === plans.length) {
        result.push(this.planRead(v, fixed, reads));
        return;
      }
      const p = plans[d]!;
      if (p.kind !== 'range') {
        fixed[d] = p;
        walk(d + 1);
        return;
      }
      for (let i = p.from; i <= p.to; i++) {
        fixed[d] = { kind: 'fixed', at: i };
        walk(d + 1);
      }
    };
    walk(0);
    return result;
  }

  /** How each index of `v[...]` selects: a fixed position, a range, or a position read from the model at run time. */
  private indexPlans(v: Variable, e: Extract<Expression, { kind: 'index' }>, scope: LoopScope, reads: ElementRef[]): IndexPlan[] {
    const indices = e.indices;
    if (indices.length !== v.dims.length && !(v.dims.length === 0 && indices.length === 1)) {
      throw errorAt(e.range, `${v.name} has ${v.dims.length} dimension(s) but is indexed with ${indices.length}.`);
    }
    return indices.map((index, d): IndexPlan => {
      const size = v.dims[d] ?? 1;
      if (index.kind === 'empty') return { kind: 'range', from: 1, to: size };
      if (index.kind === 'range') {
        const from = this.constant(index.from, scope, 'A range bound');
        const to = this.constant(index.to, scope, 'A range bound');
        if (!Number.isInteger(from) || !Number.isInteger(to) || from < 1 || to > size || from > to) {
          throw errorAt(index.range, `The range ${from}:${to} is outside ${v.name}'s dimension ${d + 1} (1 to ${size}).`);
        }
        return { kind: 'range', from, to };
      }
      const at = this.tryConstant(index.value, scope);
      if (at === undefined) {
        // A stochastic index (a mixture): the position is read at run time, and every position may be read.
        return { kind: 'dynamic', value: this.scalar(index.value, scope, reads), size };
      }
      if (!Number.isInteger(at) || at < 1 || at > size) {
        throw errorAt(index.range, `Index ${at} is out of range for ${v.name}: dimension ${d + 1} runs from 1 to ${size}.`);
      }
      return { kind: 'fixed', at };
    });
  }

  /** Reads one element chosen by fixed and dynamic positions; an out-of-range dynamic position reads NaN. */
  private planRead(v: Variable, plans: IndexPlan[], reads: ElementRef[]): Evaluator {
    const dims = v.dims.length === 0 ? [1] : v.dims;
    const strides = dims.map((_, d) => dims.slice(d + 1).reduce((a, b) => a * b, 1));
    let base = 0;
    const dynamic: Array<{ value: Evaluator; size: number; stride: number }> = [];
    plans.forEach((p, d) => {
      if (p.kind === 'fixed') base += (p.at - 1) * strides[d]!;
      else if (p.kind === 'dynamic') dynamic.push({ value: p.value, size: p.size, stride: strides[d]! });
    });
    if (dynamic.length === 0) return this.read(v, base, reads);
    // Every element the index could pick is a parent: the graph's edges must not depend on current values.
    const walk = (k: number, offset: number): void => {
      if (k === dynamic.length) {
        reads.push({ variable: v, offset });
        return;
      }
      for (let i = 0; i < dynamic[k]!.size; i++) walk(k + 1, offset + i * dynamic[k]!.stride);
    };
    walk(0, base);
    const values = v.values;
    if (dynamic.length === 1) {
      const { value, size, stride } = dynamic[0]!;
      return () => {
        const i = value();
        return i >= 1 && i <= size && i === Math.floor(i) ? values[base + (i - 1) * stride]! : Number.NaN;
      };
    }
    return () => {
      let offset = base;
      for (let k = 0; k < dynamic.length; k++) {
        const { value, size, stride } = dynamic[k]!;
        const i = value();
        if (!(i >= 1 && i <= size && i === Math.floor(i))) return Number.NaN;
        offset += (i - 1) * stride;
      }
      return values[offset]!;
    };
  }
}

/*
 * The inner-product closures are made outside the compiler's methods so that each keeps only what it reads:
 * a closure made inside shares its scope with the per-element evaluators, and would keep them all alive
 * (one context and six closures per row of a regression, for the life of the model).
 */
function valueAt(values: Float64Array, offset: number): Evaluator {
  return () => values[offset]!;
}

/** A call whose arguments are checked each time (the d/p/q functions): outside the domain, a message at the call instead of a NaN. */
function checkedCall(f: ModelFunction, args: Evaluator[], e: Extract<Expression, { kind: 'call' }>): Evaluator {
  const buffer = new Float64Array(args.length);
  const problem = f.domainProblem!;
  return () => {
    for (let k = 0; k < args.length; k++) buffer[k] = args[k]!();
    const why = problem(buffer);
    if (why !== undefined) throw errorAt(e.range, `${e.callee}(): ${why}.`);
    return f.evaluate(buffer, args.length);
  };
}

function unaryCall(f: (x: number) => number, a: Evaluator): Evaluator {
  return () => f(a());
}

function binaryCall(f: (x: number, y: number) => number, a: Evaluator, b: Evaluator): Evaluator {
  return () => f(a(), b());
}

/** sum() of elements read in place: the most common reduction (counts of indicators, totals) without a copy. */
function directSum(values: Float64Array, offsets: Int32Array): Evaluator {
  const n = offsets.length;
  return () => {
    let s = 0;
    for (let k = 0; k < n; k++) s += values[offsets[k]!]!;
    return s;
  };
}

/**
 * The value of a number or a loop variable, without compiling: indices such
 * as `X[i, 2]` are asked for once per row by the binder, the compiler and the
 * analyses, and compiling each made a closure and a list of reads to discard.
 */
function literalValue(e: Expression, scope: LoopScope): number | undefined {
  if (e.kind === 'number') return e.value;
  return e.kind === 'name' ? scope.get(e.name) : undefined;
}

/**
 * One evaluator per constant value, shared by every node that reads it (the
 * `1` of `dnorm(mu[i], 1)`, a loop variable's value): a closure and its
 * context per row cost about 100 bytes, a million rows 100 MB.
 */
const constants = new Map<number, Evaluator>();
const CONSTANTS_KEPT = 4096;

function constantEvaluator(v: number): Evaluator {
  let f = constants.get(v);
  if (f) return f;
  f = () => v;
  if (constants.size < CONSTANTS_KEPT) constants.set(v, f);
  return f;
}

/** Where a run of offsets starts when it is contiguous (`X[i, ]`, `beta[]`), else −1. */
export function contiguousStart(offsets: Int32Array): number {
  const start = offsets.length > 0 ? offsets[0]! : 0;
  for (let k = 1; k < offsets.length; k++) if (offsets[k] !== start + k) return -1;
  return start;
}

function directInnerProduct(left: { values: Float64Array; offsets: Int32Array }, right: { values: Float64Array; offsets: Int32Array }): Evaluator {
  const { values: va, offsets: oa } = left;
  const { values: vb, offsets: ob } = right;
  const n = oa.length;
  const [a0, b0] = [contiguousStart(oa), contiguousStart(ob)];
  // Contiguous runs keep two numbers, not two offset views per row (about 200 bytes each).
  if (a0 >= 0 && b0 >= 0) return contiguousInnerProduct(va, a0, vb, b0, n);
  return () => {
    let s = 0;
    for (let k = 0; k < n; k++) s += va[oa[k]!]! * vb[ob[k]!]!;
    return s;
  };
}

function contiguousInnerProduct(va: Float64Array, a0: number, vb: Float64Array, b0: number, n: number): Evaluator {
  return () => {
    let s = 0;
    for (let k = 0; k < n; k++) s += va[a0 + k]! * vb[b0 + k]!;
    return s;
  };
}

function evaluatedInnerProduct(a: Evaluator[], b: Evaluator[]): Evaluator {
  const n = a.length;
  return () => {
    let s = 0;
    for (let k = 0; k < n; k++) s += a[k]!() * b[k]!();
    return s;
  };
}
