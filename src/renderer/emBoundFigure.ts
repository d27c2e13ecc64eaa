/**
 * EM's bound picture (`em(bound = TRUE)`), the textbook one (Bishop, PRML
 * fig. 9.14): log p(X | θ) per iteration, and the lower bound L(q, θ) as a
 * saw-tooth — each M-step raises L along the way from θ_t to θ_{t+1} with q
 * held (the bound stays below log p by KL), then the E-step lifts it onto
 * log p at θ_{t+1} (KL = 0). A second panel draws KL(q ‖ p(Z | X, θ)) after
 * each M-step on a log scale, where the late, small gaps show. Pure function
 * of the output and the theme.
 */

import type { Data, Layout } from 'plotly.js';
import type { EmBoundRecord } from '../engine/output/fitOutput';
import { axis, baseLayout, type Figure } from './figures';
import { chainColor, type Theme } from './theme';

export const BOUND_HEIGHT = 360;

/** The top panel opens on the first iterations, where the steps are large enough to see the saw-tooth (zoom out for the rest). */
const FIRST_ITERATIONS = 10;

export function emBoundFigure(bound: EmBoundRecord, theme: Theme): Figure {
  const objectiveName = bound.kind === 'logpost' ? 'log p(X | θ) + log p(θ)' : 'log p(X | θ)';
  const eX: number[] = [];
  const eY: number[] = [];
  const lowerX: number[] = [];
  const lowerY: number[] = [];
  const klX: number[] = [];
  const klY: number[] = [];
  bound.iteration.forEach((t, k) => {
    // An M point's parameters are θ_{t+1}: it sits over the next E-step's, where the E-step lifts L onto log p.
    const x = bound.step[k] === 'E' ? t : t + 1;
    if (bound.step[k] === 'E') {
      eX.push(x);
      eY.push(bound.objective[k]!);
    }
    lowerX.push(x);
    lowerY.push(bound.lower[k]!);
    if (bound.step[k] === 'M' && bound.divergence[k]! > 0) {
      klX.push(x);
      klY.push(bound.divergence[k]!);
    }
  });
  const data: Data[] = [
    { type: 'scatter', mode: 'lines+markers', name: objectiveName, x: eX, y: eY, line: { color: chainColor(theme, 0), width: 2 }, marker: { size: 5 }, hovertemplate: `iteration %{x}<br>${objectiveName} %{y:.6f}<extra></extra>` },
    { type: 'scatter', mode: 'lines+markers', name: 'L(q, θ)', x: lowerX, y: lowerY, line: { color: chainColor(theme, 1), width: 1.5, dash: 'dot' }, marker: { size: 4 }, hovertemplate: 'iteration %{x}<br>L %{y:.6f}<extra></extra>' },
    { type: 'scatter', mode: 'lines+markers', name: 'KL after the M-step', x: klX, y: klY, xaxis: 'x2', yaxis: 'y2', line: { color: chainColor(theme, 2), width: 1.5 }, marker: { size: 4 }, hovertemplate: 'iteration %{x}<br>KL %{y:.3e}<extra></extra>' },
  ];
  const layout: Partial<Layout> = baseLayout(theme, 'fit:em-bound');
  layout.height = BOUND_HEIGHT;
  layout.showlegend = true;
  layout.legend = { orientation: 'h', x: 0, y: 1.02, yanchor: 'bottom', font: { size: theme.fontSize - 1, color: theme.muted } };
  layout.margin = { l: 56, r: 8, t: 28, b: 28, pad: 0 };
  layout.grid = { rows: 2, columns: 1, pattern: 'independent', roworder: 'top to bottom', ygap: 0.2 };
  const titled = (text: string): Partial<Layout['yaxis']> => ({ ...axis(theme), title: { text, font: { size: theme.fontSize - 1, color: theme.muted }, standoff: 4 } });
  const shown = Math.min(FIRST_ITERATIONS, eX.at(-1) ?? 0);
  const visible = lowerY.filter((_, k) => lowerX[k]! <= shown).concat(eY.filter((_, k) => eX[k]! <= shown));
  const [low, high] = [Math.min(...visible), Math.max(...visible)];
  const pad = 0.05 * (high - low || 1);
  layout.xaxis = { ...axis(theme), range: [-0.3, shown + 0.3] };
  layout.yaxis = { ...titled(shown < (eX.at(-1) ?? 0) ? `log p and L (iterations 0–${shown})` : 'log p and L'), range: [low - pad, high + pad] };
  layout.xaxis2 = { ...axis(theme), title: { text: 'iteration', font: { size: theme.fontSize - 1, color: theme.muted }, standoff: 2 } };
  layout.yaxis2 = { ...titled('KL (log)'), type: 'log', exponentformat: 'power' };
  return { data, layout };
}
