/** Small dense algebra written for the reference computations of the tests, independent of the engine's. */

/** Lower Cholesky factor of a symmetric positive definite n×n matrix (row-major), or undefined. */
export function choleskyLower(a: number[], n: number): number[] | undefined {
  const l = new Array<number>(n * n).fill(0);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j <= i; j++) {
      let s = a[i * n + j]!;
      for (let k = 0; k < j; k++) s -= l[i * n + k]! * l[j * n + k]!;
      if (i === j) {
        if (!(s > 0)) return undefined;
        l[i * n + i] = Math.sqrt(s);
      } else l[i * n + j] = s / l[j * n + j]!;
    }
  }
  return l;
}

/** Solves L·x = b (forward substitution). */
export function forwardSolve(l: number[], b: number[], n: number): number[] {
  const x = b.slice();
  for (let i = 0; i < n; i++) {
    for (let k = 0; k < i; k++) x[i]! -= l[i * n + k]! * x[k]!;
    x[i] = x[i]! / l[i * n + i]!;
  }
  return x;
}

/** Least squares by the normal equations: argmin ‖y − Xb‖², X n×p row-major. */
export function leastSquares(x: number[][], y: number[]): number[] {
  const p = x[0]!.length;
  const a = new Array<number>(p * p).fill(0);
  const c = new Array<number>(p).fill(0);
  x.forEach((row, i) => {
    for (let j = 0; j < p; j++) {
      c[j]! += row[j]! * y[i]!;
      for (let k = 0; k < p; k++) a[j * p + k]! += row[j]! * row[k]!;
    }
  });
  const l = choleskyLower(a, p)!;
  const z = forwardSolve(l, c, p);
  const b = new Array<number>(p).fill(0);
  for (let i = p - 1; i >= 0; i--) {
    let s = z[i]!;
    for (let k = i + 1; k < p; k++) s -= l[k * p + i]! * b[k]!;
    b[i] = s / l[i * p + i]!;
  }
  return b;
}

/** A CSV file of numbers (NA → NaN) as columns by header name. */
export function csvColumns(text: string): Map<string, number[]> {
  const [header, ...rows] = text.trim().split('\n');
  const names = header!.split(',').map((h) => h.replace(/"/g, ''));
  const columns = new Map(names.map((n) => [n, [] as number[]]));
  for (const row of rows) row.split(',').forEach((v, j) => columns.get(names[j]!)!.push(v === 'NA' ? Number.NaN : Number(v)));
  return columns;
}

/**
 * The lasso by coordinate descent: w minimising ‖y − Xw‖²/2 + penalty·‖w‖₁, from (and into) `w`,
 * until no coordinate moves by 1e-15.
 */
export function lassoCoordinateDescent(X: number[][], y: number[], penalty: number, w: number[]): number[] {
  const D = w.length;
  const squares = Array.from({ length: D }, (_, j) => X.reduce((a, row) => a + row[j]! ** 2, 0));
  for (let sweep = 0; sweep < 10_000; sweep++) {
    let moved = 0;
    for (let j = 0; j < D; j++) {
      let z = 0;
      for (let i = 0; i < y.length; i++) {
        let partial = y[i]!;
        for (let k = 0; k < D; k++) if (k !== j) partial -= X[i]![k]! * w[k]!;
        z += X[i]![j]! * partial;
      }
      const next = (Math.sign(z) * Math.max(Math.abs(z) - penalty, 0)) / squares[j]!;
      moved = Math.max(moved, Math.abs(next - w[j]!));
      w[j] = next;
    }
    if (moved < 1e-15) break;
  }
  return w;
}
