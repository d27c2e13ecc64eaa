import erfc from '@stdlib/math-base-special-erfc';
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { assertCovariance, assertMeanAndVariance, assertSamplers, samplePosterior } from './posteriorCheck';

/**
 * Probit regression by augmentation with the scale-expanded Gaussian block
 * (inference/scaleExpansion.ts): the draws of the coefficients must match the
 * exact posterior, computed here by quadrature on a grid, within their
 * Monte-Carlo error (4 batch-means standard errors, see posteriorCheck.ts);
 * and the move must be used only where it keeps the target.
 */
const X1 = [-1.2, -0.8, -0.5, -0.3, -0.1, 0.0, 0.2, 0.4, 0.6, 0.9, 1.1, 1.5, -1.5, 0.7, -0.6, 0.3, 1.3, -0.9, 0.1, -0.2];
const X2 = [0.5, -1.0, 1.2, 0.3, -0.4, 0.8, -1.3, 0.1, -0.6, 1.0, -0.2, 0.4, -0.7, -1.1, 0.9, 1.4, -0.5, 0.2, -0.9, 0.6];
const Y = [0, 0, 1, 0, 0, 1, 0, 1, 0, 1, 1, 1, 0, 0, 1, 1, 1, 0, 0, 1];
const N = Y.length;
const PRIOR_PRECISION = 0.25;

const Phi = (z: number): number => 0.5 * erfc(-z / Math.SQRT2);

function probitModel(mean: string, priorMean: number, cut: number): string {
  return `model {
  for (i in 1:N) {
    z[i] ~ dnorm(${mean}, 1)
    y[i] ~ dinterval(z[i], ${cut})
  }
  b1 ~ dnorm(${priorMean}, ${PRIOR_PRECISION})
  b2 ~ dnorm(${priorMean}, ${PRIOR_PRECISION})
}
data list(N = ${N}, x1 = c(${X1.join(', ')}), x2 = c(${X2.join(', ')}), y = c(${Y.join(', ')}))`;
}

/**
 * Mean, variance and covariance of (b1, b2) under P(y_i = 1) = Φ((x1_i b1 + x2_i b2) / linkScale) and
 * the N(0, 1/0.25) priors, by the midpoint rule on [−8, 8]² in steps of 0.02 (the posterior sd is
 * about 0.4, so the grid error is far below the Monte-Carlo error).
 */
function exactMoments(linkScale: number): { mean: [number, number]; variance: [number, number]; covariance: number } {
  const step = 0.02, half = 8;
  const cells = Math.round((2 * half) / step);
  let mass = 0, s1 = 0, s2 = 0, s11 = 0, s22 = 0, s12 = 0;
  for (let a = 0; a < cells; a++) {
    const b1 = -half + (a + 0.5) * step;
    for (let c = 0; c < cells; c++) {
      const b2 = -half + (c + 0.5) * step;
      let logDensity = -0.5 * PRIOR_PRECISION * (b1 * b1 + b2 * b2);
      for (let i = 0; i < N; i++) {
        const p = Phi((X1[i]! * b1 + X2[i]! * b2) / linkScale);
        logDensity += Math.log(Y[i] === 1 ? p : 1 - p);
      }
      const w = Math.exp(logDensity);
      mass += w; s1 += w * b1; s2 += w * b2; s11 += w * b1 * b1; s22 += w * b2 * b2; s12 += w * b1 * b2;
    }
  }
  const m1 = s1 / mass, m2 = s2 / mass;
  return { mean: [m1, m2], variance: [s11 / mass - m1 * m1, s22 / mass - m2 * m2], covariance: s12 / mass - m1 * m2 };
}

describe('scale-expanded probit block (parameter-expanded data augmentation)', () => {
  const exact = exactMoments(1);

  it('matches the exact probit posterior of the coefficients, within Monte-Carlo error', () => {
    const posterior = samplePosterior(probitModel('b1 * x1[i] + b2 * x2[i]', 0, 0), { chains: 2, burnin: 500, iterations: 10_000, seed: 1999 });
    assertSamplers(posterior, { b1: 'block normal (2), scale-expanded', b2: 'block normal (2), scale-expanded' });
    assertMeanAndVariance(posterior, 'b1', exact.mean[0], exact.variance[0]);
    assertMeanAndVariance(posterior, 'b2', exact.mean[1], exact.variance[1]);
    assertCovariance(posterior, ['b1', 'b2'], exact.mean, exact.covariance);
    // A move that got the scale's conditional wrong would sample a probit with another link scale:
    // the same checks reject the posterior of a link scaled by 1.2.
    const wrong = exactMoments(1.2);
    assert.throws(() => {
      assertMeanAndVariance(posterior, 'b1', wrong.mean[0], wrong.variance[0]);
      assertMeanAndVariance(posterior, 'b2', wrong.mean[1], wrong.variance[1]);
    }, assert.AssertionError);
  });

  it('is used only where rescaling every latent normal keeps the target: no intercept, a zero prior mean, a cut at 0', () => {
    const once = { chains: 1, burnin: 1, iterations: 1, seed: 3 };
    const plain = { b1: 'block normal (2)', b2: 'block normal (2)' };
    assertSamplers(samplePosterior(probitModel('0.3 + b1 * x1[i] + b2 * x2[i]', 0, 0), once), plain);
    assertSamplers(samplePosterior(probitModel('b1 * x1[i] + b2 * x2[i]', 1, 0), once), plain);
    assertSamplers(samplePosterior(probitModel('b1 * x1[i] + b2 * x2[i]', 0, 0.5), once), plain);
  });
});
