import { diagnose } from '../diagnostics/convergence';
import { DiagnosticsWorkspace, sortedQuantile } from '../diagnostics/drawMatrix';
import { findFactorRotations } from '../diagnostics/factorRotation';
import { findLabelSwitching, segmentMoments, type SegmentMoments } from '../diagnostics/labelSwitching';
import { MAX_TRACE_POINTS, type Histogram, type NodeDiagnostics, type NodeResult, type PosteriorSummary, type RunMessage } from '../output/runOutput';
import type { DrawStore } from './drawStore';

export interface MonitorInfo {
  name: string;
  sampler: string;
}

/**
 * Per-monitor results from the draws so far. With `preview`, the summary is
 * computed from the displayed (thinned) points only, which keeps streamed
 * updates cheap, and has no convergence diagnostics (thinned draws would
 * misstate the ESS); the final output uses every kept draw, and marks nodes
 * whose chains differ by a relabelling (see `labelSwitchingMessages`).
 */
export function summarizeDraws(store: DrawStore, monitors: MonitorInfo[], thin: number, preview: boolean): NodeResult[] {
  const counts = Array.from({ length: store.chains }, (_, c) => store.count(c));
  const longest = Math.max(0, ...counts);
  const step = Math.max(1, Math.ceil(longest / MAX_TRACE_POINTS));
  const shown = Math.ceil(longest / step);
  const iterations = Array.from({ length: shown }, (_, k) => (k * step + 1) * thin);
  const workspace = new DiagnosticsWorkspace();
  const moments: { name: string; moments: SegmentMoments }[] = [];
  const nodes = monitors.map((monitor, m): NodeResult => {
    const traces = counts.map((_, c) => store.column(c, m, step));
    const columns = preview ? traces : counts.map((_, c) => store.column(c, m));
    const pooled = concat(columns);
    // A radix sort: its order also gives the ranks the diagnostics need.
    const order = preview ? undefined : workspace.sorter.argsort(pooled);
    const sorted = order ? Float64Array.from(order, (k) => pooled[k]!) : pooled.sort();
    const node: NodeResult = {
      name: monitor.name,
      sampler: monitor.sampler,
      draws: Math.min(...counts),
      summary: summarizeSorted(sorted),
      trace: { iterations, chains: traces.map((t) => Array.from(t)) },
      histogram: histogram(sorted),
    };
    const chains = preview ? undefined : equalLengthChains(columns);
    if (chains) {
      const whole = chains.length === columns.length && chains.every((c, k) => c.length === columns[k]!.length);
      node.diagnostics = nodeDiagnostics(chains, workspace, whole ? { sorted, order } : {});
      moments.push({ name: monitor.name, moments: segmentMoments(chains) });
    }
    return node;
  });
  for (const finding of findLabelSwitching(moments)) {
    for (const node of nodes) if (finding.nodes.includes(node.name)) node.labelSwitching = finding.message;
  }
  // Loadings whose chains differ by a sign flip or rotation; a relabelling found above explains a variable first.
  const relabelled = new Set(nodes.filter((n) => n.labelSwitching).map((n) => n.name));
  for (const finding of findFactorRotations(moments.filter((m) => !relabelled.has(m.name)))) {
    for (const node of nodes) if (finding.nodes.includes(node.name)) node.factorRotation = finding.message;
  }
  return nodes;
}

/**
 * The chains that have draws, cut to the shortest of them: the diagnostics
 * need equal lengths, and a cancelled run's chains stop at different points.
 */
function equalLengthChains(columns: Float64Array[]): Float64Array[] | undefined {
  const withDraws = columns.filter((c) => c.length > 0);
  if (withDraws.length === 0) return undefined;
  const length = Math.min(...withDraws.map((c) => c.length));
  return withDraws.map((c) => c.subarray(0, length));
}

function nodeDiagnostics(chains: Float64Array[], workspace: DiagnosticsWorkspace, known: { sorted?: Float64Array; order?: Uint32Array }): NodeDiagnostics {
  const d = diagnose(chains, { workspace, ...known });
  return {
    rhat: d.rhat,
    rhat_basic: d.rhat_basic,
    ess_bulk: d.ess_bulk,
    ess_tail: d.ess_tail,
    ess_mean: d.ess_mean,
    mcse_mean: d.mcse_mean,
    mcse_sd: d.mcse_sd,
    mcse_q5: d.mcse_q5,
    mcse_median: d.mcse_median,
    mcse_q95: d.mcse_q95,
  };
}

/** One warning per label-switching finding among the nodes, for the run's messages. */
export function labelSwitchingMessages(nodes: readonly NodeResult[]): RunMessage[] {
  const messages = new Set<string>();
  for (const node of nodes) {
    if (node.labelSwitching) messages.add(node.labelSwitching);
    if (node.factorRotation) messages.add(node.factorRotation);
  }
  return [...messages].map((message) => ({ severity: 'warning', message }));
}

/** Mean, sd and R's default (type 7) quantiles. Sorts `values` in place. */
export function summarize(values: Float64Array): PosteriorSummary {
  return summarizeSorted(values.sort());
}

/** Mean, sd and R's default (type 7) quantiles of values in increasing order. */
export function summarizeSorted(sorted: Float64Array): PosteriorSummary {
  const n = sorted.length;
  if (n === 0) return { mean: Number.NaN, sd: Number.NaN, 'q2.5': Number.NaN, q25: Number.NaN, q50: Number.NaN, q75: Number.NaN, 'q97.5': Number.NaN };
  let mean = 0;
  for (let k = 0; k < n; k++) mean += (sorted[k]! - mean) / (k + 1);
  let squares = 0;
  for (let k = 0; k < n; k++) squares += (sorted[k]! - mean) ** 2;
  return {
    mean,
    sd: n > 1 ? Math.sqrt(squares / (n - 1)) : 0,
    'q2.5': quantile(sorted, 0.025),
    q25: quantile(sorted, 0.25),
    q50: quantile(sorted, 0.5),
    q75: quantile(sorted, 0.75),
    'q97.5': quantile(sorted, 0.975),
  };
}

/** Type-7 quantile of sorted values: linear interpolation between order statistics. */
export const quantile = sortedQuantile;

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
