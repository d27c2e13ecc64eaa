import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  formatDuration,
  formatNumber,
  progressPercent,
  settingsSummary,
  statusLabel,
  timingsSummary,
} from '../../../src/renderer/format';
import { makeOutput } from './fixtures';

describe('renderer format', () => {
  it('formats numbers with 4 significant digits', () => {
    assert.equal(formatNumber(0.123456), '0.1235');
    assert.equal(formatNumber(12.3456), '12.35');
    assert.equal(formatNumber(-2.5), '-2.5');
    assert.equal(formatNumber(1234.5), '1235');
    assert.equal(formatNumber(0), '0');
    assert.equal(formatNumber(1), '1');
  });

  it('uses exponent form for very large and very small magnitudes', () => {
    assert.equal(formatNumber(123456), '1.235e5');
    assert.equal(formatNumber(0.00012346), '1.235e-4');
    assert.equal(formatNumber(-2e-7), '-2e-7');
  });

  it('shows non-finite values readably', () => {
    assert.equal(formatNumber(Number.NaN), '–');
    assert.equal(formatNumber(Number.POSITIVE_INFINITY), '∞');
    assert.equal(formatNumber(Number.NEGATIVE_INFINITY), '-∞');
  });

  it('formats durations', () => {
    assert.equal(formatDuration(12.4), '12 ms');
    assert.equal(formatDuration(1234), '1.23 s');
    assert.equal(formatDuration(12_345), '12.3 s');
    assert.equal(formatDuration(125_000), '2 min 5 s');
    assert.equal(formatDuration(Number.NaN), '–');
  });

  it('computes the progress percentage, clamped and floored', () => {
    assert.equal(progressPercent({ done: 0, total: 0 }), 0);
    assert.equal(progressPercent({ done: 1, total: 3 }), 33);
    assert.equal(progressPercent({ done: 2999, total: 3000 }), 99);
    assert.equal(progressPercent({ done: 3000, total: 3000 }), 100);
    assert.equal(progressPercent({ done: 5000, total: 3000 }), 100);
  });

  it('labels each status', () => {
    const progress = { done: 42, total: 100 };
    assert.equal(statusLabel('running', progress), 'Running 42%');
    assert.equal(statusLabel('complete', progress), 'Complete');
    assert.equal(statusLabel('cancelled', progress), 'Cancelled at 42%');
    assert.equal(statusLabel('failed', progress), 'Failed');
  });

  it('summarises settings and timings', () => {
    const output = makeOutput();
    assert.deepEqual(settingsSummary(output), ['gibbs', '4 chains', '500 burn-in + 1000 iterations', 'seed 1234']);
    assert.deepEqual(timingsSummary(output), ['compile 12 ms', 'sampling 850 ms', 'total 870 ms']);
    const thinned = makeOutput({ settings: { ...output.settings, chains: 1, thin: 5 } });
    assert.deepEqual(settingsSummary(thinned).slice(1, 3), ['1 chain', '500 burn-in + 1000 iterations, thin 5']);
    assert.deepEqual(timingsSummary(makeOutput({ timings: { compileMs: 3, sampleMs: 0, totalMs: 0 } })), ['compile 3 ms']);
  });
});
