/**
 * The part of a run's view that shows its posterior predictive summaries
 * (`monitor = c(..., predictive(pred, tau, rtest))`): a line with the test
 * RMSE and the coverage of the 90 % intervals, the RMSE per iteration and the
 * calibration plot. Hidden until the run's end brings the summaries.
 */

import type { PredictiveOutput } from '../engine/run/predictive';
import { coverageAt } from '../engine/run/predictive';
import { formatNumber } from '../engine/output/summaryTable';
import { plotConfig, type Figure } from './figures';
import type { PlotApi } from './plotApi';
import { reportPlotError } from './liveFigures';
import { calibrationFigure, rmseFigure } from './predictiveFigures';
import type { Theme } from './theme';

export class PredictivePanel {
  readonly root: HTMLElement;
  private readonly summary: HTMLElement;
  private readonly rmseDiv: HTMLElement;
  private readonly calibrationDiv: HTMLElement;
  private drawn = false;

  constructor(
    private readonly doc: Document,
    private readonly plot: PlotApi,
  ) {
    this.root = this.div('latent-predictive');
    this.root.hidden = true;
    this.summary = this.div('latent-predictive-summary');
    const plots = this.div('latent-predictive-plots');
    this.rmseDiv = this.div('latent-predictive-rmse');
    this.rmseDiv.setAttribute('role', 'img');
    this.rmseDiv.setAttribute('aria-label', 'Test RMSE of the running predictive mean per kept iteration, one line per chain');
    this.calibrationDiv = this.div('latent-predictive-calibration');
    this.calibrationDiv.setAttribute('role', 'img');
    this.calibrationDiv.setAttribute('aria-label', 'Calibration plot: empirical against nominal coverage of the central predictive intervals');
    plots.append(this.rmseDiv, this.calibrationDiv);
    this.root.append(this.summary, plots);
  }

  show(p: PredictiveOutput | undefined, theme: Theme): Promise<void> {
    this.root.hidden = !p;
    if (!p) return Promise.resolve();
    const title = this.div('latent-predictive-title');
    title.textContent = `Posterior predictive of ${p.spec.mean}`;
    const line = this.div('latent-predictive-line');
    const noise = p.spec.precision ? `, noise variance E[1/${p.spec.precision}] = ${formatNumber(p.noise_variance)}` : '';
    const coverage = coverageAt(p, 0.9);
    const test = p.test
      ? ` · against ${p.spec.observed}: test RMSE ${formatNumber(p.test.rmse)}${coverage === undefined ? '' : ` · 90 % interval coverage ${(100 * coverage).toFixed(1)} %`}`
      : '';
    line.textContent = `${p.elements.toLocaleString('en-US')} elements, ${p.draws.toLocaleString('en-US')} draws${noise}${test}`;
    this.summary.replaceChildren(title, line);
    this.rmseDiv.parentElement!.hidden = !p.test;
    if (!p.test) return Promise.resolve();
    const first = !this.drawn;
    this.drawn = true;
    return Promise.all([
      this.draw(this.rmseDiv, rmseFigure(p, theme), 'latent-test-rmse', first),
      this.draw(this.calibrationDiv, calibrationFigure(p, theme), 'latent-calibration', first),
    ]).then(() => undefined);
  }

  dispose(): void {
    if (!this.drawn) return;
    for (const div of [this.rmseDiv, this.calibrationDiv]) this.plot.purge(div);
  }

  private draw(div: HTMLElement, figure: Figure, fileName: string, first: boolean): Promise<void> {
    const config = plotConfig(fileName);
    try {
      return Promise.resolve(first ? this.plot.newPlot(div, figure.data, figure.layout, config) : this.plot.react(div, figure.data, figure.layout, config)).then(() => undefined, reportPlotError);
    } catch (error) {
      reportPlotError(error);
      return Promise.resolve();
    }
  }

  private div(className: string): HTMLElement {
    const el = this.doc.createElement('div');
    el.className = className;
    return el;
  }
}
