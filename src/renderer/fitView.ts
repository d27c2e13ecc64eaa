/**
 * The view of one fit output (`application/vnd.latent.fit+json`): header,
 * messages, the objective curve and its gap to the final value, the data with
 * the fitted components for 1- and 2-dimensional mixtures, the fit's figures
 * (log-likelihood, BIC, ...) and the point estimates. The kernel replaces the
 * output while the fit runs; each update redraws the figures with Plotly.react.
 */

import type { FitOutput, FitStatus } from '../engine/output/fitOutput';
// Pure formatting shared with the text/plain output (no Node code), so that both say the same.
import { fitSummaryRows, formatEstimate, standardErrorNote, startsText, statusText } from '../engine/output/fitTable';
import { emBoundFigure } from './emBoundFigure';
import { gapFigure, mixtureFigure, objectiveFigure } from './fitFigures';
import { densityFigure, monitoredNodes } from './variationalFigures';
import { formatDuration } from './format';
import { LiveFigures } from './liveFigures';
import { Pager, TABLE_PAGE_SIZE } from './pager';
import type { PlotApi } from './plotApi';
import { STYLES } from './styles';
import { tableRow, textTable } from './tables';
import { FIT_STYLES } from './fitStyles';

/** The status colours of the run view's stylesheet, by fit status. */
const STATUS_STYLE: Record<FitStatus, string> = {
  running: 'running',
  converged: 'complete',
  'max-iterations': 'cancelled',
  cancelled: 'cancelled',
  stopped: 'failed',
  degenerate: 'failed',
  failed: 'failed',
};

export class FitView {
  readonly root: HTMLElement;

  private readonly doc: Document;
  private readonly figures: LiveFigures<FitOutput>;
  private readonly status: HTMLElement;
  private readonly meta: HTMLElement;
  private readonly timings: HTMLElement;
  private readonly roles: HTMLElement;
  private readonly messages: HTMLElement;
  private readonly curves: HTMLElement;
  private readonly objectiveDiv: HTMLElement;
  private readonly gapDiv: HTMLElement;
  private readonly mixtureDiv: HTMLElement;
  private readonly boundDiv: HTMLElement;
  private readonly densitiesDiv: HTMLElement;
  private readonly summaryBody: HTMLElement;
  private readonly paramsWrap: HTMLElement;
  private readonly paramsBody: HTMLElement;
  private readonly paramsHead: HTMLElement;
  private readonly paramsPager: Pager;
  private latest: FitOutput | undefined;
  private disposed = false;

  constructor(
    readonly element: HTMLElement,
    plot: PlotApi,
  ) {
    this.doc = element.ownerDocument;
    this.root = this.div('latent-run latent-fit');
    const style = this.doc.createElement('style');
    style.textContent = STYLES + FIT_STYLES;

    const header = this.div('latent-header');
    this.status = this.span('latent-status');
    this.meta = this.span('latent-meta');
    this.timings = this.span('latent-timings');
    header.append(this.status, this.meta, this.timings);
    this.roles = this.div('latent-fit-roles');

    this.messages = this.doc.createElement('ul');
    this.messages.className = 'latent-messages';

    this.curves = this.div('latent-fit-curves');
    this.objectiveDiv = this.figureDiv('latent-fit-objective', 'Objective per iteration');
    this.gapDiv = this.figureDiv('latent-fit-gap', 'Gap of the objective to its final value, log scale');
    this.curves.append(this.objectiveDiv, this.gapDiv);
    this.mixtureDiv = this.figureDiv('latent-fit-mixture', 'The data coloured by responsibility, with the fitted components');
    this.mixtureDiv.hidden = true;
    this.boundDiv = this.figureDiv('latent-fit-bound', "EM's bound: log p(X | θ) and L(q, θ) after each E- and M-step, with KL(q ‖ p(Z | X, θ)) after each M-step on a log scale");
    this.boundDiv.hidden = true;
    this.densitiesDiv = this.figureDiv('latent-fit-densities', 'Variational density of each monitored node, its 95 % interval shaded');
    this.densitiesDiv.hidden = true;

    const tables = this.div('latent-fit-tables');
    const summary = textTable(this.doc, ['', '']);
    summary.table.classList.add('latent-fit-summary');
    summary.table.tHead?.remove();
    this.summaryBody = summary.body;
    const params = textTable(this.doc, ['parameter', 'estimate']);
    this.paramsBody = params.body;
    this.paramsHead = params.table.tHead!;
    this.paramsWrap = this.div('latent-table-wrap');
    this.paramsPager = new Pager(this.doc, TABLE_PAGE_SIZE, 'parameters', () => {
      if (this.latest) void this.update(this.latest);
    });
    this.paramsWrap.append(this.paramsPager.root, params.table);
    tables.append(summary.table, this.paramsWrap);

    this.root.append(style, header, this.roles, this.messages, this.curves, this.boundDiv, this.mixtureDiv, this.densitiesDiv, tables);
    element.replaceChildren(this.root);
    this.figures = new LiveFigures(this.root, plot, (output, signal) => this.apply(output, signal));
  }

  isAttachedTo(element: HTMLElement): boolean {
    return !this.disposed && this.element === element && element.contains(this.root);
  }

  /** The figure divs (for tests and diagnostics). */
  plotDivs(): { objective: HTMLElement; gap: HTMLElement; mixture: HTMLElement; densities: HTMLElement; bound: HTMLElement } {
    return { objective: this.objectiveDiv, gap: this.gapDiv, mixture: this.mixtureDiv, densities: this.densitiesDiv, bound: this.boundDiv };
  }

  update(output: FitOutput, signal?: AbortSignal): Promise<void> {
    return this.figures.update(output, signal);
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.figures.dispose();
    this.root.remove();
  }

  private async apply(output: FitOutput, signal: AbortSignal | undefined): Promise<void> {
    this.latest = output;
    const theme = this.figures.theme();
    this.renderHeader(output);
    this.renderMessages(output);
    this.summaryBody.replaceChildren(...fitSummaryRows(output).map(([label, value]) => tableRow(this.doc, [label, value])));
    this.paramsWrap.hidden = output.params.length === 0;
    const variational = output.variational?.nodes;
    const withSe = !variational && output.params.some((p) => p.se !== undefined);
    this.paramsHead.replaceChildren(tableRow(this.doc, variational ? ['node', 'family', 'mean', 'sd', '2.5%', '97.5%'] : withSe ? ['parameter', 'estimate', 'SE'] : ['parameter', 'estimate'], 'th'));
    if (withSe) this.paramsHead.firstElementChild?.lastElementChild?.setAttribute('title', standardErrorNote(output.standardErrors));
    this.paramsBody.replaceChildren(
      ...(variational
        ? this.paramsPager.select(variational, (n) => n.name).map((n) => tableRow(this.doc, [n.name, n.family, ...[n.mean, n.sd, n.lower, n.upper].map(formatEstimate)]))
        : this.paramsPager.select(output.params, (p) => p.name).map((p) => tableRow(this.doc, withSe ? [p.name, formatEstimate(p.value), p.se === undefined ? '' : formatEstimate(p.se)] : [p.name, formatEstimate(p.value)]))),
    );

    const hasCurve = output.objective.values.length > 0;
    this.curves.hidden = !hasCurve;
    const bound = output.objective.kind === 'elbo';
    this.objectiveDiv.setAttribute('aria-label', output.objective.steps ? 'ELBO per row at the minibatch steps' : bound ? 'ELBO per iteration' : 'Objective per iteration');
    this.gapDiv.setAttribute('aria-label', `Gap of the ${bound ? 'ELBO' : 'objective'} to its final value, log scale`);
    const jobs: Promise<void>[] = [];
    if (hasCurve && !signal?.aborted) {
      jobs.push(this.figures.draw(this.objectiveDiv, objectiveFigure(output, theme), 'latent-fit-objective'));
      jobs.push(this.figures.draw(this.gapDiv, gapFigure(output, theme), 'latent-fit-gap'));
    }
    const emBound = output.emBound;
    this.boundDiv.hidden = !emBound;
    if (emBound && !signal?.aborted) jobs.push(this.figures.draw(this.boundDiv, emBoundFigure(emBound, theme), 'latent-fit-bound'));
    else if (!emBound) this.figures.clear(this.boundDiv);
    const mixture = output.mixture;
    this.mixtureDiv.hidden = !mixture;
    if (mixture && !signal?.aborted) jobs.push(this.figures.draw(this.mixtureDiv, mixtureFigure(mixture, theme), 'latent-fit-mixture'));
    else if (!mixture) this.figures.clear(this.mixtureDiv);
    const monitored = monitoredNodes(output.variational?.nodes ?? []);
    this.densitiesDiv.hidden = monitored.length === 0;
    if (monitored.length && !signal?.aborted) {
      const figure = densityFigure(monitored, theme);
      this.densitiesDiv.style.height = `${figure.layout.height}px`;
      jobs.push(this.figures.draw(this.densitiesDiv, figure, 'latent-fit-densities'));
    } else if (!monitored.length) this.figures.clear(this.densitiesDiv);
    await Promise.all(jobs);
  }

  private renderHeader(output: FitOutput): void {
    const s = output.settings;
    this.status.dataset.status = STATUS_STYLE[output.status] ?? 'failed';
    this.status.dataset.fitStatus = output.status;
    const text = statusText(output.status, output.iteration, s.maxIterations, output.objective.steps !== undefined);
    this.status.textContent = text.charAt(0).toUpperCase() + text.slice(1);
    const estimator = s.method === 'vi' || s.method === 'svi' ? 'mean-field variational' : s.estimator === 'ml' ? 'maximum likelihood' : 'maximum a posteriori';
    const meta = [s.method, estimator, startsText(output), `seed ${s.seed}`];
    this.meta.textContent = meta.join(' · ');
    const t = output.timing;
    this.timings.textContent = t.seconds > 0 ? `${formatDuration(t.seconds * 1000)} · ${formatDuration(t.secondsPerIteration * 1000)} per iteration` : '';
    const roles = [output.engine, output.latent.length ? `latent: ${output.latent.join(', ')}` : '', output.parameters.length ? `parameters: ${output.parameters.join(', ')}` : ''];
    this.roles.textContent = roles.filter((r) => r !== '').join(' · ');
  }

  private renderMessages(output: FitOutput): void {
    this.messages.replaceChildren(
      ...output.messages.map((message) => {
        const li = this.doc.createElement('li');
        li.className = 'latent-message';
        li.dataset.severity = message.severity;
        li.append(this.span('latent-severity', message.severity));
        // Fit messages count lines and columns from 1 (fitOutput.ts).
        if (message.range) li.append(this.span('latent-location', `line ${message.range.startLine}, col ${message.range.startColumn}`));
        li.append(this.doc.createTextNode(message.message));
        return li;
      }),
    );
  }

  private figureDiv(className: string, label: string): HTMLDivElement {
    const div = this.div(className);
    div.setAttribute('role', 'img');
    div.setAttribute('aria-label', label);
    return div;
  }

  private div(className: string): HTMLDivElement {
    const div = this.doc.createElement('div');
    div.className = className;
    return div;
  }

  private span(className: string, text?: string): HTMLSpanElement {
    const span = this.doc.createElement('span');
    span.className = className;
    if (text !== undefined) span.textContent = text;
    return span;
  }
}
