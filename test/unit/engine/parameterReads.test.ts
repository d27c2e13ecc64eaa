import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { analyzeConditional } from '../../../src/engine/inference/conditionals';
import { ChildReads } from '../../../src/engine/inference/parameterReads';
import { refreshDeterministic } from '../../../src/engine/model/compile';
import { compile, node, setValue } from './helpers';

/** Rats' shape: values in one array (Y), means in another (mu), every precision the node tau itself. */
const ONE_ARRAY = `model {
  for (i in 1:4) {
    mu[i] <- a + b * i
    y[i] ~ dnorm(mu[i], tau)
  }
  a ~ dnorm(0, 1)
  b ~ dnorm(0, 1)
  tau ~ dgamma(2, 3)
}
data list(y = c(1.1, 2.3, 2.9, 4.4))`;

/** The same children split over two variables (y and z), and one mean not a plain element: no single array. */
const TWO_ARRAYS = `model {
  for (i in 1:2) {
    mu[i] <- a + b * i
    y[i] ~ dnorm(mu[i], tau)
  }
  z1 ~ dnorm(mu[3], tau)
  z2 ~ dnorm(a + b * 4, tau)
  mu[3] <- a + b * 3
  a ~ dnorm(0, 1)
  b ~ dnorm(0, 1)
  tau ~ dgamma(2, 3)
}
data list(y = c(1.1, 2.3), z1 = 2.9, z2 = 4.4)`;

function gammaRate(source: string): { shape: number; rate: number } {
  const g = compile(source);
  setValue(g, 'a', 0.2);
  setValue(g, 'b', 0.95);
  setValue(g, 'tau', 1.3);
  refreshDeterministic(g);
  const c = analyzeConditional(g, node(g, 'tau'));
  assert.equal(c?.family, 'gamma');
  const out = new Float64Array(2);
  c.parameters(out);
  return { shape: out[0]!, rate: out[1]! };
}

describe('ChildReads: children read in place from one array', () => {
  it('knows the one array when every child reads the same one, and none when they differ or a read is not in place', () => {
    const one = compile(ONE_ARRAY);
    const children = node(one, 'tau').children.map((id) => one.stochastic[id]!);
    assert.equal(ChildReads.values(children).single, one.variables.get('y')!.values);
    assert.equal(ChildReads.parameters(one, children, () => 0).single, one.variables.get('mu')!.values);
    const two = compile(TWO_ARRAYS);
    const split = node(two, 'tau').children.map((id) => two.stochastic[id]!);
    assert.equal(ChildReads.values(split).single, undefined);
    const means = ChildReads.parameters(two, split, () => 0);
    // z2's mean a + b·4 is an expression, not an element: it is asked for, and no array serves every child.
    assert.ok(means.offsets.includes(-1));
    assert.equal(means.single, undefined);
    assert.equal(ChildReads.values([]).single, undefined);
  });

  it('gives the gamma conditional of a shared precision the same shape and rate from one array as child by child', () => {
    const fromOne = gammaRate(ONE_ARRAY);
    const fromTwo = gammaRate(TWO_ARRAYS);
    const residuals = [1.1, 2.3, 2.9, 4.4].map((y, k) => y - (0.2 + 0.95 * (k + 1)));
    const rate = 3 + 0.5 * residuals.reduce((s, r) => s + r * r, 0);
    assert.equal(fromOne.shape, 2 + 4 / 2);
    assert.equal(fromTwo.shape, 2 + 4 / 2);
    // The same residuals summed in the same order: equal to the last bit on both paths.
    assert.equal(fromOne.rate, fromTwo.rate);
    assert.ok(Math.abs(fromOne.rate - rate) <= 1e-12 * rate, `${fromOne.rate} against ${rate}`);
  });
});
