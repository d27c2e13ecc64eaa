import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Random } from '../../../src/engine/random/rng';
import { binProbabilities, randomizedRank, rankBin, uniformityTest } from '../../../src/engine/sbc/ranks';
import { binomialInterval } from '../../../src/engine/sbc/tally';

describe('ranks and the uniformity test', () => {
  it('χ² p-values match tabulated quantiles', () => {
    // χ²₉ quantiles: 0.95 → 16.919, 0.99 → 21.666 (standard tables).
    const counts = (statistic: number): number[] => {
      // Two cells carrying the whole statistic around an expected 100 per bin.
      const d = Math.sqrt((statistic * 100) / 2);
      return [100 + d, 100 - d, 100, 100, 100, 100, 100, 100, 100, 100];
    };
    const p = new Array<number>(10).fill(0.1);
    assert.ok(Math.abs(uniformityTest(counts(16.919), p).pValue - 0.05) < 1e-4);
    assert.ok(Math.abs(uniformityTest(counts(21.666), p).pValue - 0.01) < 1e-4);
    assert.equal(uniformityTest(counts(0), p).pValue, 1);
    assert.equal(uniformityTest(counts(0), p).degreesOfFreedom, 9);
  });

  it('bins cover every rank, with probabilities in proportion to their widths when bins do not divide draws + 1', () => {
    assert.deepEqual(binProbabilities(99, 10), new Array<number>(10).fill(0.1));
    const uneven = binProbabilities(9, 4);
    assert.deepEqual(uneven.map((x) => x * 10), [3, 2, 3, 2]);
    assert.equal(rankBin(0, 99, 10), 0);
    assert.equal(rankBin(99, 99, 10), 9);
  });

  it('randomised ranks of a value tied with every draw are uniform over all positions', () => {
    // 10 000 ranks over 5 positions: expected 2000 each, sd √(10 000·0.2·0.8) = 40; 4 sd = 160.
    const random = new Random(3);
    const counts = [0, 0, 0, 0, 0];
    for (let k = 0; k < 10_000; k++) counts[randomizedRank(0, 4, random)]!++;
    for (const c of counts) assert.ok(Math.abs(c - 2000) < 160, `${counts}`);
    assert.equal(randomizedRank(7, 0, random), 7);
    for (let k = 0; k < 100; k++) {
      const r = randomizedRank(2, 3, random);
      assert.ok(r >= 2 && r <= 5);
    }
  });

  it('the binomial band holds the central 99 %', () => {
    // Quantiles 0.5 % and 99.5 % of Binomial(500, 0.1) and Binomial(50, 0.1), from scipy.stats.binom.ppf.
    assert.deepEqual(binomialInterval(500, 0.1, 0.99), [34, 68]);
    assert.deepEqual(binomialInterval(50, 0.1, 0.99), [0, 11]);
    assert.deepEqual(binomialInterval(0, 0.1, 0.99), [0, 0]);
  });
});
