import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { assertFiniteParams, assertNonDecreasing, fitCell, param } from './notebookFits';

/**
 * Reference: an EM for the Bernoulli mixture written from the formulas in numpy, best of
 * 200 random starts (`/usr/bin/python3 test/unit/fit/references.py`): log-likelihood
 * −1891.99737019, weights (0.508713, 0.292341, 0.198946) and these rows of p, components in
 * decreasing weight. The fit stops at tol = 1e-8 per observed bit (4,000 of them), so the
 * total is within ~1e-4 of its limit; 1e-3 on the log-likelihood and 1e-3 on each
 * probability leave room for that and not for another optimum (the next one found by the
 * random starts is tens of nats lower).
 */
const REFERENCE = {
  loglik: -1891.99737019,
  weights: [0.508713, 0.292341, 0.198946],
  p: [
    [0.901813, 0.873369, 0.920701, 0.899372, 0.10188, 0.091389, 0.057066, 0.13336],
    [0.117745, 0.088341, 0.124548, 0.097481, 0.925128, 0.903515, 0.878963, 0.851217],
    [0.737959, 0.130087, 0.780197, 0.190907, 0.832988, 0.258237, 0.834463, 0.207657],
  ],
};

describe('example: mixture of Bernoullis on binary vectors', () => {
  it('recovers the three prototypes by the generic EM (finite E-step, beta and Dirichlet modes)', async () => {
    const out = await fitCell('bernoulli-mixture.ipynb', 0);
    assert.equal(out.status, 'converged', JSON.stringify(out.messages));
    assert.match(out.engine, /exact E-step over 500 latent unit/);
    assert.deepEqual(out.latent, ['z']);
    assertFiniteParams(out);
    assert.ok(Math.abs(out.loglik! - REFERENCE.loglik) < 1e-3, `loglik ${out.loglik}`);
    const order = [1, 2, 3].sort((a, b) => param(out, `w[${b}]`) - param(out, `w[${a}]`));
    order.forEach((k, rank) => {
      assert.ok(Math.abs(param(out, `w[${k}]`) - REFERENCE.weights[rank]!) < 1e-3, `w[${k}]`);
      for (let j = 0; j < 8; j++) assert.ok(Math.abs(param(out, `p[${k},${j + 1}]`) - REFERENCE.p[rank]![j]!) < 1e-3, `p[${k},${j + 1}]`);
    });
    assertNonDecreasing(out.objective.values, 'bernoulli mixture');
    assert.equal(out.assignments?.values.length, 500);
  });
});
