/**
 * Figures of a run beyond one node's: the pair plot (scatter matrix of the
 * nodes on the page, chains coloured, histograms on the diagonal) and the
 * posterior predictive check of an observed variable (its histogram with
 * replicated data sets' histograms over it). Pure functions of the output
 * and the theme.
 */

import type { Data, Layout, LayoutAxis } from 'plotly.js';
import type { NodeResult, PredictiveCheck } from '../engine/output/runOutput';
import { axis, baseLayout, type Figure } from './figures';
import { chainColor, withAlpha, type Theme } from './theme';

/** Nodes in the pair plot at most: a 5 × 5 matrix is the most that stays legible in a notebook's width. */
export const MAX_PAIR_NODES = 5;
/** Points per chain in each scatter (SVG: the basic Plotly bundle has no WebGL), from the thinned trace the output carries. */
const PAIR_POINTS = 150;

function thinned(values: number[], most: number): number[] {
  if (values.length <= most) return values;
  const step = values.length / most;
  return Array.from({ length: most }, (_, k) => values[Math.floor(k * step)]!);
}

/** The matrix for the nodes (at most MAX_PAIR_NODES), from their thinned traces; undefined with fewer than two. */
export function pairFigure(nodes: NodeResult[], theme: Theme): Figure | undefined {
  const shown = nodes.filter((n) => n.trace.chains.some((c) => c.length > 1)).slice(0, MAX_PAIR_NODES);
  const k = shown.length;
  if (k < 2) return undefined;
  const chains = Math.max(...shown.map((n) => n.trace.chains.length));
  const data: Data[] = [];
  const layout: Partial<Layout> = baseLayout(theme, 'pairs');
  const gap = 0.03;
  const size = (1 - gap * (k - 1)) / k;
  const domain = (i: number): [number, number] => [i * (size + gap), i * (size + gap) + size];
  const axisName = (row: number, col: number): number => row * k + col + 1;
  for (let row = 0; row < k; row++) {
    for (let col = 0; col < k; col++) {
      const n = axisName(row, col);
      const xaxis = n === 1 ? 'x' : `x${n}`;
      const yaxis = n === 1 ? 'y' : `y${n}`;
      const xKey = (n === 1 ? 'xaxis' : `xaxis${n}`) as 'xaxis';
      const yKey = (n === 1 ? 'yaxis' : `yaxis${n}`) as 'yaxis';
      const xNode = shown[col]!;
      const yNode = shown[row]!;
      const bottom = row === k - 1;
      const left = col === 0;
      layout[xKey] = { ...axis(theme), domain: domain(col), anchor: yaxis as LayoutAxis['anchor'], showticklabels: bottom, title: bottom ? { text: xNode.name, font: { size: theme.fontSize } } : undefined } as Partial<LayoutAxis>;
      // Rows from the top: the first node's row is the highest.
      layout[yKey] = { ...axis(theme), domain: domain(k - 1 - row), anchor: xaxis as LayoutAxis['anchor'], showticklabels: left && row !== col, title: left ? { text: yNode.name, font: { size: theme.fontSize } } : undefined } as Partial<LayoutAxis>;
      for (let c = 0; c < chains; c++) {
        const xs = thinned(xNode.trace.chains[c] ?? [], PAIR_POINTS);
        const color = chainColor(theme, c);
        if (row === col) {
          // The basic Plotly bundle has no histogram trace: bars on bins shared by the chains.
          const b = bins(xNode.trace.chains);
          data.push({ type: 'bar', x: Array.from({ length: b.count }, (_, i) => b.start + (i + 0.5) * b.size), y: counts(xNode.trace.chains[c] ?? [], b), width: b.size, xaxis, yaxis, marker: { color: withAlpha(color, 0.45), line: { width: 0 } }, hoverinfo: 'skip', showlegend: false });
        } else {
          const ys = thinned(yNode.trace.chains[c] ?? [], PAIR_POINTS);
          const m = Math.min(xs.length, ys.length);
          data.push({
            type: 'scatter',
            mode: 'markers',
            x: xs.slice(0, m),
            y: ys.slice(0, m),
            xaxis,
            yaxis,
            marker: { color: withAlpha(color, 0.5), size: 3 },
            hovertemplate: `chain ${c + 1}<br>${xNode.name} %{x:.4g}<br>${yNode.name} %{y:.4g}<extra></extra>`,
            showlegend: false,
          });
        }
      }
    }
  }
  layout.barmode = 'overlay';
  layout.height = Math.max(260, 130 * k);
  layout.margin = { l: 8, r: 8, t: 6, b: 8, pad: 0 };
  return { data, layout };
}

/** Shared bins for the observed and replicated values: from their joint range, about √n of them (10–40). */
function bins(values: number[][]): { start: number; size: number; count: number } {
  let lo = Infinity;
  let hi = -Infinity;
  for (const set of values) {
    for (const v of set) {
      if (!Number.isFinite(v)) continue;
      lo = Math.min(lo, v);
      hi = Math.max(hi, v);
    }
  }
  const n = values[0]?.length ?? 1;
  const count = Math.max(10, Math.min(40, Math.round(Math.sqrt(n))));
  if (!(hi > lo)) return { start: lo - 0.5, size: 1, count: 1 };
  const size = (hi - lo) / count;
  return { start: lo, size, count };
}

function counts(values: number[], b: { start: number; size: number; count: number }): number[] {
  const out = new Array<number>(b.count).fill(0);
  for (const v of values) if (Number.isFinite(v)) out[Math.min(b.count - 1, Math.max(0, Math.floor((v - b.start) / b.size)))]!++;
  return out;
}

/** The observed histogram as bars, each replicated data set's as a thin step line over it, on the same bins. */
export function predictiveCheckFigure(check: PredictiveCheck, theme: Theme): Figure {
  const b = bins([check.observed, ...check.replicates]);
  const centres = Array.from({ length: b.count }, (_, i) => b.start + (i + 0.5) * b.size);
  const replicated: Data[] = check.replicates.map((replicate, r) => ({
    type: 'scatter',
    mode: 'lines',
    x: centres,
    y: counts(replicate, b),
    line: { shape: 'hvh', color: withAlpha(chainColor(theme, 1), 0.45), width: 1 },
    name: 'replicated',
    legendgroup: 'replicated',
    showlegend: r === 0,
    hoverinfo: 'skip',
  }));
  const observed: Data = {
    type: 'bar',
    x: centres,
    y: counts(check.observed, b),
    width: b.size,
    marker: { color: withAlpha(chainColor(theme, 0), 0.55), line: { width: 0 } },
    name: `observed ${check.variable}`,
    hovertemplate: `${check.variable} %{x:.4g}: %{y} observed<extra></extra>`,
  };
  const layout = baseLayout(theme, `ppc-${check.variable}`);
  layout.xaxis = { ...axis(theme), title: { text: check.variable, font: { size: theme.fontSize } } };
  layout.yaxis = { ...axis(theme), title: { text: 'count', font: { size: theme.fontSize } } };
  layout.showlegend = true;
  layout.legend = { orientation: 'h', x: 0, y: 1.12, font: { color: theme.muted, size: theme.fontSize - 1 } };
  layout.height = 240;
  layout.margin = { l: 8, r: 8, t: 24, b: 8, pad: 0 };
  return { data: [observed, ...replicated], layout };
}
