import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ConvergenceMonitor } from '../../../src/engine/fit/convergence';
import { cellDocument, fitSource, withOptions } from './notebookFits';
import { BERNOULLI_MIXTURE, LASSO, PPCA } from './userModels';

/*
 * Why the objective's gap measures the estimates' error in standard errors: near the optimum the
 * objective falls by gap = ½ δᵀHδ (H its negative Hessian, the observed information), and by
 * Cauchy–Schwarz every estimate a·θ moves by |a·δ| ≤ √(δᵀHδ)·√(aᵀH⁻¹a) = √(2·gap)·SE(a·θ). So a
 * default fit whose objective is within 5e-5 of the tight optimum's has every estimate within
 * √(1e-4) = 1 % of its standard error. (Where the objective has a kink — a lasso coefficient at
 * 0 — the gap is linear in δ there, which makes δ smaller still.)
 */
const GAP_FOR_ONE_PERCENT_SE = 5e-5;

/** Every EM example's exact fit (Monte-Carlo EM has no exact objective; online-em's data is not committed) and the models. */
const FITS: Array<[string, () => string]> = [
  ['bernoulli-mixture', () => cellDocument('bernoulli-mixture.ipynb', 0)],
  ['evidence-hyperparameters', () => cellDocument('evidence-hyperparameters.ipynb', 0)],
  ['missing-covariate', () => cellDocument('missing-covariate.ipynb', 0)],
  ['probit-augmentation', () => cellDocument('probit-augmentation.ipynb', 0)],
  ['bayesian-lasso (exact E-step)', () => cellDocument('bayesian-lasso.ipynb', 1)],
  ['faithful-mixture K = 2', () => cellDocument('faithful-mixture.ipynb', 0)],
  ['annealed-em (plain)', () => cellDocument('annealed-em.ipynb', 0)],
  ['issue: Bernoulli mixture', () => BERNOULLI_MIXTURE()],
  // The PPCA notebook's model and data are the PPCA exactly.
  ['issue: PPCA (and ppca.ipynb)', () => PPCA()],
  ['issue: lasso', () => LASSO()],
];

/** The directive with its own tolerance and iteration limit removed: the defaults decide when to stop. */
function withDefaultStopping(source: string): string {
  return withOptions(source, {}).replace(/,?\s*tol = [^,)]+/, '').replace(/,?\s*max\.iter = [^,)]+/, '').replace('(, ', '(');
}

describe('the default stopping rule means what it says', () => {
  it('Aitken: the estimated distance of a linearly converging sequence is its true distance to the limit', () => {
    const monitor = new ConvergenceMonitor(1e-5);
    const limit = -100;
    // l_t = limit − 3·0.8^t: gains shrink by 0.8, the distance after l_t is exactly 3·0.8^t.
    for (let t = 0; t < 30; t++) monitor.push(limit - 3 * 0.8 ** t);
    assert.ok(Math.abs(monitor.distance() - 3 * 0.8 ** 29) < 1e-9 * 3 * 0.8 ** 29, `distance ${monitor.distance()}`);
    assert.ok(Math.abs(monitor.limit() - limit) < 1e-12);
    // One iteration's gain would call this converged long before: the gain is 1/4 of the distance.
    assert.equal(monitor.converged(), 3 * 0.8 ** 29 < 1e-5);
  });

  it('gains that do not shrink leave the distance unknown, so the run does not stop', () => {
    const monitor = new ConvergenceMonitor(1);
    for (let t = 0; t < 10; t++) monitor.push(t * 1e-3);
    assert.equal(monitor.distance(), Number.POSITIVE_INFINITY);
    assert.equal(monitor.converged(), false);
  });

  for (const [name, source] of FITS) {
    it(`${name}: with the default tolerance every estimate ends within 1 % of its standard error of the tight-tolerance optimum`, async () => {
      const text = source();
      const defaults = await fitSource(withDefaultStopping(text));
      const tight = await fitSource(withOptions(withDefaultStopping(text), { tol: '1e-11', 'max.iter': '20000' }));
      assert.equal(defaults.status, 'converged', `${name}: ${JSON.stringify(defaults.messages)}`);
      const [a, b] = [defaults.objective.values.at(-1)!, tight.objective.values.at(-1)!];
      assert.ok(b - a <= GAP_FOR_ONE_PERCENT_SE, `${name}: default objective ${a} after ${defaults.iteration} iterations, tight ${b} after ${tight.iteration}: gap ${b - a}`);
    });
  }
});
