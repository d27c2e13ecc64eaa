import assert from 'node:assert/strict';
import { test } from 'node:test';
import erfc from '@stdlib/math-base-special-erfc';
import gammaln from '@stdlib/math-base-special-gammaln';
import { coordinateAscent, evidenceLowerBound } from '../../../src/engine/vi/coordinateAscent';
import { NormalFactor } from '../../../src/engine/vi/normalFactor';
import { GammaFactor } from '../../../src/engine/vi/scalarFactors';
import { digamma } from '../../../src/engine/vi/special';
import { planOf, relative } from './helpers';

const y = [2.1, 1.4, 3.3, 2.8, 1.9, 2.4, 3.1];
const [m0, l0, a0, b0] = [1, 0.5, 2, 3];

test('digamma matches known values to 1e-14', () => {
  const eulerGamma = 0.5772156649015329;
  assert.ok(Math.abs(digamma(1) + eulerGamma) < 1e-14);
  assert.ok(Math.abs(digamma(0.5) + eulerGamma + 2 * Math.LN2) < 1e-14);
  // ψ(x + 1) = ψ(x) + 1/x across the switch to the asymptotic series.
  for (const x of [0.01, 0.7, 5.5, 6, 40]) assert.ok(Math.abs(digamma(x + 1) - digamma(x) - 1 / x) < 1e-13 * Math.max(1, 1 / x));
});

test('the ELBO of a normal with unknown mean and precision equals the hand-derived formula at the fixed point', () => {
  const plan = planOf(`
model {
  mu ~ dnorm(${m0}, ${l0})
  tau ~ dgamma(${a0}, ${b0})
  for (i in 1:N) { y[i] ~ dnorm(mu, tau) }
}
data list(N = ${y.length}, y = c(${y}))
`);
  coordinateAscent(plan, { tolerance: 1e-15, maxIterations: 500 }, () => {}, () => false);
  const qMu = plan.factors.find((f): f is NormalFactor => f instanceof NormalFactor)!;
  const qTau = plan.factors.find((f): f is GammaFactor => f instanceof GammaFactor)!;
  const m = qMu.mean[0]!;
  const v = qMu.covariance[0]!;
  const { shape: a, rate: b } = qTau;
  const N = y.length;
  // The fixed point of the updates (Bishop PRML §10.1.3, with an independent prior on μ). The run stops when the bound
  // moves by < 1e-15 relative; the bound is quadratic at its maximum, so the parameters are then within ~1e-7: check to 1e-6.
  const eTau = a / b;
  assert.ok(relative(1 / v, l0 + N * eTau) < 1e-6, `precision ${1 / v}`);
  assert.ok(relative(m, (l0 * m0 + eTau * y.reduce((s, x) => s + x, 0)) / (l0 + N * eTau)) < 1e-6, `mean ${m}`);
  assert.ok(relative(a, a0 + N / 2) < 1e-12, `shape ${a}`);
  assert.ok(relative(b, b0 + 0.5 * y.reduce((s, x) => s + (x - m) ** 2 + v, 0)) < 1e-6, `rate ${b} vs ${b0 + 0.5 * y.reduce((s, x) => s + (x - m) ** 2 + v, 0)}`);
  // The bound by hand, at the factors as they are (exact whatever they are): E[log p(y | μ, τ)] + E[log p(μ)] + E[log p(τ)] + H[q(μ)] + H[q(τ)].
  const eLogTau = digamma(a) - Math.log(b);
  const log2pi = Math.log(2 * Math.PI);
  const likelihood = y.reduce((s, x) => s + 0.5 * eLogTau - 0.5 * log2pi - 0.5 * eTau * ((x - m) ** 2 + v), 0);
  const priorMu = 0.5 * Math.log(l0) - 0.5 * log2pi - 0.5 * l0 * ((m - m0) ** 2 + v);
  const priorTau = a0 * Math.log(b0) - gammaln(a0) + (a0 - 1) * eLogTau - b0 * eTau;
  const entropyMu = 0.5 * Math.log(2 * Math.PI * Math.E * v);
  const entropyTau = a - Math.log(b) + gammaln(a) + (1 - a) * digamma(a);
  const byHand = likelihood + priorMu + priorTau + entropyMu + entropyTau;
  assert.ok(relative(evidenceLowerBound(plan), byHand) < 1e-12, `${evidenceLowerBound(plan)} vs ${byHand}`);
});

test('a censored normal\'s truncated-normal factor is exact: the ELBO is log P(y), into the far tail', () => {
  // q(z) is the exact posterior N(m, 1) truncated to the interval y names, so the bound is log Φ(±m); Φ by erfc.
  const cases: Array<[number, number, number]> = [
    [0.7, 1, Math.log(0.5 * erfc(-0.7 / Math.SQRT2))],
    [0.7, 0, Math.log(0.5 * erfc(0.7 / Math.SQRT2))],
    [9, 0, Math.log(0.5 * erfc(9 / Math.SQRT2))],
  ];
  for (const [m, y, logP] of cases) {
    const plan = planOf(`model {\n  z ~ dnorm(${m}, 1)\n  y ~ dinterval(z, 0)\n}\ndata list(y = ${y})`);
    const outcome = coordinateAscent(plan, { tolerance: 1e-15, maxIterations: 5 }, () => {}, () => false);
    assert.ok(relative(outcome.elbo, logP) < 1e-10, `m = ${m}, y = ${y}: ${outcome.elbo} vs ${logP}`);
  }
});
