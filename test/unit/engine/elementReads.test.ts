import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ElementReads } from '../../../src/engine/model/elementReads';
import type { Variable } from '../../../src/engine/model/graph';
import { compile } from './helpers';

/**
 * The compiler's tables of reads keep each read's variable in one byte while
 * a model has at most 256 variables, and switch to four bytes at the 257th
 * (model/elementReads.ts). A chain of 300 scalar variables, each the mean of
 * the next, is wired right across the switch: a byte that wrapped would give
 * a257's child to a1.
 */
describe('tables of reads past 256 variables', () => {
  const count = 300;
  const lines = Array.from({ length: count }, (_, k) => (k === 0 ? '  a1 ~ dnorm(0, 1)' : `  a${k + 1} ~ dnorm(a${k}, 1)`));
  const graph = compile(`model {\n${lines.join('\n')}\n}\n`);

  it('wires every variable to the one that reads it', () => {
    for (let k = 1; k <= count; k++) {
      const node = graph.stochastic.find((n) => n.name === `a${k}`)!;
      const children = node.children.map((c) => graph.stochastic[c]!.name);
      assert.deepEqual(children, k < count ? [`a${k + 1}`] : [], `a${k}`);
    }
  });
});

describe('a table of reads let go', () => {
  it('answers no reads after release, and takes new ones from the start', () => {
    const table = new ElementReads();
    const x = { name: 'x' } as Variable;
    table.add(x, 3);
    table.close();
    const seen = (relation: number): number[] => {
      const offsets: number[] = [];
      table.forEach(relation, (_, offset) => offsets.push(offset));
      return offsets;
    };
    assert.deepEqual(seen(0), [3]);
    table.release();
    assert.deepEqual(seen(0), []);
    table.add(x, 5);
    table.close();
    assert.deepEqual(seen(0), [5]);
  });
});
