import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { formatNumber, formatSummaryTable } from '../../../src/engine/output/summaryTable';
import { MAX_TRACE_POINTS, RUN_OUTPUT_SCHEMA, type RunOutput } from '../../../src/engine/output/runOutput';
import { DrawStore } from '../../../src/engine/run/drawStore';
import { histogram, quantile, summarize, summarizeDraws } from '../../../src/engine/run/summarize';

function assertClose(actual: number, expected: number, what: string): void {
  assert.ok(Math.abs(actual - expected) < 1e-12, `${what}: ${actual} differs from ${expected}`);
}

describe('posterior summaries', () => {
  it('matches R quantile() (type 7) on 1:4', () => {
    // R: quantile(c(1, 2, 3, 4), c(.025, .25, .5, .75, .975)) = 1.075 1.75 2.5 3.25 3.925
    // (h = (n − 1)p = 3p; the value is x[⌊h⌋] + (h − ⌊h⌋)(x[⌊h⌋+1] − x[⌊h⌋]), 0-based.)
    const s = summarize(Float64Array.of(4, 1, 3, 2));
    assertClose(s['q2.5'], 1.075, '2.5%');
    assertClose(s.q25, 1.75, '25%');
    assertClose(s.q50, 2.5, '50%');
    assertClose(s.q75, 3.25, '75%');
    assertClose(s['q97.5'], 3.925, '97.5%');
    assertClose(s.mean, 2.5, 'mean');
    assertClose(s.sd, Math.sqrt(5 / 3), 'sd'); // squares 2.25 + 0.25 + 0.25 + 2.25 = 5, over n − 1 = 3
  });

  it('matches R quantile() on an unsorted vector with uneven gaps', () => {
    // Sorted 1 3 5 7 10, h = 4p: 2.5% → 1 + 0.1·2 = 1.2; 25% → 3; 50% → 5; 75% → 7; 97.5% → 7 + 0.9·3 = 9.7.
    const s = summarize(Float64Array.of(10, 1, 7, 3, 5));
    assert.deepEqual([s['q2.5'], s.q25, s.q50, s.q75, s['q97.5']].map((q) => Number(q.toFixed(12))), [1.2, 3, 5, 7, 9.7]);
    assertClose(s.mean, 5.2, 'mean');
    // Deviations −4.2 −2.2 −0.2 1.8 4.8; squares sum to 48.8; sd = √(48.8 / 4).
    assertClose(s.sd, Math.sqrt(12.2), 'sd');
  });

  it('sorts negative values numerically', () => {
    const s = summarize(Float64Array.of(-10, 2, -3, 1));
    assertClose(s.q50, -1, 'median'); // sorted −10 −3 1 2
  });

  it('computes single quantiles at the ends of the range', () => {
    const sorted = Float64Array.of(1, 2, 4);
    assert.equal(quantile(sorted, 0), 1);
    assert.equal(quantile(sorted, 1), 4);
    assert.equal(quantile(sorted, 0.5), 2);
    assert.equal(quantile(sorted, 0.75), 3);
  });

  it('summarises a single draw with sd 0 and every quantile equal to it', () => {
    const s = summarize(Float64Array.of(3));
    assert.deepEqual(s, { mean: 3, sd: 0, 'q2.5': 3, q25: 3, q50: 3, q75: 3, 'q97.5': 3 });
  });

  it('summarises constant draws exactly', () => {
    const s = summarize(new Float64Array(1000).fill(0.1));
    assert.equal(s.mean, 0.1);
    assert.equal(s.sd, 0);
    assert.equal(s.q50, 0.1);
  });

  it('gives NaN summaries for no draws', () => {
    const s = summarize(new Float64Array(0));
    assert.ok(Object.values(s).every(Number.isNaN));
  });
});

describe('histograms', () => {
  it('counts every draw once, with increasing edges one more than the bins', () => {
    for (const n of [2, 10, 1000, 100_000]) {
      const values = Float64Array.from({ length: n }, (_, k) => Math.sin(k) * 3 + k / n).sort();
      const h = histogram(values);
      assert.equal(h.edges.length, h.counts.length + 1);
      assert.equal(h.counts.reduce((a, b) => a + b, 0), n, `n = ${n}`);
      for (let k = 1; k < h.edges.length; k++) assert.ok(h.edges[k]! > h.edges[k - 1]!, `edges increase at ${k}`);
      assert.ok(h.counts.length >= 10 && h.counts.length <= 50, `${h.counts.length} bins`);
      assert.equal(h.edges[0], Math.min(...values));
      assertClose(h.edges.at(-1)!, Math.max(...values), 'last edge');
    }
  });

  it("uses Sturges' number of bins between 10 and 50", () => {
    // ⌈log2(1024) + 1⌉ = 11 bins; two draws would give 2 bins, raised to the minimum of 10.
    assert.equal(histogram(Float64Array.from({ length: 1024 }, (_, k) => k)).counts.length, 11);
    assert.equal(histogram(Float64Array.of(0, 1)).counts.length, 10);
  });

  it('puts the maximum into the last bin', () => {
    const h = histogram(Float64Array.of(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10));
    assert.equal(h.counts.at(-1), 2); // 9 and 10 share the last of 10 bins of width 1
  });

  it('cuts a long tail at the 99.5 % quantile and counts what it leaves out', () => {
    // 1000 draws spread over [0, 1) and one at 10^6: with min–max bins, every draw but one would share a bin.
    const values = Float64Array.from({ length: 1001 }, (_, k) => (k < 1000 ? k / 1000 : 1e6));
    const h = histogram(values);
    assert.equal(h.below, undefined);
    // The cut is the type-7 99.5 % quantile, 0.995: the draws 0.996 to 0.999 and 10^6 lie above it.
    assert.equal(h.above, 5);
    assert.equal(h.counts.reduce((a, b) => a + b, 0), 996);
    assert.ok(h.edges.at(-1)! < 1.5, `last edge ${h.edges.at(-1)}`);
  });

  it('gives one bin around constant draws', () => {
    const h = histogram(new Float64Array(7).fill(2));
    assert.deepEqual(h, { edges: [1.5, 2.5], counts: [7] });
  });

  it('gives no bins for no draws', () => {
    assert.deepEqual(histogram(new Float64Array(0)), { edges: [], counts: [] });
  });
});

describe('draw store', () => {
  /** A store of one chain with two monitors whose rows are (k, 100 + k), appended in uneven chunks. */
  function store(rows: number, chunk: number[]): DrawStore {
    const s = new DrawStore(2, 2);
    let next = 0;
    for (let c = 0; next < rows; c++) {
      const size = Math.min(chunk[c % chunk.length]!, rows - next);
      s.append(0, Float64Array.from({ length: size * 2 }, (_, k) => (k % 2 === 0 ? next + k / 2 : 100 + next + (k - 1) / 2)));
      next += size;
    }
    return s;
  }

  it('counts rows across chunks, per chain', () => {
    const s = store(10, [3, 4]);
    assert.equal(s.count(0), 10);
    assert.equal(s.count(1), 0);
  });

  it('reads one monitor column across chunks', () => {
    const s = store(10, [3, 4]);
    assert.deepEqual(Array.from(s.column(0, 0)), [0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    assert.deepEqual(Array.from(s.column(0, 1)), [100, 101, 102, 103, 104, 105, 106, 107, 108, 109]);
  });

  it('reads every step-th row with a step, starting at the first', () => {
    const s = store(10, [3, 4]);
    assert.deepEqual(Array.from(s.column(0, 0, 3)), [0, 3, 6, 9]);
    assert.deepEqual(Array.from(s.column(0, 1, 4)), [100, 104, 108]);
    assert.deepEqual(Array.from(s.column(0, 0, 20)), [0]);
  });

  it('ignores empty chunks and reads an empty chain as empty', () => {
    const s = new DrawStore(1, 3);
    s.append(0, new Float64Array(0));
    assert.equal(s.count(0), 0);
    assert.deepEqual(Array.from(s.column(0, 2, 5)), []);
  });
});

describe('summaries of a run', () => {
  it('pools the chains, thins the traces to at most MAX_TRACE_POINTS, and numbers iterations with thin', () => {
    const rows = 2500;
    const s = new DrawStore(2, 1);
    s.append(0, Float64Array.from({ length: rows }, (_, k) => k));
    s.append(1, Float64Array.from({ length: rows }, (_, k) => -k));
    const [result] = summarizeDraws(s, [{ name: 'mu', sampler: 'slice' }], 2, false);
    assert.ok(result);
    assert.equal(result.name, 'mu');
    assert.equal(result.sampler, 'slice');
    assert.equal(result.draws, rows);
    const step = Math.ceil(rows / MAX_TRACE_POINTS); // 3
    assert.equal(result.trace.chains.length, 2);
    assert.equal(result.trace.chains[0]!.length, Math.ceil(rows / step));
    assert.ok(result.trace.chains[0]!.length <= MAX_TRACE_POINTS);
    assert.deepEqual(result.trace.chains[0]!.slice(0, 3), [0, 3, 6]);
    // Kept row r (0-based) is iteration (r + 1)·thin after burn-in.
    assert.deepEqual(result.trace.iterations.slice(0, 3), [2, 8, 14]);
    // The full summary pools all 5000 draws, symmetric about 0 (the running mean leaves rounding of order 1e-12).
    assert.ok(Math.abs(result.summary.mean) < 1e-9, `pooled mean ${result.summary.mean}`);
    assert.equal(result.summary.q50, 0);
    assert.equal(result.histogram.counts.reduce((a, b) => a + b, 0), 2 * rows);
  });

  it('summarises only the displayed points in a preview', () => {
    const s = new DrawStore(1, 1);
    s.append(0, Float64Array.from({ length: 3000 }, (_, k) => k));
    const [preview] = summarizeDraws(s, [{ name: 'x', sampler: 'slice' }], 1, true);
    assert.equal(preview!.histogram.counts.reduce((a, b) => a + b, 0), 1000);
  });

  it('reports the draws of the shortest chain', () => {
    const s = new DrawStore(2, 1);
    s.append(0, new Float64Array(10));
    s.append(1, new Float64Array(4));
    assert.equal(summarizeDraws(s, [{ name: 'x', sampler: 'slice' }], 1, false)[0]!.draws, 4);
  });
});

describe('summary table', () => {
  function output(): RunOutput {
    const s = new DrawStore(1, 2);
    s.append(0, Float64Array.of(1, 10, 2, 20, 3, 30));
    return {
      schema: RUN_OUTPUT_SCHEMA,
      status: 'complete',
      settings: { algorithm: 'gibbs', chains: 1, burnin: 5, iterations: 3, thin: 1, seed: 77, monitor: [] },
      progress: { done: 8, total: 8 },
      nodes: summarizeDraws(s, [{ name: 'alpha', sampler: 'conjugate normal' }, { name: 'theta[2]', sampler: 'slice' }], 1, false),
      messages: [{ severity: 'warning', message: 'Something to note.', range: { startLine: 2, startColumn: 4, endLine: 2, endColumn: 6 } }],
      timings: { compileMs: 1, sampleMs: 2, totalMs: 1234 },
    };
  }

  it('lists each node with its summary and sampler under a header', () => {
    const lines = formatSummaryTable(output()).split('\n');
    const header = lines.find((l) => l.startsWith('node'));
    assert.ok(header);
    for (const column of ['mean', 'sd', '2.5%', '50%', '97.5%', 'sampler']) assert.ok(header.includes(column), column);
    const alpha = lines.find((l) => l.startsWith('alpha'));
    const theta = lines.find((l) => l.startsWith('theta[2]'));
    assert.ok(alpha && alpha.includes('conjugate normal') && alpha.includes('2.000'), alpha); // mean of 1, 2, 3
    assert.ok(theta && theta.includes('slice') && theta.includes('20.00'), theta); // mean of 10, 20, 30
  });

  it('starts with the run settings and lists messages with 1-based positions', () => {
    const text = formatSummaryTable(output());
    assert.match(text.split('\n')[0]!, /^Latent gibbs run: complete; 1 chain\(s\), burn-in 5, 3 iterations, thin 1, seed 77; 1\.23 s$/);
    assert.match(text, /warning: Something to note\. \(line 3, column 5\)/);
  });

  it('formats numbers with four significant digits, or in exponent form when very large or small', () => {
    assert.equal(formatNumber(0.123456), '0.1235');
    assert.equal(formatNumber(123456), '1.235e+5');
    assert.equal(formatNumber(0.0001234), '1.234e-4');
    assert.equal(formatNumber(0), '0');
    assert.equal(formatNumber(Number.NaN), 'NaN');
  });
});
