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

  it("returns dead typed arrays' memory before it returns, not on V8's background thread later", async () => {
    // Old arrays, as a phase's tables are by its end: they outlived a tick and a collection.
    let tables: Float64Array[] | undefined = Array.from({ length: 4 }, () => new Float64Array(1 << 20).fill(1));
    await new Promise((resolve) => setImmediate(resolve));
    collectAfterLargePhase(COLLECT_FROM_NODES);
    const held = process.memoryUsage().arrayBuffers;
    assert.equal(tables.length, 4);
    tables = undefined;
    collectAfterLargePhase(COLLECT_FROM_NODES);
    const freed = held - process.memoryUsage().arrayBuffers;
    // 32 MB were dead; one collection alone had freed 8 MB of them when it returned.
    assert.ok(freed >= 31 * 2 ** 20, `${(freed / 2 ** 20).toFixed(1)} MB freed of 32`);
  });
});
