import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { LinkedTerms } from '../../../src/engine/inference/linkedTerms';
import { SliceSampler } from '../../../src/engine/inference/sliceSamplers';
import { refreshDeterministic } from '../../../src/engine/model/compile';
import { nodeLogDensity, propagate, type ModelGraph, type StochasticNode } from '../../../src/engine/model/graph';
import { Random } from '../../../src/engine/random/rng';
import { compileWithInits, node } from './helpers';

/**
 * A GLM node's slice conditional from its children's linear predictors
 * (linkedTerms.ts): at every value it differs from the full log conditional
 * by one constant, without the definitions downstream being recomputed; the
 * sampler leaves them current; and it is not used where a definition is read
 * otherwise than as a probability or rate.
 */

const GLM = `model {
  for (i in 1:4) {
    logit(p[i]) <- a + 0.5 * i + b[i]
    r[i] ~ dbin(p[i], n[i])
    logit(q[i]) <- a - i / 3
    s[i] ~ dbern(q[i])
    log(lambda[i]) <- 0.2 * a + b[i]
    k[i] ~ dpois(lambda[i])
    b[i] ~ dnorm(0, 2)
  }
  a ~ dnorm(0, 0.1)
}
data list(n = c(10, 12, 14, 16), r = c(3, 6, 8, 15), s = c(1, 0, 1, 0), k = c(2, 0, 5, 9))
inits list(a = 0.3, b = c(0.1, -0.2, 0.3, 0))
`;

function childrenOf(graph: ModelGraph, n: StochasticNode): StochasticNode[] {
  return n.children.map((c) => graph.stochastic[c]!);
}

/** full − linked at each value: the full conditional propagated, the linked one read with the definitions left stale. */
function differences(graph: ModelGraph, theta: StochasticNode, terms: LinkedTerms, xs: number[]): number[] {
  return xs.map((x) => {
    theta.variable.values[theta.offset] = x;
    const linked = terms.logDensity();
    propagate(graph, theta);
    const full = [theta, ...childrenOf(graph, theta)].reduce((s, n) => s + nodeLogDensity(n), 0);
    return full - linked;
  });
}

describe('a GLM node weighed from its linear predictors', () => {
  it('differs from the full conditional by a constant: binomial, Bernoulli and Poisson children', () => {
    const graph = compileWithInits(GLM);
    refreshDeterministic(graph);
    for (const name of ['a', 'b[3]']) {
      const theta = node(graph, name);
      const terms = LinkedTerms.of(graph, theta, childrenOf(graph, theta));
      assert.ok(terms, `${name}: linked`);
      const d = differences(graph, theta, terms, [-2.5, -0.4, 0, 0.7, 3]);
      assert.ok(d.every((x) => Math.abs(x - d[0]!) < 1e-9), `${name}: ${d.join(', ')}`);
    }
  });

  it('leaves the definitions current after a slice update', () => {
    const graph = compileWithInits(GLM);
    refreshDeterministic(graph);
    const a = node(graph, 'a');
    const sampler = new SliceSampler(graph, a, childrenOf(graph, a));
    const random = new Random(5);
    for (let k = 0; k < 20; k++) {
      sampler.update(random);
      const kept = graph.deterministic.map((d) => d.variable.values[d.offset]!);
      refreshDeterministic(graph);
      assert.deepEqual(kept, graph.deterministic.map((d) => d.variable.values[d.offset]!));
    }
  });

  it('by the affine form of an update: the same conditional up to a constant, with the definitions left as they were', () => {
    const graph = compileWithInits(GLM);
    refreshDeterministic(graph);
    for (const name of ['a', 'b[3]']) {
      const theta = node(graph, name);
      const terms = LinkedTerms.of(graph, theta, childrenOf(graph, theta))!;
      const before = graph.deterministic.map((d) => d.variable.values[d.offset]!);
      assert.ok(terms.prepare(), `${name}: affine`);
      assert.deepEqual(graph.deterministic.map((d) => d.variable.values[d.offset]!), before, `${name}: probing left the definitions`);
      const x0 = theta.variable.values[theta.offset]!;
      // Against the full conditional (propagated): the constant is the update's, so the differences agree to rounding.
      // Held (as a slice update holds it), the node's normal prior is weighed by the linked terms themselves: the same differences.
      for (const held of [false, true]) {
        if (held) terms.hold();
        const d = [-2.5, -0.4, 0, 0.7, 3].map((x) => {
          theta.variable.values[theta.offset] = x;
          const affine = terms.affineLogDensity(x);
          propagate(graph, theta);
          return [theta, ...childrenOf(graph, theta)].reduce((s, n) => s + nodeLogDensity(n), 0) - affine;
        });
        if (held) terms.release();
        assert.ok(d.every((x) => Math.abs(x - d[0]!) < 1e-9), `${name}, held ${held}: ${d.join(', ')}`);
      }
      theta.variable.values[theta.offset] = x0;
      propagate(graph, theta);
    }
  });

  it('by the affine form where e^η overflows, and children whose predictor does not move drop out', () => {
    // η near 750 (p rounds to 1, so the data are all successes and nodeLogDensity cannot serve): compared with the linked form point by point.
    const graph = compileWithInits(GLM.replace('logit(p[i]) <- a + 0.5 * i + b[i]', 'logit(p[i]) <- 750 * a + 0 * b[i]').replace('a = 0.3', 'a = 1').replace('r = c(3, 6, 8, 15)', 'r = c(10, 12, 14, 16)'));
    refreshDeterministic(graph);
    const a = node(graph, 'a');
    const terms = LinkedTerms.of(graph, a, childrenOf(graph, a))!;
    assert.ok(terms.prepare());
    const d = [0.99, 1, 1.002, 1.01].map((x) => {
      a.variable.values[a.offset] = x;
      return terms.logDensity() - terms.affineLogDensity(x);
    });
    assert.ok(d.every((x) => Number.isFinite(x) && Math.abs(x - d[0]!) < 1e-6 * Math.max(1, Math.abs(d[0]!))), d.join(', '));
    // b[i]'s binomial child reads it times 0: only its Poisson child moves with it.
    const b = node(graph, 'b[2]');
    const bTerms = LinkedTerms.of(graph, b, childrenOf(graph, b))!;
    assert.ok(bTerms.prepare());
    const e = [-1, 0, 2].map((x) => {
      b.variable.values[b.offset] = x;
      return bTerms.logDensity() - bTerms.affineLogDensity(x);
    });
    assert.ok(e.every((x) => Math.abs(x - e[0]!) < 1e-9), e.join(', '));
  });

  it('reads fixed coefficients once, and probes them at every update where another node moves them', () => {
    // In GLM every coefficient of a and b[i] is a number: read once. With c in a's coefficient (a · c), probed.
    const fixed = compileWithInits(GLM);
    refreshDeterministic(fixed);
    for (const name of ['a', 'b[3]']) assert.equal(LinkedTerms.of(fixed, node(fixed, name), childrenOf(fixed, node(fixed, name)))!.slopesFixed, true, name);
    const moving = compileWithInits(
      GLM.replace('logit(p[i]) <- a + 0.5 * i + b[i]', 'logit(p[i]) <- a * c + 0.5 * i + b[i]')
        .replace('a ~ dnorm(0, 0.1)', 'a ~ dnorm(0, 0.1)\n  c ~ dnorm(1, 1)')
        .replace('a = 0.3,', 'a = 0.3, c = 0.5,'),
    );
    refreshDeterministic(moving);
    const a = node(moving, 'a');
    const c = node(moving, 'c');
    const terms = LinkedTerms.of(moving, a, childrenOf(moving, a))!;
    assert.equal(terms.slopesFixed, false);
    // The rule is the predictor's, not the node's: one product of two unobserved nodes (a · c) and b[3]'s coefficient, 1, is probed too.
    assert.equal(LinkedTerms.of(moving, node(moving, 'b[3]'), childrenOf(moving, node(moving, 'b[3]')))!.slopesFixed, false);
    for (const cValue of [0.5, -2]) {
      c.variable.values[c.offset] = cValue;
      propagate(moving, c);
      assert.ok(terms.prepare());
      const x0 = a.variable.values[a.offset]!;
      const d = [-1.5, 0, 0.3, 2].map((x) => {
        a.variable.values[a.offset] = x;
        const affine = terms.affineLogDensity(x);
        propagate(moving, a);
        return [a, ...childrenOf(moving, a)].reduce((s, n) => s + nodeLogDensity(n), 0) - affine;
      });
      assert.ok(d.every((x) => Math.abs(x - d[0]!) < 1e-9), `c = ${cValue}: ${d.join(', ')}`);
      a.variable.values[a.offset] = x0;
      propagate(moving, a);
    }
  });

  it('not by the affine form where a predictor is not affine in the node', () => {
    const graph = compileWithInits(GLM.replace('logit(q[i]) <- a - i / 3', 'logit(q[i]) <- a * a - i / 3'));
    refreshDeterministic(graph);
    const a = node(graph, 'a');
    const terms = LinkedTerms.of(graph, a, childrenOf(graph, a));
    assert.ok(terms, 'still linked');
    assert.equal(terms.prepare(), false);
  });

  it('is not used when a definition is read otherwise, or reads another definition', () => {
    const readTwice = compileWithInits(GLM.replace('k[i] ~ dpois(lambda[i])', 'k[i] ~ dpois(lambda[i] + p[i])'));
    const b = node(readTwice, 'b[2]');
    assert.equal(LinkedTerms.of(readTwice, b, childrenOf(readTwice, b)), undefined);
    // A size that reads the node (through no definition): its log C(n, x) moves, so the linked form does not apply.
    const sized = compileWithInits(GLM.replace('r[i] ~ dbin(p[i], n[i])', 'r[i] ~ dbin(p[i], n[i] + step(b[i]))'));
    const bs = node(sized, 'b[2]');
    assert.equal(LinkedTerms.of(sized, bs, childrenOf(sized, bs)), undefined);
    const chained = compileWithInits(GLM.replace('logit(q[i]) <- a - i / 3', 'logit(q[i]) <- a - i / 3 + lambda[i] * 0'));
    const a = node(chained, 'a');
    assert.equal(LinkedTerms.of(chained, a, childrenOf(chained, a)), undefined);
  });
});
