import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Propagation } from '../../../src/engine/inference/propagation';
import { refreshDeterministic } from '../../../src/engine/model/compile';
import type { ModelGraph } from '../../../src/engine/model/graph';
import { Random } from '../../../src/engine/random/rng';
import { compileWithInits, node } from './helpers';

/**
 * Counts over a plate kept by differences (propagation.ts): after any
 * sequence of moves of the indicators, every deterministic value is exactly
 * (bit for bit) what a full recomputation gives, and only counts of whole
 * numbers take the incremental path.
 */

const N = 30;

/** The classic Eyes constraint: each group kept non-empty by a count of indicators; `extra` adds statements. */
function counts(extra = ''): string {
  return `model {
  for (i in 1:N) {
    T[i] ~ dcat(P[])
    y[i] ~ dnorm(lambda[T[i]], 1)
    for (j in 1:3) {
      in.group[i, j] <- equals(T[i], j)
      above[i, j] <- step(T[i] - j)
    }
  }
  for (j in 1:3) {
    tot[j] <- sum(in.group[, j])
    Itot[j] ~ dinterval(tot[j], 0)
    over[j] <- sum(above[, j])
    z[j] ~ dpois(over[j] + 1)
  }
  ${extra}
  P[1:3] ~ ddirch(alpha[])
  for (j in 1:3) { lambda[j] ~ dnorm(0, 0.01) }
}
data list(N = ${N}, y = c(${Array.from({ length: N }, (_, i) => ((i % 7) - 3).toFixed(1)).join(', ')}), alpha = c(1, 1, 1), Itot = c(1, 1, 1), z = c(10, 5, 1))
inits list(T = c(${Array.from({ length: N }, (_, i) => (i % 3) + 1).join(', ')}))
`;
}

/** Every deterministic value of the graph, by node id. */
function deterministicValues(graph: ModelGraph): number[] {
  return graph.deterministic.map((d) => d.variable.values[d.offset]!);
}

/** Moves indicators at random through their propagations, then checks against a full recomputation. */
function checkMoves(graph: ModelGraph, moves: number): void {
  const random = new Random(7);
  const indicators = Array.from({ length: N }, (_, i) => node(graph, `T[${i + 1}]`));
  for (let m = 0; m < moves; m++) {
    const t = indicators[Math.floor(random.uniform() * N)]!;
    t.variable.values[t.offset] = 1 + Math.floor(random.uniform() * 3);
    Propagation.of(graph, t).run();
  }
  const kept = deterministicValues(graph);
  refreshDeterministic(graph);
  const full = deterministicValues(graph);
  // Object.is: bit for bit, -0 apart from 0 too.
  // Sinks (nodes no stochastic node reads) are not propagated at all.
  const sinks = new Set(graph.sinks);
  const differing = graph.deterministic.filter((d) => !sinks.has(d.id) && !Object.is(kept[d.id], full[d.id])).map((d) => `${d.name}: ${kept[d.id]} vs ${full[d.id]}`);
  assert.deepEqual(differing, []);
}

describe('counts kept by differences', () => {
  it('gives exactly the full sums after many moves of the indicators', () => {
    const graph = compileWithInits(counts());
    refreshDeterministic(graph);
    assert.equal(Propagation.of(graph, node(graph, 'T[4]')).incremental, true);
    checkMoves(graph, 2000);
  });

  it('recomputes a sum of real values in full, and a count that reads the moved node itself', () => {
    const graph = compileWithInits(
      counts(
        `for (j in 1:3) {
    real[j] <- sum(mu[, j])
    own[j] <- sum(T[])
    zr[j] ~ dnorm(real[j] + own[j], 1)
  }
  for (i in 1:N) { for (j in 1:3) { mu[i, j] <- lambda[j] * 0.1 + T[i] / 3 } }`,
      ).replace('z = c(10, 5, 1)', 'z = c(10, 5, 1), zr = c(50, 60, 70)'),
    );
    refreshDeterministic(graph);
    const t = node(graph, 'T[4]');
    const propagation = Propagation.of(graph, t);
    // in.group's counts are still kept by differences; real[j] and own[j] are summed again each time.
    assert.equal(propagation.incremental, true);
    checkMoves(graph, 2000);
  });

  it('is plain propagation where no count depends on the node', () => {
    const graph = compileWithInits(counts());
    assert.equal(Propagation.of(graph, node(graph, 'lambda[1]')).incremental, false);
  });
});

describe('one propagation for nodes moved together', () => {
  it('recomputes every dependent of a block once, to the values propagating each member gives', () => {
    const source = `model {
  for (i in 1:4) {
    for (j in 1:3) {
      mu[i, j] <- alpha[i] + beta[i] * (x[j] - xbar)
      Y[i, j] ~ dnorm(mu[i, j], 1)
    }
    alpha[i] ~ dnorm(0, 0.01)
    beta[i] ~ dnorm(0, 0.01)
    gap[i] <- alpha[i] - 2 * beta[i]
    G[i] ~ dnorm(gap[i], 1)
  }
  xbar <- mean(x[])
}
data list(x = c(1, 2, 4), Y = structure(c(1, 2, 3, 2, 3, 4, 3, 4, 5, 4, 5, 6), .Dim = c(4, 3)), G = c(0, 1, 2, 3))
`;
    const graph = compileWithInits(source);
    refreshDeterministic(graph);
    const members = [node(graph, 'alpha[2]'), node(graph, 'beta[2]')];
    const propagation = Propagation.ofNodes(graph, members);
    const random = new Random(3);
    for (let m = 0; m < 50; m++) {
      for (const n of members) n.variable.values[n.offset] = random.normal();
      propagation.run();
      const kept = deterministicValues(graph);
      refreshDeterministic(graph);
      assert.deepEqual(kept, deterministicValues(graph));
    }
    // alpha[2]'s and beta[2]'s dependents are the same three means and one gap: each computed once.
    assert.equal(new Set(members.flatMap((n) => n.dependents)).size, 4);
    assert.equal(propagation.size, 4);
  });
});
