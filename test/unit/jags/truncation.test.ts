import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { modelErrorOf } from '../engine/helpers';
import { samplePosterior } from '../engine/posteriorCheck';
import { agreeWithJags } from './jagsReference';

const FOLDER = join(__dirname, '../../fixtures/truncation');

/**
 * T(lower, upper) with bounds from the data (lo[i], hi[i]) and an estimated
 * mean: the truncated density is divided by the mass inside the bounds, which
 * depends on the mean, as JAGS's is. Without that, mu's posterior came out at
 * 0.76 (sd 0.54) where JAGS gives 0.01 (sd 1.00): the x[i], unobserved and cut
 * to their bounds, carry no information about mu but pulled it toward them.
 */
describe('T() with data-dependent bounds', () => {
  it('agrees with JAGS when the truncated nodes\' mean is estimated', () => {
    agreeWithJags(FOLDER, 'truncated', 'x, mu', 10000);
  });

  it('refuses T() on a family without a CDF here when its parameters are estimated, at the truncation', () => {
    const source = 'model {\n  a ~ dgamma(1, 1)\n  p ~ dbeta(a, 2) T(0.1, 0.9)\n}\nsample with gibbs()\n';
    const [problem] = modelErrorOf(() => samplePosterior(source, { chains: 1, burnin: 0, iterations: 1, seed: 1 }));
    assert.match(problem!.message, /^p: T\(,\) on dbeta whose parameters or bounds are estimated needs dbeta's CDF/);
    assert.equal(source.slice(problem!.range.start.offset, problem!.range.end.offset), 'T(0.1, 0.9)');
  });

  it('keeps a half-t prior on a scale, T(0,) around the centre, whatever its parameters', () => {
    const source = 'model {\n  nu ~ dunif(2, 10)\n  s ~ dt(0, 1, nu) T(0,)\n  y ~ dnorm(0, 1 / (s * s))\n}\ndata list(y = 1)\ninits list(s = 1)\nsample with gibbs()\n';
    assert.ok(samplePosterior(source, { chains: 1, burnin: 10, iterations: 10, seed: 1 }).draws.size > 0);
  });
});
