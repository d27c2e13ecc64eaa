/**
 * Plotly figures for one node: the trace plot (one line per chain) and the
 * posterior histogram (pre-binned by the engine, drawn as a bar trace). Pure
 * functions of the node and the theme.
 */

import type { Config, Data, Layout, LayoutAxis, Shape } from 'plotly.js';
import type { Histogram, NodeResult } from '../engine/output/runOutput';
import { exportButtons } from './figureExport';
import { chainColor, type Theme } from './theme';
import { plotlyText } from './format';

export interface Figure {
  data: Data[];
  layout: Partial<Layout>;
}

/** Height of each figure in px; the node caption adds about 20 px to a row. */
export const PLOT_HEIGHT = 200;

const TRANSPARENT = 'rgba(0,0,0,0)';

export function plotConfig(fileName: string): Partial<Config> {
  return {
    displaylogo: false,
    responsive: true,
    displayModeBar: 'hover',
    // Plotly 4 defaults to a "Share chart" button that uploads the figure to Plotly Cloud.
    showSendToCloud: false,
    showEditInChartStudio: false,
    showLink: false,
    // Plotly's own PNG button downloads, which a notebook webview does not allow: ours save through the host.
    modeBarButtonsToRemove: ['select2d', 'lasso2d', 'hoverClosestCartesian', 'hoverCompareCartesian', 'toggleSpikelines', 'toImage'],
    modeBarButtonsToAdd: exportButtons(fileName),
  };
}

export function axis(theme: Theme): Partial<LayoutAxis> {
  return {
    color: theme.muted,
    gridcolor: theme.grid,
    linecolor: theme.border,
    tickcolor: theme.border,
    showline: true,
    zeroline: false,
    ticks: 'outside',
    ticklen: 3,
    automargin: true,
    tickfont: { size: theme.fontSize - 1 },
  };
}

/**
 * An axis of iteration numbers: with few iterations Plotly's automatic ticks
 * fall on halves (0.5, 1.5), which are no iterations; up to 10 every integer
 * is ticked. Beyond, the automatic step is at least 2 and falls on integers.
 */
export function iterationTicks(lastIteration: number): Partial<LayoutAxis> {
  return lastIteration <= 10 ? { tickmode: 'linear', tick0: 0, dtick: 1 } : {};
}

export function baseLayout(theme: Theme, uirevision: string): Partial<Layout> {
  return {
    height: PLOT_HEIGHT,
    autosize: true,
    margin: { l: 44, r: 8, t: 6, b: 24, pad: 0 },
    paper_bgcolor: TRANSPARENT,
    plot_bgcolor: TRANSPARENT,
    font: { family: theme.fontFamily, size: theme.fontSize, color: theme.foreground },
    showlegend: false,
    hovermode: 'closest',
    hoverlabel: {
      bgcolor: theme.hoverBackground,
      bordercolor: theme.hoverBorder,
      font: { family: theme.fontFamily, size: theme.fontSize, color: theme.hoverForeground },
    },
    modebar: { bgcolor: TRANSPARENT, color: theme.muted, activecolor: theme.foreground },
    // Same uirevision across streamed updates: a zoom or pan the user made survives them.
    uirevision,
    xaxis: axis(theme),
    yaxis: axis(theme),
  };
}

export interface TraceOptions {
  /**
   * While a run is in progress: the number of kept iterations planned per
   * chain. The x axis then spans the whole run, so the trace grows from the
   * left instead of being rescaled by every streamed update.
   */
  plannedIterations?: number;
}

export function traceFigure(node: NodeResult, theme: Theme, options: TraceOptions = {}): Figure {
  const { iterations, chains } = node.trace;
  const data: Data[] = chains.map((draws, c) => ({
    type: 'scatter',
    mode: 'lines',
    name: `chain ${c + 1}`,
    x: iterations,
    y: draws,
    line: { color: chainColor(theme, c), width: 1, dash: c < theme.chainColors.length ? 'solid' : 'dot' },
    opacity: chains.length > 1 ? 0.85 : 1,
    hovertemplate: `chain ${c + 1}<br>iteration %{x}<br>%{y:.4g}<extra></extra>`,
  }));
  const layout = baseLayout(theme, `${node.name}:trace`);
  const planned = options.plannedIterations ?? 0;
  layout.xaxis = { ...layout.xaxis, ...iterationTicks(Math.max(iterations.at(-1) ?? 0, planned)) };
  if (planned > 0 && iterations.length > 0) {
    const first = iterations[0]!;
    const last = iterations[iterations.length - 1]!;
    layout.xaxis = { ...layout.xaxis, autorange: false, range: [Math.min(first, 1), Math.max(last, planned)] };
  }
  return { data, layout };
}

/** Bar centres, widths and heights for pre-binned counts (bins may be unequal). */
export function histogramBars(histogram: Histogram): { x: number[]; width: number[]; y: number[]; customdata: [number, number][] } {
  const { edges, counts } = histogram;
  const bins = Math.min(counts.length, Math.max(0, edges.length - 1));
  const x: number[] = [];
  const width: number[] = [];
  const y: number[] = [];
  const customdata: [number, number][] = [];
  for (let i = 0; i < bins; i++) {
    const lo = edges[i]!;
    const hi = edges[i + 1]!;
    x.push((lo + hi) / 2);
    width.push(hi - lo);
    y.push(counts[i]!);
    customdata.push([lo, hi]);
  }
  return { x, width, y, customdata };
}

export function histogramFigure(node: NodeResult, theme: Theme): Figure {
  const bars = histogramBars(node.histogram);
  const data: Data[] = [
    {
      type: 'bar',
      name: plotlyText(node.name),
      x: bars.x,
      y: bars.y,
      width: bars.width,
      customdata: bars.customdata,
      marker: { color: theme.histogramFill, line: { color: theme.histogramLine, width: bars.x.length > 60 ? 0 : 0.5 } },
      hovertemplate: '%{customdata[0]:.4g} to %{customdata[1]:.4g}<br>%{y} draws<extra></extra>',
    },
  ];
  const layout = baseLayout(theme, `${node.name}:histogram`);
  layout.bargap = 0;
  layout.margin = { l: 8, r: 8, t: 6, b: 24, pad: 0 };
  layout.yaxis = { ...axis(theme), showticklabels: false, showgrid: false, showline: false, ticks: '', fixedrange: true, rangemode: 'tozero' };
  layout.shapes = quantileShapes(node, theme);
  return { data, layout };
}

/** Dotted lines at the 2.5% and 97.5% quantiles and a solid one at the median. */
function quantileShapes(node: NodeResult, theme: Theme): Partial<Shape>[] {
  const marks: [number, 'solid' | 'dot'][] = [
    [node.summary['q2.5'], 'dot'],
    [node.summary.q50, 'solid'],
    [node.summary['q97.5'], 'dot'],
  ];
  return marks
    .filter(([value]) => Number.isFinite(value))
    .map(([value, dash]) => ({
      type: 'line',
      xref: 'x',
      yref: 'paper',
      x0: value,
      x1: value,
      y0: 0,
      y1: 1,
      line: { color: theme.quantileLine, width: 1, dash },
      layer: 'above',
    }));
}
