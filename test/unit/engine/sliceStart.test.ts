import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { SliceSampler } from '../../../src/engine/inference/sliceSamplers';
import { refreshDeterministic } from '../../../src/engine/model/compile';
import type { ModelGraph, StochasticNode } from '../../../src/engine/model/graph';
import { Random } from '../../../src/engine/random/rng';
import { compileWithInits, node } from './helpers';

/**
 * A slice step weighs its start without recomputing the node's dependents (SliceSampler.logConditionalAtStart):
 * a sweep leaves them current. At the start it must give what writing the value and propagating gives: the same
 * number where the dependents are computed exactly, and within rounding where the points tried compute their
 * powers by trialPower (the start is then weighed with the exact powers).
 */
function modelOf(definition: string): string {
  return `model {
  for (i in 1:6) {
    m[i] <- ${definition}
    y[i] ~ dnorm(m[i], tau)
  }
  g ~ dunif(0.5, 1)
  tau ~ dgamma(1, 1)
}
data list(x = c(1, 2.5, 4, 8, 15.5, 29), y = c(1.8, 2.0, 2.2, 2.4, 2.6, 2.65))
inits list(g = 0.8, tau = 20)
`;
}

function childrenOf(graph: ModelGraph, n: StochasticNode): StochasticNode[] {
  return n.children.map((id) => graph.stochastic[id]!);
}

/** After each of `updates` slice updates of g, the start's weight and the propagated one at the value kept. */
function startsAndFull(definition: string, updates: number): Array<[number, number]> {
  const graph = compileWithInits(modelOf(definition));
  refreshDeterministic(graph);
  const g = node(graph, 'g');
  const sampler = new SliceSampler(graph, g, childrenOf(graph, g));
  const random = new Random(11);
  const pairs: Array<[number, number]> = [];
  for (let k = 0; k < updates; k++) {
    sampler.update(random);
    const x = g.variable.values[g.offset]!;
    const start = sampler.logConditionalAtStart(x);
    pairs.push([start, sampler.logConditional(x)]);
    // logConditional left trial values where powers are approximated: the exact ones back, as an update leaves them.
    refreshDeterministic(graph);
  }
  return pairs;
}

describe('a slice step weighs its start without propagating', () => {
  it('gives logConditional\'s value exactly where the dependents are computed exactly', () => {
    for (const [start, full] of startsAndFull('2.7 - exp(g * x[i])', 30)) assert.equal(start, full);
  });

  it('gives it within rounding where the points tried take their powers by trialPower (Dugongs\' pow(gamma, x[i]))', () => {
    const pairs = startsAndFull('2.7 - pow(g, x[i])', 30);
    // The powers differ by a few units in the last place (|y·log x| < 20 here): the sum of six terms by far less than 1e-12 of it.
    for (const [start, full] of pairs) assert.ok(Math.abs(start - full) <= 1e-12 * Math.max(1, Math.abs(full)), `${start} vs ${full}`);
    // The values are not all equal by construction: the test sees the moves of g.
    assert.ok(new Set(pairs.map(([, full]) => full)).size > 20);
  });
});
