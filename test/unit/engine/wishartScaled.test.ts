import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { analyzeWishart } from '../../../src/engine/inference/wishartConditional';
import { compileWithInits, node } from './helpers';

/*
 * The Normal–Wishart prior puts Ω in a child's precision scaled by a fixed c
 * (`mu[] ~ dmnorm(mu0[], beta0 * Omega[, ])`): that child adds
 * c (x − μ)(x − μ)ᵀ to the Wishart's R and 1 to its degrees of freedom, as an
 * unscaled child adds (x − μ)(x − μ)ᵀ and 1. Checked exactly, by hand.
 */

const cell = (precision: string): string => `model {
  Omega[1:2, 1:2] ~ dwish(R[, ], 3)
  x[1:2] ~ dmnorm(m[], ${precision})
  y[1:2] ~ dmnorm(m[], Omega[, ])
}
data list(R = structure(c(2, 0.5, 0.5, 1), .Dim = c(2, 2)), m = c(1, -1), x = c(2, 1), y = c(0, 0), c0 = 3)
`;

describe('Wishart conditional with a scaled precision', () => {
  for (const precision of ['c0 * Omega[, ]', 'Omega[, ] * 3']) {
    it(`adds c (x − μ)(x − μ)ᵀ for ${precision}`, () => {
      const graph = compileWithInits(cell(precision));
      const conditional = analyzeWishart(graph, node(graph, 'Omega[1:2,1:2]'));
      assert.ok(conditional, 'conjugate');
      const out = new Float64Array(4);
      const k = conditional.parameters(out);
      // R + 3·(1, 2)(1, 2)ᵀ + (−1, 1)(−1, 1)ᵀ, k = 3 + 2.
      assert.deepEqual(Array.from(out), [2 + 3 + 1, 0.5 + 6 - 1, 0.5 + 6 - 1, 1 + 12 + 1]);
      assert.equal(k, 5);
    });
  }

  it('is not conjugate when the scale reads a node', () => {
    const graph = compileWithInits(cell('s * Omega[, ]').replace('model {', 'model {\n  s ~ dgamma(1, 1)'));
    assert.equal(analyzeWishart(graph, node(graph, 'Omega[1:2,1:2]')), undefined);
  });
});
