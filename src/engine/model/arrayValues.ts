import type { Expression } from '../language/ast';
import { errorAt } from '../language/source';
import { ARRAY_FUNCTIONS, type ArrayFunction } from './arrayFunctions';
import { zeroTimesInfinity, type ElementRef, type ExpressionCompiler, type LoopScope } from './expressions';
import { FUNCTIONS } from './functions';

/**
 * The value of an expression that may be a vector or a matrix: whole rows
 * (`response[i, ]`), element-wise arithmetic of arrays and scalars, scalar
 * functions applied element by element, and the matrix functions
 * (`inverse(Omega[,])`, `B[,] %*% x[]`, `t()`, …). JAGS's rules: operands of
 * an element-wise operator have the same shape, or one is a scalar.
 */
export interface ArrayValue {
  /** Row-major dimensions; [1] for a scalar. */
  dims: number[];
  reads: ElementRef[];
  /** Writes the current value, row-major, into `out` (at least size(dims) long). */
  evaluate(out: Float64Array): void;
}

const sizeOf = (dims: number[]): number => dims.reduce((a, b) => a * b, 1);

const ELEMENTWISE: Record<string, (x: number, y: number) => number> = {
  '+': (x, y) => x + y,
  '-': (x, y) => x - y,
  '*': zeroTimesInfinity,
  '/': (x, y) => x / y,
  '^': Math.pow,
  '<': (x, y) => (x < y ? 1 : 0),
  '<=': (x, y) => (x <= y ? 1 : 0),
  '>': (x, y) => (x > y ? 1 : 0),
  '>=': (x, y) => (x >= y ? 1 : 0),
  '==': (x, y) => (x === y ? 1 : 0),
  '!=': (x, y) => (x !== y ? 1 : 0),
};

/** Whether an expression denotes more than one value as written: a range or empty index, or a vector-valued function. */
export function isArrayExpression(e: Expression, scope: LoopScope): boolean {
  switch (e.kind) {
    case 'index':
      return e.indices.some((i) => i.kind !== 'at');
    case 'unary':
      return isArrayExpression(e.operand, scope);
    case 'binary':
      return e.op.startsWith('%') || isArrayExpression(e.left, scope) || isArrayExpression(e.right, scope);
    case 'call': {
      const f = ARRAY_FUNCTIONS[e.callee];
      if (f) return e.callee !== 'logdet' && e.callee !== 'length' && e.callee !== 'interp.lin';
      const scalar = FUNCTIONS[e.callee];
      return scalar !== undefined && !scalar.reducesArrays && e.args.some((a) => isArrayExpression(a.value, scope));
    }
    default:
      return false;
  }
}

export function compileArrayValue(compiler: ExpressionCompiler, e: Expression, scope: LoopScope): ArrayValue {
  switch (e.kind) {
    case 'name':
    case 'index': {
      if (e.kind === 'name' && scope.has(e.name)) return scalar(compiler, e, scope);
      const { evaluators, dims, reads } = compiler.array(e, scope);
      const n = evaluators.length;
      return { dims: n === 1 ? [1] : dims, reads, evaluate: (out) => { for (let k = 0; k < n; k++) out[k] = evaluators[k]!(); } };
    }
    case 'unary': {
      if (e.op !== '-' || !isArrayExpression(e, scope)) return scalar(compiler, e, scope);
      const inner = compileArrayValue(compiler, e.operand, scope);
      const n = sizeOf(inner.dims);
      return { dims: inner.dims, reads: inner.reads, evaluate: (out) => { inner.evaluate(out); for (let k = 0; k < n; k++) out[k] = -out[k]!; } };
    }
    case 'binary': {
      if (!isArrayExpression(e, scope)) return scalar(compiler, e, scope);
      const left = compileArrayValue(compiler, e.left, scope);
      const right = compileArrayValue(compiler, e.right, scope);
      if (e.op.startsWith('%')) {
        const f = ARRAY_FUNCTIONS[e.op];
        if (!f) throw errorAt(e.range, `The operator '${e.op}' is not part of JAGS's bugs module; %*% is.`);
        return applied(e.range, f, [left, right]);
      }
      const op = ELEMENTWISE[e.op];
      if (!op) throw errorAt(e.range, `The operator '${e.op}' does not apply element by element to arrays.`);
      return elementwise(e.range, (x) => op(x[0]!, x[1]!), [left, right]);
    }
    case 'call': {
      const f = ARRAY_FUNCTIONS[e.callee];
      if (f) {
        if (e.args.length !== f.arity) throw errorAt(e.range, `${e.callee}() takes ${f.arity} argument(s), got ${e.args.length}.`);
        return applied(e.range, f, e.args.map((a) => compileArrayValue(compiler, a.value, scope)));
      }
      const fn = FUNCTIONS[e.callee];
      if (fn && !fn.reducesArrays && isArrayExpression(e, scope)) {
        const args = e.args.map((a) => compileArrayValue(compiler, a.value, scope));
        const buffer = new Float64Array(args.length);
        return elementwise(e.range, (x) => {
          buffer.set(x);
          const why = fn.domainProblem?.(buffer);
          if (why !== undefined) throw errorAt(e.range, `${e.callee}(): ${why}.`);
          return fn.evaluate(buffer, args.length);
        }, args);
      }
      return scalar(compiler, e, scope);
    }
    default:
      return scalar(compiler, e, scope);
  }
}

function scalar(compiler: ExpressionCompiler, e: Expression, scope: LoopScope): ArrayValue {
  const { evaluate, reads } = compiler.compile(e, scope);
  return { dims: [1], reads, evaluate: (out) => void (out[0] = evaluate()) };
}

/** Element-wise over operands of one shape, scalars broadcast. */
function elementwise(range: Expression['range'], f: (x: Float64Array) => number, args: ArrayValue[]): ArrayValue {
  const shaped = args.filter((a) => sizeOf(a.dims) !== 1);
  const dims = shaped[0]?.dims ?? [1];
  for (const a of shaped) {
    if (a.dims.length !== dims.length || a.dims.some((n, d) => n !== dims[d])) {
      throw errorAt(range, `Arrays of different shapes (${dims.join(' × ')} and ${a.dims.join(' × ')}) cannot be combined element by element.`);
    }
  }
  const n = sizeOf(dims);
  const buffers = args.map((a) => new Float64Array(sizeOf(a.dims)));
  const scalarArg = args.map((a) => sizeOf(a.dims) === 1);
  const x = new Float64Array(args.length);
  return {
    dims,
    reads: args.flatMap((a) => a.reads),
    evaluate: (out) => {
      args.forEach((a, j) => a.evaluate(buffers[j]!));
      for (let k = 0; k < n; k++) {
        for (let j = 0; j < args.length; j++) x[j] = buffers[j]![scalarArg[j] ? 0 : k]!;
        out[k] = f(x);
      }
    },
  };
}

function applied(range: Expression['range'], f: ArrayFunction, args: ArrayValue[]): ArrayValue {
  const argDims = args.map((a) => a.dims);
  const dims = f.shape(argDims);
  if (typeof dims === 'string') throw errorAt(range, `${dims}.`);
  const buffers = args.map((a) => new Float64Array(sizeOf(a.dims)));
  return {
    dims,
    reads: args.flatMap((a) => a.reads),
    evaluate: (out) => {
      args.forEach((a, j) => a.evaluate(buffers[j]!));
      f.evaluate(buffers, argDims, out);
    },
  };
}
