import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { csvColumns, leastSquares } from './denseAlgebra';
import { assertNonDecreasing, EXAMPLES, fitCell, param } from './notebookFits';

const LOG_2PI = Math.log(2 * Math.PI);
const normalLogDensity = (v: number, mean: number, variance: number): number => -0.5 * (LOG_2PI + Math.log(variance) + ((v - mean) * (v - mean)) / variance);

/**
 * The maximum-likelihood answer in closed form. (x, y) is bivariate normal — x ~ N(mx, 1/tx),
 * y | x ~ N(a + b x, 1/tau) is a reparameterisation of it — and the pattern is monotone
 * (y always seen, x sometimes missing), so the likelihood factors as p(y)·p(x | y) over the
 * complete rows (Anderson, 1957): fit y's mean and variance on all rows, the regression of x
 * on y on the complete rows, then map back.
 */
function closedForm(y: number[], x: number[]) {
  const n = y.length;
  const muY = y.reduce((a, v) => a + v, 0) / n;
  const syy = y.reduce((a, v) => a + (v - muY) ** 2, 0) / n;
  const complete = x.map((_, i) => i).filter((i) => !Number.isNaN(x[i]!));
  const [g0, g1] = leastSquares(complete.map((i) => [1, y[i]!]), complete.map((i) => x[i]!)) as [number, number];
  const se = complete.reduce((a, i) => a + (x[i]! - g0 - g1 * y[i]!) ** 2, 0) / complete.length;
  const muX = g0 + g1 * muY;
  const sxy = g1 * syy;
  const sxx = se + g1 * g1 * syy;
  const b = sxy / sxx;
  let loglik = 0;
  for (const v of y) loglik += normalLogDensity(v, muY, syy);
  for (const i of complete) loglik += normalLogDensity(x[i]!, g0 + g1 * y[i]!, se);
  return { a: muY - b * muX, b, tau: 1 / (syy - (sxy * sxy) / sxx), mx: muX, tx: 1 / sxx, loglik, completeRows: complete.length };
}

describe('example: regression with missing covariates', () => {
  it('EM with the missing x latent equals the closed-form maximum-likelihood estimate', async () => {
    const data = csvColumns(readFileSync(join(EXAMPLES, 'missing-covariate.csv'), 'utf8'));
    const y = data.get('y')!;
    const x = data.get('x')!;
    const expected = closedForm(y, x);
    assert.ok(expected.completeRows < y.length - 10, 'the example has missing covariates');
    const out = await fitCell('missing-covariate.ipynb', 0);
    assert.equal(out.status, 'converged', JSON.stringify(out.messages));
    assert.deepEqual(out.latent, ['x']);
    assert.match(out.engine, new RegExp(`exact E-step over ${y.length - expected.completeRows} latent unit`));
    // tol = 1e-12 per observation stops EM within ~1e-7 of the fixed point (relative); 1e-5 is safe.
    for (const name of ['a', 'b', 'tau', 'mx', 'tx'] as const) {
      assert.ok(Math.abs(param(out, name) / expected[name] - 1) < 1e-5, `${name}: ${param(out, name)} vs ${expected[name]}`);
    }
    assert.ok(Math.abs(out.loglik! - expected.loglik) < 1e-6, `loglik ${out.loglik} vs ${expected.loglik}`);
    assertNonDecreasing(out.objective.values, 'missing covariate');
  });
});
