import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { IntervalTable } from '../../../src/engine/inference/intervalTable';

/** The censored normal sampler's per-row intervals (inference/intervalTable.ts): every row reads back what was set. */
describe('IntervalTable', () => {
  it('gives back each row its interval, with few distinct intervals', () => {
    const cuts = [Number.NEGATIVE_INFINITY, -1, 0, 2.5, Number.POSITIVE_INFINITY];
    const rows = 1000;
    const table = new IntervalTable(rows);
    const band = (k: number): number => (k * 7 + (k >> 3)) % 4;
    for (let k = 0; k < rows; k++) table.set(k, cuts[band(k)]!, cuts[band(k) + 1]!);
    for (let k = 0; k < rows; k++) {
      assert.equal(table.lower(k), cuts[band(k)]);
      assert.equal(table.upper(k), cuts[band(k) + 1]);
    }
  });

  it('keeps a bound of −0 apart from 0', () => {
    const table = new IntervalTable(3);
    table.set(0, 0, 1);
    table.set(1, -0, 1);
    table.set(2, 0, 1);
    assert.ok(Object.is(table.lower(0), 0));
    assert.ok(Object.is(table.lower(1), -0));
    assert.ok(Object.is(table.lower(2), 0));
  });

  it('moves to a pair a row past 256 distinct intervals, the rows set before included', () => {
    const rows = 700;
    const table = new IntervalTable(rows);
    const lower = (k: number): number => (k % 350) / 10;
    for (let k = 0; k < rows; k++) table.set(k, lower(k), lower(k) + 0.5);
    for (let k = 0; k < rows; k++) {
      assert.equal(table.lower(k), lower(k));
      assert.equal(table.upper(k), lower(k) + 0.5);
    }
  });
});
