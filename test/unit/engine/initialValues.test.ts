import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { prepareChain } from '../../../src/engine/run/chainSession';
import { request, singleProblem, textOf } from './helpers';

/** The starting value of every monitored node of a cell, by name. */
function start(source: string): Record<string, number> {
  const session = prepareChain(request(source), 0);
  return Object.fromEntries(session.monitors.map((m) => [m.name, m.variable.values[m.offset]!]));
}

describe('initial values', () => {
  it('starts each node at a typical value of its prior: the mean, or the centre of its range', () => {
    assert.deepEqual(start('model { n ~ dnorm(2, 1)\n g ~ dgamma(2, 4)\n e ~ dexp(4)\n u ~ dunif(-1, 3)\n b ~ dbeta(1, 3)\n l ~ dlnorm(0, 1) }'), {
      n: 2, g: 0.5, e: 0.25, u: 1, b: 0.25, l: 1,
    });
  });

  it('fills in nodes whose prior reads other nodes, in as many passes as it takes', () => {
    assert.deepEqual(start('model { c ~ dunif(a, 10)\n a ~ dnorm(b, 1)\n b ~ dnorm(3, 1) }'), { c: 6.5, a: 3, b: 3 });
  });

  it('moves a typical value inside the truncation bounds', () => {
    assert.deepEqual(start('model { a ~ dnorm(0, 1) T(1, 2)\n b ~ dnorm(0, 1) T(5,)\n c ~ dnorm(0, 1) T(,-5) }'), { a: 1.5, b: 6, c: -6 });
  });

  it('takes given initial values, and NA in them as "choose one"', () => {
    assert.deepEqual(start('model { for (i in 1:3) { t[i] ~ dnorm(7, 1) } }\ninits list(t = c(1, NA, 3))'), { 't[1]': 1, 't[2]': 7, 't[3]': 3 });
  });

  it('warns of an initial value for a name the model does not have (a leftover tau), ignores it and goes on, as JAGS does', () => {
    const source = 'model { a ~ dnorm(0, 1) }\ninits list(a = 1, tau = 2)';
    const read = request(source);
    assert.deepEqual(read.warnings.map((w) => [w.severity, w.message, textOf(source, w.range)]), [
      ['warning', "'tau' is given an initial value but the model has no such variable; it is ignored.", 'tau = 2'],
    ]);
    assert.deepEqual(start(source), { a: 1 });
  });

  it('reports an initial value of the wrong length', () => {
    const source = 'model { a ~ dnorm(0, 1) }\ninits list(a = c(1, 2))';
    assert.match(singleProblem(source, () => prepareChain(request(source), 0)).message, /has 2 element\(s\) but a has 1/);
  });

  it('reports an initial value for an observed node', () => {
    const source = 'model { y ~ dnorm(a, 1)\n a ~ dnorm(0, 1) }\ndata list(y = 1)\ninits list(y = 2)';
    assert.match(singleProblem(source, () => prepareChain(request(source), 0)).message, /y is given an initial value but it is not an unobserved stochastic node/);
  });

  it('reports an unobserved node no sampler can update (dmulti without a conjugate structure) at its statement', () => {
    // The observed y makes n informative; without it n would simply be drawn from its prior.
    const source = 'model {\n n[1:3] ~ dmulti(p[], 5)\n y ~ dnorm(n[1], 1)\n}\ndata list(p = c(0.2, 0.3, 0.5), y = 1)';
    const p = singleProblem(source, () => prepareChain(request(source), 0));
    assert.match(p.message, /No sampler can update n\[1:3\] \(dmulti, unobserved\)/);
    assert.equal(textOf(source, p.range), 'n[1:3] ~ dmulti(p[], 5)');
  });
});
