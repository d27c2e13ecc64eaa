import assert from 'node:assert/strict';
import { test } from 'node:test';
import gammaln from '@stdlib/math-base-special-gammaln';
import { logFactorial, SCALAR_DISTRIBUTIONS } from '../../../src/engine/model/distributions';
import { MULTIVARIATE_DISTRIBUTIONS } from '../../../src/engine/model/multivariate';

test('the log-factorial table agrees with gammaln(k + 1) across and beyond the table', () => {
  for (let k = 0; k < 5000; k++) {
    const exact = gammaln(k + 1);
    assert.ok(Math.abs(logFactorial(k) - exact) <= 1e-12 * Math.max(1, exact), `k = ${k}: ${logFactorial(k)} vs ${exact}`);
  }
});

test('binomial and Poisson log densities sum to 1 over their support', () => {
  const p = Float64Array.from([0.3, 40]);
  let total = 0;
  for (let x = 0; x <= 40; x++) total += Math.exp(SCALAR_DISTRIBUTIONS.dbin!.logDensity(x, p));
  assert.ok(Math.abs(total - 1) < 1e-12, `binomial total ${total}`);
  const rate = Float64Array.from([7.5]);
  total = 0;
  for (let x = 0; x <= 200; x++) total += Math.exp(SCALAR_DISTRIBUTIONS.dpois!.logDensity(x, rate));
  assert.ok(Math.abs(total - 1) < 1e-12, `Poisson total ${total}`);
});

test('the multinomial log density (on the table) sums to 1 over its support and matches gammaln beyond the table', () => {
  const dmulti = MULTIVARIATE_DISTRIBUTIONS.dmulti!;
  // Unnormalised probabilities, as a multinomial-logit model passes them.
  const p = Float64Array.from([0.5, 1.5, 2, 12]);
  let total = 0;
  const x = new Float64Array(3);
  for (let a = 0; a <= 12; a++) {
    for (let b = 0; a + b <= 12; b++) {
      x[0] = a;
      x[1] = b;
      x[2] = 12 - a - b;
      total += Math.exp(dmulti.logDensity(x, p, 3));
    }
  }
  assert.ok(Math.abs(total - 1) < 1e-12, `multinomial total ${total}`);
  // Counts past the table's 4,096: the closed form through gammaln.
  const big = Float64Array.from([3000, 2500]);
  const q = Float64Array.from([0.25, 0.75, 5500]);
  const exact = gammaln(5501) - gammaln(3001) - gammaln(2501) + 3000 * Math.log(0.25) + 2500 * Math.log(0.75);
  assert.ok(Math.abs(dmulti.logDensity(big, q, 2) - exact) < 1e-9 * Math.abs(exact), `${dmulti.logDensity(big, q, 2)} vs ${exact}`);
  // A total other than the size has no mass.
  assert.equal(dmulti.logDensity(Float64Array.from([3, 4]), Float64Array.from([0.5, 0.5, 8]), 2), Number.NEGATIVE_INFINITY);
});
