/**
 * The static image of a finished job: a compact PNG of its main figures, drawn
 * from the final output alone (no browser, no webview), so that a notebook
 * output can carry `image/png` beside its JSON the moment the run ends, and
 * GitHub, nbconvert and Jupyter show the plots.
 * - sampling: trace and histogram of the first few monitored nodes;
 * - EM / VI fits: the objective per iteration, the other starts in grey;
 * - calibration: the rank histograms of the first few nodes in their 99 % band.
 */
import { failedWithoutResults, type JobOutput } from '../job/output';
import type { FitOutput } from '../output/fitOutput';
import type { NodeResult, RunOutput } from '../output/runOutput';
import { formatNumber } from '../output/summaryTable';
import type { SbcOutput } from '../sbc/sbcOutput';
import { encodePng } from './pngEncoder';
import { clip, INK, PlotPanel } from './plotPanel';
import { Raster, type Colour } from './raster';

export const IMAGE_WIDTH = 640;
/** Nodes drawn at most: enough to see that the run mixed, small enough to stay a thumbnail. */
export const IMAGE_NODES = 4;
const HEADER_HEIGHT = 16;
const NODE_ROW_HEIGHT = 120;
const TRACE_WIDTH = 400;
const FIT_HEIGHT = 240;
const RANK_HEIGHT = 150;

/** The tEXt chunk that marks an image as this one (the renderer's nicer image may replace it). */
export const COMPACT_IMAGE_MARK = { keyword: 'Latent', value: 'compact static image' } as const;

const WHITE: Colour = [255, 255, 255];
/** Plotly's default colour sequence, so that chains keep the colours the renderer gives them. */
const CHAIN_COLOURS: readonly Colour[] = [[99, 110, 250], [239, 85, 59], [0, 204, 150], [171, 99, 250], [255, 161, 90], [25, 211, 243], [255, 102, 146], [182, 232, 128]];
const BAR: Colour = [99, 110, 250];
const MUTED: Colour = [170, 170, 170];
const BAND: Colour = [200, 200, 200];

/**
 * The job's image as PNG bytes, or undefined when it has nothing to draw (still running, failed before any result).
 * `nodes`: how many nodes' figures at most (fewer make a smaller image).
 */
export function staticImage(o: JobOutput, nodes = IMAGE_NODES): Uint8Array | undefined {
  if (o.output.status === 'running' || failedWithoutResults(o)) return undefined;
  const raster = o.kind === 'sample' ? samplingImage(o.output, nodes) : o.kind === 'fit' ? fitImage(o.output) : calibrationImage(o.output, nodes);
  return raster && encodePng(raster, { [COMPACT_IMAGE_MARK.keyword]: COMPACT_IMAGE_MARK.value });
}

/** Whether PNG bytes are an image made here (by its tEXt chunk), not the renderer's. */
export function isCompactImage(png: Uint8Array): boolean {
  return Buffer.from(png.buffer, png.byteOffset, png.byteLength).includes(`tEXt${COMPACT_IMAGE_MARK.keyword}\0${COMPACT_IMAGE_MARK.value}`, 0, 'latin1');
}

function samplingImage(output: RunOutput, count: number): Raster | undefined {
  const drawable = output.nodes.filter((n) => n.trace.chains.some((c) => c.length > 0) || n.histogram.counts.length > 0);
  const nodes = drawable.slice(0, count);
  if (nodes.length === 0) return undefined;
  const raster = new Raster(IMAGE_WIDTH, HEADER_HEIGHT + nodes.length * NODE_ROW_HEIGHT, WHITE);
  const { chains, iterations } = output.settings;
  const shown = output.nodes.length > nodes.length ? `; the first ${nodes.length} of ${output.nodes.length} nodes` : '';
  const status = output.status === 'complete' ? '' : ` (${output.status})`;
  header(raster, `Gibbs sampling: ${chains} chain${chains === 1 ? '' : 's'} x ${iterations} iterations${shown}${status}`);
  nodes.forEach((node, row) => nodeRow(raster, node, HEADER_HEIGHT + row * NODE_ROW_HEIGHT));
  return raster;
}

/** A node's trace (chains coloured) on the left, its histogram on the right; the trace alone where the output left out its histogram, and the other way round. */
function nodeRow(raster: Raster, node: NodeResult, top: number): void {
  const hasTrace = node.trace.chains.some((c) => c.length > 0);
  const hasHistogram = node.histogram.counts.length > 0;
  const traceWidth = hasHistogram ? (hasTrace ? TRACE_WIDTH : 0) : IMAGE_WIDTH;
  if (hasTrace) {
    const { iterations, chains } = node.trace;
    const values = chains.flat().filter(Number.isFinite);
    const rhat = node.diagnostics && Number.isFinite(node.diagnostics.rhat) ? `, R-hat ${node.diagnostics.rhat.toFixed(3)}` : '';
    const panel = new PlotPanel(raster, { x: 0, y: top, width: traceWidth, height: NODE_ROW_HEIGHT }, `${node.name}: trace${rhat}`, [iterations[0] ?? 0, iterations[iterations.length - 1] ?? 1], range(values), { integerX: true });
    chains.forEach((chain, c) => panel.polyline(iterations, chain, CHAIN_COLOURS[c % CHAIN_COLOURS.length]!, 0.75));
  }
  if (hasHistogram) {
    const { edges, counts } = node.histogram;
    const title = `${hasTrace ? '' : `${node.name}: `}mean ${formatNumber(node.summary.mean)}, sd ${formatNumber(node.summary.sd)}`;
    const panel = new PlotPanel(raster, { x: traceWidth, y: top, width: IMAGE_WIDTH - traceWidth, height: NODE_ROW_HEIGHT }, title, [edges[0]!, edges[edges.length - 1]!], [0, Math.max(1, ...counts)], { yLabels: !hasTrace });
    counts.forEach((count, k) => panel.bar(edges[k]!, edges[k + 1]!, count, BAR, 0.8));
  }
}

const OBJECTIVES: Readonly<Record<FitOutput['objective']['kind'], string>> = {
  loglik: 'log-likelihood',
  logpost: 'log posterior',
  'mc-loglik': 'log-likelihood (Monte-Carlo)',
  'mc-logpost': 'log posterior (Monte-Carlo)',
  elbo: 'ELBO',
};

function fitImage(output: FitOutput): Raster | undefined {
  const { values, steps } = output.objective;
  if (values.length === 0) return undefined;
  const xs = steps && steps.length === values.length ? steps : values.map((_, i) => i);
  const others = (output.start?.starts ?? []).filter((_, k) => k !== output.start?.chosen).map((s) => s.curve).filter((c) => c !== undefined);
  const otherXs = others.map((c) => c.values.map((_, i) => i * c.step));
  const all = [...values, ...others.flatMap((c) => c.values)].filter(Number.isFinite);
  const raster = new Raster(IMAGE_WIDTH, HEADER_HEIGHT + FIT_HEIGHT, WHITE);
  header(raster, `${output.engine}: ${output.status}${output.iteration ? ` after ${output.iteration} iterations` : ''}`);
  const lastX = Math.max(xs[xs.length - 1] ?? 1, ...otherXs.map((x) => x[x.length - 1] ?? 0));
  const startsNote = others.length ? `; the other ${others.length} start${others.length === 1 ? '' : 's'} in grey` : '';
  const final = `, final ${formatNumber(values[values.length - 1]!)}`;
  const panel = new PlotPanel(raster, { x: 0, y: HEADER_HEIGHT, width: IMAGE_WIDTH, height: FIT_HEIGHT }, `${OBJECTIVES[output.objective.kind]} per iteration${final}${startsNote}`, [xs[0] ?? 0, lastX], range(all), { integerX: true });
  others.forEach((c, k) => panel.polyline(otherXs[k]!, c.values, MUTED));
  panel.polyline(xs, values, CHAIN_COLOURS[0]!);
  return raster;
}

function calibrationImage(output: SbcOutput, count: number): Raster | undefined {
  const nodes = output.nodes.filter((n) => n.counts.length > 0).slice(0, count);
  if (nodes.length === 0) return undefined;
  const columns = Math.min(2, nodes.length);
  const width = IMAGE_WIDTH / columns;
  const raster = new Raster(IMAGE_WIDTH, HEADER_HEIGHT + Math.ceil(nodes.length / columns) * RANK_HEIGHT, WHITE);
  const shown = output.nodes.length > nodes.length ? `; the first ${nodes.length} of ${output.nodes.length} nodes` : '';
  header(raster, `Calibration: ranks of ${output.progress.done} simulations in their 99 % band${shown}`);
  nodes.forEach((node, k) => {
    const box = { x: (k % columns) * width, y: HEADER_HEIGHT + Math.floor(k / columns) * RANK_HEIGHT, width, height: RANK_HEIGHT };
    const top = Math.max(...node.counts, ...node.band.upper);
    const panel = new PlotPanel(raster, box, `${node.name}: p = ${node.pValue.toPrecision(2)}`, [0, node.counts.length], [0, top], { integerX: true });
    node.counts.forEach((count, bin) => {
      panel.band(bin, bin + 1, node.band.lower[bin]!, node.band.upper[bin]!, BAND, 0.6);
      panel.bar(bin + 0.1, bin + 0.9, count, BAR, 0.8);
    });
  });
  return raster;
}

function header(raster: Raster, text: string): void {
  raster.text(4, 4, clip(text, raster.width - 8), INK);
}

function range(values: readonly number[]): [number, number] {
  let low = Infinity;
  let high = -Infinity;
  for (const v of values) {
    if (v < low) low = v;
    if (v > high) high = v;
  }
  return low <= high ? [low, high] : [0, 1];
}
