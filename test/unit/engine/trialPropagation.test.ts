import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Propagation } from '../../../src/engine/inference/propagation';
import { SliceSampler } from '../../../src/engine/inference/sliceSamplers';
import { refreshDeterministic } from '../../../src/engine/model/compile';
import type { ModelGraph, StochasticNode } from '../../../src/engine/model/graph';
import { StatementCompiler, trialPower } from '../../../src/engine/model/statementCode';
import { Random } from '../../../src/engine/random/rng';
import { compileWithInits, node } from './helpers';

/*
 * Powers at the points a slice step only tries (StatementCompiler.trialStore,
 * Propagation.trialOf): e^(y·log x) instead of V8's slow Math.pow, within
 * rounding of it; the sampler writes the exact values where it stops, so the
 * definitions a monitor reads are the interpreter's, bit for bit.
 */

const DUGONGS = `model {
  for (i in 1:N) {
    m[i] <- alpha - beta * pow(gamma, x[i])
    Y[i] ~ dnorm(m[i], tau)
  }
  alpha ~ dnorm(0.0, 1.0E-6)
  beta ~ dnorm(0.0, 1.0E-6)
  gamma ~ dunif(0.5, 1.0)
  tau ~ dgamma(0.001, 0.001)
}
data list(N = 6, x = c(1, 1.5, 4, 9.5, 17, 31.5), Y = c(1.8, 1.85, 2.2, 2.4, 2.5, 2.6))
inits list(alpha = 2.7, beta = 1, gamma = 0.9, tau = 10)
`;

function childrenOf(graph: ModelGraph, n: StochasticNode): StochasticNode[] {
  return n.children.map((c) => graph.stochastic[c]!);
}

describe('powers at the points a slice step tries', () => {
  it('trialPower is Math.pow within rounding, and Math.pow itself off the positive finite bases', () => {
    for (const x of [1e-300, 0.3, 0.87, 1, 2.5, 1e200]) {
      for (const y of [-3, -0.5, 0, 1, 2, 31.5, 1e-10]) {
        const exact = Math.pow(x, y);
        const t = trialPower(x, y);
        assert.ok(Math.abs(t - exact) <= 1e-13 * Math.abs(exact) + 1e-300 || (t === exact), `${x}^${y}: ${t}, ${exact}`);
      }
    }
    for (const [x, y] of [[-2, 3], [-2, 0.5], [0, 2], [0, -1], [Number.POSITIVE_INFINITY, 2], [Number.NaN, 0], [-0, -1]] as const) {
      assert.ok(Object.is(trialPower(x, y), Math.pow(x, y)), `${x}^${y}`);
    }
  });

  it('only where a definition has a power', () => {
    const graph = compileWithInits(DUGONGS);
    const compiler = new StatementCompiler(graph.variables);
    const m = graph.deterministic[0]!;
    assert.ok(compiler.trialStore(m.statement.value, m.scope), 'm[i] has a trial store');
    assert.ok(Propagation.trialOf(graph, node(graph, 'gamma')), "gamma's dependents have powers");
    assert.equal(Propagation.trialOf(graph, node(graph, 'tau')), undefined, 'tau has no dependents');
    const plain = compileWithInits(DUGONGS.replace('pow(gamma, x[i])', 'gamma * x[i]'));
    assert.equal(Propagation.trialOf(plain, node(plain, 'gamma')), undefined, 'no power: the exact propagation serves');
  });

  it('runs as code of its own, apart from the exact store of the same statement', () => {
    // Functions made from one text share V8's call feedback (sharedCode.ts): the power's call would see both Math.pow and trialPower.
    const graph = compileWithInits(DUGONGS);
    const compiler = new StatementCompiler(graph.variables);
    const m = graph.deterministic[0]!;
    const trial = compiler.trialStore(m.statement.value, m.scope)!;
    const exact = compiler.store(m.statement.value, m.scope)!;
    assert.notEqual(trial.toString(), exact.toString());
    assert.notEqual(compiler.trialCode(m.statement.value, m.scope)!.toString(), compiler.code(m.statement.value, m.scope)!.toString());
  });

  it('leaves the definitions exact after a slice update', () => {
    const graph = compileWithInits(DUGONGS);
    refreshDeterministic(graph);
    const gamma = node(graph, 'gamma');
    const sampler = new SliceSampler(graph, gamma, childrenOf(graph, gamma));
    const random = new Random(11);
    let moved = 0;
    for (let k = 0; k < 30; k++) {
      const before = gamma.variable.values[gamma.offset];
      sampler.update(random);
      if (gamma.variable.values[gamma.offset] !== before) moved++;
      const kept = graph.deterministic.map((d) => d.variable.values[d.offset]!);
      refreshDeterministic(graph);
      assert.deepEqual(kept, graph.deterministic.map((d) => d.variable.values[d.offset]!));
    }
    assert.ok(moved > 20, `gamma moved ${moved} times in 30`);
  });
});
