import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isNodeItself } from '../../../src/engine/inference/conditionals';
import { compile } from './helpers';

/**
 * isNodeItself answers from the statement's in-place read, worked out once
 * per expression (model/elementRead.ts), where the argument is such a read;
 * checked here against the interpreter's offsets for every pair of child and
 * node, with loop indices shifted, nested loops, a whole scalar, and forms
 * that are not in-place reads (3 - j, a range) which go to the interpreter.
 */
const MODEL = `model {
  for (i in 1:3) {
    for (j in 1:2) {
      z[i, j] ~ dnorm(0, 1)
      y[i, j] ~ dinterval(z[i, j], 0)
      u[i, j] ~ dnorm(z[i, 3 - j], 1)
    }
  }
  for (i in 1:2) { t[i] ~ dnorm(z[i + 1, 1], 1) }
  m ~ dnorm(0, 1)
  s ~ dnorm(m, 1)
  r ~ dnorm(z[2, 2], 1)
}
data list(y = structure(c(1, 0, 1, 1, 0, 1), .Dim = c(3, 2)))
`;

describe('isNodeItself from in-place reads', () => {
  it('agrees with the interpreter for every child and node', () => {
    const graph = compile(MODEL);
    let itself = 0;
    for (const child of graph.stochastic) {
      const arg = child.statement.args[0]!;
      for (const node of graph.stochastic) {
        const direct = arg.kind === 'name' || arg.kind === 'index' ? graph.expressions.array(arg, child.scope).direct : undefined;
        const expected = direct !== undefined && direct.values === node.variable.values && direct.offsets.length === 1 && direct.offsets[0] === node.offset;
        assert.equal(isNodeItself(graph, child, node), expected, `${child.name} on ${node.name}`);
        if (expected) itself++;
      }
    }
    // y's 6, u's 6, t's 2, s and r: every child reads exactly one node.
    assert.equal(itself, 16);
  });
});
