import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { runChain } from '../../../src/engine/inference/gibbs';
import { prepareChain, sampleChain } from '../../../src/engine/run/chainSession';
import { ModelSession, type MonitorTarget } from '../../../src/engine/run/modelSession';
import { request } from './helpers';

// mu's conditional reads only the data, so its draws are independent; yrep, ychain and twice have no observed
// descendant: the predictive sampler draws them, after mu.
const MODEL = `model {
  for (i in 1:N) { y[i] ~ dnorm(mu, 1) }
  mu ~ dnorm(0, 0.01)
  yrep ~ dnorm(mu, 1)
  ychain ~ dnorm(yrep, 1)
  twice <- 2 * yrep
}
data list(N = 4, y = c(0.5, 1.2, -0.3, 0.8))
`;
const KEPT = 4000;
const run = (monitors: string): string => `${MODEL}sample with gibbs(burnin = 100, iterations = ${KEPT}, seed = 5, monitor = c(${monitors}))`;

/** The monitors' draws of a one-chain run, by monitor name. */
function draws(source: string): Map<string, number[]> {
  const session = prepareChain(request(source), 0);
  const rows: number[] = [];
  sampleChain(session, { burnin: 100, iterations: KEPT, thin: 1 }, (_, d) => rows.push(...d));
  const width = session.monitors.length;
  return new Map(session.monitors.map((m, k) => [m.name, rows.filter((_, r) => r % width === k)]));
}

/**
 * Checks that `e` is a fresh N(0, variance) draw at every kept iteration. With n = 4000 independent draws the
 * sample mean has sd sqrt(variance / n), the sample variance sd variance·sqrt(2 / n) and the lag-1 autocorrelation
 * sd 1 / sqrt(n): each bound is 4 sd. A draw left stale between records fails all three (its autocorrelation is 1,
 * and its variance is mu's, 0.25, not 1 or 2).
 */
function assertFreshNormal(e: number[], variance: number, what: string): void {
  const n = e.length;
  const mean = e.reduce((a, b) => a + b, 0) / n;
  const v = e.reduce((a, b) => a + (b - mean) ** 2, 0) / (n - 1);
  let lag = 0;
  for (let k = 1; k < n; k++) lag += (e[k]! - mean) * (e[k - 1]! - mean);
  const r = lag / ((n - 1) * v);
  assert.ok(Math.abs(mean) < 4 * Math.sqrt(variance / n), `${what}: mean ${mean}`);
  assert.ok(Math.abs(v - variance) < 4 * variance * Math.sqrt(2 / n), `${what}: variance ${v}, expected ${variance}`);
  assert.ok(Math.abs(r) < 4 / Math.sqrt(n), `${what}: lag-1 autocorrelation ${r}`);
}

const at = (name: string): MonitorTarget => ({ name, range: { start: { line: 0, column: 0, offset: 0 }, end: { line: 0, column: 1, offset: 1 } } });

describe('predictive draws only where they are read', () => {
  it('draws a monitored predictive node afresh at every kept iteration', () => {
    const d = draws(run('mu, yrep'));
    assertFreshNormal(d.get('yrep')!.map((y, k) => y - d.get('mu')![k]!), 1, 'yrep - mu');
  });

  it('draws a predictive node that only a monitored deterministic node reads', () => {
    const d = draws(run('mu, twice'));
    assertFreshNormal(d.get('twice')!.map((t, k) => t / 2 - d.get('mu')![k]!), 1, 'twice / 2 - mu');
  });

  it('draws the predictive parents of a monitored predictive node', () => {
    const d = draws(run('mu, ychain'));
    assertFreshNormal(d.get('ychain')!.map((y, k) => y - d.get('mu')![k]!), 2, 'ychain - mu');
  });

  it('leaves unread predictive nodes out of the sweeps, and draws them once when the run ends', () => {
    const session = prepareChain(request(run('mu')), 0);
    const yrep = session.graph.variables.get('yrep')!.values;
    const start = yrep[0];
    let changed = 0;
    runChain(session.samplers, session.random, { burnin: 10, iterations: 50, thin: 1 }, () => (changed += yrep[0] === start ? 0 : 1), () => undefined);
    assert.equal(changed, 0, 'yrep is not drawn while nothing reads it');
    assert.notEqual(yrep[0], start, 'the run ends with yrep drawn');
    // They take no random numbers in the sweeps: mu's draws are those of the model without them.
    const without = draws(`model {
  for (i in 1:N) { y[i] ~ dnorm(mu, 1) }
  mu ~ dnorm(0, 0.01)
}
data list(N = 4, y = c(0.5, 1.2, -0.3, 0.8))
sample with gibbs(burnin = 100, iterations = ${KEPT}, seed = 5, monitor = c(mu))`);
    assert.deepEqual(draws(run('mu')).get('mu'), without.get('mu'));
  });

  it('in a JAGS-style session: settles unread nodes at each update, and draws them in every sweep once monitored', () => {
    const session = new ModelSession(request(run('mu')), 1);
    session.initialize([]);
    const seen = new Set<number>();
    for (let k = 0; k < 5; k++) {
      session.update(300);
      seen.add(session.parameterValues(0).get('ychain')!.values[0]!);
    }
    assert.equal(seen.size, 5, 'each update ends with ychain drawn afresh');
    const mu = session.addMonitor(at('mu'), 1, false);
    const twice = session.addMonitor(at('twice'), 1, false);
    session.update(KEPT);
    const [m, t] = [mu.records[0]!, twice.records[0]!];
    assertFreshNormal(Array.from({ length: KEPT }, (_, k) => t[k]! / 2 - m[k]!), 1, 'twice / 2 - mu');
    assert.ok(session.clearMonitor('twice'));
    session.update(10);
    assert.equal(twice.count, KEPT);
  });

  it('in a session, settles unread nodes once per update, not after each iteration run in step (LOCKSTEP)', () => {
    // The update's 200 iterations all lie in the session's first 256, which run one iteration per call of its sweep;
    // mu takes the numbers it would take without yrep and ychain only if these are drawn at the update's end alone.
    const scalar = (x: number) => ({ dims: [], values: Float64Array.of(x) });
    const muDraws = (source: string, inits: string[]): Float64Array => {
      const session = new ModelSession(request(source), 1);
      session.initialize([{ inits: new Map(inits.map((name) => [name, scalar(0)])), seed: 9 }]);
      const mu = session.addMonitor(at('mu'), 1, false);
      session.update(200);
      return mu.records[0]!.slice(0, mu.count);
    };
    const withUnread = muDraws(run('mu'), ['mu', 'yrep', 'ychain']);
    const without = muDraws(`model {
  for (i in 1:N) { y[i] ~ dnorm(mu, 1) }
  mu ~ dnorm(0, 0.01)
}
data list(N = 4, y = c(0.5, 1.2, -0.3, 0.8))
sample with gibbs(burnin = 100, iterations = ${KEPT}, seed = 5, monitor = c(mu))`, ['mu']);
    assert.equal(withUnread.length, 200);
    assert.deepEqual(Array.from(withUnread), Array.from(without));
  });
});
