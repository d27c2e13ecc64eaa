import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { klDivergence, parameterLayout, plummerPd } from '../../../src/engine/diagnostics/plummerPd';

/** KL(P ‖ Q) by summing over a discrete support, or by the trapezoid rule on a fine grid. */
function numericKl(logP: (x: number) => number, logQ: (x: number) => number, xs: number[], width = 1): number {
  return xs.reduce((sum, x) => sum + width * Math.exp(logP(x)) * (logP(x) - logQ(x)), 0);
}
const logFactorial = (k: number): number => (k < 2 ? 0 : Math.log(k) + logFactorial(k - 1));
/** log Γ(x) by Lanczos (g = 7, n = 9), independent of the engine's: about 15 significant digits for x > 0.5. */
function logGamma(x: number): number {
  const c = [0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059, 12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7];
  if (x < 0.5) return Math.log(Math.PI / Math.abs(Math.sin(Math.PI * x))) - logGamma(1 - x);
  const z = x - 1;
  let a = c[0]!;
  const t = z + 7.5;
  for (let i = 1; i < 9; i++) a += c[i]! / (z + i);
  return 0.5 * Math.log(2 * Math.PI) + (z + 0.5) * Math.log(t) - t + Math.log(a);
}
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
    assert.ok(Number.isNaN(klDivergence('dt', [0, 1, 3], [1, 1, 3])));
  });

  it('divergences of the continuous families beyond the normal equal their integrals (midpoint rule on [0, 60] or (0, 1), step 1e-5)', () => {
    // The midpoint rule's error is O(h²) times the integrand's second derivative; tolerance 1e-6 relative to 1e-5 steps is generous
    // except near a density's singular edge, which these parameters keep away (all shapes ≥ 1.5).
    const lgamma = (x: number): number => logGamma(x);
    const midpoints = (from: number, to: number, h: number) => Array.from({ length: Math.round((to - from) / h) }, (_, k) => from + (k + 0.5) * h);
    const positive = midpoints(0, 60, 1e-4);
    const unit = midpoints(0, 1, 1e-5);
    const gamma = (a: number, b: number) => (x: number) => a * Math.log(b) - lgamma(a) + (a - 1) * Math.log(x) - b * x;
    const beta = (a: number, b: number) => (x: number) => lgamma(a + b) - lgamma(a) - lgamma(b) + (a - 1) * Math.log(x) + (b - 1) * Math.log1p(-x);
    const lognormal = (m: number, tau: number) => (x: number) => 0.5 * Math.log(tau / (2 * Math.PI)) - Math.log(x) - 0.5 * tau * (Math.log(x) - m) ** 2;
    const weibull = (v: number, l: number) => (x: number) => Math.log(v * l) + (v - 1) * Math.log(x) - l * x ** v;
    const exponential = (l: number) => (x: number) => Math.log(l) - l * x;
    const cases: Array<[string, number[], number[], number]> = [
      ['dgamma', [2.5, 1.5], [4, 2.2], numericKl(gamma(2.5, 1.5), gamma(4, 2.2), positive, 1e-4)],
      ['dbeta', [2, 3.5], [4, 1.5], numericKl(beta(2, 3.5), beta(4, 1.5), unit, 1e-5)],
      ['dlnorm', [0.2, 4], [0.5, 1.5], numericKl(lognormal(0.2, 4), lognormal(0.5, 1.5), positive, 1e-4)],
      ['dweib', [1.5, 0.8], [2.5, 0.3], numericKl(weibull(1.5, 0.8), weibull(2.5, 0.3), positive, 1e-4)],
      ['dexp', [0.7], [1.9], numericKl(exponential(0.7), exponential(1.9), positive, 1e-4)],
    ];
    for (const [family, p, q, expected] of cases) {
      const kl = klDivergence(family, p, q);
      assert.ok(Math.abs(kl - expected) < 1e-6 * Math.max(1, expected), `${family}: ${kl} against ${expected}`);
      assert.ok(Math.abs(klDivergence(family, p, p)) < 1e-12, `${family}: KL(P ‖ P) = 0`);
    }
  });

  it("the negative binomial's divergence equals its sum, with the same r (closed form) and with different r", () => {
    const negbin = (p: number, r: number) => (x: number) => logGamma(x + r) - logGamma(r) - logGamma(x + 1) + r * Math.log(p) + x * Math.log1p(-p);
    const counts = Array.from({ length: 2000 }, (_, k) => k);
    for (const [p, q] of [[[0.3, 4], [0.5, 4]], [[0.3, 4], [0.45, 2.5]], [[0.8, 1.5], [0.2, 6]]] as const) {
      const expected = numericKl(negbin(p[0], p[1]), negbin(q[0], q[1]), counts);
      const kl = klDivergence('dnegbin', p, q);
      assert.ok(Math.abs(kl - expected) < 1e-9 * Math.max(1, expected), `dnegbin ${p} ‖ ${q}: ${kl} against ${expected}`);
    }
    assert.ok(Math.abs(klDivergence('dnegbin', [1, 3], [0.5, 3]) - 3 * Math.log(2)) < 1e-12, 'all mass at 0 under P');
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
