import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { FitOutput } from '../../../src/engine/output/fitOutput';
import { bivariateMixture, FAR_THIRD, ON_A_LINE, scalarMixture, TWO_GROUPS } from './degenerateModels';
import { assertFiniteParams, assertNonDecreasing, errorsOf, fitSource, param } from './notebookFits';

/**
 * Degenerate cases through runFit, for the mixture kernel (dmnorm rows) and the generic EM
 * (scalar dnorm rows): a clear message and a usable result, or a clean failed status —
 * never NaN parameters.
 */
/** The given start alone: these tests are about where EM goes from it (other starts avoid the empty component). */
const GIVEN_START_ONLY = 'em(mle = TRUE, tol = 1e-8, max.iter = 300, seed = 1, restarts = 1)';

function assertCleanFailure(out: FitOutput, message: RegExp): void {
  assert.equal(out.status, 'failed');
  assert.deepEqual(out.params, []);
  assert.ok(errorsOf(out).some((m) => message.test(m)), JSON.stringify(out.messages));
  assert.ok(out.messages.every((m) => m.range), 'every message points into the cell');
}

describe('degenerate fits: mixture kernel', () => {
  it('an empty component: a warning naming it, weight 0, the others fitted', async () => {
    const out = await fitSource(bivariateMixture(3, TWO_GROUPS, FAR_THIRD));
    assert.equal(out.status, 'converged');
    assert.ok(out.messages.some((m) => m.severity === 'warning' && /Component 3 is empty/.test(m.message)), JSON.stringify(out.messages));
    assertFiniteParams(out);
    assert.equal(param(out, 'w[3]'), 0);
    assert.ok(Math.abs(param(out, 'mu[1,1]') - 0.1) < 1e-6 && Math.abs(param(out, 'mu[2,1]') - 5.1) < 1e-6);
    assertNonDecreasing(out.objective.values, 'kernel, empty component');
  });

  it('rows on a line (singular covariance) with the default reg.covar: finite parameters', async () => {
    const out = await fitSource(bivariateMixture(1, ON_A_LINE));
    assert.notEqual(out.status, 'failed', JSON.stringify(out.messages));
    assertFiniteParams(out);
  });

  /*
   * With reg.covar = 0 the covariance [[2, 4], [4, 8]] is singular; its Cholesky factorisation
   * succeeds on rounding error (last pivot ~1e-16), so no diagnostic is given and the fit
   * reports a precision of 2.3e15 and a log-likelihood of 71.5 (the true supremum is +∞).
   */
  it('rows on a line with reg.covar = 0: a diagnostic names the singular covariance', async () => {
    const out = await fitSource(bivariateMixture(1, ON_A_LINE, '', 'em(mle = TRUE, reg.covar = 0, tol = 1e-8, max.iter = 300, seed = 1)'));
    assertFiniteParams(out);
    assert.ok(out.messages.some((m) => /singular/.test(m.message)), JSON.stringify(out.messages));
  });

  it('more components than rows: a clean failure saying how many components the data allow', async () => {
    const out = await fitSource(bivariateMixture(5, [[1, 0.5], [2, 3], [3, 1]]));
    assertCleanFailure(out, /5 components but only 3 row\(s\)/);
  });

  it('non-finite data: a clean failure naming the row', async () => {
    const rows = ON_A_LINE.map((r) => r.slice());
    rows[2]![0] = Number.POSITIVE_INFINITY;
    assertCleanFailure(await fitSource(bivariateMixture(2, rows).replace('Infinity', 'Inf')), /x\[3,1:2\]/);
    rows[2]![0] = Number.NaN;
    // NA marks the missing element (NaN in data is itself an error, naming its place).
    assertCleanFailure(await fitSource(bivariateMixture(2, rows).replace('NaN', 'NA')), /x\[3,1:2\] is partly observed/);
  });
});

describe('degenerate fits: generic EM', () => {
  it('an empty component: finite parameters and a message naming what the data cannot determine', async () => {
    const out = await fitSource(scalarMixture(3, '0, 0.1, 0.2, 5, 5.1, 5.2', 'inits list(w = c(0.4, 0.4, 0.2), mu = c(0, 5, 100), tau = c(1, 1, 1))', GIVEN_START_ONLY));
    assert.notEqual(out.status, 'failed');
    assertFiniteParams(out);
    assert.ok(out.messages.some((m) => /tau\[3\]/.test(m.message)), JSON.stringify(out.messages));
    assert.equal(param(out, 'w[3]'), 0);
  });

  /*
   * The component means form one Gaussian block (every x[i] reads every mu[k] through z[i]);
   * with component 3 empty its information matrix is singular, the block update is refused —
   * and the block is left at the point where its design was probed (all zeros), not where it
   * was: mu = (0, 0, 0) after the first M-step, tau[2] fitted around 0, the objective falls
   * (−11.061 → −11.280) and stays far from the fit of the two groups (mu ≈ 0.1, 5.1).
   */
  it('an empty component: the other components are still fitted and the objective never falls', async () => {
    const out = await fitSource(scalarMixture(3, '0, 0.1, 0.2, 5, 5.1, 5.2', 'inits list(w = c(0.4, 0.4, 0.2), mu = c(0, 5, 100), tau = c(1, 1, 1))', GIVEN_START_ONLY));
    assertNonDecreasing(out.objective.values, 'generic, empty component');
    assert.ok(Math.abs(param(out, 'mu[1]') - 0.1) < 1e-6 && Math.abs(param(out, 'mu[2]') - 5.1) < 1e-6, JSON.stringify(out.params));
  });

  it('a component whose rows are all equal (zero variance): finite parameters', async () => {
    const out = await fitSource(scalarMixture(2, '1, 1, 1, 5, 5, 5', 'inits list(w = c(0.5, 0.5), mu = c(1, 5), tau = c(1, 1))'));
    assert.notEqual(out.status, 'failed');
    assertFiniteParams(out);
  });

  /*
   * Both components collapse onto their points. Before the fix, tau[1] kept its last value with the
   * message "its rate has no information" and tau[2] becomes 1.3e30 (the variance of rounding
   * error) without a word; the log-likelihood reported, 100.6, is meaningless (the supremum is
   * +∞). A diagnostic should say that the variance of each collapsed component went to 0.
   */
  it('zero-variance components: a diagnostic names each collapsed precision', async () => {
    const out = await fitSource(scalarMixture(2, '1, 1, 1, 5, 5, 5', 'inits list(w = c(0.5, 0.5), mu = c(1, 5), tau = c(1, 1))'));
    assert.ok(out.messages.some((m) => /tau\[2\]/.test(m.message)), JSON.stringify(out.messages));
    assert.ok(param(out, 'tau[2]') < 1e12, `tau[2] = ${param(out, 'tau[2]')}`);
  });

  it('more components than rows: a usable fit (finite parameters)', async () => {
    for (const init of ['"kmeans++"', '"random"']) {
      const out = await fitSource(scalarMixture(5, '1, 2, 3', '', `em(mle = TRUE, init = ${init}, tol = 1e-8, max.iter = 300, seed = 1)`));
      assert.notEqual(out.status, 'failed', JSON.stringify(out.messages));
      assertFiniteParams(out);
    }
  });

  it('non-finite data: Inf is a clean failure naming the node; NaN is an error at its place; NA is read as missing', async () => {
    assertCleanFailure(await fitSource(scalarMixture(2, '1, 2, Inf, 4')), /x\[3\]/);
    await assert.rejects(fitSource(scalarMixture(2, '1, 2, NaN, 4')), /NaN \(not a number, the result of a failed computation\) is not a value the model can use; write NA/);
    const out = await fitSource(scalarMixture(2, '1, 2, NA, 4'));
    assert.notEqual(out.status, 'failed', JSON.stringify(out.messages));
    assert.ok(out.latent.includes('x'), 'the missing x[3] is latent');
    assertFiniteParams(out);
  });
});
