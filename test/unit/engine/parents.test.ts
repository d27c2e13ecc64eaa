import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { gaussianBlockChildren } from '../../../src/engine/inference/gaussianBlock';
import { readsOnlyFixed, readsOnlyFixedOrMembers } from '../../../src/engine/inference/parents';
import { assignSamplers } from '../../../src/engine/inference/gibbs';
import { forwardSamplePredictive } from '../../../src/engine/inference/predictiveNodes';
import { compileWithInits, names, node } from './helpers';

/**
 * The structural questions sampler assignment asks of the graph's parents
 * (parents.ts, predictiveNodes.ts), answered without a table of every node's
 * parents: counts of moving parents for a block's children, and a search down
 * the children for the nodes with an observed descendant.
 */
describe("a block's children's parents", () => {
  // a and b share the children y[1..6]; y[4..6] read tau as well, y[7] reads only data.
  const graph = compileWithInits(`model {
  for (i in 1:3) { y[i] ~ dnorm(a + b * x[i], 1) }
  for (i in 4:6) { y[i] ~ dnorm(a + b * x[i], tau) }
  y[7] ~ dnorm(x[1], 1)
  a ~ dnorm(0, 1)
  b ~ dnorm(0, 1)
  tau ~ dgamma(1, 1)
}
data list(x = c(1, 2, 3, 4, 5, 6), y = c(1, 2, 3, 4, 5, 6, 7))
inits list(a = 0, b = 0, tau = 1)
`);
  const members = [node(graph, 'a'), node(graph, 'b')];
  const children = gaussianBlockChildren(graph, members)!;

  it('says which children read nothing that moves besides the members', () => {
    assert.deepEqual(names(graph, children.map((c) => c.id)), ['y[1]', 'y[2]', 'y[3]', 'y[4]', 'y[5]', 'y[6]']);
    assert.deepEqual([...readsOnlyFixedOrMembers(graph, members, children)], [1, 1, 1, 0, 0, 0]);
  });

  it("takes the members' one shared list as it is, and merges lists of their own", () => {
    assert.equal(members[0]!.children, members[1]!.children);
    const apart = compileWithInits(`model {
  for (i in 1:3) { y[i] ~ dnorm(a + b * x[i], 1) }
  for (i in 4:6) { y[i] ~ dnorm(b * x[i], 1) }
  a ~ dnorm(0, 1)
  b ~ dnorm(0, 1)
}
data list(x = c(1, 2, 3, 4, 5, 6), y = c(1, 2, 3, 4, 5, 6))
inits list(a = 0, b = 0)
`);
    const [a, b] = [node(apart, 'a'), node(apart, 'b')];
    assert.notEqual(a.children, b.children);
    const merged = gaussianBlockChildren(apart, [a, b])!;
    assert.deepEqual(names(apart, merged.map((c) => c.id)), ['y[1]', 'y[2]', 'y[3]', 'y[4]', 'y[5]', 'y[6]']);
  });

  it('with one member only, a child that reads the other is not fixed', () => {
    assert.deepEqual([...readsOnlyFixedOrMembers(graph, [members[0]!], children)], [0, 0, 0, 0, 0, 0]);
  });

  it('a node whose parents are all data reads only fixed values; one with a moving parent does not', () => {
    assert.equal(readsOnlyFixed(graph, node(graph, 'y[7]')), true);
    assert.equal(readsOnlyFixed(graph, node(graph, 'y[1]')), false);
    assert.equal(readsOnlyFixed(graph, node(graph, 'a')), true);
  });
});

describe('the nodes with no observed descendant', () => {
  // A random walk observed through y at step K only: the steps after K are predictive. A search that recursed would
  // overflow the stack on a walk this long.
  const T = 60_000;
  const K = 40_000;
  const walk = (tail: string): string => `model {
  x[1] ~ dnorm(0, 1)
  for (t in 2:T) { x[t] ~ dnorm(x[t - 1], 1) }
  y ~ dnorm(x[K], 1)
  ${tail}
}
data list(T = ${T}, K = ${K}, y = 0.5)
`;

  it('are the steps after the last observed one, drawn in order', () => {
    const predictive = forwardSamplePredictive(compileWithInits(walk('')));
    assert.ok(predictive);
    assert.equal(predictive.nodes.length, T - K);
    assert.deepEqual(
      predictive.nodes.map((n) => n.name),
      Array.from({ length: T - K }, (_, k) => `x[${K + 1 + k}]`),
    );
  });

  it('a truncated descendant, which the prior draws cannot give, keeps its ancestors in the ordinary samplers', () => {
    assert.equal(forwardSamplePredictive(compileWithInits(walk('u ~ dnorm(x[T], 1) T(0, )'))), undefined);
  });

  it('a predictive branch off an observed chain is found however the statements are ordered', () => {
    const graph = compileWithInits(`model {
  yrep ~ dnorm(m, 1)
  for (i in 1:3) { y[i] ~ dnorm(m, 1) }
  m ~ dnorm(mu0, 1)
  mu0 ~ dnorm(0, 1)
  zrep ~ dnorm(yrep, 1)
}
data list(y = c(1, 2, 3))
`);
    const predictive = forwardSamplePredictive(graph);
    assert.deepEqual(predictive?.nodes.map((n) => n.name), ['yrep', 'zrep']);
  });
});

describe('blocks of normal nodes', () => {
  it('join the normals that share every child, in statement order, and leave a normal whose child reads it alone', () => {
    const graph = compileWithInits(`model {
  for (i in 1:4) { y[i] ~ dnorm(b2 * x[i] + b1, tau) }
  b2 ~ dnorm(0, 1)
  b1 ~ dnorm(0, 1)
  tau ~ dgamma(1, 1)
  for (i in 1:3) {
    w[i] ~ dnorm(0, 1)
    v[i] ~ dnorm(w[i], 1)
  }
}
data list(x = c(1, 2, 3, 4), y = c(1, 2, 3, 4), v = c(1, 2, 3))
inits list(b1 = 0, b2 = 0, tau = 1, w = c(0, 0, 0))
`);
    const samplers = assignSamplers(graph);
    const updated = (name: string): string[] => samplers.find((s) => s.nodes.some((n) => n.name === name))!.nodes.map((n) => n.name);
    assert.deepEqual(updated('b1'), ['b2', 'b1']);
    assert.deepEqual(updated('w[2]'), ['w[2]']);
    assert.deepEqual(updated('tau'), ['tau']);
  });
});
