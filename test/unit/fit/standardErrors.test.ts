import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Random } from '../../../src/engine/random/rng';
import { fitSource } from './notebookFits';
import { PPCA } from './userModels';

/** n draws of a normal(mean, sd), fixed by the seed, as R's c(...). */
function normals(n: number, mean: number, sd: number, seed: number): number[] {
  const random = new Random(seed);
  return Array.from({ length: n }, () => Number((mean + sd * random.normal()).toFixed(4)));
}

const se = (out: Awaited<ReturnType<typeof fitSource>>, name: string): number => {
  const p = out.params.find((q) => q.name === name);
  assert.ok(p?.se !== undefined, `no SE for ${name}: ${JSON.stringify(out.params)}; ${out.messages.map((m) => m.message).join(' | ')}`);
  return p.se;
};

/*
 * Tolerances: the Hessian is a central difference with relative step 1e-4, whose truncation error
 * is O(h²) ≈ 1e-8 relative (exact for these quadratic objectives but for rounding, ε·|f|/h² ≈ 1e-6
 * relative to the curvature): 1e-4 relative leaves a margin of 100.
 */
describe('standard errors of EM fits from the objective’s curvature', () => {
  it('a normal mean with known precision: σ/√n (ML, observed information)', async () => {
    const y = normals(40, 3, 2, 1);
    const out = await fitSource(`model {
  for (i in 1:N) { y[i] ~ dnorm(mu, 0.25) }
  mu ~ dnorm(0, 1.0E-6)
}
data list(N = 40, y = c(${y.join(', ')}))
fit with em(mle = TRUE)`);
    assert.equal(out.standardErrors, 'observed-information');
    const exact = 2 / Math.sqrt(40);
    assert.ok(Math.abs(se(out, 'mu') - exact) < 1e-4 * exact, `SE ${se(out, 'mu')} vs σ/√n ${exact}`);
  });

  it('a Poisson rate: √(λ̂/n)', async () => {
    const y = [3, 5, 2, 4, 6, 1, 3, 4, 2, 5, 3, 7, 4, 2, 3];
    const out = await fitSource(`model {
  for (i in 1:N) { y[i] ~ dpois(lambda) }
  lambda ~ dgamma(0.001, 0.001)
}
data list(N = 15, y = c(${y.join(', ')}))
fit with em(mle = TRUE)`);
    const mean = y.reduce((a, b) => a + b, 0) / y.length;
    const exact = Math.sqrt(mean / y.length);
    assert.ok(Math.abs(out.params.find((p) => p.name === 'lambda')!.value - mean) < 1e-6);
    assert.ok(Math.abs(se(out, 'lambda') - exact) < 1e-4 * exact, `SE ${se(out, 'lambda')} vs √(λ̂/n) ${exact}`);
  });

  it('with latent nodes integrated out: y ~ N(θ, 1), θ ~ N(μ, 1/4) gives SE(μ) = √((1 + 4)/n), not the complete-data √(4/n)', async () => {
    const y = normals(30, 1, Math.sqrt(5), 2);
    const out = await fitSource(`model {
  for (i in 1:N) {
    theta[i] ~ dnorm(mu, 0.25)
    y[i] ~ dnorm(theta[i], 1)
  }
  mu ~ dnorm(0, 1.0E-6)
}
data list(N = 30, y = c(${y.join(', ')}))
fit with em(mle = TRUE, latent = c(theta))`);
    const exact = Math.sqrt(5 / 30);
    assert.ok(Math.abs(se(out, 'mu') - exact) < 1e-4 * exact, `SE ${se(out, 'mu')} vs √(5/n) ${exact}`);
  });

  it('MAP: the SE is the log posterior’s curvature, the prior’s precision added to the information', async () => {
    const y = normals(10, 0, 1, 3);
    const out = await fitSource(`model {
  for (i in 1:N) { y[i] ~ dnorm(mu, 1) }
  mu ~ dnorm(0, 10)
}
data list(N = 10, y = c(${y.join(', ')}))
fit with em()`);
    assert.equal(out.standardErrors, 'posterior-curvature');
    const exact = 1 / Math.sqrt(10 + 10);
    assert.ok(Math.abs(se(out, 'mu') - exact) < 1e-4 * exact, `SE ${se(out, 'mu')} vs 1/√(n + 10) ${exact}`);
  });

  it('PPCA: no SEs for the loadings (a rotation leaves the fit unchanged), and the means get √(C_dd/n), C = WWᵀ + I/τ', async () => {
    const out = await fitSource(PPCA());
    const value = (name: string): number => out.params.find((p) => p.name === name)!.value;
    assert.ok(out.params.filter((p) => p.name.startsWith('W[')).every((p) => p.se === undefined), 'no SE on W');
    assert.ok(out.messages.some((m) => /identified only up to a rotation/.test(m.message)), out.messages.map((m) => m.message).join(' | '));
    for (let d = 1; d <= 5; d++) {
      // The mean's block of the information is n·C⁻¹ (and orthogonal to the covariance's parameters at the MLE). 1e-3: the
      // difference error is ~1e-6 and the fit stops within 1 % of an SE of the MLE, where the cross terms vanish.
      const c = value(`W[${d},1]`) ** 2 + value(`W[${d},2]`) ** 2 + 1 / value('tau');
      const exact = Math.sqrt(c / 200);
      assert.ok(Math.abs(se(out, `m[${d}]`) - exact) < 1e-3 * exact, `m[${d}]: SE ${se(out, `m[${d}]`)} vs ${exact}`);
    }
  });
});
