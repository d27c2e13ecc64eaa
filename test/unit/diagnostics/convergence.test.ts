import erfc from '@stdlib/math-base-special-erfc';
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { betaQuantile, incompleteBeta } from '../../../src/engine/diagnostics/betaQuantile';
import { diagnose, essBasic, essBulk, essMean, rhat, rhatBasic } from '../../../src/engine/diagnostics/convergence';
import { RealFft } from '../../../src/engine/diagnostics/fft';
import { normalQuantile } from '../../../src/engine/diagnostics/normalQuantile';
import { RadixSorter } from '../../../src/engine/diagnostics/radixSort';
import { Random } from '../../../src/engine/random/rng';

/** AR(1) chains x_t = φ x_{t−1} + e_t with stationary starts, so their ESS is known: S(1 − φ)/(1 + φ). */
function ar1(chains: number, length: number, phi: number, seed: number, shift: (c: number) => number = () => 0): Float64Array[] {
  return Array.from({ length: chains }, (_, c) => {
    const random = new Random(seed, c);
    const out = new Float64Array(length);
    let x = random.normal() / Math.sqrt(1 - phi * phi);
    for (let t = 0; t < length; t++) {
      x = phi * x + random.normal();
      out[t] = x + shift(c);
    }
    return out;
  });
}

describe('numerical pieces', () => {
  it('normal quantile inverts Φ to double precision, tails included', () => {
    for (const p of [1e-300, 1e-20, 1e-5, 0.01, 0.02425, 0.1, 0.3, 0.5, 0.7, 0.9, 0.97575, 0.99, 1 - 1e-10]) {
      const x = normalQuantile(p);
      const back = x < 0 ? 0.5 * erfc(-x / Math.SQRT2) : 1 - 0.5 * erfc(x / Math.SQRT2);
      // One ulp of x moves Φ(x) by a relative x²·2⁻⁵² in the lower tail, so that bounds what is attainable.
      const attainable = 1e-15 * Math.max(1, x * x) * (x < 0 ? p : 1);
      assert.ok(Math.abs(back - p) <= attainable, `p = ${p}: Φ(${x}) = ${back}`);
    }
    assert.ok(Math.abs(normalQuantile(0.975) - 1.959963984540054) < 1e-15);
    assert.equal(normalQuantile(0.5), 0);
    assert.equal(normalQuantile(0), -Infinity);
    assert.ok(Number.isNaN(normalQuantile(1.5)));
  });

  it('beta quantile matches closed forms: Beta(a, 1) has CDF x^a, Beta(1, b) has 1 − (1 − x)^b', () => {
    for (const [p, a] of [[0.1586553, 3], [0.8413447, 250.5], [0.5, 12000]] as const) {
      assert.ok(Math.abs(betaQuantile(p, a, 1) - p ** (1 / a)) < 1e-13, `Beta(${a}, 1)`);
      assert.ok(Math.abs(betaQuantile(p, 1, a) - (1 - (1 - p) ** (1 / a))) < 1e-13, `Beta(1, ${a})`);
    }
    assert.ok(Math.abs(betaQuantile(0.5, 40, 40) - 0.5) < 1e-14); // symmetric
    assert.ok(Math.abs(incompleteBeta(0.3, 2.5, 7) + incompleteBeta(0.7, 7, 2.5) - 1) < 1e-14);
  });

  it('radix argsort orders like a comparison sort: ties in index order, −0 with 0, NaN last', () => {
    const random = new Random(12);
    const values = Float64Array.from({ length: 5000 }, (_, i) => (i % 5 === 0 ? Math.round(random.normal() * 2) : random.normal() * 10 ** Math.floor(40 * random.uniform() - 20)));
    values.set([-0, 0, -Infinity, Infinity, Number.NaN, -1e-310, 1e-310], 100);
    const order = Array.from(new RadixSorter().argsort(values));
    // NaN (index 104) ranks as +Infinity, after the real one (index 103) by index order.
    const rank = (v: number): number => (Number.isNaN(v) ? Infinity : v);
    const expected = Array.from(values.keys()).sort((a, b) => (rank(values[a]!) === rank(values[b]!) ? a - b : rank(values[a]!) < rank(values[b]!) ? -1 : 1));
    assert.equal(expected[expected.length - 1], 104);
    assert.deepEqual(order, expected);
  });

  it('FFT autocorrelation sums equal direct sums, odd and even lengths, all lags or the first few', () => {
    const random = new Random(7);
    for (const n of [1, 2, 3, 17, 64, 1001]) {
      const x = Float64Array.from({ length: n }, () => random.normal());
      const fft = new RealFft(RealFft.sizeFor(2 * n));
      const out = new Float64Array(n);
      fft.addPowerSpectrum(x, n);
      fft.autocorrelationSums(out, n);
      // A shorter transform still gives the first L − n + 1 lags exactly.
      const lags = Math.max(1, Math.ceil(n / 4));
      const short = new RealFft(RealFft.sizeFor(n + lags - 1));
      const few = new Float64Array(lags);
      short.addPowerSpectrum(x, n);
      short.autocorrelationSums(few, lags);
      for (let t = 0; t < lags; t++) assert.ok(Math.abs(few[t]! - out[t]!) < 1e-12 * n, `n = ${n}, lag ${t} of ${lags}`);
      for (let t = 0; t < n; t++) {
        let direct = 0;
        for (let i = 0; i + t < n; i++) direct += x[i]! * x[i + t]!;
        assert.ok(Math.abs(out[t]! - direct) < 1e-12 * n, `n = ${n}, lag ${t}: ${out[t]} vs ${direct}`);
      }
    }
  });
});

describe('effective sample size', () => {
  it('is close to the number of draws for independent draws', () => {
    const chains = ar1(4, 5000, 0, 1);
    // τ̂ sums a few noisy ρ̂_t (sd ≈ 1/√20000 each) before Geyer's truncation: sd(τ̂) ≈ 3 %, so 15 % is ~5 sd.
    for (const ess of [essBulk(chains), essMean(chains)]) assert.ok(Math.abs(ess / 20000 - 1) < 0.15, `ESS ${ess}`);
  });

  it('recovers S(1 − φ)/(1 + φ) for AR(1) chains with φ = 0.9', () => {
    const chains = ar1(4, 50_000, 0.9, 2);
    const expected = (200_000 * 0.1) / 1.9;
    // Var(τ̂)/τ² ≈ 2(2M + 1)/S for a window of M ≈ 3τ ≈ 60 lags (Priestley): sd ≈ 3.5 %; 15 % is ~4 sd.
    for (const ess of [essBulk(chains), essMean(chains), essBasic(chains, false)]) {
      assert.ok(Math.abs(ess / expected - 1) < 0.15, `ESS ${ess}, expected ${expected}`);
    }
  });

  it('caps antithetic chains at S·log10(S)', () => {
    const chains = ar1(2, 1000, -0.95, 3);
    const cap = 2000 * Math.log10(2000);
    assert.ok(Math.abs(essMean(chains) - cap) < 1e-9 * cap, `ESS ${essMean(chains)}, cap ${cap}`);
  });

  it('ranks ties by their average rank (discrete draws)', () => {
    // Integers 0…3: every value is tied many times. Rank-normalise by hand, O(n²), and compare.
    const random = new Random(5);
    const chains = Array.from({ length: 3 }, () => Float64Array.from({ length: 41 }, () => Math.floor(4 * random.uniform())));
    const kept = chains.flatMap((c) => [c.subarray(0, 20), c.subarray(21, 41)]);
    const all = kept.flatMap((s) => Array.from(s));
    const z = kept.map((s) =>
      Float64Array.from(s, (v) => {
        const below = all.filter((w) => w < v).length;
        const equal = all.filter((w) => w === v).length;
        return normalQuantile((below + (equal + 1) / 2 - 3 / 8) / (all.length + 1 / 4));
      }),
    );
    // Each split half is already a "chain" of z; essBasic without splitting sees the same segments.
    assert.ok(Math.abs(essBulk(chains) - essBasic(z, false)) < 1e-9);
  });
});

describe('R-hat', () => {
  it('is near 1 for chains from one distribution and large for chains apart', () => {
    assert.ok(rhat(ar1(4, 2000, 0.5, 4)) < 1.01);
    const apart = ar1(4, 2000, 0.5, 4, (c) => (c === 3 ? 3 : 0));
    assert.ok(rhat(apart) > 1.1);
    assert.ok(rhatBasic(apart) > 1.1);
  });

  it('sees chains that differ in scale only through the folded draws', () => {
    const chains = ar1(4, 2000, 0, 6).map((c, k) => (k === 0 ? c.map((x) => 4 * x) : c));
    assert.ok(rhatBasic(chains) < 1.01, `basic ${rhatBasic(chains)}`);
    assert.ok(rhat(chains) > 1.05, `rank-normalised ${rhat(chains)}`);
  });

  it('is defined for a single chain from its halves, and flags a trend', () => {
    const [chain] = ar1(1, 2000, 0.5, 8);
    const trend = chain!.map((x, t) => x + t / 200);
    assert.ok(rhat([chain!]) < 1.02);
    assert.ok(rhat([trend]) > 1.1);
  });
});

describe('split chains and degenerate draws', () => {
  it('drop the middle draw of an odd-length chain', () => {
    const chains = ar1(2, 101, 0.3, 9);
    const changed = chains.map((c) => c.slice());
    changed[0]![50] = 1e6; // the middle draw of 101
    assert.equal(rhatBasic(changed), rhatBasic(chains));
    assert.equal(essMean(changed), essMean(chains));
    assert.equal(essBulk(changed), essBulk(chains));
  });

  it('give NaN (posterior’s NA) for constant draws, non-finite draws and too short chains', () => {
    const constant = [new Float64Array(100).fill(2), new Float64Array(100).fill(2)];
    const infinite = ar1(2, 100, 0, 10);
    infinite[1]![3] = Infinity;
    for (const chains of [constant, infinite]) {
      for (const value of Object.values(diagnose(chains))) assert.ok(Number.isNaN(value));
    }
    assert.ok(Number.isNaN(essMean(ar1(2, 5, 0, 11)))); // 2 draws per half: fewer than 3
    assert.ok(Number.isFinite(essMean(ar1(2, 6, 0, 11))));
  });

  it('refuses chains of different lengths', () => {
    assert.throws(() => diagnose([new Float64Array(10), new Float64Array(11)]), /differ in length/);
  });
});
