import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { GaussianBlock, gaussianBlockChildren } from '../../../src/engine/inference/gaussianBlock';
import { refreshDeterministic } from '../../../src/engine/model/compile';
import { compileWithInits, node } from './helpers';

/**
 * A regression's coefficients read in place from its design's data array
 * (gaussianBlock.ts, placeCoefficients) where the probe finds the very numbers
 * there, and stored otherwise (rows not evenly spaced, a −0 the probe reads as 0):
 * either way the conditional mean is the one worked out here by hand.
 */

const Y = [-1.5, 0.7, 2.2, -0.4, 1.1];
const TAU = 2;
const PRIOR = 0.1;

/** The model with design rows `rows` (5 × 2), child i reading row `order[i]`. */
function model(rows: number[][], order: number[]): string {
  const column = (c: number): string => rows.map((r) => (Object.is(r[c], -0) ? '-0' : String(r[c]))).join(', ');
  return `model {
  for (i in 1:5) { Y[i] ~ dnorm(inprod(X[at[i], ], beta[]), ${TAU}) }
  for (d in 1:2) { beta[d] ~ dnorm(0, ${PRIOR}) }
}
data list(X = structure(c(${column(0)}, ${column(1)}), .Dim = c(5, 2)), at = c(${order.map((k) => k + 1).join(', ')}), Y = c(${Y.join(', ')}))
inits list(beta = c(0.25, -0.75))
`;
}

function block(rows: number[][], order: number[]): { block: GaussianBlock; expected: number[] } {
  const graph = compileWithInits(model(rows, order));
  refreshDeterministic(graph);
  const members = [node(graph, 'beta[1]'), node(graph, 'beta[2]')];
  const b = new GaussianBlock(graph, members, gaussianBlockChildren(graph, members)!);
  let l11 = PRIOR, l21 = 0, l22 = PRIOR, e1 = 0, e2 = 0;
  order.forEach((r, i) => {
    const [a, c] = rows[r]!;
    l11 += TAU * a! * a!;
    l21 += TAU * a! * c!;
    l22 += TAU * c! * c!;
    e1 += TAU * a! * Y[i]!;
    e2 += TAU * c! * Y[i]!;
  });
  const det = l11 * l22 - l21 * l21;
  return { block: b, expected: [(l22 * e1 - l21 * e2) / det, (l11 * e2 - l21 * e1) / det] };
}

function assertMean(b: GaussianBlock, expected: number[]): void {
  assert.ok(b.compute());
  const mean = new Float64Array(2);
  b.mean(mean);
  for (let k = 0; k < 2; k++) assert.ok(Math.abs(mean[k]! - expected[k]!) <= 1e-12 * Math.abs(expected[k]!), `${mean[k]} vs ${expected[k]}`);
}

const ROWS = [[1, -2], [1, 0.5], [1, 3], [1, -1], [1, 4]];

describe('Gaussian block: a design read in place', () => {
  it('reads rows in order in place', () => {
    const { block: b, expected } = block(ROWS, [0, 1, 2, 3, 4]);
    assert.ok(b.designInPlace);
    assertMean(b, expected);
  });

  it('stores rows that are not evenly spaced', () => {
    const { block: b, expected } = block(ROWS, [0, 2, 1, 4, 3]);
    assert.ok(!b.designInPlace);
    assertMean(b, expected);
  });

  it('stores a design holding −0, which the probe reads as 0', () => {
    const rows = ROWS.map((r) => [...r]);
    rows[3]![1] = -0;
    const { block: b, expected } = block(rows, [0, 1, 2, 3, 4]);
    assert.ok(!b.designInPlace);
    assertMean(b, expected);
  });
});
