import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { collectAfterLargePhase, COLLECT_FROM_NODES } from '../../../src/engine/fullCollection';

/** An object only a weak reference holds, made in an earlier job: a collection may take it from the next one on. */
async function garbage(): Promise<WeakRef<object>> {
  const ref = new WeakRef({ rows: new Float64Array(1024) });
  await new Promise((resolve) => setImmediate(resolve));
  return ref;
}

describe('a full collection between the phases of a large setup', () => {
  it("leaves a small model's garbage to V8's own timing", async () => {
    const ref = await garbage();
    collectAfterLargePhase(COLLECT_FROM_NODES - 1);
    assert.notEqual(ref.deref(), undefined);
  });

  it("collects a large model's garbage at once", async () => {
    const ref = await garbage();
    collectAfterLargePhase(COLLECT_FROM_NODES);
    assert.equal(ref.deref(), undefined);
  });
});
