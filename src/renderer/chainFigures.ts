/**
 * Figures that compare the chains of a node, drawn from the displayed draws
 * (at most 1000 per chain, evenly thinned): rank plots (Vehtari, Gelman,
 * Simpson, Carpenter & Bürkner 2021, section 4.1) — every draw ranked among
 * the draws of all chains, then a histogram of ranks per chain, flat when the
 * chains agree; and autocorrelation per chain, against lags in iterations.
 * And the forest plot of a page of nodes: their intervals on one axis, with
 * R-hat and ESS. Pure functions of the output and the theme.
 */

import type { Data } from 'plotly.js';
import type { NodeResult } from '../engine/output/runOutput';
import { axis, baseLayout, type Figure } from './figures';
import { chainColor, withAlpha, type Theme } from './theme';
import { plotlyText } from './format';

/** Ranks (1 … N, ties averaged) of every value among all of them. */
export function pooledRanks(chains: number[][]): number[][] {
  const flat = chains.flatMap((draws, c) => draws.map((value, i) => ({ value, c, i })));
  flat.sort((a, b) => a.value - b.value);
  const ranks = chains.map((draws) => new Array<number>(draws.length).fill(0));
  for (let start = 0; start < flat.length; ) {
    let end = start + 1;
    while (end < flat.length && flat[end]!.value === flat[start]!.value) end++;
    const rank = (start + 1 + end) / 2;
    for (let k = start; k < end; k++) ranks[flat[k]!.c]![flat[k]!.i] = rank;
    start = end;
  }
  return ranks;
}

/** Rank bins: about 5 draws per bin and chain at least, at most 20 bins. */
export function rankBins(drawsPerChain: number): number {
  return Math.max(2, Math.min(20, Math.floor(drawsPerChain / 5)));
}

export function rankFigure(node: NodeResult, theme: Theme): Figure {
  const chains = node.trace.chains;
  const total = chains.reduce((n, c) => n + c.length, 0);
  const bins = rankBins(Math.min(...chains.map((c) => c.length)));
  const ranks = pooledRanks(chains);
  const edges = Array.from({ length: bins + 1 }, (_, b) => (b * total) / bins);
  const data: Data[] = ranks.map((chainRanks, c) => {
    const counts = new Array<number>(bins).fill(0);
    for (const r of chainRanks) counts[Math.min(bins - 1, Math.floor(((r - 0.5) * bins) / total))]!++;
    // A step line per chain: each bin's count held across the bin.
    return {
      type: 'scatter',
      mode: 'lines',
      name: `chain ${c + 1}`,
      x: [...edges.slice(0, -1).flatMap((e, b) => [e, edges[b + 1]!])],
      y: counts.flatMap((n) => [n, n]),
      line: { color: chainColor(theme, c), width: 1.2 },
      hovertemplate: `chain ${c + 1}<br>ranks %{x:.0f}: %{y} draws<extra></extra>`,
    };
  });
  const expected = chains.length ? chains[0]!.length / bins : 0;
  const layout = baseLayout(theme, `${node.name}:rank`);
  layout.xaxis = { ...axis(theme), range: [0, total], title: { text: 'rank (all chains)', font: { size: theme.fontSize - 1, color: theme.muted }, standoff: 2 } };
  layout.yaxis = { ...axis(theme), rangemode: 'tozero' };
  layout.shapes = [{ type: 'line', xref: 'paper', yref: 'y', x0: 0, x1: 1, y0: expected, y1: expected, line: { color: theme.quantileLine, width: 1, dash: 'dash' } }];
  layout.margin = { l: 36, r: 8, t: 6, b: 30, pad: 0 };
  return { data, layout };
}

/** Lags shown at most: mixing chains forget within a few dozen displayed draws. */
const MAX_LAG = 40;

/** The sample autocorrelation of one chain at lags 0 … maxLag (the biased estimator, as Geyer recommends). */
export function autocorrelation(draws: number[], maxLag: number): number[] {
  const n = draws.length;
  const mean = draws.reduce((a, b) => a + b, 0) / n;
  let variance = 0;
  for (const x of draws) variance += (x - mean) ** 2;
  if (!(variance > 0)) return [];
  const out: number[] = [];
  for (let lag = 0; lag <= Math.min(maxLag, n - 1); lag++) {
    let sum = 0;
    for (let i = 0; i + lag < n; i++) sum += (draws[i]! - mean) * (draws[i + lag]! - mean);
    out.push(sum / variance);
  }
  return out;
}

export function autocorrelationFigure(node: NodeResult, theme: Theme): Figure {
  const { iterations, chains } = node.trace;
  // Displayed draws are evenly spaced: a lag of one displayed draw is `step` iterations.
  const step = iterations.length > 1 ? iterations[1]! - iterations[0]! : 1;
  const data: Data[] = chains.map((draws, c) => {
    const rho = autocorrelation(draws, MAX_LAG);
    return {
      type: 'scatter',
      mode: 'lines+markers',
      name: `chain ${c + 1}`,
      x: rho.map((_, lag) => lag * step),
      y: rho,
      line: { color: chainColor(theme, c), width: 1 },
      marker: { size: 3, color: chainColor(theme, c) },
      hovertemplate: `chain ${c + 1}<br>lag %{x}<br>%{y:.3f}<extra></extra>`,
    };
  });
  const layout = baseLayout(theme, `${node.name}:acf`);
  layout.xaxis = { ...axis(theme), title: { text: step > 1 ? `lag (iterations; draws shown every ${step})` : 'lag (iterations)', font: { size: theme.fontSize - 1, color: theme.muted }, standoff: 2 } };
  layout.yaxis = { ...axis(theme), range: [-1, 1], zeroline: true, zerolinecolor: theme.border };
  layout.margin = { l: 36, r: 8, t: 6, b: 30, pad: 0 };
  return { data, layout };
}

/** Height of the forest plot: 18 px a node, within 120 … 900 px. */
export function forestHeight(nodes: number): number {
  return Math.max(120, Math.min(900, 40 + 18 * nodes));
}

/**
 * The 95 % (thin) and 50 % (thick) intervals and the median of each node, the
 * first node on top; a node flagged by R-hat or ESS is drawn in the warning colour.
 */
export function forestFigure(nodes: NodeResult[], theme: Theme, flagged: (node: NodeResult) => boolean, warning: string): Figure {
  const names = nodes.map((n) => plotlyText(n.name));
  const color = (n: NodeResult): string => (flagged(n) ? warning : chainColor(theme, 0));
  const segments = (lo: 'q2.5' | 'q25', hi: 'q97.5' | 'q75', width: number): Data[] =>
    nodes.map((n) => ({
      type: 'scatter',
      mode: 'lines',
      x: [n.summary[lo], n.summary[hi]],
      y: [plotlyText(n.name), plotlyText(n.name)],
      line: { color: withAlpha(color(n), width > 2 ? 0.9 : 0.6), width },
      hoverinfo: 'skip',
      showlegend: false,
    }));
  const hover = nodes.map((n) => {
    const d = n.diagnostics;
    const rhat = d && Number.isFinite(d.rhat) ? d.rhat.toFixed(3) : '–';
    const bulk = d && Number.isFinite(d.ess_bulk) ? String(Math.round(d.ess_bulk)) : '–';
    const tail = d && Number.isFinite(d.ess_tail) ? String(Math.round(d.ess_tail)) : '–';
    return `${plotlyText(n.name)}: median %{x:.4g}<br>95% [${n.summary['q2.5'].toPrecision(4)}, ${n.summary['q97.5'].toPrecision(4)}]<br>R-hat ${rhat} · ESS bulk ${bulk}, tail ${tail}`;
  });
  const medians: Data = {
    type: 'scatter',
    mode: 'markers',
    x: nodes.map((n) => n.summary.q50),
    y: names,
    marker: { size: 6, color: nodes.map(color), line: { color: theme.foreground, width: 0.5 } },
    hovertemplate: hover.map((h) => `${h}<extra></extra>`),
    showlegend: false,
  };
  const layout = baseLayout(theme, 'forest');
  layout.height = forestHeight(nodes.length);
  layout.yaxis = { ...axis(theme), type: 'category', autorange: 'reversed', showgrid: false, ticks: '' };
  layout.xaxis = { ...axis(theme), zeroline: true, zerolinecolor: theme.border };
  layout.margin = { l: 8, r: 8, t: 6, b: 24, pad: 0 };
  return { data: [...segments('q2.5', 'q97.5', 1.5), ...segments('q25', 'q75', 4), medians], layout };
}
