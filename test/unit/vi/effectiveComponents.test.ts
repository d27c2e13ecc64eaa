import assert from 'node:assert/strict';
import { test } from 'node:test';
import { effectiveComponents, effectiveComponentsMessage } from '../../../src/engine/vi/effectiveComponents';

test('a component holds data from one expected row; the message names the emptied ones, and says nothing when all hold data', () => {
  const e = effectiveComponents('z', [120.5, 0.999, 51.501, 1e-30]);
  assert.deepEqual([e.components, e.effective, e.emptied], [4, 2, [2, 4]]);
  assert.equal(effectiveComponentsMessage(e), "2 of 4 components of z hold data: components 2, 4 hold less than one row (at most 0.99 expected rows) and stay at the prior — VI's way of dropping surplus components, not a failure.");
  assert.match(effectiveComponentsMessage(effectiveComponents('z', [10, 1e-9]))!, /component 2 holds less than one row \(none of the rows\)/);
  assert.equal(effectiveComponentsMessage(effectiveComponents('z', [1, 30])), undefined);
});
