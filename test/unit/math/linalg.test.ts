import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  cholesky, choleskyInPlace, inverseFromCholesky, invertLowerTriangular, logDeterminantFromCholesky, mahalanobisSquared, quadraticForm, solveWithCholeskyInPlace,
} from '../../../src/engine/math/linalg';

const A = Float64Array.from([4, 2, 0.4, 2, 3, 0.5, 0.4, 0.5, 2]);

test('cholesky factor reproduces the matrix', () => {
  const l = new Float64Array(9);
  assert.ok(cholesky(A, l, 3));
  for (let i = 0; i < 3; i++) {
    for (let j = 0; j < 3; j++) {
      let s = 0;
      for (let k = 0; k < 3; k++) s += l[i * 3 + k]! * l[j * 3 + k]!;
      assert.ok(Math.abs(s - A[i * 3 + j]!) < 1e-12);
    }
    for (let j = i + 1; j < 3; j++) assert.equal(l[i * 3 + j], 0);
  }
});

test('a matrix that is not positive definite is refused', () => {
  assert.equal(choleskyInPlace(Float64Array.from([1, 2, 2, 1]), 2), false);
  assert.equal(choleskyInPlace(Float64Array.from([Number.NaN, 0, 0, 1]), 2), false);
});

test('log determinant, solve, inverse and Mahalanobis agree with direct formulas', () => {
  const l = new Float64Array(9);
  cholesky(A, l, 3);
  // det by cofactor expansion
  const det = 4 * (3 * 2 - 0.5 * 0.5) - 2 * (2 * 2 - 0.5 * 0.4) + 0.4 * (2 * 0.5 - 3 * 0.4);
  assert.ok(Math.abs(logDeterminantFromCholesky(l, 3) - Math.log(det)) < 1e-12);
  const b = Float64Array.from([1, -2, 0.5]);
  const x = Float64Array.from(b);
  solveWithCholeskyInPlace(l, x, 3);
  for (let i = 0; i < 3; i++) {
    let s = 0;
    for (let j = 0; j < 3; j++) s += A[i * 3 + j]! * x[j]!;
    assert.ok(Math.abs(s - b[i]!) < 1e-12);
  }
  const inv = new Float64Array(9);
  inverseFromCholesky(l, inv, 3, new Float64Array(3));
  assert.ok(Math.abs(mahalanobisSquared(l, b, 3, new Float64Array(3)) - quadraticForm(inv, b, 3)) < 1e-12);
  let bx = 0;
  for (let i = 0; i < 3; i++) bx += b[i]! * x[i]!;
  assert.ok(Math.abs(quadraticForm(inv, b, 3) - bx) < 1e-12);
});

test('the inverse of a lower-triangular factor is lower triangular and multiplies L back to the identity, also in place', () => {
  const d = 3;
  const l = new Float64Array(9);
  cholesky(A, l, d);
  const inv = new Float64Array(9).fill(7);
  invertLowerTriangular(l, inv, d);
  for (let i = 0; i < d; i++) {
    for (let j = 0; j < d; j++) {
      let s = 0;
      for (let k = 0; k < d; k++) s += l[i * d + k]! * inv[k * d + j]!;
      assert.ok(Math.abs(s - (i === j ? 1 : 0)) < 1e-12);
      if (j > i) assert.equal(inv[i * d + j], 0);
    }
  }
  const inPlace = Float64Array.from(l);
  invertLowerTriangular(inPlace, inPlace, d);
  assert.deepEqual(inPlace, inv);
});
