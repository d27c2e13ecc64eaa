/**
 * The variational marginals of a VI fit's monitored elements, one small panel
 * each in a single Plotly figure (one plot, however many panels): the density
 * the engine tabulated, its 95 % interval shaded, the mean marked; a
 * categorical element as bars. Pure functions of the output and the theme.
 */

import type { Annotations, Data, Layout, Shape } from 'plotly.js';
import type { VariationalNode } from '../engine/output/fitOutput';
import { axis, baseLayout, type Figure } from './figures';
import { chainColor, withAlpha, type Theme } from './theme';
import { plotlyText } from './format';

const COLUMNS = 3;
export const PANEL_HEIGHT = 150;

/** The monitored elements: those the engine gave a density. */
export function monitoredNodes(nodes: VariationalNode[]): VariationalNode[] {
  return nodes.filter((n) => n.density && n.density.x.length > 0);
}

export function densityFigure(nodes: VariationalNode[], theme: Theme): Figure {
  const rows = Math.max(1, Math.ceil(nodes.length / COLUMNS));
  const colour = chainColor(theme, 0);
  const data: Data[] = [];
  const shapes: Partial<Shape>[] = [];
  const annotations: Partial<Annotations>[] = [];
  const layout: Partial<Layout> = baseLayout(theme, 'fit:densities');
  layout.height = rows * PANEL_HEIGHT;
  layout.margin = { l: 36, r: 8, t: 18, b: 22, pad: 0 };
  layout.grid = { rows, columns: Math.min(COLUMNS, nodes.length), pattern: 'independent', ygap: 0.45, xgap: 0.12 };
  nodes.forEach((node, i) => {
    const suffix = i === 0 ? '' : String(i + 1);
    const xaxis = `x${suffix}`;
    const yaxis = `y${suffix}`;
    const { x, y } = node.density!;
    const hover = `${node.name}<br>%{x:.4g}<br>density %{y:.4g}<extra></extra>`;
    if (node.family === 'categorical') {
      data.push({ type: 'bar', x, y, xaxis, yaxis, marker: { color: colour }, hovertemplate: `${plotlyText(node.name)} = %{x}<br>q = %{y:.4f}<extra></extra>` });
    } else {
      const inside = x.map((v, k) => (v >= node.lower && v <= node.upper ? y[k]! : null));
      data.push({ type: 'scatter', mode: 'lines', x, y: inside, xaxis, yaxis, fill: 'tozeroy', fillcolor: withAlpha(colour, 0.25), line: { width: 0, color: colour }, hoverinfo: 'skip' });
      data.push({ type: 'scatter', mode: 'lines', x, y, xaxis, yaxis, line: { color: colour, width: 1.5 }, hovertemplate: hover });
      shapes.push({ type: 'line', xref: xaxis as Shape['xref'], yref: `${yaxis} domain` as Shape['yref'], x0: node.mean, x1: node.mean, y0: 0, y1: 1, line: { color: theme.muted, width: 1, dash: 'dot' } });
    }
    annotations.push({
      xref: `${xaxis} domain` as Annotations['xref'], yref: `${yaxis} domain` as Annotations['yref'], x: 0, y: 1, xanchor: 'left', yanchor: 'bottom', showarrow: false,
      text: `${plotlyText(node.name)} · ${node.family} · 95%: ${short(node.lower)} to ${short(node.upper)}`, font: { size: theme.fontSize - 2, color: theme.muted },
    });
    (layout as Record<string, unknown>)[`xaxis${suffix}`] = axis(theme);
    (layout as Record<string, unknown>)[`yaxis${suffix}`] = { ...axis(theme), showticklabels: false };
  });
  layout.shapes = shapes;
  layout.annotations = annotations;
  return { data, layout };
}

function short(v: number): string {
  return Math.abs(v) >= 1e4 || (Math.abs(v) < 1e-3 && v !== 0) ? v.toExponential(2) : String(Number(v.toPrecision(3)));
}
