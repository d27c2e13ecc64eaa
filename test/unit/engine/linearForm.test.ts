import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { compileLinearTerm } from '../../../src/engine/inference/linearForm';
import { parseExpressionText } from '../../../src/engine/language/parser';
import { propagate, type ModelGraph, type StochasticNode } from '../../../src/engine/model/graph';
import { compileWithInits, node } from './helpers';

const MODEL = `model {
  for (k in 1:3) { b[k] ~ dnorm(0, 1) }
  c ~ dnorm(0, 1)
  other ~ dnorm(0, 1)
  twice <- 2 * b[1] - b[3] / 4 + other
  y ~ dnorm(inprod(X[], b[]) + twice + sum(b[]) + mean(b[]) * other, 1)
  w ~ dnorm(exp(b[1]) + b[2] * b[3] + m[z], 1)
  z ~ dcat(p[])
  for (j in 1:2) { m[j] ~ dnorm(0, 1) }
}
data list(X = c(0.5, -2, 3), y = 1, w = 0, p = c(0.5, 0.5))
inits list(b = c(0.3, -1.2, 2.5), c = 0.7, other = 1.9, m = c(0, 1), z = 1)`;

/** a and b by evaluating the expression with the members at 0 and at each unit vector (the probing the terms replace). */
function probe(graph: ModelGraph, members: StochasticNode[], text: string): { a: number; b: number[] } {
  const { expression } = parseExpressionText(text);
  const f = graph.expressions.compile(expression!, new Map()).evaluate;
  const saved = members.map((n) => n.variable.values[n.offset]!);
  const set = (values: number[]): void => members.forEach((n, k) => {
    n.variable.values[n.offset] = values[k]!;
    propagate(graph, n);
  });
  set(members.map(() => 0));
  const a = f();
  const b = members.map((_, k) => {
    set(members.map((__, j) => (j === k ? 1 : 0)));
    return f() - a;
  });
  set(saved);
  return { a, b };
}

function term(graph: ModelGraph, members: StochasticNode[], text: string) {
  const { expression } = parseExpressionText(text);
  return compileLinearTerm(graph, members, expression!, new Map());
}

describe('linear terms', () => {
  const g = compileWithInits(MODEL);
  const members = [node(g, 'b[1]'), node(g, 'b[2]'), node(g, 'b[3]')];

  for (const text of ['inprod(X[], b[]) + twice + sum(b[]) + mean(b[]) * other', '3 - b[2] * 2', 'other * (b[1] + c) / 5', 'inprod(b[], X[])', 'c']) {
    it(`reads intercept and coefficients of ${text} as probing finds them`, () => {
      const t = term(g, members, text);
      assert.ok(t, 'compiles');
      const out = new Float64Array(3);
      const a = t(1, out);
      const expected = probe(g, members, text);
      assert.ok(Math.abs(a - expected.a) < 1e-12, `intercept ${a} vs ${expected.a}`);
      expected.b.forEach((b, k) => assert.ok(Math.abs(out[k]! - b) < 1e-12, `coefficient ${k + 1}: ${out[k]} vs ${b}`));
      // The members were not moved.
      assert.deepEqual(members.map((n) => n.variable.values[n.offset]), [0.3, -1.2, 2.5]);
    });
  }

  it('scales: term(s, out) adds s·b and returns s·a', () => {
    const t = term(g, members, '1 + 2 * b[2]')!;
    const out = Float64Array.from([10, 10, 10]);
    assert.equal(t(-3, out), -3);
    assert.deepEqual(Array.from(out), [10, 4, 10]);
  });

  for (const text of ['exp(b[1])', 'b[2] * b[3]', 'b[1] / b[2]', 'm[z]']) {
    it(`gives no term for ${text}, which is not affine in the block (or selects through an index)`, () => {
      const of = text === 'm[z]' ? [node(g, 'm[1]'), node(g, 'm[2]')] : members;
      assert.equal(term(g, of, text), undefined);
    });
  }
});
