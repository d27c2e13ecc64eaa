import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { MovingTerms } from '../../../src/engine/inference/movingTerms';
import { refreshDeterministic } from '../../../src/engine/model/compile';
import { nodeLogDensity, propagate, type ModelGraph, type StochasticNode } from '../../../src/engine/model/graph';
import { compileWithInits, node } from './helpers';

/**
 * A slice sampler's log conditional without the terms that do not move with
 * the node (movingTerms.ts): at every value of the node it differs from the
 * full log conditional (own density plus children's) by one constant, so a
 * slice step's comparisons are unchanged; where a term moves (a child's
 * precision or size read from the node) it is kept.
 */

/** The full log conditional of `theta` at value x: the sum of nodeLogDensity over the node and its children. */
function full(graph: ModelGraph, theta: StochasticNode, x: number): number {
  theta.variable.values[theta.offset] = x;
  propagate(graph, theta);
  return [theta, ...theta.children.map((c) => graph.stochastic[c]!)].reduce((s, n) => s + nodeLogDensity(n), 0);
}

/** The differences full − moving at each value of `xs`. */
function offsets(graph: ModelGraph, theta: StochasticNode, xs: number[]): number[] {
  const terms = new MovingTerms(graph, theta, theta.children.map((c) => graph.stochastic[c]!));
  return xs.map((x) => {
    const f = full(graph, theta, x);
    return f - terms.logDensity();
  });
}

/** Whether every difference is the first, to rounding (the values themselves are of order 100). */
function constant(differences: number[]): boolean {
  return differences.every((d) => Math.abs(d - differences[0]!) < 1e-9);
}

const MODEL = `model {
  theta ~ dnorm(0.5, 2)
  for (i in 1:4) {
    logit(p[i]) <- theta + i / 4
    r[i] ~ dbin(p[i], n[i])
    y[i] ~ dnorm(theta * i, 3)
    k[i] ~ dpois(exp(theta) * i)
  }
  rate ~ dgamma(3, 2)
  for (j in 1:3) { z[j] ~ dnorm(theta, rate) }
  s ~ dgamma(2.5, 1.5)
  w ~ dnorm(1, s)
  m ~ dbin(0.3, size)
  size <- round(exp(theta)) + 5
}
data list(n = c(10, 12, 14, 16), r = c(3, 6, 8, 12), y = c(0.2, 1.1, 1.9, 3.2), k = c(1, 4, 2, 9), z = c(0.1, -0.3, 0.8), w = 1.4, m = 2)
inits list(theta = 0.3, rate = 1.5, s = 0.8)
`;

describe('a slice conditional without its fixed terms', () => {
  const graph = compileWithInits(MODEL);
  refreshDeterministic(graph);

  it('differs from the full conditional by a constant: normal prior; binomial, normal and Poisson children', () => {
    const theta = node(graph, 'theta');
    const differences = offsets(graph, theta, [-1.2, -0.3, 0, 0.4, 1.7]);
    assert.ok(constant(differences), `differences ${differences.join(', ')}`);
    // The constants were dropped, not kept: log C(n, x), ½ log τ and log x! make the offset far from 0.
    assert.ok(Math.abs(differences[0]!) > 1, `offset ${differences[0]}`);
  });

  it('keeps a child term that moves: the precision of z[j] is the node (rate), the size of m reads theta', () => {
    const rate = node(graph, 'rate');
    assert.ok(constant(offsets(graph, rate, [0.2, 1, 2.5, 6])));
    // m's size round(exp(theta)) + 5 changes from 6 to 12 over these values: its log C(size, m) must be kept.
    const theta = node(graph, 'theta');
    assert.ok(constant(offsets(graph, theta, [-2, 0, 1, 1.9])));
  });

  it('drops a gamma prior\'s normalising constant, and is −∞ outside the support', () => {
    const s = node(graph, 's');
    assert.ok(constant(offsets(graph, s, [0.1, 0.9, 3, 7.5])));
    s.variable.values[s.offset] = -1;
    const terms = new MovingTerms(graph, s, s.children.map((c) => graph.stochastic[c]!));
    assert.equal(terms.logDensity(), Number.NEGATIVE_INFINITY);
  });
});

/** Dugongs' shape: every child a normal with mean m[i] moving with g and one fixed precision, read in place (NormalPlate). */
const PLATE = `model {
  for (i in 1:5) {
    m[i] <- a - b * pow(g, x[i])
    y[i] ~ dnorm(m[i], tau)
  }
  g ~ dunif(0.5, 1)
}
data list(x = c(1, 2.5, 4, 8, 15.5), y = c(1.8, 2.0, 2.2, 2.4, 2.6), a = 2.7, b = 1, tau = 40)
inits list(g = 0.8)
`;

describe('a slice conditional over a plate of normal children read in place', () => {
  const graph = compileWithInits(PLATE);
  refreshDeterministic(graph);
  const g = node(graph, 'g');

  it('differs from the full conditional by a constant', () => {
    assert.ok(constant(offsets(graph, g, [0.55, 0.7, 0.85, 0.99])));
  });

  it('sums −τ(y − m)²/2 over the children in their order, to the bit', () => {
    const children = g.children.map((c) => graph.stochastic[c]!);
    const terms = new MovingTerms(graph, g, children);
    for (const x of [0.51, 0.77, 0.93]) {
      g.variable.values[g.offset] = x;
      propagate(graph, g);
      let expected = 0;
      for (const child of children) {
        const d = child.variable.values[child.offset]! - child.parameter(0);
        expected += -0.5 * child.parameter(1) * d * d;
      }
      assert.equal(terms.childrenLogDensity(), expected);
    }
  });
});
