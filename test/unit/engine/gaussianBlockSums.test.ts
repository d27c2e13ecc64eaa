import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { GaussianBlock, gaussianBlockChildren } from '../../../src/engine/inference/gaussianBlock';
import { refreshDeterministic } from '../../../src/engine/model/compile';
import { propagate } from '../../../src/engine/model/graph';
import { compileWithInits, node } from './helpers';

/**
 * A Gaussian block whose children share one precision element τ computes
 * Λ = Λ₀ + τ·Σ b bᵀ and η = Λ₀μ₀ + τ·Σ b (y − a) from sums taken once
 * (gaussianBlock.ts, `sharedPrecision`). Checked against the conditional
 * mean and precision worked out here by hand, as τ and the priors move
 * between updates, with every child data and with a child that is not.
 */

const X = [-2, -1, 0, 1.5, 2];
const Y = [1.2, 2.9, 4.1, 6.3, 6.8];

function model(precision: string, y: string): string {
  return `model {
  for (j in 1:5) {
    mu[j] <- alpha + beta * (x[j] - 0.5)
    Y[j] ~ dnorm(mu[j], ${precision})
  }
  alpha ~ dnorm(m, 0.01)
  beta ~ dnorm(0, pb)
  tau ~ dgamma(1, 1)
  pb ~ dgamma(1, 1)
  m ~ dnorm(0, 1)
  for (j in 1:5) { t[j] <- tau * j }
}
data list(x = c(${X.join(', ')}), Y = ${y})
inits list(alpha = 0, beta = 0, tau = 2, pb = 0.5, m = 1${y.includes('NA') ? ', Y = c(1, 2.5, 3, 4, NA)' : ''})
`;
}

/** The conditional mean and the precision's entries [Λ11, Λ21, Λ22] by hand, for the current state. */
function byHand(values: (name: string) => number, y: number[], tauOf: (j: number) => number): { mean: number[]; precision: number[] } {
  let l11 = 0.01, l21 = 0, l22 = values('pb');
  let e1 = 0.01 * values('m'), e2 = 0;
  for (let j = 0; j < 5; j++) {
    const b = X[j]! - 0.5, t = tauOf(j);
    l11 += t;
    l21 += t * b;
    l22 += t * b * b;
    e1 += t * y[j]!;
    e2 += t * b * y[j]!;
  }
  const det = l11 * l22 - l21 * l21;
  return { mean: [(l22 * e1 - l21 * e2) / det, (l11 * e2 - l21 * e1) / det], precision: [l11, l21, l22] };
}

function check(precision: string, y: string, tauOf: (tau: number, j: number) => number): void {
  const graph = compileWithInits(model(precision, y));
  refreshDeterministic(graph);
  const members = [node(graph, 'alpha'), node(graph, 'beta')];
  const children = gaussianBlockChildren(graph, members)!;
  const block = new GaussianBlock(graph, members, children);
  const value = (name: string): number => node(graph, name).variable.values[node(graph, name).offset]!;
  for (const [tau, pb, m] of [[2, 0.5, 1], [0.3, 4, -2], [7, 0.01, 0.5]] as const) {
    for (const [name, v] of [['tau', tau], ['pb', pb], ['m', m]] as const) {
      const n = node(graph, name);
      n.variable.values[n.offset] = v;
      propagate(graph, n);
    }
    const ys = children.map((c) => c.variable.values[c.offset]!);
    const expected = byHand(value, ys, (j) => tauOf(tau, j));
    assert.ok(block.compute());
    const mean = new Float64Array(2);
    block.mean(mean);
    // Λ is overwritten by its Cholesky factor L: Λ = L Lᵀ.
    const [l11, l21, l22] = [block.precision[0]!, block.precision[2]!, block.precision[3]!];
    const precisionBack = [l11 * l11, l21 * l11, l21 * l21 + l22 * l22];
    for (let k = 0; k < 3; k++) assert.ok(Math.abs(precisionBack[k]! - expected.precision[k]!) < 1e-9 * Math.abs(expected.precision[k]!) + 1e-12, `Λ ${k}`);
    for (let k = 0; k < 2; k++) assert.ok(Math.abs(mean[k]! - expected.mean[k]!) < 1e-9 * (1 + Math.abs(expected.mean[k]!)), `mean ${k}: ${mean[k]} vs ${expected.mean[k]}`);
    // Move the children that are not data, so that the next round sees other y's.
    for (const c of children) if (!c.observed) c.variable.values[c.offset] = c.variable.values[c.offset]! + 0.37;
  }
}

describe('a Gaussian block whose children share one precision', () => {
  it('gives the conditional of the sums, as τ and the prior move', () => {
    check('tau', `c(${Y.join(', ')})`, (tau) => tau);
  });

  it('reads the children that are not data at each update', () => {
    check('tau', 'c(NA, NA, NA, NA, 5)', (tau) => tau);
  });

  it('keeps the child-by-child sums when the precisions differ (the general path, checked the same way)', () => {
    check('t[j]', `c(${Y.join(', ')})`, (tau, j) => tau * (j + 1));
  });
});
