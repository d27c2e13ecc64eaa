import type { Expression, IndexExpression } from '../language/ast';
import { suggest } from '../language/check';
import { errorAt, type SourceRange } from '../language/source';
import { FUNCTIONS } from './functions';
import { Role, type Evaluator, type Variable } from './graph';

/** An element of a variable that an expression reads. */
export interface ElementRef {
  variable: Variable;
  offset: number;
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

  compile(e: Expression, scope: LoopScope): CompiledExpression {
    const reads: ElementRef[] = [];
    const evaluate = this.scalar(e, scope, reads);
    return { evaluate, reads };
  }

  /** Evaluates an expression now; it may read only data and loop variables. */
  constant(e: Expression, scope: LoopScope, what: string): number {
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
      case 'number': {
        const v = e.value;
        return () => v;
      }
      case 'string':
        throw errorAt(e.range, 'A string is not a value in a model.');
      case 'name': {
        const loopValue = scope.get(e.name);
        if (loopValue !== undefined) return () => loopValue;
        const v = this.variable(e.name, e.range);
        if (v.values.length !== 1) throw errorAt(e.range, `${e.name} is an array of ${v.values.length} elements; index it, as in ${e.name}[i].`);
        return this.read(v, 0, reads);
      }
      case 'index': {
        const v = this.variable(e.name, e.nameRange);
        return this.read(v, this.offsetOf(v, e.indices, scope, e.range), reads);
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
    const a = this.scalar(e.left, scope, reads);
    const b = this.scalar(e.right, scope, reads);
    switch (e.op) {
      case '+': return () => a() + b();
      case '-': return () => a() - b();
      case '*': return () => a() * b();
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
    const f = FUNCTIONS[e.callee];
    if (!f) {
      throw errorAt(e.calleeRange, `Unknown function '${e.callee}'.${suggest(e.callee, Object.keys(FUNCTIONS))}`);
    }
    if (e.args.some((a) => a.name !== undefined)) throw errorAt(e.range, `${e.callee}() takes positional arguments only.`);
    if (f.reducesArrays) {
      const elements: Evaluator[] = [];
      for (const arg of e.args) elements.push(...this.elements(arg.value, scope, reads));
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
    const buffer = new Float64Array(args.length);
    return () => {
      for (let k = 0; k < args.length; k++) buffer[k] = args[k]!();
      return f.evaluate(buffer, args.length);
    };
  }

  /** The elements an array argument denotes: `x`, `x[]`, `x[2:5]`, `Y[i, ]`, or a scalar expression. */
  private elements(e: Expression, scope: LoopScope, reads: ElementRef[]): Evaluator[] {
    if (e.kind !== 'name' && e.kind !== 'index') return [this.scalar(e, scope, reads)];
    if (e.kind === 'name' && scope.has(e.name)) return [this.scalar(e, scope, reads)];
    const v = this.variable(e.name, e.kind === 'name' ? e.range : e.nameRange);
    const ranges: Array<[number, number]> = v.dims.map((size, d) => {
      const index = e.kind === 'index' ? e.indices[d] : undefined;
      if (!index || index.kind === 'empty') return [1, size];
      if (index.kind === 'range') return [this.constant(index.from, scope, 'A range bound'), this.constant(index.to, scope, 'A range bound')];
      const at = this.constant(index.value, scope, 'An index');
      return [at, at];
    });
    if (e.kind === 'index' && e.indices.length !== v.dims.length) {
      throw errorAt(e.range, `${v.name} has ${v.dims.length} dimension(s) but is indexed with ${e.indices.length}.`);
    }
    const result: Evaluator[] = [];
    const walk = (d: number, offset: number): void => {
      if (d === v.dims.length) {
        result.push(this.read(v, offset, reads));
        return;
      }
      const [from, to] = ranges[d]!;
      if (from < 1 || to > v.dims[d]! || from > to) throw errorAt(e.range, `The range ${from}:${to} is outside ${v.name}'s dimension ${d + 1} (1 to ${v.dims[d]}).`);
      for (let i = from; i <= to; i++) walk(d + 1, offset * v.dims[d]! + (i - 1));
    };
    if (v.dims.length === 0) return [this.read(v, 0, reads)];
    walk(0, 0);
    return result;
  }
}
