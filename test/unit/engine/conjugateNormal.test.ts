import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { prepareChain, sampleChain } from '../../../src/engine/run/chainSession';
import { BUILT_IN_DEFAULTS } from '../../../src/engine/run/request';
import { readRequest } from '../../../src/engine/job/job';

/**
 * The Gibbs sampler against closed-form posteriors. Tolerances come from the
 * Monte-Carlo error of the run itself: the standard error of a posterior
 * moment is estimated by batch means (50 batches per chain, which absorbs the
 * chain's autocorrelation), and an estimate must lie within 4 standard errors
 * of the truth — a two-sided tail of 6e-5 for a normal error, so a correct
 * sampler fails by chance about once in 16,000 runs, while a wrong
 * conditional (e.g. a prior term dropped) misses by many standard errors.
 */
const Y = [2.1, 1.4, 3.0, 2.6, 1.9, 2.4, 2.8, 1.7, 2.2, 2.5];
const n = Y.length;
const ybar = Y.reduce((a, b) => a + b, 0) / n;
const ss = Y.reduce((a, y) => a + (y - ybar) ** 2, 0);

/** Draws of the monitors from `chains` chains, run in this thread with a fixed seed. */
function sample(source: string, chains: number, iterations: number): Map<string, Float64Array[]> {
  const request = readRequest('sample', source, { ...BUILT_IN_DEFAULTS, chains, burnin: 500, iterations }, () => 20261126);
  const result = new Map<string, Float64Array[]>();
  for (let chain = 0; chain < chains; chain++) {
    const session = prepareChain(request, chain);
    const columns = session.monitors.map(() => new Float64Array(iterations));
    let row = 0;
    sampleChain(session, request.settings, (_, draws) => {
      for (let k = 0; k < draws.length; k += columns.length, row++) columns.forEach((c, m) => (c[row] = draws[k + m]!));
    });
    session.monitors.forEach((m, i) => result.set(m.name, [...(result.get(m.name) ?? []), columns[i]!]));
  }
  return result;
}

/** Mean of f over all draws, and its Monte-Carlo standard error by batch means. */
function estimate(chains: Float64Array[], f: (x: number) => number = (x) => x): { value: number; se: number } {
  const batchMeans: number[] = [];
  const batches = 50;
  for (const chain of chains) {
    const size = Math.floor(chain.length / batches);
    for (let b = 0; b < batches; b++) {
      let s = 0;
      for (let k = b * size; k < (b + 1) * size; k++) s += f(chain[k]!);
      batchMeans.push(s / size);
    }
  }
  const value = batchMeans.reduce((a, b) => a + b, 0) / batchMeans.length;
  const variance = batchMeans.reduce((a, b) => a + (b - value) ** 2, 0) / (batchMeans.length - 1);
  return { value, se: Math.sqrt(variance / batchMeans.length) };
}

function assertWithin(name: string, got: { value: number; se: number }, expected: number): void {
  const z = (got.value - expected) / got.se;
  assert.ok(Math.abs(z) < 4, `${name}: got ${got.value} ± ${got.se}, expected ${expected} (z = ${z.toFixed(2)})`);
}

const data = `data list(N = ${n}, y = c(${Y.join(', ')}))`;

describe('Gibbs sampling of conjugate normal models agrees with the analytic posterior', () => {
  it('normal mean with known precision: posterior N(m_n, 1/t_n)', () => {
    const [m0, t0, tau] = [1, 0.5, 4];
    const draws = sample(`model { mu ~ dnorm(${m0}, ${t0}); for (i in 1:N) { y[i] ~ dnorm(mu, ${tau}) } }\n${data}`, 2, 20000);
    const tn = t0 + n * tau;
    const mn = (t0 * m0 + tau * n * ybar) / tn;
    const mu = draws.get('mu')!;
    assertWithin('E[mu]', estimate(mu), mn);
    assertWithin('Var[mu]', estimate(mu, (x) => (x - mn) ** 2), 1 / tn);
  });

  it('normal precision with known mean: posterior Gamma(a + n/2, b + Σ(y-μ)²/2)', () => {
    const [a, b, mu] = [2, 1, 2.2];
    const draws = sample(`model { tau ~ dgamma(${a}, ${b}); for (i in 1:N) { y[i] ~ dnorm(${mu}, tau) } }\n${data}`, 2, 20000);
    const shape = a + n / 2;
    const rate = b + 0.5 * Y.reduce((s, y) => s + (y - mu) ** 2, 0);
    const tau = draws.get('tau')!;
    assertWithin('E[tau]', estimate(tau), shape / rate);
    assertWithin('Var[tau]', estimate(tau, (x) => (x - shape / rate) ** 2), shape / rate ** 2);
  });

  it('normal-gamma prior on (mu, tau): joint conjugate posterior, mu marginally Student-t', () => {
    // mu | tau ~ N(m0, (k0·tau)^-1), tau ~ Gamma(a, b). Posterior: tau ~ Gamma(a_n, b_n) with
    // a_n = a + n/2, b_n = b + SS/2 + k0·n·(ȳ − m0)²/(2(k0 + n)); mu has mean m_n = (k0·m0 + n·ȳ)/(k0 + n)
    // and variance b_n / ((a_n − 1)·k_n), k_n = k0 + n.
    const [m0, k0, a, b] = [0, 0.1, 3, 2];
    const source = `model {
      mu ~ dnorm(${m0}, prior.precision)
      prior.precision <- ${k0} * tau
      tau ~ dgamma(${a}, ${b})
      for (i in 1:N) { y[i] ~ dnorm(mu, tau) }
    }
    ${data}
    sample with gibbs(monitor = c(mu, tau))`;
    const draws = sample(source, 4, 20000);
    const an = a + n / 2;
    const kn = k0 + n;
    const bn = b + ss / 2 + (k0 * n * (ybar - m0) ** 2) / (2 * kn);
    const mn = (k0 * m0 + n * ybar) / kn;
    assertWithin('E[mu]', estimate(draws.get('mu')!), mn);
    assertWithin('Var[mu]', estimate(draws.get('mu')!, (x) => (x - mn) ** 2), bn / ((an - 1) * kn));
    assertWithin('E[tau]', estimate(draws.get('tau')!), an / bn);
    assertWithin('Var[tau]', estimate(draws.get('tau')!, (x) => (x - an / bn) ** 2), an / bn ** 2);
  });

  it('the same check catches a sampler that draws from the wrong conditional', () => {
    // Shows the tolerance can fail: the known-precision posterior compared with the
    // posterior a sampler would give if it ignored the prior (mean ȳ, precision n·tau).
    const [m0, t0, tau] = [1, 0.5, 4];
    const draws = sample(`model { mu ~ dnorm(${m0}, ${t0}); for (i in 1:N) { y[i] ~ dnorm(mu, ${tau}) } }\n${data}`, 2, 20000);
    const e = estimate(draws.get('mu')!);
    assert.ok(Math.abs(e.value - ybar) / e.se > 4, 'a prior-free posterior mean must be rejected');
  });
});
