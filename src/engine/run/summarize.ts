import { MAX_TRACE_POINTS, type Histogram, type NodeResult, type PosteriorSummary } from '../output/runOutput';
import type { DrawStore } from './drawStore';

export interface MonitorInfo {
  name: string;
  sampler: string;
}

/**
 * Per-monitor results from the draws so far. With `preview`, the summary is
 * computed from the displayed (thinned) points only, which keeps streamed
 * updates cheap; the final output uses every draw.
 */
export function summarizeDraws(store: DrawStore, monitors: MonitorInfo[], thin: number, preview: boolean): NodeResult[] {
  const counts = Array.from({ length: store.chains }, (_, c) => store.count(c));
  const longest = Math.max(0, ...counts);
  const step = Math.max(1, Math.ceil(longest / MAX_TRACE_POINTS));
  const shown = Math.ceil(longest / step);
  const iterations = Array.from({ length: shown }, (_, k) => (k * step + 1) * thin);
  return monitors.map((monitor, m) => {
    const traces = counts.map((_, c) => store.column(c, m, step));
    const pooled = concat(preview ? traces : counts.map((_, c) => store.column(c, m)));
    const summary = summarize(pooled); // sorts pooled, which the histogram needs
    return {
      name: monitor.name,
      sampler: monitor.sampler,
      draws: Math.min(...counts),
      summary,
      trace: { iterations, chains: traces.map((t) => Array.from(t)) },
      histogram: histogram(pooled),
    };
  });
}

/** Mean, sd and R's default (type 7) quantiles. Sorts `values` in place. */
export function summarize(values: Float64Array): PosteriorSummary {
  const n = values.length;
  if (n === 0) return { mean: Number.NaN, sd: Number.NaN, 'q2.5': Number.NaN, q25: Number.NaN, q50: Number.NaN, q75: Number.NaN, 'q97.5': Number.NaN };
  let mean = 0;
  for (let k = 0; k < n; k++) mean += (values[k]! - mean) / (k + 1);
  let squares = 0;
  for (let k = 0; k < n; k++) squares += (values[k]! - mean) ** 2;
  values.sort();
  return {
    mean,
    sd: n > 1 ? Math.sqrt(squares / (n - 1)) : 0,
    'q2.5': quantile(values, 0.025),
    q25: quantile(values, 0.25),
    q50: quantile(values, 0.5),
    q75: quantile(values, 0.75),
    'q97.5': quantile(values, 0.975),
  };
}

/** Type-7 quantile of sorted values: linear interpolation between order statistics. */
export function quantile(sorted: Float64Array, p: number): number {
  const h = (sorted.length - 1) * p;
  const lo = Math.floor(h);
  const hi = Math.min(lo + 1, sorted.length - 1);
  return sorted[lo]! + (h - lo) * (sorted[hi]! - sorted[lo]!);
}

/**
 * Histogram with Sturges' number of bins, between 10 and 50, of sorted values.
 * A tail longer than a quarter of the central 99 % is cut at the 0.5 % or
 * 99.5 % quantile (and counted in `below` / `above`), so that a few extreme
 * draws of a heavy-tailed posterior do not squash the bulk into one bin.
 */
export function histogram(sorted: Float64Array): Histogram {
  const n = sorted.length;
  if (n === 0 || !Number.isFinite(sorted[0]!) || !Number.isFinite(sorted[n - 1]!)) return { edges: [], counts: [] };
  const min = sorted[0]!;
  const max = sorted[n - 1]!;
  if (min === max) return { edges: [min - 0.5, max + 0.5], counts: [n] };
  const lowCut = quantile(sorted, 0.005);
  const highCut = quantile(sorted, 0.995);
  const central = highCut - lowCut;
  const lo = central > 0 && lowCut - min > 0.25 * central ? lowCut : min;
  const hi = central > 0 && max - highCut > 0.25 * central ? highCut : max;
  const bins = Math.min(50, Math.max(10, Math.ceil(Math.log2(n) + 1)));
  const width = (hi - lo) / bins;
  const counts = new Array<number>(bins).fill(0);
  let below = 0;
  let above = 0;
  for (let k = 0; k < n; k++) {
    const v = sorted[k]!;
    if (v < lo) below++;
    else if (v > hi) above++;
    else counts[Math.min(bins - 1, Math.floor((v - lo) / width))]!++;
  }
  const result: Histogram = { edges: Array.from({ length: bins + 1 }, (_, k) => lo + k * width), counts };
  if (below) result.below = below;
  if (above) result.above = above;
  return result;
}

/** Joins arrays end to end into a new one. */
export function concat(parts: Float64Array[]): Float64Array {
  const out = new Float64Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}
