import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import gammaln from '@stdlib/math-base-special-gammaln';
import { logBesselK } from '../../../src/engine/math/besselK';
import { assertNonDecreasing, fitSource, param } from './notebookFits';

/** 30 observations with two outliers: where a Student-t likelihood and a normal one disagree. */
const Y = [0.3, -0.8, 1.1, 0.4, -0.2, 0.9, -1.3, 0.1, 0.6, -0.5, 1.4, -0.1, 0.2, -0.9, 0.7, 0.0, -0.4, 1.0, -0.6, 0.5, 0.8, -1.1, 0.3, -0.3, 0.6, -0.7, 0.2, 1.2, 9.5, -8.0];
const NU = 4;

/**
 * The t location-scale MLE by its textbook EM (Lange, Little & Taylor 1989), written here
 * independently: E[λ_i] = (ν + 1)/(ν + τ(y_i − μ)²), μ the λ-weighted mean, τ = n/Σλ_i(y_i − μ)²;
 * run until nothing moves at 1e-15.
 */
function studentTMle(): { mu: number; tau: number } {
  let mu = 0;
  let tau = 1;
  for (let t = 0; t < 100_000; t++) {
    const lambda = Y.map((y) => (NU + 1) / (NU + tau * (y - mu) ** 2));
    const total = lambda.reduce((a, l) => a + l, 0);
    const nextMu = lambda.reduce((a, l, i) => a + l * Y[i]!, 0) / total;
    const nextTau = Y.length / lambda.reduce((a, l, i) => a + l * (Y[i]! - nextMu) ** 2, 0);
    const done = Math.abs(nextMu - mu) < 1e-15 && Math.abs(nextTau - tau) < 1e-15 * tau;
    mu = nextMu;
    tau = nextTau;
    if (done) break;
  }
  return { mu, tau };
}

describe('latent scales with an exact E-step', () => {
  it('Student-t regression written as a gamma scale mixture: the exact E-step (no Monte Carlo) reaches the t MLE to 1e-6', async () => {
    const source = `model {
  for (i in 1:N) {
    lambda[i] ~ dgamma(nu / 2, nu / 2)
    y[i] ~ dnorm(mu, tau * lambda[i])
  }
  mu ~ dnorm(0, 1.0E-4)
  tau ~ dgamma(0.001, 0.001)
}
data list(N = ${Y.length}, nu = ${NU}, y = c(${Y.join(', ')}))
fit with em(mle = TRUE, tol = 1e-12, max.iter = 20000)
`;
    const out = await fitSource(source);
    assert.equal(out.status, 'converged', JSON.stringify(out.messages));
    assert.match(out.engine, /exact E-step over 30 latent unit/);
    assertNonDecreasing(out.objective.values, 'student t');
    const reference = studentTMle();
    assert.ok(Math.abs(param(out, 'mu') - reference.mu) < 1e-6, `mu ${param(out, 'mu')} vs ${reference.mu}`);
    assert.ok(Math.abs(param(out, 'tau') / reference.tau - 1) < 1e-6, `tau ${param(out, 'tau')} vs ${reference.tau}`);
    // The objective is the t log-likelihood: Σ log Γ((ν+1)/2) − log Γ(ν/2) + ½ log(τ/νπ) − (ν+1)/2 · log(1 + τ(y−μ)²/ν).
    const { mu, tau } = reference;
    const loglik = Y.reduce((a, y) => a + gammaln((NU + 1) / 2) - gammaln(NU / 2) + 0.5 * Math.log(tau / (NU * Math.PI)) - ((NU + 1) / 2) * Math.log1p((tau * (y - mu) ** 2) / NU), 0);
    assert.ok(Math.abs(out.loglik! - loglik) < 1e-6 * Math.abs(loglik), `log-likelihood ${out.loglik} vs ${loglik}`);
  });

  it('the Bessel function behind the generalized inverse Gaussian agrees with closed forms and tables', () => {
    // K_{3/2}(ω) = √(π/2ω)·e^−ω·(1 + 1/ω); K_1(1) = 0.6019072302 and K_0(0.1) = 2.4270690247 (Abramowitz & Stegun, table 9.8).
    for (const w of [1e-3, 0.5, 2, 30]) {
      const exact = 0.5 * Math.log(Math.PI / (2 * w)) - w + Math.log1p(1 / w);
      assert.ok(Math.abs(logBesselK(1.5, w) - exact) < 1e-10 * Math.max(1, Math.abs(exact)), `K_1.5(${w})`);
    }
    assert.ok(Math.abs(Math.exp(logBesselK(1, 1)) - 0.6019072302) < 1e-9);
    assert.ok(Math.abs(Math.exp(logBesselK(0, 0.1)) - 2.4270690247) < 1e-9);
  });
});
