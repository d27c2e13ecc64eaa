/**
 * The figures of an output's static image (the `image/png` that travels with
 * the saved notebook), drawn from the final output the host sends, not taken
 * from the on-screen view: the view may still be busy with the run's live
 * updates when the run ends, and the host holds the cell's execution open
 * only briefly for the image. A run output gives the trace and the posterior
 * of its first nodes, built directly as figures (no view, nothing on screen);
 * a fit or calibration output is drawn once in an off-screen view of its
 * kind, whose figures are then taken.
 */

import type { RunOutput } from '../engine/output/runOutput';
import { SBC_OUTPUT_MIME } from '../engine/sbc/sbcOutput';
import { histogramFigure, traceFigure, type Figure } from './figures';
import { FitView } from './fitView';
import { MIME as RUN_MIME, parseRunOutput } from './parse';
import { FIT_MIME, parseFitOutput } from './parseFit';
import type { PlotApi } from './plotApi';
import { parseSbcOutput, SbcView } from './sbcView';
import { readTheme } from './theme';

/** Nodes in a run's image: a row each, its trace beside its posterior. */
export const THUMBNAIL_NODES = 3;
/** Figures in any output's image at most. */
export const THUMBNAIL_FIGURES = 6;
/** Points per chain in a thumbnail's trace: about one per pixel of its 420 px width is all that shows. */
const TRACE_POINTS = 500;

/** The figures of the image of `raw` (an output of MIME type `mime`); none when it has nothing to draw. */
export async function thumbnailFigures(mime: string, raw: unknown, doc: Document, plot: PlotApi): Promise<Figure[]> {
  if (mime === RUN_MIME) {
    const parsed = parseRunOutput(raw);
    return parsed.ok ? runThumbnail(parsed.output, doc) : [];
  }
  if (mime === FIT_MIME) {
    const parsed = parseFitOutput(raw);
    return parsed.ok ? offscreenFigures(doc, (element) => new FitView(element, plot), (view) => view.update(parsed.output)) : [];
  }
  if (mime === SBC_OUTPUT_MIME) {
    const parsed = parseSbcOutput(raw);
    return typeof parsed === 'string' ? [] : offscreenFigures(doc, (element) => new SbcView(element, plot), (view) => view.update(parsed));
  }
  return [];
}

/** Trace and posterior of the first nodes that have draws, the traces thinned to what 420 px can show. */
export function runThumbnail(output: RunOutput, doc: Document): Figure[] {
  const theme = readTheme(doc.body);
  const nodes = output.nodes.filter((node) => node.trace.chains.some((draws) => draws.length > 0)).slice(0, THUMBNAIL_NODES);
  return nodes.flatMap((node) => [traceFigure({ ...node, trace: thinnedTrace(node.trace) }, theme), histogramFigure(node, theme)]);
}

/** Every k-th iteration, k chosen so that at most TRACE_POINTS remain per chain. */
export function thinnedTrace(trace: RunOutput['nodes'][number]['trace']): RunOutput['nodes'][number]['trace'] {
  const step = Math.ceil(trace.iterations.length / TRACE_POINTS);
  if (step <= 1) return trace;
  const keep = <T>(values: readonly T[]): T[] => values.filter((_, i) => i % step === 0);
  return { ...trace, iterations: keep(trace.iterations), chains: trace.chains.map(keep) };
}

interface View {
  dispose(): void;
}

/** Draws an output once in a view outside the visible page and takes the figures Plotly left on its plot divs. */
async function offscreenFigures<V extends View>(doc: Document, create: (element: HTMLElement) => V, update: (view: V) => Promise<void>): Promise<Figure[]> {
  const element = doc.createElement('div');
  element.style.cssText = 'position: fixed; left: -10000px; top: 0; width: 840px; visibility: hidden';
  doc.body.append(element);
  const view = create(element);
  try {
    await update(view);
    type PlotDiv = HTMLElement & Partial<Figure>;
    return [...element.querySelectorAll<PlotDiv>('.js-plotly-plot')]
      .filter((div) => !div.closest('[hidden]') && div.data)
      .slice(0, THUMBNAIL_FIGURES)
      .map((div) => ({ data: div.data!, layout: { ...(div.layout ?? {}) } }));
  } finally {
    view.dispose();
    element.remove();
  }
}
