import { inverse, LuDecomposition, Matrix } from 'ml-matrix';

/**
 * JAGS's functions of whole arrays (bugs module): matrix algebra with
 * ml-matrix (these run once per update of a deterministic node, outside the
 * samplers' inner loops), and sorting. Arguments arrive row-major with their
 * dimensions; a vector has dims [n], a matrix [rows, columns].
 */
export interface ArrayFunction {
  name: string;
  arity: number;
  /** The value's dimensions for the arguments' dimensions, or a message saying what is wrong. */
  shape(dims: number[][]): number[] | string;
  evaluate(args: Float64Array[], dims: number[][], out: Float64Array): void;
}

const size = (d: number[]): number => d.reduce((a, b) => a * b, 1);
const isSquare = (d: number[]): boolean => (d.length === 2 && d[0] === d[1]) || size(d) === 1;
const side = (d: number[]): number => (d.length === 2 ? d[0]! : 1);

function toMatrix(values: Float64Array, rows: number, columns: number): Matrix {
  const m = new Matrix(rows, columns);
  for (let i = 0; i < rows; i++) for (let j = 0; j < columns; j++) m.set(i, j, values[i * columns + j]!);
  return m;
}

function fromMatrix(m: Matrix, out: Float64Array): void {
  const columns = m.columns;
  for (let i = 0; i < m.rows; i++) for (let j = 0; j < columns; j++) out[i * columns + j] = m.get(i, j);
}

/** Rows and columns of a %*% operand: a vector is a row on the left and a column on the right, as in R. */
function operand(d: number[], left: boolean, other: number[]): [number, number] | undefined {
  if (d.length === 2) return [d[0]!, d[1]!];
  if (d.length !== 1) return undefined;
  const n = d[0]!;
  if (left) return other.length === 2 && other[0] !== n && n === 1 ? [1, 1] : [1, n];
  return [n, 1];
}

/** The product's dimensions; dimensions of extent 1 that came from a vector are dropped, as JAGS drops them. */
export function productShape(a: number[], b: number[]): number[] | string {
  const l = operand(a, true, b);
  const r = operand(b, false, a);
  if (!l || !r) return '%*% multiplies vectors and matrices';
  if (l[1] !== r[0]) return `%*% needs conformable arguments, got ${a.join(' × ')} and ${b.join(' × ')}`;
  const dims: number[] = [];
  if (a.length === 2) dims.push(l[0]);
  if (b.length === 2) dims.push(r[1]);
  return dims.length ? dims : [1];
}

function multiply(args: Float64Array[], dims: number[][], out: Float64Array): void {
  const [rows, inner] = operand(dims[0]!, true, dims[1]!)!;
  const columns = operand(dims[1]!, false, dims[0]!)![1];
  const [a, b] = args as [Float64Array, Float64Array];
  for (let i = 0; i < rows; i++) {
    for (let j = 0; j < columns; j++) {
      let s = 0;
      for (let k = 0; k < inner; k++) s += a[i * inner + k]! * b[k * columns + j]!;
      out[i * columns + j] = s;
    }
  }
}

/** log |det A| with the sign, from the LU factors (no overflow of the determinant itself). */
export function logDeterminant(values: Float64Array, n: number): number {
  const lu = new LuDecomposition(toMatrix(values, n, n));
  const u = lu.upperTriangularMatrix;
  let log = 0;
  let sign = permutationSign(lu.pivotPermutationVector);
  for (let i = 0; i < n; i++) {
    const d = u.get(i, i);
    if (d === 0) return Number.NEGATIVE_INFINITY;
    if (d < 0) sign = -sign;
    log += Math.log(Math.abs(d));
  }
  // JAGS's logdet is for positive definite matrices: a negative determinant has no logarithm.
  return sign > 0 ? log : Number.NaN;
}

/** +1 for an even permutation, −1 for an odd one: each cycle of length L takes L − 1 swaps. */
function permutationSign(p: number[]): number {
  const seen = new Uint8Array(p.length);
  let sign = 1;
  for (let i = 0; i < p.length; i++) {
    if (seen[i]) continue;
    let length = 0;
    for (let j = i; !seen[j]; j = p[j]!) {
      seen[j] = 1;
      length++;
    }
    if (length % 2 === 0) sign = -sign;
  }
  return sign;
}

/**
 * exp(A) by scaling and squaring: A/2^s has norm ≤ 1/2, where a Taylor series
 * of 18 terms is exact to double precision; then square s times.
 */
export function matrixExponential(values: Float64Array, n: number, out: Float64Array): void {
  let norm = 0;
  for (let i = 0; i < n; i++) {
    let row = 0;
    for (let j = 0; j < n; j++) row += Math.abs(values[i * n + j]!);
    norm = Math.max(norm, row);
  }
  const squarings = norm > 0.5 ? Math.ceil(Math.log2(norm / 0.5)) : 0;
  const a = toMatrix(values, n, n).mul(2 ** -squarings);
  let term = Matrix.eye(n);
  let sum = Matrix.eye(n);
  for (let k = 1; k <= 18; k++) {
    term = term.mmul(a).div(k);
    sum = sum.add(term);
  }
  for (let s = 0; s < squarings; s++) sum = sum.mmul(sum);
  fromMatrix(sum, out);
}

/** Positions 0..n-1 in increasing order of the values; ties keep their order. */
function ordering(v: Float64Array): number[] {
  return Array.from(v.keys()).sort((i, j) => v[i]! - v[j]! || i - j);
}

const vectorOnly = (name: string) => (dims: number[][]): number[] | string => (dims[0]!.length === 1 ? [dims[0]![0]!] : `${name}() takes a vector`);
const squareOnly = (name: string, result: (n: number) => number[]) => (dims: number[][]): number[] | string =>
  isSquare(dims[0]!) ? result(side(dims[0]!)) : `${name}() takes a square matrix, got ${dims[0]!.join(' × ')}`;

export const ARRAY_FUNCTIONS: Record<string, ArrayFunction> = Object.fromEntries(
  ([
    {
      name: '%*%',
      arity: 2,
      shape: (dims) => productShape(dims[0]!, dims[1]!),
      evaluate: multiply,
    },
    {
      name: 'inverse',
      arity: 1,
      shape: squareOnly('inverse', (n) => (n === 1 ? [1] : [n, n])),
      evaluate: (args, dims, out) => {
        const n = side(dims[0]!);
        fromMatrix(inverse(toMatrix(args[0]!, n, n)), out);
      },
    },
    {
      name: 'logdet',
      arity: 1,
      shape: squareOnly('logdet', () => [1]),
      evaluate: (args, dims, out) => {
        out[0] = logDeterminant(args[0]!, side(dims[0]!));
      },
    },
    {
      name: 'mexp',
      arity: 1,
      shape: squareOnly('mexp', (n) => (n === 1 ? [1] : [n, n])),
      evaluate: (args, dims, out) => matrixExponential(args[0]!, side(dims[0]!), out),
    },
    {
      name: 't',
      arity: 1,
      // A vector becomes a one-row matrix, as in JAGS.
      shape: (dims) => (dims[0]!.length === 2 ? [dims[0]![1]!, dims[0]![0]!] : dims[0]!.length === 1 ? [1, dims[0]![0]!] : 't() takes a vector or a matrix'),
      evaluate: (args, dims, out) => {
        const d = dims[0]!;
        const [rows, columns] = d.length === 2 ? [d[0]!, d[1]!] : [d[0]!, 1];
        for (let i = 0; i < rows; i++) for (let j = 0; j < columns; j++) out[j * rows + i] = args[0]![i * columns + j]!;
      },
    },
    {
      name: 'sort',
      arity: 1,
      shape: vectorOnly('sort'),
      evaluate: (args, _dims, out) => {
        out.set(args[0]!);
        out.sort();
      },
    },
    {
      name: 'order',
      arity: 1,
      shape: vectorOnly('order'),
      evaluate: (args, _dims, out) => ordering(args[0]!).forEach((i, k) => (out[k] = i + 1)),
    },
    {
      name: 'rank',
      arity: 1,
      shape: vectorOnly('rank'),
      evaluate: (args, _dims, out) => ordering(args[0]!).forEach((i, k) => (out[i] = k + 1)),
    },
    {
      name: 'dim',
      arity: 1,
      shape: (dims) => [Math.max(1, dims[0]!.length)],
      evaluate: (_args, dims, out) => dims[0]!.forEach((n, k) => (out[k] = n)),
    },
    {
      name: 'length',
      arity: 1,
      shape: () => [1],
      evaluate: (_args, dims, out) => {
        out[0] = size(dims[0]!);
      },
    },
    {
      name: 'interp.lin',
      arity: 3,
      shape: (dims) => (size(dims[0]!) === 1 && dims[1]!.length === 1 && dims[2]!.length === 1 && dims[1]![0] === dims[2]![0] ? [1] : 'interp.lin(e, v1[], v2[]) takes a value and two vectors of the same length'),
      evaluate: (args, _dims, out) => {
        out[0] = interpolate(args[0]![0]!, args[1]!, args[2]!);
      },
    },
  ] as ArrayFunction[]).map((fn) => [fn.name, fn]),
);

/** Linear interpolation of the points (v1[k], v2[k]), v1 increasing; constant beyond the ends, as JAGS's interp.lin. */
export function interpolate(e: number, v1: Float64Array, v2: Float64Array): number {
  const n = v1.length;
  if (e <= v1[0]!) return v2[0]!;
  if (e >= v1[n - 1]!) return v2[n - 1]!;
  let k = 0;
  while (e > v1[k + 1]!) k++;
  const w = (e - v1[k]!) / (v1[k + 1]! - v1[k]!);
  return v2[k]! + w * (v2[k + 1]! - v2[k]!);
}
