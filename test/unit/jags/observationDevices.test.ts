import { readRequest } from '../../../src/engine/job/job';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { drawsOf, samplePosterior } from '../engine/posteriorCheck';
import { agreeWithJags, fixtureCell } from './jagsReference';
import { compileModel } from '../../../src/engine/model/compile';
import { prepareChain } from '../../../src/engine/run/chainSession';
import { ModelError } from '../../../src/engine/language/source';

/**
 * dsum and dround, JAGS's observation devices, against JAGS 4.3 on the same
 * models and data (test/fixtures/observation-devices: `jags NAME.cmd` there,
 * 2 chains × 200,000 kept draws, summarised by `node --import tsx
 * ../../../scripts/codaBench.ts NAME- NAME-jags-4.3.R`; see its README).
 *
 * Judged by JAGS's rule with our run's Monte-Carlo error (jagsReference.ts);
 * a sampler that does not keep the sum (or ignores the rounding) moves a
 * mean by whole SDs. The runs keep SE ≤ 0.05 SD.
 */
const FOLDER = join(__dirname, '../../fixtures/observation-devices');

const cell = (name: string, monitor: string, inits?: string): string => fixtureCell(FOLDER, name, monitor, inits);
const agree = (name: string, monitor: string, iterations: number, inits?: string): void => agreeWithJags(FOLDER, name, monitor, iterations, inits);

describe('dsum and dround (JAGS observation devices)', () => {
  it('keeps an observed sum of normal terms, agreeing with JAGS', () => {
    agree('dsum-normal', 'x', 10000);
    const posterior = samplePosterior(cell('dsum-normal', 'x'), { chains: 1, burnin: 100, iterations: 500, seed: 3 });
    const [x1, x2, x3] = ['x[1]', 'x[2]', 'x[3]'].map((n) => drawsOf(posterior, n)[0]!);
    for (let k = 0; k < 500; k++) assert.ok(Math.abs(x1![k]! + x2![k]! + x3![k]! - 6) < 1e-8, 'every draw keeps the sum');
    assert.equal(posterior.samplers.get('x[1]'), 'sum-preserving (pairs)');
  });

  it('keeps an observed total of counts, moving whole units in pairs, agreeing with JAGS', () => {
    agree('dsum-counts', 'n, theta', 10000, 'dsum-counts-inits.R');
    const posterior = samplePosterior(cell('dsum-counts', 'n'), { chains: 1, burnin: 100, iterations: 500, seed: 3 });
    const n = ['n[1]', 'n[2]', 'n[3]'].map((name) => drawsOf(posterior, name)[0]!);
    for (let k = 0; k < 500; k++) {
      assert.equal(n[0]![k]! + n[1]![k]! + n[2]![k]!, 15);
      for (const c of n) assert.ok(Number.isInteger(c[k]!));
    }
    assert.equal(posterior.samplers.get('n[1]'), 'sum-preserving (discrete pairs)');
  });

  it('starts the terms on the observed sum when no initial values give it', () => {
    // Typical values 2 + 4 + 6 = 12 miss the total 15: the gap is shared before sampling.
    const posterior = samplePosterior(cell('dsum-counts', 'n'), { chains: 2, burnin: 0, iterations: 1, seed: 5 });
    const total = ['n[1]', 'n[2]', 'n[3]'].reduce((s, name) => s + drawsOf(posterior, name)[0]![0]!, 0);
    assert.equal(total, 15);
  });

  it('takes a rounded record as its rounding interval, agreeing with JAGS', () => {
    agree('dround', 'mu, sigma, z', 10000);
    const posterior = samplePosterior(cell('dround', 'z'), { chains: 1, burnin: 100, iterations: 500, seed: 3 });
    const z1 = drawsOf(posterior, 'z[1]')[0]!;
    for (const z of z1) assert.ok(z >= 2.5 && z < 3.5, `z[1] = ${z} rounds to 3`);
    assert.equal(posterior.samplers.get('z[1]'), 'conjugate truncated normal');
  });

  it('names the term of a dsum that is not a stochastic node', () => {
    const source = 'model {\n  a ~ dnorm(0, 1)\n  b <- a * 2\n  s ~ dsum(a, b)\n}\ndata list(s = 1)\nsample with gibbs()\n';
    const request = readRequest('sample', source, { chains: 1, burnin: 0, iterations: 1, thin: 1, seed: 1 }, () => 1);
    assert.ok(compileModel(request.document, request.data));
    assert.throws(() => prepareChain(request, 0), (e: unknown) => {
      assert.ok(e instanceof ModelError);
      const [problem] = e.problems;
      assert.match(problem!.message, /Each term of dsum must name one stochastic scalar node/);
      assert.equal(source.slice(problem!.range.start.offset, problem!.range.end.offset), 'b');
      return true;
    });
  });
});
