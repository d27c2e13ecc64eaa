import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { fitSource, param } from './notebookFits';

/**
 * Minimal cases of engine gaps found while writing the EM examples, kept as todo tests until
 * src/engine/fit handles them.
 */
describe('EM engine gaps (todo)', () => {
  /*
   * A parameter whose prior reads a latent node: m ~ dnorm(c[z], 1), z ~ dcat(p) latent.
   * Exact EM updates m ← (Σ y + Σ_k r_k c_k) / (N + 1), r_k = p(z = k | m), and converges to
   * the maximum of the log posterior Σ log N(y_i; m, 1) + log Σ_k p_k N(m; c_k, 1). Golden
   * section on that function (below) puts it at m = 0.390636. Today the M-step takes m's prior
   * at z's most probable value (m = (0.2 + 0.6 − 1)/3 = −0.0667 from the tie at m = 0), and the
   * objective adds m's prior at that value on top of z's unit, which already holds it
   * (−4.869 reported against the log posterior −3.515 there).
   */
  it('a parameter whose prior reads a latent node: EM reaches the MAP of the marginal posterior', { todo: 'engine: prior statistics of a parameter are taken at the latent node\'s centre, not averaged over its E-step posterior; objective double counts that prior' }, async () => {
    const y = [0.2, 0.6];
    const c = [-1, 1];
    const logPosterior = (m: number): number =>
      y.reduce((a, v) => a - 0.5 * (v - m) ** 2, 0) + Math.log(0.5 * c.reduce((a, k) => a + Math.exp(-0.5 * (m - k) ** 2), 0)) - 1.5 * Math.log(2 * Math.PI);
    let lo = -3;
    let hi = 3;
    for (let k = 0; k < 200; k++) {
      const a = lo + (hi - lo) / 3;
      const b = hi - (hi - lo) / 3;
      if (logPosterior(a) < logPosterior(b)) lo = a;
      else hi = b;
    }
    const map = (lo + hi) / 2;
    const out = await fitSource(`model {
  z ~ dcat(p[])
  m ~ dnorm(c[z], 1)
  for (i in 1:N) {
    y[i] ~ dnorm(m, 1)
  }
}
data list(N = 2, y = c(0.2, 0.6), p = c(0.5, 0.5), c = c(-1, 1))
inits list(m = 0)
fit with em(latent = c(z), tol = 1e-12, max.iter = 1000)
`);
    assert.equal(out.status, 'converged');
    assert.ok(Math.abs(param(out, 'm') - map) < 1e-6, `m = ${param(out, 'm')}, MAP ${map}`);
    assert.ok(Math.abs(out.objective.values.at(-1)! - logPosterior(map)) < 1e-8, `objective ${out.objective.values.at(-1)} vs log posterior ${logPosterior(map)}`);
  });
});
