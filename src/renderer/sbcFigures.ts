/**
 * The figure of one node of a calibration: its rank histogram (simulations
 * per rank bin) over the band a bin's count stays in 99 % of the time when
 * the ranks are uniform, with the expected count as a dashed line, as in
 * Talts et al.'s (2018) figures. A pure function of the node and the theme.
 */

import type { Data, Shape } from 'plotly.js';
import type { SbcNodeResult } from '../engine/sbc/sbcOutput';
import { baseLayout, type Figure } from './figures';
import { withAlpha, type Theme } from './theme';

/** The bar colour of a node whose ranks fail the uniformity test. */
const FLAGGED = 4; // index of VS Code's red in the theme's chart colours

export function rankHistogramFigure(node: SbcNodeResult, theme: Theme, flagged: boolean, draws: number): Figure {
  const bins = node.counts.length;
  const x = node.counts.map((_, b) => b + 1);
  // Bin b holds the ranks r with ⌊r·bins/(draws + 1)⌋ = b.
  const ranges = node.counts.map((_, b) => {
    const first = Math.ceil((b * (draws + 1)) / bins);
    const last = Math.ceil(((b + 1) * (draws + 1)) / bins) - 1;
    return first === last ? `rank ${first}` : `ranks ${first}–${last}`;
  });
  const color = flagged ? (theme.chainColors[FLAGGED] ?? theme.foreground) : (theme.chainColors[0] ?? theme.foreground);
  const bars: Data = {
    type: 'bar',
    x,
    y: node.counts,
    customdata: ranges,
    marker: { color: withAlpha(color, 0.5), line: { color: withAlpha(color, 0.9), width: 1 } },
    hovertemplate: '%{customdata}: %{y} simulations<extra></extra>',
  };
  const band: Partial<Shape>[] = node.counts.map((_, b) => ({
    type: 'rect',
    layer: 'below',
    xref: 'x',
    yref: 'y',
    x0: b + 0.5,
    x1: b + 1.5,
    y0: node.band.lower[b]!,
    y1: node.band.upper[b]!,
    fillcolor: withAlpha(theme.foreground, 0.1),
    line: { width: 0 },
  }));
  const expected: Partial<Shape>[] = node.counts.map((_, b) => ({
    type: 'line',
    xref: 'x',
    yref: 'y',
    x0: b + 0.5,
    x1: b + 1.5,
    y0: node.expected[b]!,
    y1: node.expected[b]!,
    line: { color: theme.quantileLine, width: 1, dash: 'dash' },
  }));
  const layout = baseLayout(theme, `sbc:${node.name}`);
  const top = Math.max(...node.counts, ...node.band.upper, 1);
  layout.bargap = 0.08;
  layout.shapes = [...band, ...expected];
  layout.xaxis = { ...layout.xaxis, title: { text: 'rank bin' }, range: [0.5, bins + 0.5], tickmode: 'linear', dtick: bins > 20 ? 5 : 1 };
  layout.yaxis = { ...layout.yaxis, range: [0, top * 1.08], rangemode: 'tozero' };
  layout.margin = { l: 44, r: 8, t: 6, b: 34, pad: 0 };
  return { data: [bars], layout };
}
