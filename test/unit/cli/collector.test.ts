import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { collectorFlags } from '../../../src/cli/collector';

describe("the CLI's garbage collector", () => {
  it('works in its own thread alone when no core is free, and keeps V8\'s helper threads when one is', () => {
    assert.equal(collectorFlags(1), '--single-threaded-gc');
    assert.equal(collectorFlags(2), undefined);
    assert.equal(collectorFlags(8), undefined);
  });
});
