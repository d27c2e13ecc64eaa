/**
 * The E-step kernels against direct formulas: per-row log-likelihoods
 * log Σ_k w_k·p_k(x) computed naively, the missing-data expectations by the
 * Schur complement, tempered responsibilities, the unrolled tile code
 * against the loops, and the thread pool against one thread. Tolerances are
 * rounding (1e-12 relative): the quantities are the same sums in another
 * order, or exactly the same operations.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { packBernoulli } from '../../../src/engine/em/bernoulliKernel';
import { SerialEStep } from '../../../src/engine/em/estep';
import { EStepPool } from '../../../src/engine/em/estepPool';
import { accumulateGaussian, gaussianPackedLength, gaussianStatsLength, GaussianWorkspace, LOG_2PI, packGaussian } from '../../../src/engine/em/gaussianKernel';
import { gaussianTileKernels } from '../../../src/engine/em/gaussianTiles';
import { findIncompleteRows, NO_OUTPUTS, type RowOutputs, type RowSlice } from '../../../src/engine/em/rows';
import { STAT_COUNTS } from '../../../src/engine/em/statsLayout';
import { cholesky, inverseFromCholesky, logDeterminantFromCholesky, mahalanobisSquared } from '../../../src/engine/math/linalg';
import { Random } from '../../../src/engine/random/rng';
import { WORKER } from './helpers';

const close = (a: number, b: number, relative = 1e-12): boolean => Math.abs(a - b) <= relative * Math.max(1, Math.abs(a), Math.abs(b));

/** Random weights, means and SPD covariances (A·Aᵀ + I/2). */
function randomGaussian(K: number, d: number, random: Random): { weights: Float64Array; means: Float64Array; covariances: Float64Array } {
  const weights = Float64Array.from({ length: K }, () => 0.2 + random.uniform());
  const total = weights.reduce((s, w) => s + w, 0);
  weights.forEach((w, k) => (weights[k] = w / total));
  const means = Float64Array.from({ length: K * d }, () => 3 * random.normal());
  const covariances = new Float64Array(K * d * d);
  for (let k = 0; k < K; k++) {
    const a = Float64Array.from({ length: d * d }, () => random.normal());
    for (let i = 0; i < d; i++) {
      for (let j = 0; j < d; j++) {
        let s = i === j ? 0.5 : 0;
        for (let m = 0; m < d; m++) s += a[i * d + m]! * a[j * d + m]!;
        covariances[k * d * d + i * d + j] = s;
      }
    }
  }
  return { weights, means, covariances };
}

function logNormal(x: Float64Array, mean: Float64Array, covariance: Float64Array, d: number): number {
  const l = new Float64Array(d * d);
  assert.ok(cholesky(covariance, l, d));
  const diff = Float64Array.from({ length: d }, (_, i) => x[i]! - mean[i]!);
  return -0.5 * d * LOG_2PI - 0.5 * logDeterminantFromCholesky(l, d) - 0.5 * mahalanobisSquared(l, diff, d, new Float64Array(d));
}

function logSumExp(values: number[]): number {
  const max = Math.max(...values);
  return max + Math.log(values.reduce((s, v) => s + Math.exp(v - max), 0));
}

function sliceOf(data: Float64Array, rows: number, d: number): RowSlice {
  const { flags, sorted } = findIncompleteRows(data, rows, d);
  return { data, rowStart: 0, rowEnd: rows, incompleteFlags: flags, incompleteRows: sorted, incompleteStart: 0, incompleteEnd: sorted.length };
}

test('Gaussian rows: log-likelihoods and responsibilities equal the direct formulas, complete or with missing values', () => {
  const random = new Random(4);
  const K = 3;
  const d = 3;
  const g = randomGaussian(K, d, random);
  const rows = 600;
  const data = Float64Array.from({ length: rows * d }, () => 3 * random.normal());
  for (let i = 0; i < rows; i += 3) data[i * d + (i % d)] = Number.NaN; // every third row misses one column
  data[5 * d] = data[5 * d + 2] = Number.NaN; // one row misses two
  const packed = new Float64Array(gaussianPackedLength(K, d));
  assert.equal(packGaussian(g.weights, g.means, g.covariances, K, d, packed), -1);
  const outputs: RowOutputs = { rowLogLikelihood: new Float64Array(rows), responsibilities: new Float64Array(rows * K) };
  const stats = new Float64Array(gaussianStatsLength(K, d));
  accumulateGaussian(new GaussianWorkspace(K, d), sliceOf(data, rows, d), packed, 1, stats, outputs);
  let total = 0;
  for (let i = 0; i < rows; i++) {
    const observed = [...Array(d).keys()].filter((j) => !Number.isNaN(data[i * d + j]!));
    const o = observed.length;
    const pick = (a: Float64Array, base: number, stride: number): Float64Array => Float64Array.from(observed.flatMap((r) => (stride === 0 ? [a[base + r]!] : observed.map((c) => a[base + r * stride + c]!))));
    const joint = [...Array(K).keys()].map(
      (k) => Math.log(g.weights[k]!) + logNormal(pick(data, i * d, 0), pick(g.means, k * d, 0), pick(g.covariances, k * d * d, d), o),
    );
    const expected = logSumExp(joint);
    assert.ok(close(outputs.rowLogLikelihood![i]!, expected), `row ${i}: ${outputs.rowLogLikelihood![i]} vs ${expected}`);
    for (let k = 0; k < K; k++) assert.ok(Math.abs(outputs.responsibilities![i * K + k]! - Math.exp(joint[k]! - expected)) < 1e-12);
    total += expected;
  }
  assert.ok(close(stats[0]!, total));
});

test('a row with missing values contributes E[x_M | x_O] and the conditional covariance (Schur complement)', () => {
  const d = 3;
  const g = randomGaussian(1, d, new Random(9));
  g.weights[0] = 1;
  const x = Float64Array.from([0.7, Number.NaN, -1.2]); // x2 missing
  const packed = new Float64Array(gaussianPackedLength(1, d));
  packGaussian(g.weights, g.means, g.covariances, 1, d, packed);
  const stats = new Float64Array(gaussianStatsLength(1, d));
  accumulateGaussian(new GaussianWorkspace(1, d), sliceOf(x, 1, d), packed, 1, stats, NO_OUTPUTS);
  // Direct: Σ_OO over {0, 2}, Σ_MO row of x2; E[x2] = μ2 + Σ_MO·Σ_OO⁻¹·(x_O − μ_O), Var = Σ_MM − Σ_MO·Σ_OO⁻¹·Σ_OM.
  const S = g.covariances;
  const m = g.means;
  const soo = Float64Array.from([S[0]!, S[2]!, S[6]!, S[8]!]);
  const l = new Float64Array(4);
  cholesky(soo, l, 2);
  const inv = new Float64Array(4);
  inverseFromCholesky(l, inv, 2, new Float64Array(2));
  const smo = [S[3]!, S[5]!];
  const r = [x[0]! - m[0]!, x[2]! - m[2]!];
  const b = [smo[0]! * inv[0]! + smo[1]! * inv[2]!, smo[0]! * inv[1]! + smo[1]! * inv[3]!];
  const shift = b[0]! * r[0]! + b[1]! * r[1]!; // E[x2] − μ2
  const variance = S[4]! - (b[0]! * smo[0]! + b[1]! * smo[1]!);
  const first = STAT_COUNTS + 1;
  const second = first + d;
  assert.ok(close(stats[STAT_COUNTS]!, 1));
  assert.ok(close(stats[first + 1]!, shift));
  assert.ok(close(stats[second + 1 * d + 1]!, shift * shift + variance));
  assert.ok(close(stats[second + 2 * d + 1]!, r[1]! * shift)); // cross moment of x3 with the imputed x2, lower triangle
  assert.ok(close(stats[second + 1 * d + 0]!, shift * r[0]!));
});

test('tempered responsibilities are ∝ (w_k·p_k(x))^β and the annealed objective is (1/β)·log Σ_k (w_k·p_k)^β', () => {
  const K = 3;
  const d = 2;
  const g = randomGaussian(K, d, new Random(2));
  const x = Float64Array.from([0.3, -0.4]);
  const packed = new Float64Array(gaussianPackedLength(K, d));
  packGaussian(g.weights, g.means, g.covariances, K, d, packed);
  const stats = new Float64Array(gaussianStatsLength(K, d));
  const outputs: RowOutputs = { rowLogLikelihood: new Float64Array(1), responsibilities: new Float64Array(K) };
  const beta = 0.35;
  accumulateGaussian(new GaussianWorkspace(K, d), sliceOf(x, 1, d), packed, beta, stats, outputs);
  const joint = [0, 1, 2].map((k) => Math.log(g.weights[k]!) + logNormal(x, g.means.subarray(k * d), g.covariances.subarray(k * d * d), d));
  const tempered = logSumExp(joint.map((v) => beta * v));
  for (let k = 0; k < K; k++) assert.ok(close(outputs.responsibilities![k]!, Math.exp(beta * joint[k]! - tempered)));
  assert.ok(close(stats[0]!, logSumExp(joint)));
  assert.ok(close(stats[1]!, tempered / beta));
});

test('the unrolled tile kernels compute what the loops compute, for d = 1 … 7', () => {
  const random = new Random(12);
  for (let d = 1; d <= 7; d++) {
    const K = 3;
    const rows = 50;
    const g = randomGaussian(K, d, random);
    const packed = new Float64Array(gaussianPackedLength(K, d));
    packGaussian(g.weights, g.means, g.covariances, K, d, packed);
    const data = Float64Array.from({ length: rows * d }, () => 2 * random.normal());
    const unrolled = gaussianTileKernels(d, true);
    const loops = gaussianTileKernels(d, false);
    const [a, b] = [new Float64Array(rows * K), new Float64Array(rows * K)];
    unrolled.logJoint(data, 0, rows, packed, K, a);
    loops.logJoint(data, 0, rows, packed, K, b);
    a.forEach((v, i) => assert.ok(close(v, b[i]!, 1e-14), `d=${d} log joint ${i}`));
    const weights = Float64Array.from({ length: rows * K }, () => random.uniform());
    const [sa, sb] = [new Float64Array(gaussianStatsLength(K, d)), new Float64Array(gaussianStatsLength(K, d))];
    unrolled.accumulate(data, 0, rows, packed, K, weights, sa);
    loops.accumulate(data, 0, rows, packed, K, weights, sb);
    sa.forEach((v, i) => assert.ok(close(v, sb[i]!, 1e-13), `d=${d} statistic ${i}: ${v} vs ${sb[i]}`));
  }
});

test('Bernoulli rows: log-likelihoods equal Σ_j log p or log(1 − p) over the observed entries', async () => {
  const random = new Random(6);
  const K = 2;
  const d = 4;
  const weights = Float64Array.from([0.3, 0.7]);
  const probabilities = Float64Array.from({ length: K * d }, () => 0.05 + 0.9 * random.uniform());
  const rows = 40;
  const data = Float64Array.from({ length: rows * d }, () => (random.uniform() < 0.5 ? 1 : 0));
  for (let i = 0; i < rows; i += 4) data[i * d + 1] = Number.NaN;
  const { flags, sorted } = findIncompleteRows(data, rows, d);
  const estep = new SerialEStep('bernoulli', K, d, { data, rows, incompleteFlags: flags, incompleteRows: sorted });
  const packed = new Float64Array(estep.packedLength);
  packBernoulli(weights, probabilities, K, d, packed);
  const outputs: RowOutputs = { rowLogLikelihood: new Float64Array(rows), responsibilities: null };
  await estep.run(packed, 1, new Float64Array(estep.statsLength), outputs);
  for (let i = 0; i < rows; i++) {
    const joint = [0, 1].map((k) => {
      let s = Math.log(weights[k]!);
      for (let j = 0; j < d; j++) {
        const v = data[i * d + j]!;
        if (!Number.isNaN(v)) s += Math.log(v === 1 ? probabilities[k * d + j]! : 1 - probabilities[k * d + j]!);
      }
      return s;
    });
    assert.ok(close(outputs.rowLogLikelihood![i]!, logSumExp(joint)));
  }
});

test('three threads give the one-thread statistics (to rounding) and the same per-row outputs, both families, with missing values', async () => {
  const random = new Random(3);
  const rows = 5000;
  for (const kind of ['gaussian', 'bernoulli'] as const) {
    const K = 3;
    const d = 4;
    const data = Float64Array.from({ length: rows * d }, () => (kind === 'gaussian' ? random.normal() * 2 : random.uniform() < 0.4 ? 1 : 0));
    for (let i = 0; i < rows; i += 7) data[i * d + (i % d)] = Number.NaN;
    const { flags, sorted } = findIncompleteRows(data, rows, d);
    const rowSet = { data, rows, incompleteFlags: flags, incompleteRows: sorted };
    const serial = new SerialEStep(kind, K, d, rowSet);
    const packed = new Float64Array(serial.packedLength);
    if (kind === 'gaussian') {
      const g = randomGaussian(K, d, random);
      packGaussian(g.weights, g.means, g.covariances, K, d, packed);
    } else {
      packBernoulli(Float64Array.from([0.2, 0.3, 0.5]), Float64Array.from({ length: K * d }, () => random.uniform()), K, d, packed);
    }
    const outputs = (): RowOutputs => ({ rowLogLikelihood: new Float64Array(rows), responsibilities: new Float64Array(rows * K) });
    const [one, three] = [outputs(), outputs()];
    const s1 = new Float64Array(serial.statsLength);
    await serial.run(packed, 0.7, s1, one);
    const pool = await EStepPool.start(kind, K, d, rowSet, { threads: 3, ...WORKER, rowOutputs: true });
    try {
      const s3 = new Float64Array(pool.statsLength);
      for (let pass = 0; pass < 2; pass++) {
        await pool.run(packed, 0.7, s3, pass === 0 ? NO_OUTPUTS : three);
        s1.forEach((v, i) => assert.ok(close(v, s3[i]!), `${kind} statistic ${i}: ${v} vs ${s3[i]}`));
      }
    } finally {
      await pool.close();
    }
    assert.deepEqual(three.rowLogLikelihood, one.rowLogLikelihood);
    assert.deepEqual(three.responsibilities, one.responsibilities);
  }
});
