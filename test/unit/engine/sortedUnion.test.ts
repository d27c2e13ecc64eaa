import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { sortedUnion } from '../../../src/engine/collections';
import { Random } from '../../../src/engine/random/rng';

/** The union of a Gaussian block's members' children: held to a Set and a sort on random lists, ascending or not. */
describe('sortedUnion', () => {
  const reference = (lists: number[][]): number[] => [...new Set(lists.flat())].sort((a, b) => a - b);

  it('merges ascending lists, repeats within and across lists once', () => {
    assert.deepEqual(sortedUnion([[1, 3, 3, 7], [0, 3, 8], [], [7, 9]]), [0, 1, 3, 7, 8, 9]);
    assert.deepEqual(sortedUnion([[2, 2, 5]]), [2, 5]);
    assert.deepEqual(sortedUnion([]), []);
  });

  it('agrees with a Set and a sort on random lists, ascending or not', () => {
    const random = new Random(11);
    for (let trial = 0; trial < 200; trial++) {
      const lists = Array.from({ length: 1 + Math.floor(random.uniform() * 4) }, () =>
        Array.from({ length: Math.floor(random.uniform() * 30) }, () => Math.floor(random.uniform() * 40)),
      );
      const sorted = trial % 3 !== 0;
      if (sorted) for (const list of lists) list.sort((a, b) => a - b);
      assert.deepEqual(sortedUnion(lists), reference(lists), JSON.stringify(lists));
    }
  });
});
