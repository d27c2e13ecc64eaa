import type { NodeResult, RunOutput, TraceSeries } from '../output/runOutput';
import { outputText, type JobOutput } from './output';

/** The byte budget of one notebook output unless the setting `latent.output.maxBytes` says otherwise: about 1 MB. */
export const DEFAULT_MAX_OUTPUT_BYTES = 1_000_000;

/** Display points per chain a trace keeps when the output is over its budget. */
const THINNED_TRACE_POINTS = 200;
/** Nodes on the view's first page (the renderer's MAX_PLOTTED_NODES): their plots come before other nodes' summaries. */
const FIRST_PAGE = 24;

/**
 * A job's output within `maxBytes` of JSON: every node keeps its summary,
 * diagnostics and histogram; when the traces would pass the budget they are
 * thinned, and kept for the first nodes only (the ones the view plots first)
 * as far as the budget goes, with a message that says so. Only sampling
 * outputs carry per-node traces; the other kinds are returned as they are.
 */
export function boundJobOutput(o: JobOutput, maxBytes = DEFAULT_MAX_OUTPUT_BYTES): JobOutput {
  if (o.kind !== 'sample') return o;
  const output = boundRunOutput(o.output, maxBytes);
  // The text table beside the view is made from every node, so that it lists those the view leaves out.
  return output.nodes.length < o.output.nodes.length ? { ...o, output, text: boundText(outputText(o), maxBytes) } : { ...o, output };
}

/** A text table cut at a line to stay within the budget, saying how many lines were left out. */
function boundText(text: string, maxBytes: number): string {
  if (text.length <= maxBytes) return text;
  const cut = text.lastIndexOf('\n', maxBytes - 200);
  const left = text.slice(cut + 1).split('\n').length;
  return `${text.slice(0, cut + 1)}… ${left.toLocaleString('en')} more lines left out to stay under ${kilobytes(maxBytes)} (setting latent.output.maxBytes).\n`;
}

export function boundRunOutput(output: RunOutput, maxBytes = DEFAULT_MAX_OUTPUT_BYTES): RunOutput {
  if (estimatedBytes(output) <= maxBytes) return output;
  // Over the budget: numbers to 6 significant digits (more than any table shows), and plots only for the first nodes.
  const bare = output.nodes.map((n): NodeResult => rounded({ ...n, trace: { iterations: [], chains: [] }, histogram: { edges: [], counts: [] } }));
  const sizes = bare.map((n) => JSON.stringify(n).length + 1);
  const frame = JSON.stringify({ ...output, nodes: [] }).length + 1200;
  let room = maxBytes - frame;
  const withPlots = (k: number): NodeResult => rounded({ ...output.nodes[k]!, trace: thinTrace(output.nodes[k]!.trace, THINNED_TRACE_POINTS) });
  // The plots of the view's first page of nodes, thinned, then every node's summary as far as the budget
  // goes (the text table beside lists them all), then the plots of further nodes.
  const nodes: NodeResult[] = [];
  let plotted = 0;
  for (; plotted < Math.min(FIRST_PAGE, bare.length); plotted++) {
    const node = withPlots(plotted);
    const cost = JSON.stringify(node).length + 1;
    if (cost > room) break;
    room -= cost;
    nodes.push(node);
  }
  let summarised = plotted;
  for (; summarised < bare.length && sizes[summarised]! <= room; summarised++) {
    room -= sizes[summarised]!;
    nodes.push(bare[summarised]!);
  }
  for (; plotted < summarised; plotted++) {
    const node = withPlots(plotted);
    const cost = JSON.stringify(node).length + 1 - sizes[plotted]!;
    if (cost > room) break;
    room -= cost;
    nodes[plotted] = node;
  }
  const total = output.nodes.length;
  const budget = `${kilobytes(maxBytes)} (setting latent.output.maxBytes)`;
  const note = summarised < total
    ? `This view holds the summaries of the first ${summarised.toLocaleString('en')} of ${total.toLocaleString('en')} nodes and the plots of ${plotted.toLocaleString('en')} to stay under ${budget}; the text table beside it lists every node. Monitor fewer nodes (monitor = c(...)) to see the rest here.`
    : plotted < total
      ? `Plots of ${(total - plotted).toLocaleString('en')} of ${total.toLocaleString('en')} nodes are left out of this output to stay under ${budget}; every node's summary is here. Monitor fewer nodes (monitor = c(...)) to see their plots.`
      : `Traces are thinned to ${THINNED_TRACE_POINTS} points per chain to stay under ${budget}.`;
  return { ...output, nodes, messages: [...output.messages, { severity: 'info', message: note }] };
}

/** A node's numbers to 6 significant digits. */
function rounded(n: NodeResult): NodeResult {
  const r = (x: number): number => (Number.isFinite(x) && x !== 0 ? Number(x.toPrecision(6)) : x);
  const each = <T extends object>(o: T): T => Object.fromEntries(Object.entries(o).map(([k, v]) => [k, typeof v === 'number' ? r(v) : v])) as T;
  return {
    ...n,
    summary: each(n.summary),
    ...(n.diagnostics ? { diagnostics: each(n.diagnostics) } : {}),
    trace: { iterations: n.trace.iterations, chains: n.trace.chains.map((c) => c.map(r)) },
    histogram: { ...n.histogram, edges: n.histogram.edges.map(r) },
  };
}

/** An upper estimate of the output's JSON size: its numbers at 24 characters each, its names and messages as they are. */
function estimatedBytes(output: RunOutput): number {
  let numbers = 0;
  let text = 0;
  for (const n of output.nodes) {
    numbers += 40 + n.trace.iterations.length + n.histogram.edges.length + n.histogram.counts.length;
    for (const c of n.trace.chains) numbers += c.length;
    text += n.name.length + n.sampler.length + 400 + (n.labelSwitching?.length ?? 0);
  }
  for (const m of output.messages) text += m.message.length + 120;
  return numbers * 24 + text + 2000;
}

/** Every k-th displayed point, so that at most `points` remain per chain. */
function thinTrace(trace: TraceSeries, points: number): TraceSeries {
  const step = Math.ceil(trace.iterations.length / points);
  if (step <= 1) return trace;
  const keep = <T>(xs: T[]): T[] => xs.filter((_, i) => i % step === 0);
  return { iterations: keep(trace.iterations), chains: trace.chains.map(keep) };
}

const kilobytes = (bytes: number): string => (bytes >= 1_000_000 ? `${(bytes / 1_000_000).toFixed(1)} MB` : `${Math.round(bytes / 1000)} kB`);
