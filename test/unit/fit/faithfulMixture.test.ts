import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { assertNonDecreasing, codeCells, fitCell, param } from './notebookFits';

/**
 * References: scikit-learn's GaussianMixture(covariance_type='full', tol=1e-10,
 * n_init=200, init_params='k-means++'), from `/usr/bin/python3 test/unit/fit/references.py`:
 *   K=2: total loglik −1130.263960, BIC 2322.191743, weights (0.355873, 0.644127),
 *        means (2.036388, 54.478516), (4.289662, 79.968115)
 *   K=3: total loglik −1114.439875, BIC 2324.178384, weights (0.127302, 0.229172, 0.643526)
 * The notebook's fits stop at tol = 1e-8 per row; EM's remaining gap is of that order, so
 * 1e-4 on the total log-likelihood (272 rows) and 1e-4 on the means is ample and still
 * far below what a different optimum would give (>1 nat).
 */
const NOTEBOOK = 'faithful-mixture.ipynb';

describe('example: Gaussian mixture on Old Faithful (both columns)', () => {
  it('has two fit cells, K = 2 and K = 3', () => {
    const cells = codeCells(NOTEBOOK);
    assert.equal(cells.length, 2);
    assert.match(cells[0]!, /K = 2/);
    assert.match(cells[1]!, /K = 3/);
  });

  it('K = 2 converges to scikit-learn\'s optimum through the mixture kernel', async () => {
    const out = await fitCell(NOTEBOOK, 0);
    assert.equal(out.status, 'converged', JSON.stringify(out.messages));
    assert.match(out.engine, /Gaussian mixture kernel \(K = 2, d = 2, n = 272/);
    assert.ok(Math.abs(out.loglik! - -1130.26396) < 1e-4, `loglik ${out.loglik}`);
    assert.ok(Math.abs(out.bic! - 2322.191743) < 1e-3, `BIC ${out.bic}`);
    assert.equal(out.parameterCount, 11);
    const components = [1, 2].map((k) => ({ w: param(out, `w[${k}]`), m1: param(out, `mu[${k},1]`), m2: param(out, `mu[${k},2]`) })).sort((a, b) => a.m2 - b.m2);
    const expected = [
      { w: 0.355873, m1: 2.036388, m2: 54.478516 },
      { w: 0.644127, m1: 4.289662, m2: 79.968115 },
    ];
    components.forEach((c, k) => {
      assert.ok(Math.abs(c.w - expected[k]!.w) < 1e-5 && Math.abs(c.m1 - expected[k]!.m1) < 1e-4 && Math.abs(c.m2 - expected[k]!.m2) < 1e-4, JSON.stringify(c));
    });
    assertNonDecreasing(out.objective.values, 'faithful K=2');
    assert.equal(out.mixture?.points.length, 272);
  });

  it('K = 3 reaches a higher log-likelihood but a higher (worse) BIC: BIC prefers K = 2', async () => {
    const [two, three] = await Promise.all([fitCell(NOTEBOOK, 0), fitCell(NOTEBOOK, 1)]);
    assert.equal(three.status, 'converged');
    assert.ok(Math.abs(three.loglik! - -1114.439875) < 1e-4, `loglik ${three.loglik}`);
    assert.ok(Math.abs(three.bic! - 2324.178384) < 1e-3, `BIC ${three.bic}`);
    const weights = [1, 2, 3].map((k) => param(three, `w[${k}]`)).sort();
    [0.127302, 0.229172, 0.643526].forEach((w, k) => assert.ok(Math.abs(weights[k]! - w) < 1e-4, `weights ${weights}`));
    assert.equal(three.parameterCount, 17);
    assert.ok(three.loglik! > two.loglik!);
    assert.ok(three.bic! > two.bic!);
  });
});
