import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { GaussianBlock, gaussianBlockChildren } from '../../../src/engine/inference/gaussianBlock';
import { refreshDeterministic } from '../../../src/engine/model/compile';
import { compileWithInits, node } from './helpers';

/**
 * Children whose mean is inprod(X[i, ], beta[]) over the whole block have
 * their design read by evaluating the statement's compiled mean at 0 and at
 * the unit vectors (gaussianBlock.ts, readMemberInnerProducts), other
 * children from their linear terms. The conditional mean is checked against
 * the one worked out here by hand, with both kinds of children in one block,
 * and the block's values are left where they were.
 */

const X = [[1, -2], [1, 0.5], [1, 3], [1, -1]];
const Y = [-1.5, 0.7, 2.2, -0.4];
const V = [2, -3];
const W = [4.5, -5.1];

const MODEL = `model {
  for (i in 1:4) { Y[i] ~ dnorm(inprod(X[i, ], beta[]), 2) }
  for (k in 1:2) { W[k] ~ dnorm(1 + beta[2] * v[k], 0.5) }
  for (d in 1:2) { beta[d] ~ dnorm(0, 0.1) }
}
data list(X = structure(c(${X.map((r) => r[0]).join(', ')}, ${X.map((r) => r[1]).join(', ')}), .Dim = c(4, 2)),
  Y = c(${Y.join(', ')}), v = c(${V.join(', ')}), W = c(${W.join(', ')}))
inits list(beta = c(0.25, -0.75))
`;

describe('Gaussian block: inner-product children read from the compiled mean', () => {
  it('gives the conditional mean worked out by hand and leaves the coordinates as they were', () => {
    const graph = compileWithInits(MODEL);
    refreshDeterministic(graph);
    const members = [node(graph, 'beta[1]'), node(graph, 'beta[2]')];
    const block = new GaussianBlock(graph, members, gaussianBlockChildren(graph, members)!);
    assert.deepEqual(members.map((m) => m.variable.values[m.offset]), [0.25, -0.75]);
    // Λ = 0.1·I + 2·Σ x xᵀ + 0.5·Σ (0, v)(0, v)ᵀ;  η = 2·Σ x y + 0.5·Σ (0, v)(w − 1).
    let l11 = 0.1, l21 = 0, l22 = 0.1, e1 = 0, e2 = 0;
    X.forEach(([a, b], i) => {
      l11 += 2 * a! * a!;
      l21 += 2 * a! * b!;
      l22 += 2 * b! * b!;
      e1 += 2 * a! * Y[i]!;
      e2 += 2 * b! * Y[i]!;
    });
    V.forEach((v, k) => {
      l22 += 0.5 * v * v;
      e2 += 0.5 * v * (W[k]! - 1);
    });
    const det = l11 * l22 - l21 * l21;
    const expected = [(l22 * e1 - l21 * e2) / det, (l11 * e2 - l21 * e1) / det];
    assert.ok(block.compute());
    const mean = new Float64Array(2);
    block.mean(mean);
    // Both are a 2 × 2 solve of the same sums in double precision: agreement to ~1e-12 relative, far below any design error.
    for (let k = 0; k < 2; k++) assert.ok(Math.abs(mean[k]! - expected[k]!) <= 1e-12 * Math.abs(expected[k]!), `${mean[k]} vs ${expected[k]}`);
    assert.ok(!block.interceptsAreZero(), 'the W children have intercept 1');
  });
});
