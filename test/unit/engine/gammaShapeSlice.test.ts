import gammaln from '@stdlib/math-base-special-gammaln';
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { assertMeanAndVariance, assertSamplers, samplePosterior } from './posteriorCheck';

/**
 * The slice sampler of a gamma shape from its children's sufficient statistic
 * (inference/gammaShapeSlice.ts): its draws against the exact posterior by
 * quadrature, within Monte-Carlo error (4 batch-means standard errors, see
 * posteriorCheck.ts), and the structures it must leave to the general slice.
 */
const Y = [0.8, 2.3, 1.1, 0.4, 3.0, 1.7, 0.9, 1.4];
const RATE = 1.5;

/** Mean and variance of α under α ~ dexp(1), y_i ~ dgamma(α, RATE), by the midpoint rule on (0, 40) in steps of 1e-3 (posterior sd ≈ 0.7). */
function exactMoments(): [number, number] {
  const step = 1e-3;
  const logSum = Y.reduce((s, y) => s + Math.log(y), 0);
  let mass = 0, first = 0, second = 0;
  for (let a = step / 2; a < 40; a += step) {
    const w = Math.exp(-a + Y.length * (a * Math.log(RATE) - gammaln(a)) + (a - 1) * logSum);
    mass += w; first += w * a; second += w * a * a;
  }
  const mean = first / mass;
  return [mean, second / mass - mean * mean];
}

const data = `data list(N = ${Y.length}, y = c(${Y.join(', ')}))`;

describe('slice sampler of a gamma shape', () => {
  it('matches the exact posterior of the shape of observed gamma data', () => {
    const posterior = samplePosterior(`model {\n  for (i in 1:N) { y[i] ~ dgamma(alpha, ${RATE}) }\n  alpha ~ dexp(1)\n}\n${data}`, { chains: 2, burnin: 500, iterations: 20_000, seed: 77 });
    assertSamplers(posterior, { alpha: 'slice (gamma shape)' });
    const [mean, variance] = exactMoments();
    assertMeanAndVariance(posterior, 'alpha', mean, variance);
    // The same check rejects a posterior whose rate were 1.2 instead of 1.5 (a sufficient statistic that dropped log r).
    assert.throws(() => assertMeanAndVariance(posterior, 'alpha', mean * 0.85, variance), assert.AssertionError);
  });

  it('leaves to the general slice a shape that is also a rate, or a node with other children', () => {
    const once = { chains: 1, burnin: 1, iterations: 1, seed: 5 };
    assertSamplers(samplePosterior(`model {\n  for (i in 1:N) { y[i] ~ dgamma(alpha, alpha) }\n  alpha ~ dexp(1)\n}\n${data}`, once), { alpha: 'slice' });
    assertSamplers(samplePosterior(`model {\n  for (i in 1:N) { y[i] ~ dgamma(alpha, 1) }\n  z ~ dnorm(alpha, 1)\n  alpha ~ dexp(1)\n}\ndata list(N = ${Y.length}, y = c(${Y.join(', ')}), z = 0.5)`, once), { alpha: 'slice' });
    assertSamplers(samplePosterior(`model {\n  for (i in 1:N) { y[i] ~ dgamma(2 * alpha, 1) }\n  alpha ~ dexp(1)\n}\n${data}`, once), { alpha: 'slice' });
  });
});
