import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { RenamingPropagation } from '../../../src/engine/inference/renamingPropagation';
import { refreshDeterministic } from '../../../src/engine/model/compile';
import type { ModelGraph } from '../../../src/engine/model/graph';
import { Random } from '../../../src/engine/random/rng';
import { compileWithInits, node } from './helpers';

/**
 * RenamingPropagation (renamingPropagation.ts) refreshes a moved node's dependents by copying the elements renaming
 * nodes name, in runs of copies over typed offsets: after it, every deterministic value must be what evaluating every
 * node in order gives. The model mixes runs that must stay apart: selected rows of a matrix (mu), a renaming of a
 * renaming (b, followed through mu to m), a fixed element (a), a second component array (c), a computed node (s) and a run of consecutive
 * renamings (d, in a loop of its own).
 */
const MODEL = `model {
  for (i in 1:5) {
    y[i] ~ dnorm(mu[i], tau)
    mu[i] <- m[z[i], 2]
    b[i] <- mu[i]
    v[i] ~ dnorm(a[i] + c[i], 1)
    a[i] <- m[1, 2]
    c[i] <- n[z[i]]
    z[i] ~ dcat(w[])
  }
  for (i in 1:5) {
    u[i] ~ dnorm(d[i], 1)
    d[i] <- m[z[i], 2]
  }
  s <- m[1, 2] + m[2, 2]
  for (k in 1:3) { for (j in 1:2) { m[k, j] ~ dnorm(0, 1) } }
  for (k in 1:3) { n[k] <- m[k, 2] * 2 }
  tau ~ dgamma(1, 1)
}
data list(y = c(1, 2, 3, 4, 5), v = c(1, 2, 3, 4, 5), u = c(1, 2, 3, 4, 5), w = c(0.2, 0.3, 0.5), z = c(3, NA, NA, NA, NA))
inits list(z = c(NA, 1, 2, 3, 1))
`;

/** The values of the nodes a propagation from `ids`' owner refreshes (s and b[i], read by no stochastic node, are not among them). */
function valuesOf(graph: ModelGraph, ids: number[]): number[] {
  return ids.map((id) => graph.deterministic[id]!.variable.values[graph.deterministic[id]!.offset]!);
}

describe('RenamingPropagation: renaming nodes refreshed by copies', () => {
  it('leaves every deterministic value as evaluating all nodes does, at random states of the components and indicators', () => {
    const graph = compileWithInits(MODEL);
    refreshDeterministic(graph);
    const moved = node(graph, 'm[1,2]');
    const propagation = RenamingPropagation.of(graph, moved);
    assert.ok(propagation, 'm[1,2] has renaming dependents');
    const names = moved.dependents.map((id) => graph.deterministic[id]!.name);
    for (const name of ['mu[2]', 'a[2]', 'c[2]', 'n[1]', 'd[2]', 'd[3]']) assert.ok(names.includes(name), `${name} among ${names.join(' ')}`);
    const m = graph.variables.get('m')!.values;
    const z = graph.variables.get('z')!.values;
    const random = new Random(7);
    for (let trial = 0; trial < 20; trial++) {
      // The indicators move (their own propagation is not under test: a full refresh settles them), then m[1,2] moves.
      for (let i = 1; i < 5; i++) z[i] = 1 + Math.floor(3 * random.uniform());
      refreshDeterministic(graph);
      m[moved.offset] = random.normal();
      propagation.run();
      const copied = valuesOf(graph, moved.dependents);
      refreshDeterministic(graph);
      assert.deepEqual(copied, valuesOf(graph, moved.dependents), `trial ${trial}: z = ${Array.from(z).join(', ')}`);
    }
  });

  it('hands a row whose indicator is outside the components to its evaluator, which reports it', () => {
    const graph = compileWithInits(MODEL);
    refreshDeterministic(graph);
    const propagation = RenamingPropagation.of(graph, node(graph, 'm[1,2]'))!;
    const z = graph.variables.get('z')!.values;
    z[2] = 4;
    const evaluated = (): unknown => graph.deterministic.find((d) => d.name === 'mu[3]')!.evaluate();
    let expected: unknown;
    try {
      expected = evaluated();
    } catch (error) {
      expected = error;
    }
    let got: unknown;
    try {
      propagation.run();
      got = graph.variables.get('mu')!.values[2];
    } catch (error) {
      got = error;
    }
    assert.deepEqual(got instanceof Error ? got.message : got, expected instanceof Error ? expected.message : expected);
  });

  it('is not made for a node with no renaming downstream', () => {
    const graph = compileWithInits(MODEL);
    assert.equal(RenamingPropagation.of(graph, node(graph, 'tau')), undefined);
  });
});
