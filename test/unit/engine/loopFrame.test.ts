import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { NO_LOOPS, withLoopVariable } from '../../../src/engine/model/loopFrame';

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
