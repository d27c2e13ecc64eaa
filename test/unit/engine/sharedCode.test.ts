import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { compileModel, refreshDeterministic } from '../../../src/engine/model/compile';
import { sharedFactory } from '../../../src/engine/model/sharedCode';
import { parsed } from './helpers';

/*
 * Generated statement code is made once per source text (sharedCode.ts), so
 * that two chains' graphs run the same functions, V8 warming them once; each
 * graph still binds its own arrays, and must read and write only those.
 */

describe('generated code shared between graphs', () => {
  it('makes one factory per source text and argument list', () => {
    const body = '"use strict"; return function statementCode(f) { return a0[0] + 1; };';
    assert.equal(sharedFactory(['a0'], body), sharedFactory(['a0'], body));
    assert.notEqual(sharedFactory(['a0'], body), sharedFactory(['a0'], body.replace('+ 1', '+ 2')));
    assert.notEqual(sharedFactory(['a0'], body), sharedFactory(['a0', 'a1'], body));
    const [one, two] = [new Float64Array([1]), new Float64Array([5])];
    const [f, g] = [sharedFactory(['a0'], body)(one) as () => number, sharedFactory(['a0'], body)(two) as () => number];
    assert.notEqual(f, g);
    assert.deepEqual([f(), g()], [2, 6]);
  });

  it("keeps each graph's values its own when two graphs of one model share the code", () => {
    const { document, data } = parsed(`model {
  for (i in 1:N) {
    mu[i] <- a + b * x[i]
    y[i] ~ dnorm(mu[i], 1)
  }
  a ~ dnorm(0, 1)
  b ~ dnorm(0, 1)
}
data list(N = 3, x = c(1, 2, 3), y = c(0.5, 1, 2))`);
    const graphs = [compileModel(document, data), compileModel(document, data)];
    graphs.forEach((g, k) => {
      g.variables.get('a')!.values[0] = k + 1;
      g.variables.get('b')!.values[0] = 10 * (k + 1);
    });
    graphs.forEach(refreshDeterministic);
    assert.deepEqual([...graphs[0]!.variables.get('mu')!.values], [11, 21, 31]);
    assert.deepEqual([...graphs[1]!.variables.get('mu')!.values], [22, 42, 62]);
    // Both observed nodes read their own mu: the first graph's log density does not move with the second's values.
    const before = graphs[0]!.stochastic.map((n) => n.parameter(0));
    graphs[1]!.variables.get('a')!.values[0] = -100;
    refreshDeterministic(graphs[1]!);
    assert.deepEqual(graphs[0]!.stochastic.map((n) => n.parameter(0)), before);
  });
});
