import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Matrix, CholeskyDecomposition } from 'ml-matrix';
import { GaussianBlockSampler } from '../../../src/engine/inference/conjugateSamplers';
import { FactorRowsSampler } from '../../../src/engine/inference/factorRows';
import { GaussianBlock, gaussianBlockChildren } from '../../../src/engine/inference/gaussianBlock';
import { assignSamplers } from '../../../src/engine/inference/gibbs';
import type { Sampler } from '../../../src/engine/inference/samplers';
import type { ModelGraph } from '../../../src/engine/model/graph';
import { Random } from '../../../src/engine/random/rng';
import { compileWithInits } from './helpers';

/*
 * The factor-rows sampler (inference/factorRows.ts) draws every row of a
 * factor matrix from its Gaussian conditional with per-row arrays built once.
 * Checked three ways: against the exact conjugate posterior when the partner
 * matrix is data (the rows' draws are then independent across sweeps, so the
 * tolerance is plain Monte-Carlo error); draw for draw against the generic
 * Gaussian block on full BPMF (same random stream, same conditional: equal
 * to rounding); and that it declines a model where a rating reads its row
 * outside the inner product.
 */

const USERS = 4;
const ITEMS = 6;
const D = 2;
/** Partner rows (data), rated pairs, their ratings and per-rating offsets. */
const V = [0.8, -0.3, 0.1, 1.2, -0.9, 0.4, 0.5, 0.5, -0.2, -1.1, 1.5, 0.2];
const PAIRS: Array<[number, number]> = [];
for (let u = 1; u <= USERS; u++) for (let j = 1; j <= ITEMS; j++) if ((u + j) % 3 !== 0) PAIRS.push([u, j]);
const RATINGS = PAIRS.map(([u, j], n) => Math.sin(3 * u + j) + 0.1 * n);
const OFFSETS = PAIRS.map((_, n) => 0.05 * (n % 5));
const TAU = 2.5;
const M0 = [0.3, -0.2];
const P0 = [2, 0.5, 0.5, 1];

const vector = (xs: number[]): string => `c(${xs.join(', ')})`;
const matrix = (xs: number[], rows: number, cols: number): string =>
  // R's structure() fills column-major.
  `structure(${vector(Array.from({ length: rows * cols }, (_, k) => xs[(k % rows) * cols + Math.floor(k / rows)]!))}, .Dim = c(${rows}, ${cols}))`;

/** The rows as dmnorm nodes, or (scalar) as D scalar normals each with prior precision P0[k, k]. */
function knownPartnerModel(mean: string, scalar = false): string {
  const rows = scalar ? 'for (k in 1:D) { U[i, k] ~ dnorm(m0[k], P0[k, k]) }' : 'U[i, 1:D] ~ dmnorm(m0[], P0[, ])';
  return `model {
  for (n in 1:N) { r[n] ~ dnorm(${mean}, tau) }
  for (i in 1:Nu) { ${rows} }
}
data list(N = ${PAIRS.length}, Nu = ${USERS}, D = ${D}, tau = ${TAU}, user = ${vector(PAIRS.map((p) => p[0]))}, item = ${vector(PAIRS.map((p) => p[1]))},
  r = ${vector(RATINGS)}, off = ${vector(OFFSETS)}, V = ${matrix(V, ITEMS, D)}, m0 = ${vector(M0)}, P0 = ${matrix(P0, D, D)})
`;
}

/** The exact conditional of row u: Λ = P0 + τ Σ v vᵀ, mean Λ⁻¹(P0 m0 + τ Σ v (r − offset)). */
function exactRow(u: number, offset: (n: number) => number, p0: number[]): { mean: number[]; covariance: Matrix } {
  const lambda = new Matrix([p0.slice(0, 2), p0.slice(2, 4)]);
  const eta = lambda.mmul(Matrix.columnVector(M0));
  PAIRS.forEach(([user, item], n) => {
    if (user !== u) return;
    const v = Matrix.columnVector(V.slice((item - 1) * D, item * D));
    lambda.add(v.mmul(v.transpose()).mul(TAU));
    eta.add(v.clone().mul(TAU * (RATINGS[n]! - offset(n))));
  });
  const chol = new CholeskyDecomposition(lambda);
  return { mean: chol.solve(eta).to1DArray(), covariance: chol.solve(Matrix.eye(D)) };
}

function checkAgainstExact(graph: ModelGraph, offset: (n: number) => number, p0 = P0): void {
  const samplers = assignSamplers(graph);
  assert.deepEqual(samplers.map((s) => s.label), [`block normal (factor rows, ${D})`]);
  const random = new Random(7);
  const draws = 4000;
  const sums = new Float64Array(USERS * D);
  const squares = new Float64Array(USERS * D);
  const values = graph.variables.get('U')!.values;
  for (let s = 0; s < draws; s++) {
    samplers[0]!.update(random);
    for (let k = 0; k < USERS * D; k++) {
      sums[k] += values[k]!;
      squares[k] += values[k]! ** 2;
    }
  }
  for (let u = 1; u <= USERS; u++) {
    const exact = exactRow(u, offset, p0);
    for (let k = 0; k < D; k++) {
      const at = (u - 1) * D + k;
      const mean = sums[at]! / draws;
      const variance = squares[at]! / draws - mean ** 2;
      const exactVariance = exact.covariance.get(k, k);
      // Independent draws: the mean's error has sd √(σ²/n), the variance's √(2σ⁴/n); 4.5 sd over 16 checks fails by chance with probability ~1e-4.
      assert.ok(Math.abs(mean - exact.mean[k]!) < 4.5 * Math.sqrt(exactVariance / draws), `U[${u},${k + 1}] mean ${mean} vs exact ${exact.mean[k]}`);
      assert.ok(Math.abs(variance - exactVariance) < 4.5 * exactVariance * Math.sqrt(2 / draws), `U[${u},${k + 1}] variance ${variance} vs exact ${exactVariance}`);
    }
  }
}

describe('factor rows sampler', () => {
  it('draws each row from its exact conditional when the partner rows are data', () => {
    checkAgainstExact(compileWithInits(knownPartnerModel('inprod(U[user[n], ], V[item[n], ])')), () => 0);
  });

  it('takes a shared offset once and a per-rating offset rating by rating', () => {
    checkAgainstExact(compileWithInits(knownPartnerModel('0.7 + inprod(V[item[n], ], U[user[n], ])')), () => 0.7);
    checkAgainstExact(compileWithInits(knownPartnerModel('off[n] + inprod(U[user[n], ], V[item[n], ]) + 0.2')), (n) => OFFSETS[n]! + 0.2);
  });

  it('draws rows of scalar normals with the same ratings as one block, from their exact joint conditional', () => {
    checkAgainstExact(compileWithInits(knownPartnerModel('0.7 + inprod(V[item[n], ], U[user[n], ])', true)), () => 0.7, [P0[0]!, 0, 0, P0[3]!]);
  });

  it('declines a rating that reads its row outside the inner product', () => {
    const graph = compileWithInits(knownPartnerModel('U[user[n], 1] + inprod(U[user[n], ], V[item[n], ])'));
    const labels = assignSamplers(graph).map((s) => s.label);
    assert.ok(labels.every((l) => !l.includes('factor rows')), labels.join(', '));
    assert.equal(labels.length, USERS, 'one generic sampler per row');
  });

  it('equals the generic Gaussian block draw for draw on full BPMF', () => {
    const model = `model {
  for (n in 1:N) { r[n] ~ dnorm(mu + inprod(U[user[n], ], V[item[n], ]), tau) }
  for (i in 1:Nu) { U[i, 1:D] ~ dmnorm(muU[], LambdaU[, ]) }
  for (j in 1:Ni) { V[j, 1:D] ~ dmnorm(muV[], LambdaV[, ]) }
  muU[1:D] ~ dmnorm(m0[], 2 * LambdaU[, ])
  muV[1:D] ~ dmnorm(m0[], 2 * LambdaV[, ])
  LambdaU[1:D, 1:D] ~ dwish(W0[, ], D)
  LambdaV[1:D, 1:D] ~ dwish(W0[, ], D)
  mu ~ dnorm(0, 0.01)
  tau ~ dgamma(1, 1)
}
data list(N = ${PAIRS.length}, Nu = ${USERS}, Ni = ${ITEMS}, D = ${D}, user = ${vector(PAIRS.map((p) => p[0]))}, item = ${vector(PAIRS.map((p) => p[1]))},
  r = ${vector(RATINGS)}, m0 = c(0, 0), W0 = ${matrix([1, 0, 0, 1], 2, 2)})
`;
    const batched = compileWithInits(model);
    const generic = compileWithInits(model);
    const fast = assignSamplers(batched);
    assert.equal(fast.filter((s) => s instanceof FactorRowsSampler).length, 2, fast.map((s) => s.label).join(', '));
    assert.ok(fast.some((s) => s.label === 'conjugate wishart'), 'the Normal–Wishart precision is conjugate');
    // The same order of updates, each factor-rows sampler replaced by one generic block per row.
    const slow: Sampler[] = [];
    for (const s of assignSamplers(generic)) {
      if (!(s instanceof FactorRowsSampler)) {
        slow.push(s);
        continue;
      }
      for (const row of s.nodes) {
        const twin = generic.stochastic[row.id]!;
        slow.push(new GaussianBlockSampler(new GaussianBlock(generic, [twin], gaussianBlockChildren(generic, [twin])!)));
      }
    }
    const [a, b] = [new Random(11), new Random(11)];
    for (let sweep = 0; sweep < 30; sweep++) {
      for (const s of fast) s.update(a);
      for (const s of slow) s.update(b);
    }
    for (const name of ['U', 'V', 'LambdaU', 'mu', 'tau']) {
      const x = batched.variables.get(name)!.values, y = generic.variables.get(name)!.values;
      for (let k = 0; k < x.length; k++) assert.ok(Math.abs(x[k]! - y[k]!) < 1e-9 * (1 + Math.abs(y[k]!)), `${name}[${k}]: ${x[k]} vs ${y[k]}`);
    }
  });
});

describe('factor rows sampler on rows of scalar normals', () => {
  it('equals one generic Gaussian block per row, draw for draw, on the classic BMF', () => {
    const model = `model {
  for (n in 1:N) { r[n] ~ dnorm(mu + inprod(U[user[n], ], V[item[n], ]), tau) }
  for (i in 1:Nu) { for (k in 1:D) { U[i, k] ~ dnorm(0, tauU) } }
  for (j in 1:Ni) { for (k in 1:D) { V[j, k] ~ dnorm(0.1 * k, tauV) } }
  mu ~ dnorm(0, 0.01)
  tau ~ dgamma(1, 1)
  tauU ~ dgamma(1, 1)
  tauV ~ dgamma(1, 1)
}
data list(N = ${PAIRS.length}, Nu = ${USERS}, Ni = ${ITEMS}, D = ${D}, user = ${vector(PAIRS.map((p) => p[0]))}, item = ${vector(PAIRS.map((p) => p[1]))},
  r = ${vector(RATINGS)})
`;
    const batched = compileWithInits(model);
    const generic = compileWithInits(model);
    const fast = assignSamplers(batched);
    assert.equal(fast.filter((s) => s instanceof FactorRowsSampler).length, 2, fast.map((s) => s.label).join(', '));
    assert.equal(fast.filter((s) => s instanceof FactorRowsSampler).reduce((n, s) => n + s.nodes.length, 0), (USERS + ITEMS) * D);
    const slow: Sampler[] = [];
    for (const s of assignSamplers(generic)) {
      if (!(s instanceof FactorRowsSampler)) {
        slow.push(s);
        continue;
      }
      for (let r = 0; r < s.nodes.length; r += D) {
        const twins = s.nodes.slice(r, r + D).map((n) => generic.stochastic[n.id]!);
        slow.push(new GaussianBlockSampler(new GaussianBlock(generic, twins, gaussianBlockChildren(generic, twins)!)));
      }
    }
    const [a, b] = [new Random(13), new Random(13)];
    for (let sweep = 0; sweep < 30; sweep++) {
      for (const s of fast) s.update(a);
      for (const s of slow) s.update(b);
    }
    for (const name of ['U', 'V', 'mu', 'tau', 'tauU', 'tauV']) {
      const x = batched.variables.get(name)!.values, y = generic.variables.get(name)!.values;
      for (let k = 0; k < x.length; k++) assert.ok(Math.abs(x[k]! - y[k]!) < 1e-9 * (1 + Math.abs(y[k]!)), `${name}[${k}]: ${x[k]} vs ${y[k]}`);
    }
  });
});
