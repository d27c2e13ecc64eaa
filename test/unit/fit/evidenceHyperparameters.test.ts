import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { choleskyLower, csvColumns, forwardSolve } from './denseAlgebra';
import { assertNonDecreasing, EXAMPLES, fitCell, param } from './notebookFits';

const data = csvColumns(readFileSync(join(EXAMPLES, 'evidence.csv'), 'utf8'));
const y = data.get('y')!;
const X = y.map((_, i) => [1, 2, 3, 4].map((j) => data.get(`x${j}`)![i]!));
const N = y.length;

/**
 * log p(y | α, β) of Bayesian linear regression, w ~ N(0, I/α), y | w ~ N(Xw, I/β):
 * y ~ N(0, C) with C = I/β + XXᵀ/α, so −½ log|C| − ½ yᵀC⁻¹y − (N/2) log 2π.
 */
function logEvidence(alpha: number, beta: number): number {
  const c = new Array<number>(N * N);
  for (let i = 0; i < N; i++) {
    for (let k = 0; k < N; k++) {
      let s = i === k ? 1 / beta : 0;
      for (let j = 0; j < 4; j++) s += (X[i]![j]! * X[k]![j]!) / alpha;
      c[i * N + k] = s;
    }
  }
  const l = choleskyLower(c, N)!;
  let logDet = 0;
  for (let i = 0; i < N; i++) logDet += 2 * Math.log(l[i * N + i]!);
  const z = forwardSolve(l, y, N);
  return -0.5 * logDet - 0.5 * z.reduce((a, v) => a + v * v, 0) - 0.5 * N * Math.log(2 * Math.PI);
}

/**
 * Direct maximisation of the log evidence over (log α, log β): Newton's method with central
 * finite-difference derivatives (step 1e-4: gradient error ~1e-8, far inside the 1e-4 asked),
 * with step halving so that every step rises.
 */
function maximiseEvidence(): { alpha: number; beta: number; value: number } {
  const f = (u: number[]): number => logEvidence(Math.exp(u[0]!), Math.exp(u[1]!));
  const h = 1e-4;
  let u = [0, 0];
  for (let iteration = 0; iteration < 100; iteration++) {
    const at = (da: number, db: number): number => f([u[0]! + da, u[1]! + db]);
    const f0 = f(u);
    const g = [(at(h, 0) - at(-h, 0)) / (2 * h), (at(0, h) - at(0, -h)) / (2 * h)];
    const haa = (at(h, 0) - 2 * f0 + at(-h, 0)) / (h * h);
    const hbb = (at(0, h) - 2 * f0 + at(0, -h)) / (h * h);
    const hab = (at(h, h) - at(h, -h) - at(-h, h) + at(-h, -h)) / (4 * h * h);
    const det = haa * hbb - hab * hab;
    // Newton where the Hessian is negative definite, else gradient ascent.
    let step = haa < 0 && det > 0 ? [-(hbb * g[0]! - hab * g[1]!) / det, -(haa * g[1]! - hab * g[0]!) / det] : g;
    let t = 1;
    while (f([u[0]! + t * step[0]!, u[1]! + t * step[1]!]) < f0 && t > 1e-12) t /= 2;
    step = [t * step[0]!, t * step[1]!];
    u = [u[0]! + step[0]!, u[1]! + step[1]!];
    if (Math.hypot(step[0]!, step[1]!) < 1e-10) break;
  }
  return { alpha: Math.exp(u[0]!), beta: Math.exp(u[1]!), value: f(u) };
}

describe('example: hyperparameters of Bayesian linear regression by EM', () => {
  it('EM (weights latent) reaches the maximum of the closed-form marginal likelihood', async () => {
    const out = await fitCell('evidence-hyperparameters.ipynb', 0);
    assert.equal(out.status, 'converged', JSON.stringify(out.messages));
    assert.deepEqual(out.latent, ['w']);
    assert.deepEqual(out.parameters.sort(), ['alpha', 'beta']);
    assert.match(out.engine, /exact E-step/);
    const alpha = param(out, 'alpha');
    const beta = param(out, 'beta');
    const direct = maximiseEvidence();
    assert.ok(Math.abs(alpha / direct.alpha - 1) < 1e-4, `alpha ${alpha} vs ${direct.alpha}`);
    assert.ok(Math.abs(beta / direct.beta - 1) < 1e-4, `beta ${beta} vs ${direct.beta}`);
    // The objective EM reports is the log evidence itself (the observed-data log-likelihood).
    assert.ok(Math.abs(out.loglik! - logEvidence(alpha, beta)) < 1e-8, `${out.loglik} vs ${logEvidence(alpha, beta)}`);
    assert.ok(Math.abs(out.loglik! - direct.value) < 1e-8);
    assertNonDecreasing(out.objective.values, 'evidence');
  });
});
