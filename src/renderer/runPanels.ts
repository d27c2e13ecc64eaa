/**
 * The run view's panels that span nodes: the pair plot of the nodes on the
 * current page (the filter box and paging choose them) and, for a run with
 * `ppc = TRUE`, one posterior predictive check per observed variable with
 * its p-values. The run view owns the drawing (Plotly) and passes it in.
 */

import type { NodeResult, RunOutput } from '../engine/output/runOutput';
import { predictiveCheckRows, predictiveCheckTitle } from '../engine/output/predictiveCheckTable';
import { plotConfig, type Figure } from './figures';
import { MAX_PAIR_NODES, pairFigure, predictiveCheckFigure } from './pairPredictiveFigures';
import { tableRow, textTable } from './tables';
import type { Theme } from './theme';

type Draw = (div: HTMLElement, figure: Figure, config: ReturnType<typeof plotConfig>, first: boolean) => Promise<void>;

export class RunPanels {
  readonly root: HTMLElement;
  private readonly pairNote: HTMLElement;
  private readonly pairs: HTMLElement;
  private readonly checks: HTMLElement;
  private readonly drawn = new Set<HTMLElement>();

  constructor(private readonly doc: Document) {
    this.root = this.div('latent-panels');
    this.pairNote = this.div('latent-comparison-note');
    this.pairs = this.div('latent-pairs');
    this.pairs.setAttribute('role', 'img');
    this.checks = this.div('latent-ppc');
    this.root.append(this.pairNote, this.pairs, this.checks);
  }

  /** Draws the pair plot of `page` (the nodes on the current page) and the output's predictive checks. */
  update(output: RunOutput, page: NodeResult[], theme: Theme, draw: Draw): Promise<void> {
    const jobs: Promise<void>[] = [];
    const figure = pairFigure(page, theme);
    this.pairs.hidden = figure === undefined;
    this.pairNote.hidden = figure === undefined;
    if (figure) {
      const shown = Math.min(MAX_PAIR_NODES, page.length);
      this.pairNote.textContent = `Pair plot of ${page.slice(0, shown).map((n) => n.name).join(', ')}${page.length > shown ? ` (the first ${shown} of the ${page.length} on this page: filter the nodes to choose others)` : ''}; chains coloured.`;
      this.pairs.setAttribute('aria-label', `Pair plot of ${shown} nodes`);
      this.pairs.style.height = `${figure.layout.height}px`;
      jobs.push(this.drawOnce(this.pairs, figure, 'latent-pairs', draw));
    }
    this.renderChecks(output, theme, draw, jobs);
    return Promise.all(jobs).then(() => undefined);
  }

  private renderChecks(output: RunOutput, theme: Theme, draw: Draw, jobs: Promise<void>[]): void {
    const checks = output.predictiveChecks ?? [];
    const wanted = new Set(checks.map((c) => c.variable));
    for (const panel of [...this.checks.children] as HTMLElement[]) {
      if (!wanted.has(panel.dataset.variable ?? '')) panel.remove();
    }
    for (const check of checks) {
      let panel = [...this.checks.children].find((p) => (p as HTMLElement).dataset.variable === check.variable) as HTMLElement | undefined;
      if (!panel) {
        panel = this.div('latent-ppc-check');
        panel.dataset.variable = check.variable;
        this.checks.append(panel);
      }
      const title = this.div('latent-comparison-title');
      title.textContent = predictiveCheckTitle(check);
      const { table, body } = textTable(this.doc, ['statistic', 'observed', 'p-value']);
      table.classList.add('latent-comparison-table');
      body.append(...predictiveCheckRows(check).map((cells) => tableRow(this.doc, cells)));
      let plot = panel.querySelector<HTMLElement>('.latent-ppc-plot');
      if (!plot) {
        plot = this.div('latent-ppc-plot');
        plot.setAttribute('role', 'img');
        plot.setAttribute('aria-label', `Posterior predictive check of ${check.variable}: observed histogram with replicated data sets`);
      }
      panel.replaceChildren(title, table, plot);
      const figure = predictiveCheckFigure(check, theme);
      plot.style.height = `${figure.layout.height}px`;
      jobs.push(this.drawOnce(plot, figure, `latent-ppc-${check.variable}`, draw));
    }
  }

  private drawOnce(div: HTMLElement, figure: Figure, fileName: string, draw: Draw): Promise<void> {
    const first = !this.drawn.has(div);
    this.drawn.add(div);
    return draw(div, figure, plotConfig(fileName), first);
  }

  /** The divs drawn into, for the view to purge. */
  drawnDivs(): HTMLElement[] {
    return [...this.drawn];
  }

  private div(className: string): HTMLElement {
    const el = this.doc.createElement('div');
    el.className = className;
    return el;
  }
}
