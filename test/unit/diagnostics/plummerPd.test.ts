import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { klDivergence, parameterLayout, plummerPd } from '../../../src/engine/diagnostics/plummerPd';

/** KL(P ‖ Q) by summing over a discrete support, or by the trapezoid rule on a fine grid. */
function numericKl(logP: (x: number) => number, logQ: (x: number) => number, xs: number[], width = 1): number {
  return xs.reduce((sum, x) => sum + width * Math.exp(logP(x)) * (logP(x) - logQ(x)), 0);
}
const logFactorial = (k: number): number => (k < 2 ? 0 : Math.log(k) + logFactorial(k - 1));
const logChoose = (n: number, k: number): number => logFactorial(n) - logFactorial(k) - logFactorial(n - k);

describe("Plummer's pD", () => {
  it('divergences equal the sums and integrals that define them', () => {
    const normal = (m: number, tau: number) => (x: number) => 0.5 * Math.log(tau / (2 * Math.PI)) - 0.5 * tau * (x - m) ** 2;
    const grid = Array.from({ length: 40001 }, (_, k) => -20 + k * 0.001);
    assert.ok(Math.abs(klDivergence('dnorm', [0.3, 2], [-0.5, 0.7]) - numericKl(normal(0.3, 2), normal(-0.5, 0.7), grid, 0.001)) < 1e-8);
    const poisson = (l: number) => (k: number) => k * Math.log(l) - l - logFactorial(k);
    const counts = Array.from({ length: 80 }, (_, k) => k);
    assert.ok(Math.abs(klDivergence('dpois', [3.5], [6]) - numericKl(poisson(3.5), poisson(6), counts)) < 1e-10);
    const binomial = (p: number, n: number) => (k: number) => logChoose(n, k) + k * Math.log(p) + (n - k) * Math.log(1 - p);
    const trials = Array.from({ length: 13 }, (_, k) => k);
    assert.ok(Math.abs(klDivergence('dbin', [0.2, 12], [0.45, 12]) - numericKl(binomial(0.2, 12), binomial(0.45, 12), trials)) < 1e-10);
    assert.ok(Math.abs(klDivergence('dbern', [0, 1], [0.25, 1]) - Math.log(1 / 0.75)) < 1e-12);
    assert.ok(Number.isNaN(klDivergence('dgamma', [1, 1], [2, 1])));
  });

  it('is the mean over draws and pairs of chains of half the symmetrised divergence', () => {
    const layout = parameterLayout(['dnorm', 'dpois']);
    assert.deepEqual([...layout.starts], [0, 2]);
    assert.equal(layout.width, 3);
    // Two draws, three chains: rows [mean, precision, rate].
    const chains = [Float64Array.of(0, 1, 2, 1, 1, 3), Float64Array.of(1, 1, 2, 1, 1, 3), Float64Array.of(0, 4, 5, 0, 1, 3)];
    let expected = 0;
    for (const [c, d] of [[1, 0], [2, 0], [2, 1]] as const) {
      for (let s = 0; s < 2; s++) {
        const a = chains[c]!.subarray(3 * s, 3 * s + 3);
        const b = chains[d]!.subarray(3 * s, 3 * s + 3);
        expected += 0.5 * (klDivergence('dnorm', a, b) + klDivergence('dnorm', b, a));
        expected += 0.5 * (klDivergence('dpois', a.subarray(2), b.subarray(2)) + klDivergence('dpois', b.subarray(2), a.subarray(2)));
      }
    }
    assert.ok(Math.abs(plummerPd(layout, chains, 2)! - expected / 6) < 1e-12);
    assert.equal(plummerPd(layout, chains.slice(0, 1), 2), undefined);
  });
});
