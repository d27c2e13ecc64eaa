import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { compile } from '../engine/helpers';

/**
 * JAGS's arithmetic where IEEE arithmetic gives NaN. Figures from JAGS 4.3
 * (`jags s5.cmd` on this model with r = c(5, 0, 3), n = c(5, 4, 6), monitoring
 * sat, z1, z2, z3, z5): sat[1] = 0, z1 = z2 = z3 = 0, z5 = 1 — a product with
 * a zero factor is 0 even when the other factor is infinite.
 */
describe('JAGS arithmetic idioms', () => {
  it('takes 0 × log 0 as 0: a saturated binomial log-likelihood (n - r) * log(1 - r/n) at r = n is finite', () => {
    const g = compile(`model {
  for (i in 1:3) {
    r[i] ~ dbin(p, n[i])
    sat[i] <- (n[i] - r[i]) * log(1 - r[i] / n[i]) + r[i] * log(r[i] / n[i])
    z1[i] <- 0 * log(0)
    z2[i] <- log(0) * 0
    z3[i] <- 0 * (-log(0))
    z5[i] <- pow(0, 0)
  }
  p ~ dbeta(1, 1)
}
data list(r = c(5, 0, 3), n = c(5, 4, 6))`);
    const values = (name: string): number[] => Array.from(g.variables.get(name)!.values);
    assert.deepEqual(values('sat').slice(0, 2), [0, 0]);
    assert.ok(Math.abs(values('sat')[2]! - 6 * Math.log(0.5)) < 1e-12);
    assert.deepEqual(values('z1'), [0, 0, 0]);
    assert.deepEqual(values('z2'), [0, 0, 0]);
    assert.deepEqual(values('z3'), [0, 0, 0]);
    assert.deepEqual(values('z5'), [1, 1, 1]);
  });

  it('keeps ordinary products, infinities and NaN where no factor is zero, and missing values (NaN) times 0', () => {
    const g = compile('model {\n a <- 2 * 3\n b <- -log(0) * 2\n c <- log(-1) * 2\n m <- 0 * z\n x ~ dnorm(0, 1)\n}\ndata list(z = NA)');
    const get = (name: string): number => g.variables.get(name)!.values[0]!;
    assert.equal(get('a'), 6);
    assert.equal(get('b'), Number.POSITIVE_INFINITY);
    assert.ok(Number.isNaN(get('c')));
    assert.ok(Number.isNaN(get('m')), 'a missing value times 0 is still missing');
  });
});
