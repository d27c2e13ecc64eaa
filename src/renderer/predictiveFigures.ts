/**
 * Plotly figures of a run's posterior predictive summaries (run/predictive.ts),
 * pure functions of the output and the theme: the test RMSE of the running
 * predictive mean per iteration, one line per chain, with the noise floor
 * √E[1/τ] dotted; and the calibration plot, the empirical coverage of the
 * central predictive intervals against their nominal level, on the diagonal
 * when the predictive variances are right.
 */

import type { Data, Layout } from 'plotly.js';
import type { PredictiveOutput } from '../engine/run/predictive';
import { axis, baseLayout, type Figure } from './figures';
import { chainColor, type Theme } from './theme';

function titled(theme: Theme, text: string): Partial<Layout['xaxis']> {
  return { ...axis(theme), title: { text, font: { size: theme.fontSize, color: theme.muted }, standoff: 4 } };
}

export function rmseFigure(p: PredictiveOutput, theme: Theme): Figure {
  const trace = p.test!.rmse_trace;
  const data: Data[] = trace.chains.map((values, c) => ({
    type: 'scatter',
    mode: 'lines',
    name: `chain ${c + 1}`,
    x: trace.iterations.slice(0, values.length),
    y: values,
    line: { color: chainColor(theme, c), width: 1.5 },
    hovertemplate: `chain ${c + 1}, iteration %{x}<br>test RMSE %{y:.4f}<extra></extra>`,
  }));
  const layout = baseLayout(theme, 'predictive:rmse');
  layout.xaxis = titled(theme, 'kept iteration');
  layout.yaxis = titled(theme, `test RMSE of the mean of ${p.spec.mean}`);
  if (p.spec.precision && p.noise_variance > 0) {
    const noise = Math.sqrt(p.noise_variance);
    layout.shapes = [{ type: 'line', xref: 'paper', x0: 0, x1: 1, y0: noise, y1: noise, line: { color: theme.muted, width: 1, dash: 'dot' } }];
    layout.annotations = [{ xref: 'paper', x: 1, y: noise, xanchor: 'right', yanchor: 'bottom', showarrow: false, text: `noise sd √E[1/${p.spec.precision}] = ${noise.toFixed(3)}`, font: { size: theme.fontSize - 1, color: theme.muted } }];
  }
  return { data, layout };
}

export function calibrationFigure(p: PredictiveOutput, theme: Theme): Figure {
  const coverage = p.test!.coverage;
  const data: Data[] = [
    {
      type: 'scatter',
      mode: 'lines',
      name: 'calibrated',
      x: [0, 1],
      y: [0, 1],
      line: { color: theme.muted, width: 1, dash: 'dot' },
      hoverinfo: 'skip',
    },
    {
      type: 'scatter',
      mode: 'lines+markers',
      name: 'empirical',
      x: coverage.map((c) => c.nominal),
      y: coverage.map((c) => c.empirical),
      line: { color: chainColor(theme, 0), width: 1.5 },
      marker: { size: 5, color: chainColor(theme, 0) },
      hovertemplate: 'nominal %{x:.0%}<br>empirical %{y:.1%}<extra></extra>',
    },
  ];
  const layout = baseLayout(theme, 'predictive:calibration');
  layout.xaxis = { ...titled(theme, 'nominal coverage of the central interval'), range: [0, 1], tickformat: '.0%' };
  layout.yaxis = { ...titled(theme, `held-out ${p.spec.observed ?? ''} inside`), range: [0, 1], tickformat: '.0%' };
  return { data, layout };
}
