import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import erfc from '@stdlib/math-base-special-erfc';
import { Random } from '../../../src/engine/random/rng';
import { LAYERS, ZIGGURAT_R, ZIGGURAT_X } from '../../../src/engine/random/ziggurat';

/**
 * Moment checks and their tolerances. For n independent draws with mean μ and
 * variance σ², the sample mean has standard error σ/√n, so |mean − μ| < 4σ/√n
 * fails with probability about 6e-5 (two-sided normal tail beyond 4 SE). The
 * sample variance s² has variance (μ₄ − σ⁴·(n−3)/(n−1))/n ≈ (μ₄ − σ⁴)/n, μ₄
 * being the fourth central moment; the same 4-SE rule applies. The seeds are
 * fixed, so a pass is reproducible; the bounds only make sure that the test
 * is not tuned to one lucky seed.
 */
const N = 100_000;

function moments(draw: () => number, n = N): { mean: number; variance: number; min: number; max: number } {
  let mean = 0;
  let m2 = 0;
  let min = Number.POSITIVE_INFINITY;
  let max = Number.NEGATIVE_INFINITY;
  for (let k = 1; k <= n; k++) {
    const x = draw();
    const d = x - mean;
    mean += d / k;
    m2 += d * (x - mean);
    min = Math.min(min, x);
    max = Math.max(max, x);
  }
  return { mean, variance: m2 / (n - 1), min, max };
}

function assertWithin(actual: number, expected: number, standardError: number, what: string): void {
  const bound = 4 * standardError;
  assert.ok(Math.abs(actual - expected) < bound, `${what}: ${actual} is more than 4 SE (${bound}) from ${expected}`);
}

function sequence(r: Random, n: number): number[] {
  return Array.from({ length: n }, () => r.nextUint32());
}

describe('random numbers', () => {
  it('repeats the same sequence for the same seed and stream', () => {
    assert.deepEqual(sequence(new Random(42, 3), 100), sequence(new Random(42, 3), 100));
    const a = new Random(7);
    const b = new Random(7);
    for (let k = 0; k < 100; k++) {
      assert.equal(a.uniform(), b.uniform());
      assert.equal(a.normal(), b.normal());
      assert.equal(a.gamma(0.5), b.gamma(0.5));
    }
  });

  it('gives different sequences for different streams of one seed, and for neighbouring seeds', () => {
    const base = sequence(new Random(42, 0), 20);
    for (const other of [new Random(42, 1), new Random(42, 2), new Random(43, 0), new Random(41, 0)]) {
      const s = sequence(other, 20);
      assert.notDeepEqual(s, base);
      // Unrelated streams share almost no values at the same positions.
      assert.ok(s.filter((x, k) => x === base[k]).length <= 1);
    }
  });

  it('draws 32-bit unsigned integers', () => {
    const r = new Random(1);
    for (let k = 0; k < 1000; k++) {
      const x = r.nextUint32();
      assert.ok(Number.isInteger(x) && x >= 0 && x < 2 ** 32);
    }
  });

  it('makes each uniform of the top bits of two consecutive 32-bit outputs, as the stream has always given it', () => {
    // uniform() steps the generator twice in place: it must equal the two nextUint32() calls it stands for, bit for bit,
    // so that seeds give the chains they gave before.
    const a = new Random(17, 2);
    const b = new Random(17, 2);
    for (let k = 0; k < 100000; k++) {
      const expected = ((b.nextUint32() >>> 5) * 67108864 + (b.nextUint32() >>> 6) + 0.5) / 9007199254740992;
      const u = a.uniform();
      if (u !== expected) assert.fail(`uniform ${k}: ${u} != ${expected}`);
      if (k % 7 === 0) assert.equal(a.nextUint32(), b.nextUint32());
    }
  });

  it('draws uniforms strictly inside (0, 1) with mean 1/2 and variance 1/12', () => {
    const r = new Random(2024);
    const m = moments(() => r.uniform());
    assert.ok(m.min > 0 && m.max < 1, `range [${m.min}, ${m.max}]`);
    assertWithin(m.mean, 0.5, Math.sqrt(1 / 12 / N), 'mean');
    // Uniform: μ₄ = 1/80, σ⁴ = 1/144.
    assertWithin(m.variance, 1 / 12, Math.sqrt((1 / 80 - 1 / 144) / N), 'variance');
  });

  it('spreads uniforms evenly over ten bins (chi-square test)', () => {
    const r = new Random(99);
    const counts = new Array<number>(10).fill(0);
    for (let k = 0; k < N; k++) counts[Math.floor(r.uniform() * 10)]!++;
    const expected = N / 10;
    const chiSquare = counts.reduce((s, c) => s + (c - expected) ** 2 / expected, 0);
    // 9 degrees of freedom: P(χ² > 33.7) ≈ 1e-4.
    assert.ok(chiSquare < 33.7, `chi-square ${chiSquare}`);
  });

  it('draws standard normals with mean 0 and variance 1', () => {
    const r = new Random(31337, 1);
    const m = moments(() => r.normal());
    assertWithin(m.mean, 0, 1 / Math.sqrt(N), 'mean');
    // Normal: μ₄ = 3σ⁴, so var(s²) ≈ 2/n.
    assertWithin(m.variance, 1, Math.sqrt(2 / N), 'variance');
  });

  it('puts about 68.27% of normals within one sd', () => {
    const r = new Random(5);
    let inside = 0;
    for (let k = 0; k < N; k++) if (Math.abs(r.normal()) < 1) inside++;
    const p = 0.682689492;
    assertWithin(inside / N, p, Math.sqrt((p * (1 - p)) / N), 'fraction within one sd');
  });

  it('gives normals the normal law over 54 bins, among them the ziggurat tail beyond r and beyond 4 and 5 sd (chi-square test)', () => {
    // Edges every 0.2 sd on (−5, 5), plus ±r, where the base layer hands over to the tail: 2·25 + 2 inner edges.
    const edges = [...Array.from({ length: 51 }, (_, k) => -5 + 0.2 * k), -ZIGGURAT_R, ZIGGURAT_R].sort((a, b) => a - b);
    const n = 2_000_000;
    const counts = new Array<number>(edges.length + 1).fill(0);
    const r = new Random(2718, 4);
    let negative = 0;
    let beyondR = 0;
    for (let k = 0; k < n; k++) {
      const z = r.normal();
      if (z < 0) negative++;
      if (Math.abs(z) > ZIGGURAT_R) beyondR++;
      let lo = 0, hi = edges.length;
      while (lo < hi) {
        const mid = (lo + hi) >> 1;
        if (z < edges[mid]!) hi = mid;
        else lo = mid + 1;
      }
      counts[lo]!++;
    }
    const cdf = (z: number): number => 0.5 * erfc(-z / Math.SQRT2);
    const bounds = [Number.NEGATIVE_INFINITY, ...edges, Number.POSITIVE_INFINITY];
    let chiSquare = 0;
    for (let b = 0; b < counts.length; b++) {
      const expected = n * (b === 0 ? cdf(bounds[1]!) : b === counts.length - 1 ? cdf(-bounds[b]!) : cdf(bounds[b + 1]!) - cdf(bounds[b]!));
      chiSquare += (counts[b]! - expected) ** 2 / expected;
    }
    // 54 bins less one: df = 53, sd √106 ≈ 10.3; 53 + 4 sd ≈ 94.2 (P ≈ 1e-3 by the chi-square's upper tail).
    assert.ok(chiSquare < 94.2, `chi-square ${chiSquare} over ${counts.length} bins`);
    assertWithin(negative / n, 0.5, Math.sqrt(0.25 / n), 'share below 0');
    const tail = 2 * cdf(-ZIGGURAT_R);
    assertWithin(beyondR / n, tail, Math.sqrt((tail * (1 - tail)) / n), 'share beyond r (the tail method)');
  });

  it('builds ziggurat layers of equal area whose base ends where the tail begins', () => {
    const f = (x: number): number => Math.exp(-0.5 * x * x);
    const v = ZIGGURAT_X[0]! * f(ZIGGURAT_R);
    assert.equal(ZIGGURAT_X[1], ZIGGURAT_R);
    // The base layer: the rectangle under f(r) up to r plus the tail, as one rectangle of width x_0.
    assert.ok(Math.abs(ZIGGURAT_R * f(ZIGGURAT_R) + Math.sqrt(Math.PI / 2) * erfc(ZIGGURAT_R / Math.SQRT2) - v) < 1e-15);
    for (let i = 1; i < LAYERS; i++) {
      const area = ZIGGURAT_X[i]! * (f(ZIGGURAT_X[i + 1]!) - f(ZIGGURAT_X[i]!));
      assert.ok(Math.abs(area / v - 1) < 1e-11, `layer ${i}: area ${area}, v ${v}`);
    }
  });

  for (const shape of [0.3, 0.8, 1, 2.5, 10]) {
    it(`draws gamma(${shape}) variates with mean and variance ${shape}${shape < 1 ? ' (shape < 1, by the boost)' : ''}`, () => {
      const r = new Random(1000 + shape * 10);
      const m = moments(() => r.gamma(shape));
      assert.ok(m.min > 0, `min ${m.min}`);
      // Gamma(k, 1): mean k, variance k, fourth central moment 3k² + 6k.
      assertWithin(m.mean, shape, Math.sqrt(shape / N), 'mean');
      assertWithin(m.variance, shape, Math.sqrt((3 * shape * shape + 6 * shape - shape * shape) / N), 'variance');
    });
  }

  it('draws exponentials with mean 1 and variance 1', () => {
    const r = new Random(8);
    const m = moments(() => r.exponential());
    assert.ok(m.min > 0);
    assertWithin(m.mean, 1, 1 / Math.sqrt(N), 'mean');
    // Exponential: μ₄ = 9.
    assertWithin(m.variance, 1, Math.sqrt((9 - 1) / N), 'variance');
  });
});
