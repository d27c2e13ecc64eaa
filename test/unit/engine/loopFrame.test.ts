import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { LoopFrame, NO_LOOPS, withLoopVariable } from '../../../src/engine/model/loopFrame';
import { compile } from './helpers';

describe('loop scopes as chains of frames', () => {
  it('reads each loop variable, innermost last in listing order, as the Map it replaces did', () => {
    const scope = withLoopVariable(withLoopVariable(NO_LOOPS, 'i', 3), 'j', 7);
    assert.equal(scope.get('i'), 3);
    assert.equal(scope.get('j'), 7);
    assert.equal(scope.get('k'), undefined);
    assert.ok(scope.has('j') && !scope.has('k'));
    assert.equal(scope.size, 2);
    assert.deepEqual([...scope], [['i', 3], ['j', 7]]);
    assert.deepEqual([...scope.keys()], ['i', 'j']);
    assert.deepEqual([...scope.values()], [3, 7]);
    const seen: string[] = [];
    scope.forEach((value, key) => seen.push(`${key}=${value}`));
    assert.deepEqual(seen, ['i=3', 'j=7']);
  });

  it('lets an inner loop variable hide an outer one of the same name', () => {
    const scope = withLoopVariable(withLoopVariable(NO_LOOPS, 'i', 2), 'i', 5);
    assert.equal(scope.get('i'), 5);
    assert.equal(scope.size, 1);
    assert.deepEqual([...scope], [['i', 5]]);
  });

  it('shares the outer frame between rows and extends a plain Map scope by copying', () => {
    const outer = withLoopVariable(NO_LOOPS, 'i', 1);
    const a = withLoopVariable(outer, 'j', 1);
    const b = withLoopVariable(outer, 'j', 2);
    assert.equal(a.get('i'), b.get('i'));
    const fromMap = withLoopVariable(new Map([['k', 4]]), 'j', 9);
    assert.deepEqual([...fromMap], [['k', 4], ['j', 9]]);
    assert.equal(NO_LOOPS.size, 0);
  });
});

describe('a node as its own row\'s loop frame', () => {
  it('reads its loops\' variables as the frames it replaces did, in ragged nested loops and outside every loop', () => {
    const g = compile(`model {
      tau ~ dgamma(1, 1)
      for (i in 1:N) {
        m[i] <- i * 10
        for (j in 1:n[i]) { y[i, j] ~ dnorm(m[i] + j, tau) }
        z[i] ~ dnorm(m[i], tau)
      }
    }
    data list(N = 3, n = c(1, 3, 2))`);
    const byName = new Map(g.stochastic.map((node) => [node.name, node]));
    const y23 = byName.get('y[2,3]')!;
    assert.equal(y23.scope, y23);
    assert.deepEqual([...y23.scope], [['i', 2], ['j', 3]]);
    assert.ok(y23.scope instanceof LoopFrame && y23.scope.outer!.index === 2);
    assert.deepEqual([...byName.get('z[3]')!.scope], [['i', 3]]);
    assert.equal(byName.get('tau')!.scope, NO_LOOPS);
    // Every row of y sees its own i and j: the frames of the outer loop are shared runs, not the last row's.
    for (const node of g.stochastic.filter((n) => n.variable.name === 'y')) {
      assert.equal(node.name, `y[${node.scope.get('i')},${node.scope.get('j')}]`);
      assert.equal(node.parameter(0), 10 * node.scope.get('i')! + node.scope.get('j')!);
    }
    const m2 = g.deterministic.find((d) => d.name === 'm[2]')!;
    assert.deepEqual([...m2.scope], [['i', 2]]);
  });
});
