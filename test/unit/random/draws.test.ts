import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import erfc from '@stdlib/math-base-special-erfc';
import gammaln from '@stdlib/math-base-special-gammaln';
import { Random } from '../../../src/engine/random/rng';
import {
  drawBeta,
  drawBinomial,
  drawCategoricalFromLogWeights,
  drawDirichlet,
  drawMultinomial,
  drawMultivariateNormalFromPrecision,
  drawNegativeBinomial,
  drawPoisson,
  drawStudentT,
  drawTruncatedNormal,
  drawWeibull,
  drawWishart,
  drawWishartJags,
} from '../../../src/engine/random/draws';
import { cholesky, inverseFromCholesky } from '../../../src/engine/math/linalg';

/**
 * Tolerances. Moments: the mean of n independent draws has standard error
 * σ/√n and the sample variance about √((μ₄ − σ⁴)/n); |estimate − truth| < 4 SE
 * fails with probability ≈ 6e-5 per check. Kolmogorov–Smirnov: √n·D exceeds
 * 1.95 with probability ≈ 1e-3 under the null (Kolmogorov's limit law,
 * P(K > x) ≈ 2e^(−2x²)). χ²: the critical value at α = 1e-4 for k degrees of
 * freedom by Wilson–Hilferty, k(1 − 2/(9k) + z·√(2/(9k)))³ with z = 3.719.
 * The seeds are fixed, so passes are reproducible; the bounds make sure a
 * pass is not a tuned coincidence, and a wrong law (a shifted mean, a wrong
 * tail) exceeds them by far.
 */
function assertWithin(actual: number, expected: number, standardError: number, what: string): void {
  const bound = 4 * standardError;
  assert.ok(Math.abs(actual - expected) < bound, `${what}: ${actual} is more than 4 SE (${bound}) from ${expected}`);
}

function moments(draw: () => number, n: number): { mean: number; variance: number } {
  let mean = 0;
  let m2 = 0;
  for (let k = 1; k <= n; k++) {
    const x = draw();
    const d = x - mean;
    mean += d / k;
    m2 += d * (x - mean);
  }
  return { mean, variance: m2 / (n - 1) };
}

function ksStatistic(sample: number[], cdf: (x: number) => number): number {
  const sorted = [...sample].sort((a, b) => a - b);
  const n = sorted.length;
  let d = 0;
  for (let i = 0; i < n; i++) {
    const f = cdf(sorted[i]!);
    d = Math.max(d, f - i / n, (i + 1) / n - f);
  }
  return d;
}

function assertKolmogorovSmirnov(sample: number[], cdf: (x: number) => number, what: string): void {
  const scaled = Math.sqrt(sample.length) * ksStatistic(sample, cdf);
  assert.ok(scaled < 1.95, `${what}: √n·D = ${scaled} ≥ 1.95`);
}

function chiSquaredCritical(k: number): number {
  const c = 2 / (9 * k);
  return k * Math.pow(1 - c + 3.719 * Math.sqrt(c), 3);
}

/** χ² goodness of fit of integer draws to a pmf; cells with expected count < 5 are pooled into neighbours. */
function assertChiSquared(counts: Map<number, number>, pmf: (k: number) => number, lowest: number, highest: number, n: number, what: string): void {
  let statistic = 0;
  let cells = 0;
  let pooledExpected = 0;
  let pooledObserved = 0;
  let covered = 0;
  for (let k = lowest; k <= highest; k++) {
    pooledExpected += n * pmf(k);
    pooledObserved += counts.get(k) ?? 0;
    if (pooledExpected >= 5) {
      statistic += (pooledObserved - pooledExpected) ** 2 / pooledExpected;
      covered += pooledExpected;
      cells++;
      pooledExpected = 0;
      pooledObserved = 0;
    }
  }
  let observedTotal = 0;
  for (const [k, c] of counts) if (k >= lowest && k <= highest) observedTotal += c;
  // Whatever lies outside [lowest, highest] or in the last incomplete pool is one more cell.
  const restExpected = n - covered;
  const restObserved = n - observedTotal + pooledObserved;
  if (restExpected > 0) {
    statistic += (restObserved - restExpected) ** 2 / restExpected;
    cells++;
  }
  const critical = chiSquaredCritical(cells - 1);
  assert.ok(statistic < critical, `${what}: χ² = ${statistic} ≥ ${critical} on ${cells - 1} degrees of freedom`);
}

function tally(draw: () => number, n: number): Map<number, number> {
  const counts = new Map<number, number>();
  for (let i = 0; i < n; i++) {
    const k = draw();
    counts.set(k, (counts.get(k) ?? 0) + 1);
  }
  return counts;
}

const upperTail = (z: number): number => 0.5 * erfc(z / Math.SQRT2);
const normalCdf = (z: number): number => 0.5 * erfc(-z / Math.SQRT2);

/** CDF of Normal(mean, sd²) truncated to (lower, upper), computed on the side of zero where it keeps precision. */
function truncatedNormalCdf(mean: number, sd: number, lower: number, upper: number): (x: number) => number {
  const a = (lower - mean) / sd;
  const b = (upper - mean) / sd;
  if (a >= 0) {
    const qa = upperTail(a), qb = upperTail(b);
    return (x) => (qa - upperTail((x - mean) / sd)) / (qa - qb);
  }
  const pa = normalCdf(a), pb = normalCdf(b);
  return (x) => (normalCdf((x - mean) / sd) - pa) / (pb - pa);
}

describe('truncated normal draws', () => {
  const cases: Array<[string, number, number, number, number]> = [
    ['wide interval around the mean (normal rejection)', 0, 1, -3, 3],
    ['narrow interval around the mean (uniform rejection)', 0, 1, -0.5, 1],
    ['one-sided, lower bound below the mean', 1, 2, -1, Infinity],
    ['right of the mean, narrow (uniform rejection)', 0, 1, 0.5, 0.9],
    ['right of the mean, wide (exponential rejection)', 0, 1, 0.5, 4],
    ['upper tail (1, ∞)', 0, 1, 1, Infinity],
    ['far upper tail (10, ∞), sd 1', 0, 1, 10, Infinity],
    ['far lower tail (−∞, −10), mirrored', 0, 1, -Infinity, -10],
    ['two-sided far tail (8, 9)', 0, 1, 8, 9],
    ['non-standard location and scale', 3, 2, 7, 9],
    ['very narrow interval', 5, 0.1, 5.2, 5.2001],
  ];
  for (const [what, mean, sd, lower, upper] of cases) {
    it(`follows the truncated law: ${what}`, () => {
      const random = new Random(11);
      const sample = Array.from({ length: 200_000 }, () => drawTruncatedNormal(random, mean, sd, lower, upper));
      for (const x of sample) assert.ok(x >= lower && x <= upper, `${x} outside (${lower}, ${upper})`);
      assertKolmogorovSmirnov(sample, truncatedNormalCdf(mean, sd, lower, upper), what);
    });
  }

  it('draws from (40, ∞) with the right mean and variance, where the CDF underflows', () => {
    // E[X] = 1/r and Var = 1 + a/r − 1/r² with r = Q(a)/φ(a) the Mills ratio,
    // r = (1/a)(1 − 1/a² + 3/a⁴ − 15/a⁶ + 105/a⁸) to 1e-12 relative at a = 40.
    const a = 40;
    const a2 = a * a;
    const r = (1 / a) * (1 - 1 / a2 + 3 / a2 ** 2 - 15 / a2 ** 3 + 105 / a2 ** 4);
    const mean = 1 / r;
    const variance = 1 + a / r - 1 / (r * r);
    const random = new Random(5);
    const n = 50_000;
    const m = moments(() => drawTruncatedNormal(random, 0, 1, a, Infinity), n);
    assertWithin(m.mean, mean, Math.sqrt(variance / n), 'mean');
    // The excess over a is close to exponential, μ₄ ≈ 9σ⁴.
    assertWithin(m.variance, variance, Math.sqrt((8 * variance * variance) / n), 'variance');
  });

  it('stays inside an interval narrower than the rounding of mean + sd·z, and rejects an empty one', () => {
    const random = new Random(2);
    for (let i = 0; i < 1000; i++) {
      const x = drawTruncatedNormal(random, 0, 1, 1, 1 + 1e-15);
      assert.ok(x >= 1 && x <= 1 + 1e-15);
    }
    assert.equal(drawTruncatedNormal(random, 0, 1, 2, 2), 2);
    assert.ok(Number.isNaN(drawTruncatedNormal(random, 0, 1, 3, 2)));
    assert.ok(Number.isNaN(drawTruncatedNormal(random, 0, 0, 1, 2)));
  });
});

describe('beta and Dirichlet draws', () => {
  const betaMoments = (a: number, b: number): [number, number] => [a / (a + b), (a * b) / ((a + b) ** 2 * (a + b + 1))];

  for (const [a, b] of [[2, 3], [0.5, 0.5], [0.01, 0.02], [200, 5]] as const) {
    it(`beta(${a}, ${b}) has the right mean and variance`, () => {
      const random = new Random(3);
      const [mean, variance] = betaMoments(a, b);
      const n = 50_000;
      const sample = Array.from({ length: n }, () => drawBeta(random, a, b));
      for (const x of sample) assert.ok(x >= 0 && x <= 1);
      const m = moments(() => sample.pop()!, n);
      assertWithin(m.mean, mean, Math.sqrt(variance / n), 'mean');
      // Values lie in [0, 1], so μ₄ ≤ σ² and SE(s²) ≤ √(σ²/n).
      assertWithin(m.variance, variance, Math.sqrt(variance / n), 'variance');
    });
  }

  it('Dirichlet with small concentrations sums to one, has no NaN, and the right means and variances', () => {
    const alpha = new Float64Array([0.01, 0.05, 0.5, 2]);
    const total = alpha.reduce((s, a) => s + a, 0);
    const out = new Float64Array(4);
    const random = new Random(9);
    const n = 40_000;
    const sums = new Float64Array(4);
    const squares = new Float64Array(4);
    for (let i = 0; i < n; i++) {
      drawDirichlet(random, alpha, out, 4);
      let s = 0;
      for (let k = 0; k < 4; k++) {
        assert.ok(out[k]! >= 0 && out[k]! <= 1, `component ${k} = ${out[k]}`);
        s += out[k]!;
        sums[k] = sums[k]! + out[k]!;
        squares[k] = squares[k]! + out[k]! ** 2;
      }
      assert.ok(Math.abs(s - 1) < 1e-12);
    }
    for (let k = 0; k < 4; k++) {
      const mean = alpha[k]! / total;
      const variance = (alpha[k]! * (total - alpha[k]!)) / (total * total * (total + 1));
      const m = sums[k]! / n;
      assertWithin(m, mean, Math.sqrt(variance / n), `mean of component ${k}`);
      assertWithin(squares[k]! / n - m * m, variance, Math.sqrt(variance / n), `variance of component ${k}`);
    }
  });
});

describe('discrete draws', () => {
  const poissonPmf = (mean: number) => (k: number): number => Math.exp(k * Math.log(mean) - mean - gammaln(k + 1));
  const binomialPmf = (p: number, size: number) => (k: number): number =>
    Math.exp(gammaln(size + 1) - gammaln(k + 1) - gammaln(size - k + 1) + k * Math.log(p) + (size - k) * Math.log1p(-p));

  for (const mean of [0.3, 3.5, 9.9, 10, 25, 400]) {
    it(`Poisson(${mean}) fits its probabilities (χ²)`, () => {
      const random = new Random(21);
      const n = 40_000;
      const counts = tally(() => drawPoisson(random, mean), n);
      const spread = 8 * Math.sqrt(mean) + 10;
      assertChiSquared(counts, poissonPmf(mean), 0, Math.ceil(mean + spread), n, `Poisson(${mean})`);
    });
  }

  for (const mean of [1e6, 1e9]) {
    it(`Poisson(${mean}) has the right mean and variance`, () => {
      const random = new Random(4);
      const n = 40_000;
      const m = moments(() => drawPoisson(random, mean), n);
      assertWithin(m.mean, mean, Math.sqrt(mean / n), 'mean');
      assertWithin(m.variance, mean, Math.sqrt((2 * mean * mean) / n), 'variance');
    });
  }

  const binomialCases: Array<[number, number]> = [[0.3, 20], [0.05, 100], [0.4, 100], [0.9, 200], [0.5, 1]];
  for (const [p, size] of binomialCases) {
    it(`Binomial(${size}, ${p}) fits its probabilities (χ²)`, () => {
      const random = new Random(22);
      const n = 40_000;
      const counts = tally(() => drawBinomial(random, p, size), n);
      for (const k of counts.keys()) assert.ok(k >= 0 && k <= size);
      assertChiSquared(counts, binomialPmf(p, size), 0, size, n, `Binomial(${size}, ${p})`);
    });
  }

  for (const [p, size] of [[0.3, 1e9], [1e-7, 1e6], [0.999, 5e5]] as const) {
    it(`Binomial(${size}, ${p}) has the right mean and variance`, () => {
      const random = new Random(6);
      const n = 40_000;
      const variance = size * p * (1 - p);
      const m = moments(() => drawBinomial(random, p, size), n);
      assertWithin(m.mean, size * p, Math.sqrt(variance / n), 'mean');
      assertWithin(m.variance, variance, Math.sqrt((2 * variance * variance + variance) / n), 'variance');
    });
  }

  it('negative binomial (JAGS dnegbin(p, r)) has mean r(1−p)/p and variance r(1−p)/p²', () => {
    const random = new Random(8);
    const n = 40_000;
    const [p, r] = [0.3, 2.5];
    const mean = (r * (1 - p)) / p;
    const variance = mean / p;
    const m = moments(() => drawNegativeBinomial(random, p, r), n);
    assertWithin(m.mean, mean, Math.sqrt(variance / n), 'mean');
    // Excess kurtosis of the negative binomial: 6/r + p²/(r(1 − p)).
    const excess = 6 / r + (p * p) / (r * (1 - p));
    assertWithin(m.variance, variance, Math.sqrt(((2 + excess) * variance * variance) / n), 'variance');
  });

  it('categorical from log weights follows softmax of the weights, skips −∞, and survives huge offsets', () => {
    const logWeights = new Float64Array([-1000, -1001, Number.NEGATIVE_INFINITY, -999, -1000.5]);
    const random = new Random(13);
    const n = 40_000;
    const counts = tally(() => drawCategoricalFromLogWeights(random, logWeights, 5), n);
    assert.equal(counts.get(2), undefined);
    const total = [...logWeights].reduce((s, w) => s + Math.exp(w + 1000), 0);
    assertChiSquared(counts, (k) => Math.exp(logWeights[k]! + 1000) / total, 0, 4, n, 'categorical');
    assert.equal(drawCategoricalFromLogWeights(random, new Float64Array([-Infinity, -Infinity]), 2), -1);
    assert.equal(drawCategoricalFromLogWeights(random, new Float64Array([0, Number.NaN]), 2), -1);
    assert.equal(drawCategoricalFromLogWeights(random, new Float64Array([-Infinity, 3]), 2), 1);
  });

  it('multinomial counts sum to the size and have means size·p and variances size·p(1−p), from unnormalised weights', () => {
    const weights = new Float64Array([2, 0, 5, 3]);
    const p = [0.2, 0, 0.5, 0.3];
    const size = 50;
    const out = new Float64Array(4);
    const random = new Random(17);
    const n = 20_000;
    const sums = [0, 0, 0, 0];
    const squares = [0, 0, 0, 0];
    for (let i = 0; i < n; i++) {
      drawMultinomial(random, size, weights, out, 4);
      assert.equal(out.reduce((s, x) => s + x, 0), size);
      for (let k = 0; k < 4; k++) {
        sums[k]! += out[k]!;
        squares[k]! += out[k]! ** 2;
      }
    }
    assert.equal(sums[1], 0);
    for (const k of [0, 2, 3]) {
      const variance = size * p[k]! * (1 - p[k]!);
      const m = sums[k]! / n;
      assertWithin(m, size * p[k]!, Math.sqrt(variance / n), `mean of cell ${k}`);
      assertWithin(squares[k]! / n - m * m, variance, Math.sqrt((2 * variance * variance + variance) / n), `variance of cell ${k}`);
    }
  });
});

describe('other scalar draws in JAGS parameterisations', () => {
  it("Student t dt(mu, tau, k) has mean mu and variance k/((k − 2)·tau)", () => {
    const random = new Random(31);
    const n = 50_000;
    const [mu, tau, k] = [2, 4, 10];
    const variance = k / ((k - 2) * tau);
    const m = moments(() => drawStudentT(random, mu, tau, k), n);
    assertWithin(m.mean, mu, Math.sqrt(variance / n), 'mean');
    // Kurtosis of t₁₀ is 3 + 6/(k − 4) = 4, so μ₄ − σ⁴ = 3σ⁴.
    assertWithin(m.variance, variance, Math.sqrt((3 * variance * variance) / n), 'variance');
  });

  it('Weibull dweib(v, lambda) follows P(X > x) = exp(−lambda·x^v) (KS)', () => {
    const random = new Random(32);
    const [v, lambda] = [1.7, 0.4];
    const sample = Array.from({ length: 20_000 }, () => drawWeibull(random, v, lambda));
    assertKolmogorovSmirnov(sample, (x) => 1 - Math.exp(-lambda * Math.pow(x, v)), 'Weibull');
  });
});

describe('multivariate normal and Wishart draws', () => {
  const d = 3;
  const precision = new Float64Array([4, 1, 0.5, 1, 3, -0.8, 0.5, -0.8, 2]);

  function choleskyOf(a: Float64Array): Float64Array {
    const l = new Float64Array(d * d);
    assert.ok(cholesky(a, l, d));
    return l;
  }
  function inverse(a: Float64Array): Float64Array {
    const out = new Float64Array(d * d);
    inverseFromCholesky(choleskyOf(a), out, d, new Float64Array(d));
    return out;
  }

  it('multivariate normal from a precision Cholesky factor has the right mean and covariance (the inverse precision)', () => {
    const mean = new Float64Array([1, -2, 0.5]);
    const l = choleskyOf(precision);
    const covariance = inverse(precision);
    const random = new Random(41);
    const n = 50_000;
    const x = new Float64Array(d);
    const sums = new Float64Array(d);
    const cross = new Float64Array(d * d);
    for (let t = 0; t < n; t++) {
      drawMultivariateNormalFromPrecision(random, mean, l, x, d);
      for (let i = 0; i < d; i++) {
        sums[i] = sums[i]! + x[i]!;
        for (let j = 0; j < d; j++) cross[i * d + j] = cross[i * d + j]! + (x[i]! - mean[i]!) * (x[j]! - mean[j]!);
      }
    }
    for (let i = 0; i < d; i++) {
      assertWithin(sums[i]! / n, mean[i]!, Math.sqrt(covariance[i * d + i]! / n), `mean ${i}`);
      for (let j = 0; j < d; j++) {
        // Var of a product of centred jointly normal values: Σ_ii·Σ_jj + Σ_ij².
        const se = Math.sqrt((covariance[i * d + i]! * covariance[j * d + j]! + covariance[i * d + j]! ** 2) / n);
        assertWithin(cross[i * d + j]! / n, covariance[i * d + j]!, se, `covariance (${i}, ${j})`);
      }
    }
  });

  /** Element means of n Wishart draws against df·S with Var(W_ij) = df·(S_ij² + S_ii·S_jj). */
  function checkWishartMoments(draw: (out: Float64Array) => void, df: number, scale: Float64Array): void {
    const n = 30_000;
    const out = new Float64Array(d * d);
    const sums = new Float64Array(d * d);
    for (let t = 0; t < n; t++) {
      draw(out);
      for (let i = 0; i < d; i++) for (let j = 0; j < d; j++) assert.equal(out[i * d + j], out[j * d + i]);
      assert.ok(cholesky(out, new Float64Array(d * d), d), 'a draw is positive definite');
      for (let k = 0; k < d * d; k++) sums[k] = sums[k]! + out[k]!;
    }
    for (let i = 0; i < d; i++) {
      for (let j = 0; j < d; j++) {
        const variance = df * (scale[i * d + j]! ** 2 + scale[i * d + i]! * scale[j * d + j]!);
        assertWithin(sums[i * d + j]! / n, df * scale[i * d + j]!, Math.sqrt(variance / n), `element (${i}, ${j})`);
      }
    }
  }

  it('Wishart(df, S) by Bartlett has mean df·S', () => {
    const scale = inverse(precision);
    const l = choleskyOf(scale);
    const random = new Random(43);
    const scratch = new Float64Array(d * d);
    checkWishartMoments((out) => drawWishart(random, l, 4.5, out, d, scratch), 4.5, scale);
  });

  it("JAGS's dwish(R, k) has mean k·R⁻¹", () => {
    const l = choleskyOf(precision);
    const random = new Random(44);
    const scratch = new Float64Array(d * d);
    checkWishartMoments((out) => drawWishartJags(random, l, 6, out, d, scratch), 6, inverse(precision));
  });

  it('Wishart second moments: the variance of a diagonal element is 2·df·S_ii²', () => {
    const scale = inverse(precision);
    const l = choleskyOf(scale);
    const random = new Random(45);
    const scratch = new Float64Array(d * d);
    const out = new Float64Array(d * d);
    const df = 5;
    const n = 30_000;
    const m = moments(() => {
      drawWishart(random, l, df, out, d, scratch);
      return out[2 * d + 2]!;
    }, n);
    const s = scale[2 * d + 2]!;
    const variance = 2 * df * s * s;
    // W_22/S_22 ~ χ²_df, whose fourth central moment is 12·df(df + 4).
    const mu4 = 12 * df * (df + 4) * s ** 4;
    assertWithin(m.variance, variance, Math.sqrt((mu4 - variance * variance) / n), 'variance of W_22');
  });
});
