import assert from 'node:assert/strict';
import { test } from 'node:test';
import gammaln from '@stdlib/math-base-special-gammaln';
import { logFactorial, SCALAR_DISTRIBUTIONS } from '../../../src/engine/model/distributions';

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
