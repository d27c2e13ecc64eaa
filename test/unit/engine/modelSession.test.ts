import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { nodeLogDensity } from '../../../src/engine/model/graph';
import { prepareChain, sampleChain } from '../../../src/engine/run/chainSession';
import { LOCKSTEP, ModelSession, type MonitorTarget } from '../../../src/engine/run/modelSession';
import { request } from './helpers';

const MODEL = `model {
  for (i in 1:N) {
    Y[i] ~ dnorm(alpha + beta * x[i], tau)
  }
  alpha ~ dnorm(0, 1.0E-4)
  beta ~ dnorm(0, 1.0E-4)
  tau ~ dgamma(0.001, 0.001)
  theta ~ dunif(0, 1)
  for (i in 1:N) { z[i] ~ dbern(theta) }
  for (i in 1:2) { for (j in 1:3) { M[i, j] <- 10 * i + j } }
}
data list(N = 5, x = c(1, 2, 3, 4, 5), Y = c(1, 3, 3, 3, 5), z = c(1, 0, 1, 1, 0), W = structure(c(1, 2, 3, 4, 5, 6), .Dim = c(2, 3)))
`;

const at = (name: string, ranges?: Array<[number, number]>): MonitorTarget => {
  const range = { start: { line: 0, column: 0, offset: 0 }, end: { line: 0, column: 1, offset: 1 } };
  return ranges ? { name, ranges, range } : { name, range };
};

describe('model session (JAGS-style updates)', () => {
  it('gives the same draws as a run with the same seed: burn-in with adaptation, then monitored iterations', () => {
    const r = request(`${MODEL}sample with gibbs(chains = 2, burnin = 150, iterations = 100, seed = 8, monitor = c(alpha, tau, theta))`);
    const session = new ModelSession(r, 2);
    session.initialize([]);
    session.update(150);
    const monitor = ['alpha', 'tau', 'theta'].map((name) => session.addMonitor(at(name), 1, false));
    assert.equal(session.adapting, false, 'a monitor ends adaptation');
    session.update(100);
    for (const chain of [0, 1]) {
      const run = prepareChain(r, chain);
      const rows: number[] = [];
      sampleChain(run, r.settings, (_, draws) => rows.push(...draws));
      const fromSession = Array.from({ length: 100 }, (_, k) => monitor.map((m) => m.records[chain]![k]!)).flat();
      assert.deepEqual(fromSession, rows, `chain ${chain + 1}`);
    }
    assert.equal(session.iteration, 250);
    assert.ok(monitor.every((m) => m.count === 100 && m.start === 151));
  });

  it('gives the same draws when an update passes from chains in step (LOCKSTEP) to chains one after another', () => {
    const burnin = LOCKSTEP - 40;
    const r = request(`${MODEL}sample with gibbs(chains = 3, burnin = ${burnin}, iterations = 90, seed = 3, monitor = c(beta, theta))`);
    const session = new ModelSession(r, 3);
    session.initialize([]);
    session.update(burnin);
    const monitor = ['beta', 'theta'].map((name) => session.addMonitor(at(name), 1, false));
    // 40 iterations in step, then 50 chain by chain, with records on both sides.
    session.update(90);
    for (const chain of [0, 1, 2]) {
      const run = prepareChain(r, chain);
      const rows: number[] = [];
      sampleChain(run, r.settings, (_, draws) => rows.push(...draws));
      const fromSession = Array.from({ length: 90 }, (_, k) => monitor.map((m) => m.records[chain]![k]!)).flat();
      assert.deepEqual(fromSession, rows, `chain ${chain + 1}`);
    }
  });

  it("keeps monitors in the session only: its chains record nothing of their own", () => {
    const r = request(`${MODEL}sample with gibbs(chains = 1, burnin = 0, iterations = 1, seed = 1)`);
    // A run that names no monitors records every unobserved node; a session's chains none (a monitor and a name per
    // latent row were 80 MB at a million probit rows).
    assert.deepEqual(prepareChain(r, 0).monitors.map((m) => m.name), ['alpha', 'beta', 'tau', 'theta']);
    assert.deepEqual(prepareChain(r, 0, undefined, undefined, 'none').monitors, []);
    const session = new ModelSession(r, 1);
    session.initialize([]);
    const chains = (session as unknown as { chains: Array<{ monitors: unknown[] }> }).chains;
    assert.equal(chains.length, 1);
    assert.deepEqual(chains[0]!.monitors, []);
  });

  it('counts records per monitor with its own start and thinning', () => {
    const session = new ModelSession(request(MODEL), 1);
    session.initialize([]);
    session.update(7);
    const a = session.addMonitor(at('alpha'), 5, false);
    session.update(3);
    const b = session.addMonitor(at('beta'), 2, false);
    session.update(10);
    // alpha: iterations 8, 13, 18; beta: 11, 13, 15, 17, 19.
    assert.deepEqual([a.start, a.count, b.start, b.count], [8, 3, 11, 5]);
    assert.ok(session.clearMonitor('alpha'));
    assert.ok(!session.clearMonitor('alpha'));
    assert.deepEqual(session.monitors.map((m) => m.label), ['beta']);
  });

  it("orders an array's elements as JAGS does, the first index fastest, and takes blocks and single elements", () => {
    const session = new ModelSession(request(MODEL), 1);
    session.initialize([]);
    const whole = session.addMonitor(at('W'), 1, false);
    const block = session.addMonitor(at('M', [[1, 2], [2, 3]]), 1, false);
    const scalarAsArray = session.addMonitor(at('tau', [[1, 1]]), 1, false);
    session.update(1);
    assert.deepEqual(whole.names, ['W[1,1]', 'W[2,1]', 'W[1,2]', 'W[2,2]', 'W[1,3]', 'W[2,3]']);
    // W was given column-major as 1..6, so JAGS's order reads it back as 1..6.
    assert.deepEqual(Array.from(whole.records[0]!.subarray(0, 6)), [1, 2, 3, 4, 5, 6]);
    assert.deepEqual(block.names, ['M[1,2]', 'M[2,2]', 'M[1,3]', 'M[2,3]']);
    assert.deepEqual(Array.from(block.records[0]!.subarray(0, 4)), [12, 22, 13, 23]);
    assert.equal(block.label, 'M[1:2,2:3]');
    assert.deepEqual(scalarAsArray.names, ['tau']);
  });

  it('records the deviance: −2 × the summed log density of the observed nodes', () => {
    const r = request(MODEL);
    const session = new ModelSession(r, 1);
    session.initialize([]);
    const deviance = session.addMonitor(at('deviance'), 1, true);
    const monitors = ['alpha', 'beta', 'tau', 'theta'].map((name) => session.addMonitor(at(name), 1, false));
    session.update(20);
    // Recompute from the recorded parameters on a fresh graph.
    const check = prepareChain(r, 0);
    const observed = check.graph.stochastic.filter((n) => n.observed);
    for (let k = 0; k < 20; k++) {
      ['alpha', 'beta', 'tau', 'theta'].forEach((name, m) => (check.graph.variables.get(name)!.values[0] = monitors[m]!.records[0]![k]!));
      const expected = -2 * observed.reduce((sum, n) => sum + nodeLogDensity(n), 0);
      assert.ok(Math.abs(deviance.records[0]![k]! - expected) <= 1e-9 * Math.abs(expected), `${deviance.records[0]![k]} vs ${expected}`);
    }
  });
});
