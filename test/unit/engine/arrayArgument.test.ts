import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Expression } from '../../../src/engine/language/ast';
import { compile } from './helpers';

/**
 * An array argument read in place (`X[i, ]`, `beta[]`) is made for every row
 * while the compiler lists each row's reads. As an object literal with a
 * getter it carried an accessor and a closure of its own, and V8 kept each
 * such object in dictionary mode (a property dictionary of about 450 bytes per
 * object, checked with %HasFastProperties): at a million probit rows about
 * 380 MB of it reached the old space, most of the compile's peak.
 * Its evaluators are still made when asked for, and read the elements.
 */
const MODEL = `model {
  for (i in 1:3) {
    z[i] ~ dnorm(inprod(X[i, ], beta[]), 1)
  }
  for (d in 1:2) { beta[d] ~ dnorm(0, 1) }
}
data list(X = structure(c(1, 2, 3, 4, 5, 6), .Dim = c(3, 2)))
`;

describe('array arguments read in place', () => {
  const graph = compile(MODEL);
  const rows = graph.stochastic.filter((n) => n.variable.name === 'z');
  const args = (k: number): Expression[] => {
    const call = rows[k]!.statement.args[0]!;
    assert.equal(call.kind, 'call');
    return call.kind === 'call' ? call.args.map((a) => a.value) : [];
  };

  it('carry no accessor of their own (one hidden class for every row)', () => {
    for (let k = 0; k < rows.length; k++) {
      const x = graph.expressions.array(args(k)[0]!, rows[k]!.scope);
      assert.ok(x.direct, 'X[i, ] is read in place');
      assert.equal(Object.getOwnPropertyDescriptor(x, 'evaluators'), undefined);
    }
    const first = graph.expressions.array(args(0)[0]!, rows[0]!.scope);
    const last = graph.expressions.array(args(2)[0]!, rows[2]!.scope);
    assert.equal(Object.getPrototypeOf(first), Object.getPrototypeOf(last));
  });

  it('make evaluators that read the row when asked', () => {
    const X = graph.variables.get('X')!;
    for (let k = 0; k < rows.length; k++) {
      const x = graph.expressions.array(args(k)[0]!, rows[k]!.scope);
      assert.deepEqual(x.dims, [2]);
      assert.deepEqual(x.evaluators.map((e) => e()), [X.values[2 * k]!, X.values[2 * k + 1]!]);
      assert.equal(x.evaluators, x.evaluators, 'made once');
    }
  });
});
