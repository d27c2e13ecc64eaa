/**
 * Plotly figures of an EM-family fit, pure functions of the output and the
 * theme: the objective per iteration (annealing steps marked), its gap to the
 * final value on a log scale (so that the speed of convergence shows as a
 * slope), and for 1- and 2-dimensional mixtures the data with the fitted
 * components.
 */

import type { Annotations, Data, Layout, Shape } from 'plotly.js';
import type { FitOutput, MixturePicture } from '../engine/output/fitOutput';
import { objectiveName } from '../engine/output/fitTable';
import { axis, baseLayout, iterationTicks, type Figure } from './figures';
import { chainColor, parseColor, withAlpha, type Theme } from './theme';
import { maxOf, minOf } from '../engine/collections';
import { plotlyText } from './format';

export const MIXTURE_HEIGHT = 340;

/** Iterations drawn with markers at most; longer curves are plain lines. */
const MARKER_LIMIT = 80;

function titled(theme: Theme, text: string): Partial<Layout['xaxis']> {
  return { ...axis(theme), title: { text: plotlyText(text), font: { size: theme.fontSize, color: theme.muted }, standoff: 4 } };
}

/** The objective's name, short enough for an axis (the summary rows give it in full). */
function objectiveLabel(output: FitOutput): string {
  const kind = output.objective.kind;
  return kind === 'mc-loglik' || kind === 'mc-logpost' ? `${objectiveName(kind === 'mc-loglik' ? 'loglik' : 'logpost')} (MC estimate)` : objectiveName(kind);
}

/** The objective per iteration; where β < 1 (annealing), points in the second colour and each new β marked. */
export function objectiveFigure(output: FitOutput, theme: Theme): Figure {
  const { values, beta } = output.objective;
  // EM's first value is at the start (iteration 0); VI's first is the bound after iteration 1.
  const first = output.objective.kind === 'elbo' ? 1 : 0;
  // Stochastic VI evaluates the bound (per row) at intervals: its points sit at their minibatch steps.
  const steps = output.objective.steps;
  const x = steps ?? values.map((_, i) => i + first);
  const annealed = beta !== undefined && beta.some((b) => b < 1);
  const main = chainColor(theme, 0);
  const warm = chainColor(theme, 1);
  const data: Data[] = [
    {
      type: 'scatter',
      mode: values.length <= MARKER_LIMIT ? 'lines+markers' : 'lines',
      name: objectiveLabel(output),
      x,
      y: values,
      line: { color: main, width: 1.5 },
      marker: { size: 4, color: annealed ? beta!.map((b) => (b < 1 ? warm : main)) : main },
      ...(annealed ? { customdata: beta } : {}),
      hovertemplate: `${otherStarts(output).length ? `kept start ${output.start!.chosen + 1}<br>` : ''}${steps ? 'step' : 'iteration'} %{x}<br>%{y:.6f}${annealed ? '<br>β = %{customdata:.3g}' : ''}<extra></extra>`,
    },
    ...otherStarts(output).map(({ index, curve }): Data => ({
      type: 'scatter',
      mode: 'lines',
      name: `start ${index + 1}`,
      x: curve.values.map((_, i) => i * curve.step + first),
      y: curve.values,
      line: { color: withAlpha(theme.muted, 0.7), width: 1, dash: 'dot' },
      hovertemplate: `start ${index + 1} (not kept)<br>iteration %{x}<br>%{y:.6f}<extra></extra>`,
    })),
  ];
  const layout = baseLayout(theme, 'fit:objective');
  layout.xaxis = steps ? titled(theme, 'minibatch step') : { ...titled(theme, 'iteration'), ...iterationTicks(values.length - 1) };
  layout.yaxis = titled(theme, steps ? `${objectiveLabel(output)} per row` : objectiveLabel(output));
  if (annealed) {
    const { shapes, annotations } = betaMarks(beta!, theme);
    layout.shapes = shapes;
    layout.annotations = annotations;
    layout.margin = { l: 44, r: 8, t: 18, b: 24, pad: 0 };
  }
  return { data, layout };
}

/** The starts a finished fit tried besides the one it kept, with their curves: drawn behind the kept one. */
function otherStarts(output: FitOutput): Array<{ index: number; curve: { step: number; values: number[] } }> {
  const start = output.start;
  if (!start || start.starts.length < 2 || output.status === 'running') return [];
  return start.starts.flatMap((s, index) => (index !== start.chosen && s.curve && s.curve.values.length > 0 ? [{ index, curve: s.curve }] : []));
}

/**
 * A dotted vertical line where β takes a new value, labelled with it; a label
 * closer than 1/10 of the curve to the one before is left out (the last one,
 * β = 1, kept instead), so that short annealing steps stay legible. The
 * values are in the hover too.
 */
function betaMarks(beta: number[], theme: Theme): { shapes: Partial<Shape>[]; annotations: Partial<Annotations>[] } {
  const shapes: Partial<Shape>[] = [];
  const labelled: number[] = [];
  const gap = Math.max(1, beta.length / 10);
  beta.forEach((b, i) => {
    if (i > 0 && b === beta[i - 1]) return;
    shapes.push({ type: 'line', xref: 'x', yref: 'paper', x0: i, x1: i, y0: 0, y1: 1, line: { color: withAlpha(theme.muted, 0.6), width: 1, dash: 'dot' }, layer: 'below' });
    const previous = labelled.at(-1);
    if (previous !== undefined && i - previous < gap) {
      if (b < 1) return;
      labelled.pop();
    }
    labelled.push(i);
  });
  const annotations = labelled.map(
    (i, n): Partial<Annotations> => ({
      xref: 'x',
      yref: 'paper',
      x: i,
      y: 1,
      yanchor: 'bottom',
      xanchor: 'left',
      showarrow: false,
      text: `${n === 0 ? 'β=' : ''}${formatBeta(beta[i]!)}`,
      font: { size: theme.fontSize - 2, color: theme.muted },
    }),
  );
  return { shapes, annotations };
}

function formatBeta(b: number): string {
  return b >= 1 ? '1' : String(Math.round(b * 1000) / 1000);
}

/**
 * `limit − objective` per iteration on a log axis, the limit extrapolated
 * from the last iterations (Aitken; the stopping rule's estimate): a
 * straight line means linear convergence, and its slope the rate; the last
 * point is the distance left when the run stopped. Without an estimate of
 * the limit (while running, Monte-Carlo EM) the gap is to the latest value.
 * The dotted line is tol, the distance the stopping rule accepts.
 */
export function gapFigure(output: FitOutput, theme: Theme): Figure {
  const { values } = output.objective;
  const limit = output.status !== 'running' && Number.isFinite(output.convergence?.limit) ? output.convergence!.limit : undefined;
  const final = limit ?? values.at(-1) ?? Number.NaN;
  const x: number[] = [];
  const y: number[] = [];
  const first = output.objective.kind === 'elbo' ? 1 : 0;
  const candidates = limit === undefined ? values.slice(0, -1) : values;
  const steps = output.objective.steps;
  candidates.forEach((v, i) => {
    const gap = final - v;
    if (gap > 0 && Number.isFinite(gap)) {
      x.push(steps?.[i] ?? i + first);
      y.push(gap);
    }
  });
  const data: Data[] = [
    {
      type: 'scatter',
      mode: x.length <= MARKER_LIMIT ? 'lines+markers' : 'lines',
      name: 'gap',
      x,
      y,
      line: { color: chainColor(theme, 0), width: 1.5 },
      marker: { size: 4 },
      hovertemplate: 'iteration %{x}<br>gap %{y:.3e}<extra></extra>',
    },
  ];
  const layout = baseLayout(theme, 'fit:gap');
  layout.xaxis = steps ? titled(theme, 'minibatch step') : { ...titled(theme, 'iteration'), ...iterationTicks(values.length - 1) };
  layout.yaxis = { ...titled(theme, limit !== undefined ? 'gap to limit (extrapolated)' : output.status === 'running' ? 'gap to latest' : 'gap to final'), type: 'log', exponentformat: 'power' };
  // VI's tolerance is relative to the bound; EM's is in the objective's units; Monte-Carlo EM's is on the parameters, not on this gap.
  const elbo = output.objective.kind === 'elbo';
  // Stochastic VI has no stopping tolerance: its passes end it.
  const tolerance = output.objective.kind.startsWith('mc-') || steps ? Number.NaN : output.settings.tolerance * (elbo ? Math.abs(final) : 1);
  if (Number.isFinite(tolerance) && tolerance > 0 && y.length) {
    layout.shapes = [{ type: 'line', xref: 'paper', yref: 'y', x0: 0, x1: 1, y0: tolerance, y1: tolerance, line: { color: withAlpha(theme.muted, 0.7), width: 1, dash: 'dot' } }];
    // At the left end: the curve starts high there and ends, on the right, near the line.
    layout.annotations = [{ xref: 'paper', yref: 'y', x: 0, y: Math.log10(tolerance), xanchor: 'left', yanchor: 'bottom', showarrow: false, text: elbo ? 'tol × |ELBO|' : 'tol', font: { size: theme.fontSize - 2, color: theme.muted } }];
  }
  if (!steps && y.length > 0 && x.length < candidates.length) layout.annotations = [...(layout.annotations ?? []), undrawnNote(candidates.length, x, first, limit === undefined ? 'the final value' : 'the extrapolated limit', theme)];
  if (y.length === 0) {
    layout.annotations = [{ xref: 'paper', yref: 'paper', x: 0.5, y: 0.5, showarrow: false, text: 'No gap to show yet', font: { color: theme.muted } }];
  }
  return { data, layout };
}

/** Says which iterations have no gap to draw on the log axis (at or above the final value), instead of dropping them silently. */
function undrawnNote(count: number, drawn: number[], first: number, reference: string, theme: Theme): Partial<Annotations> {
  const kept = new Set(drawn);
  const left = Array.from({ length: count }, (_, i) => i + first).filter((i) => !kept.has(i));
  const list = left.length <= 5 ? left.join(', ') : `${left.slice(0, 4).join(', ')}, … (${left.length})`;
  return {
    xref: 'paper',
    yref: 'paper',
    x: 1,
    y: 1,
    xanchor: 'right',
    yanchor: 'top',
    showarrow: false,
    text: `not drawn, at or above ${reference}: iteration${left.length === 1 ? '' : 's'} ${list}`,
    font: { size: theme.fontSize - 2, color: theme.muted },
  };
}

/** The colour of component k, and a point's colour: the components' colours mixed by its responsibilities. */
export function componentColor(theme: Theme, k: number): string {
  return chainColor(theme, k);
}

export function blendColor(theme: Theme, responsibilities: number[]): string {
  let r = 0;
  let g = 0;
  let b = 0;
  let total = 0;
  responsibilities.forEach((weight, k) => {
    const rgba = parseColor(componentColor(theme, k));
    if (!rgba || !(weight > 0)) return;
    r += weight * rgba[0];
    g += weight * rgba[1];
    b += weight * rgba[2];
    total += weight;
  });
  if (total === 0) return theme.muted;
  return `rgb(${Math.round(r / total)}, ${Math.round(g / total)}, ${Math.round(b / total)})`;
}

/** The index of the largest responsibility. */
export function mostResponsible(responsibilities: number[]): number {
  let best = 0;
  responsibilities.forEach((r, k) => {
    if (r > responsibilities[best]!) best = k;
  });
  return best;
}

export function mixtureFigure(mixture: MixturePicture, theme: Theme): Figure {
  return mixture.columns.length === 1 ? mixture1d(mixture, theme) : mixture2d(mixture, theme);
}

function mixtureLayout(theme: Theme, mixture: MixturePicture): Partial<Layout> {
  const layout = baseLayout(theme, 'fit:mixture');
  layout.height = MIXTURE_HEIGHT;
  layout.showlegend = true;
  layout.legend = { orientation: 'h', x: 0, y: 1.02, yanchor: 'bottom', font: { size: theme.fontSize - 1 } };
  layout.margin = { l: 48, r: 8, t: 28, b: 32, pad: 0 };
  layout.xaxis = titled(theme, mixture.columns[0]!);
  return layout;
}

const componentName = (k: number, weight: number, emptied?: boolean): string => `component ${k + 1} (w = ${weight.toFixed(3)}${emptied ? ', emptied' : ''})`;
/** An emptied component sits at its prior, whose spread dwarfs the data: hidden until its legend entry is clicked, and left out of the axes' range. */
const shown = (c: MixturePicture['components'][number]): { visible?: 'legendonly' } => (c.emptied ? { visible: 'legendonly' } : {});

/** Histogram of the data as a density, each component's weight × normal density and their sum, and the points as a rug coloured by their most responsible component. */
function mixture1d(mixture: MixturePicture, theme: Theme): Figure {
  const xs = mixture.points.map((p) => p[0]!).filter(Number.isFinite);
  const spreads = mixture.components.map((c) => Math.sqrt(Math.max(c.covariance[0]![0]!, 0)));
  const drawn = mixture.components.flatMap((c, k) => (c.emptied ? [] : [k]));
  const lows = [...xs, ...drawn.map((k) => mixture.components[k]!.mean[0]! - 3 * spreads[k]!)].filter(Number.isFinite);
  const highs = [...xs, ...drawn.map((k) => mixture.components[k]!.mean[0]! + 3 * spreads[k]!)].filter(Number.isFinite);
  const lo = minOf(lows);
  const hi = maxOf(highs);
  const data: Data[] = [];
  let peak = 0;
  if (xs.length) {
    const bars = densityHistogram(xs);
    peak = maxOf(bars.y);
    data.push({
      type: 'bar',
      name: 'data',
      x: bars.x,
      y: bars.y,
      width: bars.width,
      marker: { color: withAlpha(theme.muted, 0.35), line: { color: withAlpha(theme.muted, 0.6), width: 0.5 } },
      hovertemplate: '%{x:.4g}<br>density %{y:.3g}<extra></extra>',
      showlegend: false,
    });
  }
  const grid = Array.from({ length: 241 }, (_, i) => lo + ((hi - lo) * i) / 240);
  const total = grid.map(() => 0);
  mixture.components.forEach((c, k) => {
    const sd = spreads[k]!;
    const y = grid.map((x) => c.weight * normalDensity(x, c.mean[0]!, sd));
    y.forEach((v, i) => (total[i]! += v));
    peak = Math.max(peak, ...y);
    data.push({ type: 'scatter', mode: 'lines', name: componentName(k, c.weight, c.emptied), ...shown(c), x: grid, y, line: { color: componentColor(theme, k), width: 1.5 }, hovertemplate: `component ${k + 1}<br>%{x:.4g}: %{y:.3g}<extra></extra>` });
  });
  if (mixture.components.length > 1) {
    data.push({ type: 'scatter', mode: 'lines', name: 'mixture', x: grid, y: total, line: { color: theme.foreground, width: 1, dash: 'dot' }, hovertemplate: 'mixture<br>%{x:.4g}: %{y:.3g}<extra></extra>' });
    peak = Math.max(peak, ...total);
  }
  const groups = groupByComponent(mixture);
  groups.forEach((rows, k) => {
    if (rows.length === 0) return;
    data.push({
      type: 'scatter',
      mode: 'markers',
      name: `points of component ${k + 1}`,
      x: rows.map((i) => mixture.points[i]![0]!),
      y: rows.map(() => -0.05 * peak),
      marker: { symbol: 'line-ns-open', size: 8, color: componentColor(theme, k), line: { color: componentColor(theme, k), width: 1 } },
      customdata: rows.map((i) => mixture.responsibilities[i]![k]!),
      hovertemplate: `%{x:.4g}<br>component ${k + 1}, responsibility %{customdata:.3f}<extra></extra>`,
      showlegend: false,
    });
  });
  const layout = mixtureLayout(theme, mixture);
  layout.bargap = 0;
  layout.yaxis = { ...titled(theme, 'density'), rangemode: 'normal', zeroline: true, zerolinecolor: theme.border };
  return { data, layout };
}

/** A scatter coloured by responsibility, with each component's 1- and 2-sigma ellipses and its mean. */
function mixture2d(mixture: MixturePicture, theme: Theme): Figure {
  const data: Data[] = [];
  if (mixture.points.length) {
    data.push({
      type: 'scatter',
      mode: 'markers',
      name: 'data',
      x: mixture.points.map((p) => p[0]!),
      y: mixture.points.map((p) => p[1]!),
      marker: { size: 4, opacity: 0.75, color: mixture.responsibilities.map((r) => blendColor(theme, r)) },
      customdata: mixture.responsibilities.map((r) => {
        const k = mostResponsible(r);
        return [k + 1, r[k]!];
      }),
      hovertemplate: '(%{x:.4g}, %{y:.4g})<br>component %{customdata[0]}, responsibility %{customdata[1]:.3f}<extra></extra>',
      showlegend: false,
    });
  }
  mixture.components.forEach((c, k) => {
    const color = componentColor(theme, k);
    for (const radius of [1, 2]) {
      const ring = ellipse(c.mean, c.covariance, radius);
      data.push({
        type: 'scatter',
        mode: 'lines',
        name: `component ${k + 1}, ${radius}σ`,
        x: ring.x,
        y: ring.y,
        line: { color, width: radius === 1 ? 1.5 : 1, dash: radius === 1 ? 'solid' : 'dash' },
        hoverinfo: 'skip',
        showlegend: false,
        legendgroup: `c${k}`,
        ...shown(c),
      });
    }
    data.push({
      type: 'scatter',
      mode: 'markers',
      name: componentName(k, c.weight, c.emptied),
      ...shown(c),
      x: [c.mean[0]!],
      y: [c.mean[1]!],
      marker: { symbol: 'x-thin-open', size: 11, color, line: { color, width: 2.5 } },
      hovertemplate: `component ${k + 1}: mean (%{x:.4g}, %{y:.4g}), weight ${c.weight.toFixed(3)}<extra></extra>`,
      legendgroup: `c${k}`,
    });
  });
  const layout = mixtureLayout(theme, mixture);
  layout.yaxis = titled(theme, mixture.columns[1]!);
  return { data, layout };
}

/** The rows (indices) whose most responsible component is k, per k. */
function groupByComponent(mixture: MixturePicture): number[][] {
  const groups: number[][] = mixture.components.map(() => []);
  mixture.responsibilities.forEach((r, i) => groups[mostResponsible(r)]?.push(i));
  return groups;
}

function normalDensity(x: number, mean: number, sd: number): number {
  if (!(sd > 0)) return 0;
  const z = (x - mean) / sd;
  return Math.exp(-0.5 * z * z) / (sd * Math.sqrt(2 * Math.PI));
}

/** Bars of a histogram scaled to a density (area 1): √n bins, 10 to 60. */
export function densityHistogram(xs: number[]): { x: number[]; y: number[]; width: number[] } {
  const lo = minOf(xs);
  const hi = maxOf(xs);
  const bins = Math.min(60, Math.max(10, Math.round(Math.sqrt(xs.length))));
  const width = hi > lo ? (hi - lo) / bins : 1;
  const counts = new Array<number>(bins).fill(0);
  for (const x of xs) counts[Math.min(bins - 1, Math.floor((x - lo) / width))]!++;
  return {
    x: counts.map((_, i) => lo + (i + 0.5) * width),
    y: counts.map((c) => c / (xs.length * width)),
    width: counts.map(() => width),
  };
}

/**
 * The points at Mahalanobis distance `radius` from `mean` under a 2 × 2
 * covariance: the unit circle stretched by the square roots of the
 * eigenvalues along the eigenvectors.
 */
export function ellipse(mean: number[], covariance: number[][], radius: number, points = 72): { x: number[]; y: number[] } {
  const a = covariance[0]![0]!;
  const b = (covariance[0]![1]! + covariance[1]![0]!) / 2;
  const c = covariance[1]![1]!;
  const middle = (a + c) / 2;
  const spread = Math.hypot((a - c) / 2, b);
  const major = Math.sqrt(Math.max(middle + spread, 0));
  const minor = Math.sqrt(Math.max(middle - spread, 0));
  const angle = 0.5 * Math.atan2(2 * b, a - c);
  const cos = Math.cos(angle);
  const sin = Math.sin(angle);
  const x: number[] = [];
  const y: number[] = [];
  for (let i = 0; i <= points; i++) {
    const t = (2 * Math.PI * i) / points;
    const u = radius * major * Math.cos(t);
    const v = radius * minor * Math.sin(t);
    x.push(mean[0]! + cos * u - sin * v);
    y.push(mean[1]! + sin * u + cos * v);
  }
  return { x, y };
}
