/**
 * Dense symmetric positive-definite algebra on row-major Float64Arrays, for
 * the hot loops of the samplers and EM: no objects, no allocation, the caller
 * owns every buffer. Matrices are d × d with element (i, j) at i·d + j.
 */

/**
 * Overwrites the lower triangle of `a` with L, where a = L·Lᵀ, and zeroes the
 * strict upper triangle. Returns false (leaving `a` partly overwritten) when
 * `a` is not numerically positive definite.
 */
export function choleskyInPlace(a: Float64Array, d: number): boolean {
  for (let j = 0; j < d; j++) {
    const rowJ = j * d;
    let diagonal = a[rowJ + j]!;
    for (let k = 0; k < j; k++) diagonal -= a[rowJ + k]! * a[rowJ + k]!;
    if (!(diagonal > 0)) return false;
    const ljj = Math.sqrt(diagonal);
    a[rowJ + j] = ljj;
    for (let i = j + 1; i < d; i++) {
      const rowI = i * d;
      let s = a[rowI + j]!;
      for (let k = 0; k < j; k++) s -= a[rowI + k]! * a[rowJ + k]!;
      a[rowI + j] = s / ljj;
    }
    for (let k = j + 1; k < d; k++) a[rowJ + k] = 0;
  }
  return true;
}

/** Copies `source` into `target` and factorises it there; see choleskyInPlace. */
export function cholesky(source: Float64Array, target: Float64Array, d: number): boolean {
  target.set(source.subarray(0, d * d));
  return choleskyInPlace(target, d);
}

/** log det(A) from A's Cholesky factor L: 2·Σ log L_ii. */
export function logDeterminantFromCholesky(l: Float64Array, d: number): number {
  let s = 0;
  for (let i = 0; i < d; i++) s += Math.log(l[i * d + i]!);
  return 2 * s;
}

/** Solves L·x = b in place (b becomes x); L lower triangular. */
export function solveLowerInPlace(l: Float64Array, b: Float64Array, d: number): void {
  for (let i = 0; i < d; i++) {
    let s = b[i]!;
    const row = i * d;
    for (let k = 0; k < i; k++) s -= l[row + k]! * b[k]!;
    b[i] = s / l[row + i]!;
  }
}

/** Solves Lᵀ·x = b in place (b becomes x); L lower triangular. */
export function solveLowerTransposeInPlace(l: Float64Array, b: Float64Array, d: number): void {
  for (let i = d - 1; i >= 0; i--) {
    let s = b[i]!;
    for (let k = i + 1; k < d; k++) s -= l[k * d + i]! * b[k]!;
    b[i] = s / l[i * d + i]!;
  }
}

/** Solves A·x = b in place given A's Cholesky factor L. */
export function solveWithCholeskyInPlace(l: Float64Array, b: Float64Array, d: number): void {
  solveLowerInPlace(l, b, d);
  solveLowerTransposeInPlace(l, b, d);
}

/** Writes A⁻¹ into `out` given A's Cholesky factor L; `column` is d scratch values. */
export function inverseFromCholesky(l: Float64Array, out: Float64Array, d: number, column: Float64Array): void {
  for (let j = 0; j < d; j++) {
    column.fill(0, 0, d);
    column[j] = 1;
    solveWithCholeskyInPlace(l, column, d);
    for (let i = 0; i < d; i++) out[i * d + j] = column[i]!;
  }
  // Symmetrise: the two triangles differ by rounding only.
  for (let i = 0; i < d; i++) {
    for (let j = i + 1; j < d; j++) {
      const m = 0.5 * (out[i * d + j]! + out[j * d + i]!);
      out[i * d + j] = m;
      out[j * d + i] = m;
    }
  }
}

/** Squared Mahalanobis norm xᵀA⁻¹x, with L the Cholesky factor of A: |L⁻¹x|². `scratch` holds d values. */
export function mahalanobisSquared(l: Float64Array, x: Float64Array, d: number, scratch: Float64Array): number {
  for (let i = 0; i < d; i++) scratch[i] = x[i]!;
  solveLowerInPlace(l, scratch, d);
  let s = 0;
  for (let i = 0; i < d; i++) s += scratch[i]! * scratch[i]!;
  return s;
}

/** Quadratic form xᵀ·A·x for a full row-major A. */
export function quadraticForm(a: Float64Array, x: Float64Array, d: number): number {
  let s = 0;
  for (let i = 0; i < d; i++) {
    let r = 0;
    const row = i * d;
    for (let j = 0; j < d; j++) r += a[row + j]! * x[j]!;
    s += x[i]! * r;
  }
  return s;
}

/**
 * Writes L⁻¹ (lower triangular) into `out` and zeroes its strict upper
 * triangle; `out` may be `l` itself. With L the Cholesky factor of a
 * covariance Σ, L⁻ᵀ is the Cholesky factor of the precision Σ⁻¹ and
 * |L⁻¹(x − μ)|² is the squared Mahalanobis distance: a product, no division,
 * in the hot loop of a Gaussian density.
 */
export function invertLowerTriangular(l: Float64Array, out: Float64Array, d: number): void {
  // Column by column from the last, so that in-place works: column j of L⁻¹
  // needs columns ≥ j of L only through entries already replaced.
  for (let j = d - 1; j >= 0; j--) {
    const inverseDiagonal = 1 / l[j * d + j]!;
    for (let i = d - 1; i > j; i--) {
      // (L⁻¹)_ij = −(1/L_jj)·Σ_{k=j+1..i} (L⁻¹)_ik·L_kj; rows i > j of column j read L's column j, untouched so far.
      let s = 0;
      for (let k = j + 1; k <= i; k++) s += out[i * d + k]! * l[k * d + j]!;
      out[i * d + j] = -s * inverseDiagonal;
    }
    out[j * d + j] = inverseDiagonal;
    for (let k = j + 1; k < d; k++) out[j * d + k] = 0;
  }
}
