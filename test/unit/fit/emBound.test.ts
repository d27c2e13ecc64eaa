import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { FitOutput } from '../../../src/engine/output/fitOutput';
import { Random } from '../../../src/engine/random/rng';
import { cellDocument, fitSource, withOptions } from './notebookFits';

/**
 * EM's bound picture (`em(bound = TRUE)`): at every recorded point, after each E-step and each
 * M-step, log p(X | θ) = L(q, θ) + KL(q ‖ p(Z | X, θ)). The three are computed apart (emBound.ts):
 * log p from each unit's normaliser, L from the model's densities averaged under q, KL from the
 * posteriors' parameters. Each is a sum over at most a few thousand units of terms of size ~10,
 * each exact to a few ulps, so rounding leaves ~1e-12 relative: 1e-9 relative is the tolerance.
 */
const TOLERANCE = 1e-9;

function assertIdentity(out: FitOutput, label: string): void {
  assert.ok(out.status !== 'failed', `${label}: ${JSON.stringify(out.messages)}`);
  const b = out.emBound;
  assert.ok(b, `${label}: no bound recorded: ${JSON.stringify(out.messages)}`);
  assert.ok(b.iteration.length >= 4, `${label}: ${b.iteration.length} points`);
  const beta = out.objective.beta ?? [];
  for (let k = 0; k < b.iteration.length; k++) {
    const [p, l, kl] = [b.objective[k]!, b.lower[k]!, b.divergence[k]!];
    const scale = TOLERANCE * Math.max(1, Math.abs(p));
    const where = `${label}, point ${k} (iteration ${b.iteration[k]}, after the ${b.step[k]}-step)`;
    assert.ok(Number.isFinite(p) && Number.isFinite(l) && Number.isFinite(kl), `${where}: ${p}, ${l}, ${kl}`);
    assert.ok(Math.abs(l + kl - p) <= scale, `${where}: L + KL − log p = ${l + kl - p}`);
    assert.ok(kl >= -scale, `${where}: KL = ${kl}`);
    if (b.step[k] === 'E') {
      // The E point's log p is the objective curve's value at that iteration.
      assert.ok(Math.abs(p - out.objective.values[b.iteration[k]!]!) <= scale, `${where}: ${p} vs the curve's ${out.objective.values[b.iteration[k]!]}`);
      // At β = 1 the E-step sets q to the posterior: the bound touches log p.
      if ((beta[b.iteration[k]!] ?? 1) === 1) assert.ok(kl <= scale, `${where}: KL after the E-step = ${kl}`);
    } else {
      // The M-step raises L with q held; the next E-step's log p is at least L.
      const before = b.lower[k - 1]!;
      assert.equal(b.step[k - 1], 'E');
      assert.ok(l >= before - scale, `${where}: L fell in the M-step, ${before} → ${l}`);
      if (k + 1 < b.iteration.length) assert.ok(b.objective[k + 1]! >= l - scale, `${where}: log p below L`);
    }
  }
}

/** A two-component univariate normal mixture (generic EM: finite latent units), 200 rows generated here. */
function mixtureSource(options: string): string {
  const random = new Random(7, 0);
  const x = Array.from({ length: 200 }, (_, i) => (i < 80 ? -1 + 0.8 * random.normal() : 2 + 1.2 * random.normal()).toFixed(4));
  return `model {
  w[1:2] ~ ddirch(alpha[])
  for (k in 1:2) {
    mu[k] ~ dnorm(0, 0.01)
    tau[k] ~ dgamma(1, 1)
  }
  for (i in 1:N) {
    z[i] ~ dcat(w[])
    x[i] ~ dnorm(mu[z[i]], tau[z[i]])
  }
}
data list(N = 200, alpha = c(1, 1), x = c(${x.join(', ')}))
inits list(mu = c(-3, 3), tau = c(0.3, 0.3), w = c(0.5, 0.5))
fit with ${options}
`;
}

function probitStart(seed: number): string {
  const random = new Random(seed, 0);
  return `inits list(beta = c(${Array.from({ length: 5 }, () => (4 * random.uniform() - 2).toFixed(3)).join(', ')}))\n`;
}

describe('EM bound picture: log p(X | θ) = L(q, θ) + KL(q ‖ p(Z | X, θ)) at every recorded point', () => {
  it('a univariate normal mixture (finite units), maximum likelihood and MAP', async () => {
    for (const mle of ['TRUE', 'FALSE']) {
      const out = await fitSource(mixtureSource(`em(bound = TRUE, init = "given", mle = ${mle}, max.iter = 40, tol = 1e-12)`));
      assertIdentity(out, `mixture, mle = ${mle}`);
      assert.equal(out.emBound!.kind, mle === 'TRUE' ? 'loglik' : 'logpost');
      // A poor start: KL after the first M-step is clearly positive (the picture has something to show).
      assert.ok(out.emBound!.divergence[1]! > 1e-3, `KL after the first M-step ${out.emBound!.divergence[1]}`);
    }
  });

  it('the mixture with annealed EM: after a tempered E-step q is not the posterior, and the identity still holds', async () => {
    const out = await fitSource(mixtureSource('annealed.em(bound = TRUE, init = "given", mle = TRUE, max.iter = 30, tol = 1e-12)'));
    assertIdentity(out, 'annealed mixture');
    assert.ok(out.emBound!.divergence[0]! > 1e-3, `KL after the first tempered E-step ${out.emBound!.divergence[0]}`);
  });

  it('probit by augmentation (truncated normal units)', async () => {
    for (const seed of [1, 2]) {
      const source = withOptions(probitStart(seed) + cellDocument('probit-augmentation.ipynb', 0), { bound: 'TRUE', init: '"given"', 'max.iter': '8' });
      assertIdentity(await fitSource(source), `probit, seed ${seed}`);
    }
  });

  it('a missing covariate (normal units beside observed rows)', async () => {
    assertIdentity(await fitSource(withOptions(cellDocument('missing-covariate.ipynb', 0), { bound: 'TRUE', 'max.iter': '30' })), 'missing covariate');
  });

  it('PPCA (Gaussian-block units)', async () => {
    assertIdentity(await fitSource(withOptions(cellDocument('ppca.ipynb', 0), { bound: 'TRUE', restarts: '1', 'max.iter': '20' })), 'PPCA');
  });

  it('a dmnorm mixture leaves the kernel for generic EM, which records the bound', async () => {
    const out = await fitSource(withOptions(cellDocument('annealed-em.ipynb', 0), { bound: 'TRUE', 'max.iter': '25' }));
    assert.ok(!/kernel/.test(out.engine), out.engine);
    assertIdentity(out, 'three clusters');
  });

  it('examples/em/em-bound.ipynb: the outcome it states', async () => {
    const out = await fitSource(cellDocument('em-bound.ipynb', 0));
    assertIdentity(out, 'em-bound notebook');
    assert.equal(out.status, 'converged');
    assert.ok(Math.abs(out.loglik! + 1034.0017) < 1e-4, `log-likelihood ${out.loglik}`);
    assert.ok(Math.abs(out.emBound!.divergence[1]! - 2.326) < 1e-3, `KL after the first M-step ${out.emBound!.divergence[1]}`);
    const value = (name: string): number => out.params.find((p) => p.name === name)!.value;
    assert.ok(Math.abs(value('mu[1]') - 54.615) < 1e-3 && Math.abs(value('mu[2]') - 80.091) < 1e-3 && Math.abs(value('w[1]') - 0.361) < 1e-3, JSON.stringify(out.params));
  });

  it('without bound = TRUE nothing is recorded; bound is an option of em, ecm and annealed.em only', async () => {
    assert.equal((await fitSource(mixtureSource('em(init = "given", max.iter = 5)'))).emBound, undefined);
    await assert.rejects(fitSource(mixtureSource('mcem(bound = TRUE, max.iter = 3)')), /bound/);
  });
});
