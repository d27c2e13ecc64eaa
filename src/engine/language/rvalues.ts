import type { Expression } from './ast';
import { errorAt, type Problem } from './source';

/**
 * A numeric array as the engine stores data: row-major (the last index
 * varies fastest), NaN marking a missing (NA) element.
 */
export interface DataArray {
  dims: number[];
  values: Float64Array;
}

export type NamedValues = Map<string, DataArray>;

/**
 * Evaluates an R-style value, the way JAGS users write data and inits:
 * numbers, NA, c(...), a:b, rep(x, n), structure(c(...), .Dim = c(r, c))
 * (filled column-major, as R does), and list(name = value, ...).
 */
export function evaluateList(expression: Expression, what: string): NamedValues {
  if (expression.kind !== 'call' || expression.callee !== 'list') {
    throw errorAt(expression.range, `Expected ${what} as list(name = value, ...), as in list(N = 3, y = c(1.2, 0.7, 2.1)).`);
  }
  const result: NamedValues = new Map();
  for (const arg of expression.args) {
    if (arg.name === undefined) throw errorAt(arg.range, `Every entry of the ${what} list needs a name, as in y = c(1, 2).`);
    if (result.has(arg.name)) throw errorAt(arg.range, `'${arg.name}' is given twice in the ${what}.`);
    result.set(arg.name, evaluateArray(arg.value));
  }
  return result;
}

/**
 * The arrays of a list(...) written as BUGS writes its data files, structure(.Data = c(...), .Dim = c(r, c)).
 * BUGS (OpenBUGS, WinBUGS) fills .Data row by row; R and JAGS fill it column by column, and so do we. Data
 * pasted from a BUGS example would be read transposed without a word, so each such matrix gets a warning.
 * (R's dump() and JAGS's files write structure(c(...), ...) without the name, and are not warned about.)
 */
export function bugsOrderWarnings(list: Expression): Problem[] {
  if (list.kind !== 'call' || list.callee !== 'list') return [];
  const warnings: Problem[] = [];
  for (const arg of list.args) {
    const e = arg.value;
    if (arg.name === undefined || e.kind !== 'call' || e.callee !== 'structure' || !e.args.some((a) => a.name === '.Data')) continue;
    const dim = e.args.find((a) => a.name === '.Dim' || a.name === 'dim');
    const dims = dim ? Array.from(evaluateArray(dim.value).values) : [];
    if (dims.filter((d) => d > 1).length < 2) continue;
    warnings.push({
      severity: 'warning',
      range: arg.range,
      message:
        `${arg.name}: structure(.Data = ..., .Dim = c(${dims.join(', ')})) in a list(...) is BUGS's data format, which fills .Data row by row; ` +
        `it is read here as R and JAGS read it, column by column. If these values come from a BUGS data file, ${arg.name} is transposed: ` +
        `give them in R's order (as R's dump() writes them), or reverse .Dim and the indices.`,
    });
  }
  return warnings;
}

export function evaluateArray(e: Expression): DataArray {
  switch (e.kind) {
    case 'number':
      return scalar(e.value);
    case 'name':
      if (MISSING.has(e.name)) return scalar(Number.NaN);
      if (e.name === 'TRUE' || e.name === 'T') return scalar(1);
      if (e.name === 'FALSE' || e.name === 'F') return scalar(0);
      if (e.name === 'Inf') return scalar(Number.POSITIVE_INFINITY);
      if (e.name === 'NaN') throw errorAt(e.range, 'NaN (not a number, the result of a failed computation) is not a value the model can use; write NA for a missing value.');
      throw errorAt(e.range, `'${e.name}' is not a value here: data and initial values are numbers, NA, c(...) or structure(...).`);
    case 'unary': {
      const inner = evaluateArray(e.operand);
      if (e.op === '!') throw errorAt(e.range, "'!' is not allowed in data.");
      if (e.op === '-') inner.values = inner.values.map((v) => -v);
      return inner;
    }
    case 'binary':
      if (e.op === ':') {
        const from = scalarOf(e.left);
        const to = scalarOf(e.right);
        if (!Number.isFinite(from) || !Number.isFinite(to)) throw errorAt(e.range, 'The bounds of a:b must be finite numbers.');
        const n = Math.floor(Math.abs(to - from)) + 1;
        if (n > MAX_ELEMENTS) throw errorAt(e.range, `a:b would make ${n} values; at most ${MAX_ELEMENTS} are allowed.`);
        const step = to >= from ? 1 : -1;
        return vector(Float64Array.from({ length: n }, (_, k) => from + k * step));
      }
      throw errorAt(e.range, `The operator '${e.op}' is not allowed in data; write the values out.`);
    case 'call':
      return evaluateCall(e);
    default:
      throw errorAt(e.range, 'Expected a number, NA, c(...) or structure(...).');
  }
}

function evaluateCall(e: Extract<Expression, { kind: 'call' }>): DataArray {
  switch (e.callee) {
    case 'c': {
      const parts = e.args.map((a) => evaluateArray(a.value).values);
      const values = new Float64Array(parts.reduce((n, p) => n + p.length, 0));
      let at = 0;
      for (const p of parts) {
        values.set(p, at);
        at += p.length;
      }
      return vector(values);
    }
    case 'rep':
      return repeat(e);
    case 'as.integer':
    case 'as.double':
    case 'as.numeric': {
      // R's conversions, as dump() writes them: as.integer truncates towards zero.
      const a = e.args[0];
      if (e.args.length !== 1 || a!.name !== undefined) throw errorAt(e.range, `${e.callee} takes one value, as in ${e.callee}(c(2, 3)).`);
      const inner = evaluateArray(a!.value);
      if (e.callee === 'as.integer') inner.values = inner.values.map((v) => Math.trunc(v));
      return inner;
    }
    case 'numeric':
    case 'double':
    case 'integer': {
      // numeric(0), as dump() writes an empty vector; numeric(n) is n zeros.
      const n = e.args.length === 0 ? 0 : scalarOf(e.args[0]!.value);
      if (e.args.length > 1 || !Number.isInteger(n) || n < 0 || n > MAX_ELEMENTS) throw errorAt(e.range, `${e.callee}(n) takes a whole number n ≥ 0.`);
      return vector(new Float64Array(n));
    }
    case 'structure': {
      // Attributes other than the dimensions (.Dimnames, .Names, class, ...) do not change the values.
      const data = e.args.find((a) => a.name === undefined || a.name === '.Data');
      const dim = e.args.find((a) => a.name === '.Dim' || a.name === 'dim');
      if (!data) throw errorAt(e.range, 'structure(...) needs its values, as in structure(c(1, 2, 3, 4), .Dim = c(2, 2)).');
      const values = evaluateArray(data.value).values;
      if (!dim) return vector(values);
      const dims = Array.from(evaluateArray(dim.value).values);
      if (dims.length === 0 || dims.some((d) => !Number.isInteger(d) || d < 0)) {
        throw errorAt(dim.range, `.Dim must be whole numbers ≥ 0, got c(${dims.join(', ')}).`);
      }
      const size = dims.reduce((a, b) => a * b, 1);
      if (size !== values.length) {
        throw errorAt(e.range, `structure(...) has ${values.length} values but .Dim = c(${dims.join(', ')}) needs ${size}.`);
      }
      return { dims, values: columnMajorToRowMajor(values, dims) };
    }
    default:
      throw errorAt(e.calleeRange, `'${e.callee}(...)' is not allowed in data; use c(...), rep(...), structure(...), as.integer(...) or a:b.`);
  }
}

/** R's missing values: NA and its typed forms. (NaN is an error: a failed computation, not a missing value.) */
const MISSING = new Set(['NA', 'NA_integer_', 'NA_real_']);

/** Guards against data that would exhaust memory, e.g. 1:1e12. */
const MAX_ELEMENTS = 1e8;

/** R's rep(x, times), rep(x, each = k), rep(x, times = n, each = k). */
function repeat(e: Extract<Expression, { kind: 'call' }>): DataArray {
  const [x, ...rest] = e.args;
  if (!x || x.name !== undefined) throw errorAt(e.range, 'rep needs a value first, as in rep(0, 10) or rep(c(1, 2), each = 3).');
  let times = 1;
  let each = 1;
  for (const [k, arg] of rest.entries()) {
    const name = arg.name ?? (k === 0 ? 'times' : undefined);
    if (name !== 'times' && name !== 'each') throw errorAt(arg.range, "rep takes a count: rep(x, n), rep(x, times = n) or rep(x, each = k).");
    const count = scalarOf(arg.value);
    if (!Number.isInteger(count) || count < 0) throw errorAt(arg.range, `The count in rep must be a whole number ≥ 0, got ${count}.`);
    if (name === 'times') times = count;
    else each = count;
  }
  const v = evaluateArray(x.value).values;
  const size = v.length * times * each;
  if (size > MAX_ELEMENTS) throw errorAt(e.range, `rep would make ${size} values; at most ${MAX_ELEMENTS} are allowed.`);
  const values = new Float64Array(size);
  let at = 0;
  for (let t = 0; t < times; t++) for (let k = 0; k < v.length; k++) for (let r = 0; r < each; r++) values[at++] = v[k]!;
  return vector(values);
}

/** R fills arrays with the first index fastest; the engine stores the last index fastest. */
export function columnMajorToRowMajor(values: Float64Array, dims: number[]): Float64Array {
  const out = new Float64Array(values.length);
  const index = new Array<number>(dims.length).fill(0);
  for (let k = 0; k < values.length; k++) {
    let rowMajor = 0;
    for (let d = 0; d < dims.length; d++) rowMajor = rowMajor * dims[d]! + index[d]!;
    out[rowMajor] = values[k]!;
    for (let d = 0; d < dims.length; d++) {
      if (++index[d]! < dims[d]!) break;
      index[d] = 0;
    }
  }
  return out;
}

function scalarOf(e: Expression): number {
  const a = evaluateArray(e);
  if (a.values.length !== 1) throw errorAt(e.range, 'Expected a single number here.');
  return a.values[0]!;
}

function scalar(v: number): DataArray {
  return { dims: [], values: Float64Array.of(v) };
}

function vector(values: Float64Array): DataArray {
  return { dims: [values.length], values };
}
