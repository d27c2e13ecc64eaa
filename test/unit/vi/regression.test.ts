import assert from 'node:assert/strict';
import { test } from 'node:test';
import { coordinateAscent } from '../../../src/engine/vi/coordinateAscent';
import { NormalFactor } from '../../../src/engine/vi/normalFactor';
import { planOf, relative } from './helpers';

const x1 = [0.5, -1.2, 0.3, 2.1, -0.7, 1.4, 0.0, -2.2, 0.9, 1.1];
const x2 = [1.0, 0.2, -0.4, 0.8, 1.5, -1.1, 0.6, 0.1, -0.9, 2.0];
const y = [1.9, -0.8, 0.7, 4.1, 0.9, 1.2, 1.1, -2.5, 0.6, 3.8];
const tau = 2.5;
const priorPrecision = 0.01;

const source = `
model {
  for (j in 1:3) { b[j] ~ dnorm(0, ${priorPrecision}) }
  for (i in 1:N) { y[i] ~ dnorm(b[1] + b[2] * x1[i] + b[3] * x2[i], tau) }
}
data list(N = 10, tau = ${tau}, x1 = c(${x1}), x2 = c(${x2}), y = c(${y}))
`;

/** The exact posterior N(Λ⁻¹η, Λ⁻¹), Λ = λ₀I + τXᵀX, η = τXᵀy, by Gauss–Jordan on the 3 × 3 system. */
function exactPosterior(): { mean: number[]; covariance: number[][] } {
  const rows = y.map((_, i) => [1, x1[i]!, x2[i]!]);
  const lambda = [0, 1, 2].map((a) => [0, 1, 2].map((b) => (a === b ? priorPrecision : 0) + tau * rows.reduce((s, r) => s + r[a]! * r[b]!, 0)));
  const eta = [0, 1, 2].map((a) => tau * rows.reduce((s, r, i) => s + r[a]! * y[i]!, 0));
  const augmented = lambda.map((row, a) => [...row, eta[a]!, ...[0, 1, 2].map((b) => (a === b ? 1 : 0))]);
  for (let c = 0; c < 3; c++) {
    const pivot = augmented[c]![c]!;
    augmented[c] = augmented[c]!.map((v) => v / pivot);
    for (let r = 0; r < 3; r++) {
      if (r === c) continue;
      const f = augmented[r]![c]!;
      augmented[r] = augmented[r]!.map((v, k) => v - f * augmented[c]![k]!);
    }
  }
  return { mean: augmented.map((r) => r[3]!), covariance: augmented.map((r) => r.slice(4)) };
}

test('Bayesian linear regression with one Gaussian-block factor equals the exact posterior to 1e-8', () => {
  const plan = planOf(source);
  const blocks = plan.factors.filter((f): f is NormalFactor => f instanceof NormalFactor);
  assert.equal(blocks.length, 1, 'the three coefficients share one joint Gaussian factor');
  assert.equal(blocks[0]!.d, 3);
  const outcome = coordinateAscent(plan, { tolerance: 1e-14, maxIterations: 10 }, () => {}, () => false);
  const exact = exactPosterior();
  const q = blocks[0]!;
  for (let a = 0; a < 3; a++) {
    assert.ok(relative(q.mean[a]!, exact.mean[a]!) < 1e-8, `mean of b[${a + 1}]: ${q.mean[a]} vs ${exact.mean[a]}`);
    for (let b = 0; b < 3; b++) assert.ok(relative(q.covariance[a * 3 + b]!, exact.covariance[a]![b]!) < 1e-8, `covariance [${a + 1},${b + 1}]`);
  }
  // The only factor is the exact posterior, so the bound is log p(y) and cannot move after the first sweep.
  assert.equal(outcome.status, 'converged');
  assert.ok(outcome.iterations <= 2);
});

test('with the exact posterior as its only factor, the ELBO is the log evidence log p(y)', () => {
  const plan = planOf(source);
  const outcome = coordinateAscent(plan, { tolerance: 1e-14, maxIterations: 10 }, () => {}, () => false);
  // log p(y) = log N(y | 0, τ⁻¹I + λ₀⁻¹XXᵀ) by the identity log p(y) = log p(y|β) + log p(β) − log p(β|y) at β = 0.
  const exact = exactPosterior();
  const n = y.length;
  const logLik = 0.5 * n * Math.log(tau / (2 * Math.PI)) - 0.5 * tau * y.reduce((s, v) => s + v * v, 0);
  const logPrior = 1.5 * Math.log(priorPrecision / (2 * Math.PI));
  const c = exact.covariance;
  const det = c[0]![0]! * (c[1]![1]! * c[2]![2]! - c[1]![2]! * c[2]![1]!) - c[0]![1]! * (c[1]![0]! * c[2]![2]! - c[1]![2]! * c[2]![0]!) + c[0]![2]! * (c[1]![0]! * c[2]![1]! - c[1]![1]! * c[2]![0]!);
  const mean = exact.mean;
  let quadratic = 0;
  // (β − m)ᵀ Σ⁻¹ (β − m) at β = 0 is mᵀ Λ m with Λ = Σ⁻¹ = λ₀I + τXᵀX.
  const rows = y.map((_, i) => [1, x1[i]!, x2[i]!]);
  for (let a = 0; a < 3; a++) for (let b = 0; b < 3; b++) quadratic += mean[a]! * mean[b]! * ((a === b ? priorPrecision : 0) + tau * rows.reduce((s, r) => s + r[a]! * r[b]!, 0));
  const logPosterior = -1.5 * Math.log(2 * Math.PI) - 0.5 * Math.log(det) - 0.5 * quadratic;
  assert.ok(relative(outcome.elbo, logLik + logPrior - logPosterior) < 1e-10, `${outcome.elbo} vs ${logLik + logPrior - logPosterior}`);
});

test('a deterministic node linear in the coefficients passes exact moments: the same posterior', () => {
  const plan = planOf(source.replace('y[i] ~ dnorm(b[1] + b[2] * x1[i] + b[3] * x2[i], tau)', 'm[i] <- b[1] + b[2] * x1[i] + b[3] * x2[i]\n    y[i] ~ dnorm(m[i], tau)'));
  coordinateAscent(plan, { tolerance: 1e-14, maxIterations: 10 }, () => {}, () => false);
  const q = plan.factors.find((f): f is NormalFactor => f instanceof NormalFactor)!;
  const exact = exactPosterior();
  for (let a = 0; a < 3; a++) assert.ok(relative(q.mean[a]!, exact.mean[a]!) < 1e-8 && relative(q.covariance[a * 3 + a]!, exact.covariance[a]![a]!) < 1e-8);
});
