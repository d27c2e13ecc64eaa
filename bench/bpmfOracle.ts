/**
 * How low can BPMF's test RMSE go on the generated ML-100k-shape ratings?
 * Oracle bounds from the generating factors (scripts/ratingsData.ts):
 *
 *   node --import tsx bench/bpmfOracle.ts
 *
 * prints the test RMSE of the true means (the noise floor), of the exact
 * posterior means of U given the true V (and of V given the true U), each a
 * Bayesian linear regression per row with the generating prior and noise, and
 * of both such estimates together. A sampler that must also learn the
 * partner factors cannot beat the first two on average: they bound what the
 * data allow at this number of ratings per row.
 */
import { CholeskyDecomposition, Matrix } from 'ml-matrix';
import { makeRatings, ML100K_SHAPE, type Rating } from '../scripts/ratingsData';

const data = makeRatings(ML100K_SHAPE);
const D = ML100K_SHAPE.rank;
const PRIOR_VARIANCE = Math.sqrt(0.8 / D);
const NOISE_VARIANCE = 0.25;
const MEAN = 3.5;

/** Per row of one side, the posterior mean of its factor given the other side's true factors. */
function rowMeans(rows: number, own: 'user' | 'item', partner: Float64Array, other: 'user' | 'item'): Float64Array {
  const estimate = new Float64Array(rows * D);
  const ratings: Rating[][] = Array.from({ length: rows }, () => []);
  for (const r of data.train) ratings[r[own] - 1]!.push(r);
  for (let i = 0; i < rows; i++) {
    const precision = Matrix.eye(D).mul(1 / PRIOR_VARIANCE);
    const linear = Matrix.zeros(D, 1);
    for (const r of ratings[i]!) {
      const v = Matrix.columnVector(Array.from(partner.subarray((r[other] - 1) * D, r[other] * D)));
      precision.add(v.mmul(v.transpose()).div(NOISE_VARIANCE));
      linear.add(v.mul((r.rating - MEAN) / NOISE_VARIANCE));
    }
    estimate.set(new CholeskyDecomposition(precision).solve(linear).to1DArray(), i * D);
  }
  return estimate;
}

function testRmse(U: Float64Array, V: Float64Array): number {
  let squares = 0;
  for (const r of data.test) {
    let mean = MEAN;
    for (let k = 0; k < D; k++) mean += U[(r.user - 1) * D + k]! * V[(r.item - 1) * D + k]!;
    squares += (r.rating - mean) ** 2;
  }
  return Math.sqrt(squares / data.test.length);
}

const U = rowMeans(ML100K_SHAPE.users, 'user', data.V, 'item');
const V = rowMeans(ML100K_SHAPE.items, 'item', data.U, 'user');
console.log(`test RMSE: true means (noise floor) ${testRmse(data.U, data.V).toFixed(4)}; U estimated, V known ${testRmse(U, data.V).toFixed(4)}; U known, V estimated ${testRmse(data.U, V).toFixed(4)}; both estimated so ${testRmse(U, V).toFixed(4)}`);
