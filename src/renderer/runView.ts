/**
 * The view of one run output: header, messages, summary table and, per node,
 * a trace plot and a posterior histogram. One RunView lives as long as its
 * output item; streamed updates of the item go through `update()`, which
 * patches the DOM and calls Plotly.react on the existing plot divs.
 */

import type { NodeResult, RunOutput } from '../engine/output/runOutput';
// Pure formatting shared with the text/plain output, so that both say the same.
import { comparisonNotes, comparisonRows } from '../engine/output/comparisonTable';
import { RunPanels } from './runPanels';
import { autocorrelationFigure, forestFigure, rankFigure } from './chainFigures';
import { needsAttention } from '../engine/diagnostics/flags';
import { histogramFigure, plotConfig, traceFigure, type Figure } from './figures';
import { formatNumber, progressPercent, settingsSummary, statusLabel, timingsSummary } from './format';
import { Pager } from './pager';
import { PredictivePanel } from './predictivePanel';
import type { PlotApi } from './plotApi';
import { STYLES } from './styles';
import { tableRow, textTable } from './tables';
import { diagnosticsNote, SUMMARY_COLUMNS } from './summaryColumns';
import { chainColor, readTheme, themeKey, type Theme } from './theme';

/** Nodes per page: the summary table and the figures show the same page of the (filtered) nodes. */
export const MAX_PLOTTED_NODES = 24;

export interface RunViewOptions {
  maxPlottedNodes?: number;
}

interface NodeRow {
  readonly name: string;
  readonly el: HTMLElement;
  readonly detail: HTMLElement;
  readonly traceDiv: HTMLElement;
  readonly rankDiv: HTMLElement;
  readonly acfDiv: HTMLElement;
  readonly histDiv: HTMLElement;
  drawn: boolean;
}

interface PendingUpdate {
  output: RunOutput;
  signal: AbortSignal | undefined;
}

export class RunView {
  /** The view's own subtree inside `element`. */
  readonly root: HTMLElement;

  private readonly doc: Document;
  private readonly maxPlottedNodes: number;
  private readonly status: HTMLElement;
  private readonly meta: HTMLElement;
  private readonly timings: HTMLElement;
  private readonly progress: HTMLElement;
  private readonly progressFill: HTMLElement;
  private readonly messages: HTMLElement;
  private readonly tableWrap: HTMLElement;
  private readonly tableBody: HTMLElement;
  private readonly diagnosticsNote: HTMLElement;
  private readonly legend: HTMLElement;
  private readonly comparison: HTMLElement;
  private readonly predictive: PredictivePanel;
  private readonly note: HTMLElement;
  private readonly grid: HTMLElement;
  private readonly forest: HTMLElement;
  private forestDrawn = false;
  private readonly panels: RunPanels;
  private readonly pager: Pager;
  private readonly rows = new Map<string, NodeRow>();

  private latest: RunOutput | undefined;
  private themeKey = '';
  private pending: PendingUpdate | undefined;
  private draining = false;
  private drained: Promise<void> = Promise.resolve();
  private disposed = false;

  private readonly resizeObserver: ResizeObserver | undefined;
  private readonly widths = new Map<Element, number>();
  private readonly resizePending = new Set<HTMLElement>();
  private cancelResizeFrame: (() => void) | undefined;
  private readonly themeObserver: MutationObserver | undefined;
  private cancelThemeFrame: (() => void) | undefined;

  constructor(
    readonly element: HTMLElement,
    private readonly plot: PlotApi,
    options: RunViewOptions = {},
  ) {
    this.doc = element.ownerDocument;
    this.maxPlottedNodes = options.maxPlottedNodes ?? MAX_PLOTTED_NODES;

    this.root = this.div('latent-run');
    const style = this.doc.createElement('style');
    style.textContent = STYLES;

    const header = this.div('latent-header');
    this.status = this.span('latent-status');
    this.meta = this.span('latent-meta');
    this.timings = this.span('latent-timings');
    header.append(this.status, this.meta, this.timings);

    this.progress = this.div('latent-progress');
    this.progressFill = this.div('');
    this.progress.append(this.progressFill);

    this.messages = this.doc.createElement('ul');
    this.messages.className = 'latent-messages';

    this.tableWrap = this.div('latent-table-wrap');
    const table = this.doc.createElement('table');
    table.className = 'latent-summary';
    const headRow = this.doc.createElement('tr');
    for (const { label, title, className } of SUMMARY_COLUMNS) {
      const th = this.doc.createElement('th');
      th.textContent = label;
      if (title) {
        th.title = title;
      }
      if (className) {
        th.className = className;
      }
      headRow.append(th);
    }
    const head = this.doc.createElement('thead');
    head.append(headRow);
    this.tableBody = this.doc.createElement('tbody');
    table.append(head, this.tableBody);
    this.tableWrap.append(table);

    this.diagnosticsNote = this.div('latent-diagnostics-note');
    this.legend = this.div('latent-legend');
    this.comparison = this.div('latent-comparison');
    this.comparison.hidden = true;
    this.predictive = new PredictivePanel(this.doc, plot);
    this.note = this.div('latent-note');
    this.grid = this.div('latent-grid');
    this.forest = this.div('latent-forest');
    this.forest.setAttribute('role', 'img');
    this.forest.setAttribute('aria-label', 'Forest plot: the 50 % and 95 % intervals and the median of each node shown');
    this.forest.hidden = true;

    this.pager = new Pager(this.doc, this.maxPlottedNodes, 'nodes', () => {
      if (this.latest) void this.update(this.latest);
    });

    this.panels = new RunPanels(this.doc);
    this.root.append(style, header, this.progress, this.messages, this.pager.root, this.tableWrap, this.diagnosticsNote, this.comparison, this.predictive.root, this.forest, this.legend, this.note, this.grid, this.panels.root);
    element.replaceChildren(this.root);

    const win = this.doc.defaultView;
    if (win && typeof win.ResizeObserver === 'function') {
      this.resizeObserver = new win.ResizeObserver((entries) => this.onResize(entries));
    }
    if (win && typeof win.MutationObserver === 'function') {
      // VS Code switches themes by rewriting the CSS variables on <html> and
      // the theme classes on <body>, without re-rendering outputs.
      this.themeObserver = new win.MutationObserver(() => this.onThemeMutation());
      this.themeObserver.observe(this.doc.documentElement, { attributes: true, attributeFilter: ['style', 'class'] });
      if (this.doc.body) {
        this.themeObserver.observe(this.doc.body, {
          attributes: true,
          attributeFilter: ['class', 'style', 'data-vscode-theme-kind', 'data-vscode-theme-name'],
        });
      }
    }
  }

  /** Whether this view still lives in `element` (VS Code may hand a fresh element for the same output id). */
  isAttachedTo(element: HTMLElement): boolean {
    return !this.disposed && this.element === element && element.contains(this.root);
  }

  /** The plot divs of the drawn nodes, by node name (for tests and diagnostics). */
  plotDivs(): Map<string, { trace: HTMLElement; rank: HTMLElement; autocorrelation: HTMLElement; histogram: HTMLElement }> {
    const result = new Map<string, { trace: HTMLElement; rank: HTMLElement; autocorrelation: HTMLElement; histogram: HTMLElement }>();
    for (const row of this.rows.values()) {
      result.set(row.name, { trace: row.traceDiv, rank: row.rankDiv, autocorrelation: row.acfDiv, histogram: row.histDiv });
    }
    return result;
  }

  /** The forest plot's div (for tests and diagnostics). */
  forestDiv(): HTMLElement {
    return this.forest;
  }

  /**
   * Shows `output`. Updates arriving while one is being drawn are coalesced:
   * only the newest is drawn next. Resolves once the view is up to date.
   */
  update(output: RunOutput, signal?: AbortSignal): Promise<void> {
    if (this.disposed) {
      return Promise.resolve();
    }
    this.pending = { output, signal };
    if (!this.draining) {
      this.draining = true;
      this.drained = this.drain();
    }
    return this.drained;
  }

  dispose(): void {
    if (this.disposed) {
      return;
    }
    this.disposed = true;
    this.pending = undefined;
    this.resizeObserver?.disconnect();
    this.themeObserver?.disconnect();
    this.cancelResizeFrame?.();
    this.cancelThemeFrame?.();
    for (const row of this.rows.values()) {
      this.purgeRow(row);
    }
    if (this.forestDrawn) this.plot.purge(this.forest);
    for (const div of this.panels.drawnDivs()) this.plot.purge(div);
    this.predictive.dispose();
    this.rows.clear();
    this.widths.clear();
    this.resizePending.clear();
    this.root.remove();
  }

  private async drain(): Promise<void> {
    try {
      while (this.pending && !this.disposed) {
        const { output, signal } = this.pending;
        this.pending = undefined;
        if (signal?.aborted) {
          continue;
        }
        await this.apply(output, signal);
      }
    } finally {
      this.draining = false;
    }
  }

  private async apply(output: RunOutput, signal: AbortSignal | undefined): Promise<void> {
    this.latest = output;
    const theme = readTheme(this.root);
    this.themeKey = themeKey(theme);

    this.renderHeader(output);
    this.renderMessages(output);
    const drawn = this.pager.select(output.nodes, (node) => node.name);
    this.renderTable(output, drawn);
    this.renderComparison(output);
    this.renderLegend(output, theme);

    this.renderNote(output);
    this.reconcileRows(drawn);

    const jobs: Promise<void>[] = [];
    for (const node of drawn) {
      if (signal?.aborted || this.disposed) {
        break;
      }
      const row = this.rows.get(node.name)!;
      row.detail.textContent = nodeDetail(node);
      jobs.push(this.drawRow(row, node, theme, output.status === 'running' ? output.settings.iterations : 0));
    }
    // The pair plot redraws every trace point: only once the run has ended.
    if (!signal?.aborted && !this.disposed && output.status !== 'running') jobs.push(this.panels.update(output, drawn, theme, (div, figure, config, first) => this.draw(div, figure, config, first)));
    if (!signal?.aborted && !this.disposed) jobs.push(this.drawForest(drawn, theme), this.predictive.show(output.predictive, theme));
    await Promise.all(jobs);
  }

  /** The forest plot of the nodes on the page, once there are two or more with draws. */
  private drawForest(nodes: NodeResult[], theme: Theme): Promise<void> {
    const shown = nodes.filter((n) => Number.isFinite(n.summary.q50));
    this.forest.hidden = shown.length < 2;
    if (this.forest.hidden) return Promise.resolve();
    const warning = readWarningColor(this.root, theme);
    const figure = forestFigure(shown, theme, (n) => n.diagnostics !== undefined && needsAttention(n.diagnostics), warning);
    this.forest.style.height = `${figure.layout.height}px`;
    const first = !this.forestDrawn;
    this.forestDrawn = true;
    return this.draw(this.forest, figure, plotConfig('latent-forest'), first);
  }

  private renderHeader(output: RunOutput): void {
    this.status.dataset.status = output.status;
    this.status.textContent = statusLabel(output.status, output.progress);
    this.meta.textContent = settingsSummary(output).join(' · ');
    this.timings.textContent = timingsSummary(output).join(' · ');
    const running = output.status === 'running';
    this.progress.hidden = !running;
    this.progressFill.style.width = `${running ? progressPercent(output.progress) : 0}%`;
  }

  private renderMessages(output: RunOutput): void {
    const items = output.messages.map((message) => {
      const li = this.doc.createElement('li');
      li.className = 'latent-message';
      li.dataset.severity = message.severity;
      li.append(this.span('latent-severity', message.severity));
      if (message.range) {
        const { startLine, startColumn } = message.range;
        li.append(this.span('latent-location', `line ${startLine + 1}, col ${startColumn + 1}`));
      }
      li.append(this.doc.createTextNode(message.message));
      return li;
    });
    this.messages.replaceChildren(...items);
  }

  private renderTable(output: RunOutput, shown: NodeResult[]): void {
    this.tableWrap.hidden = shown.length === 0;
    const rows = shown.map((node) => {
      const tr = this.doc.createElement('tr');
      for (const { cell, className } of SUMMARY_COLUMNS) {
        const td = this.doc.createElement('td');
        const { text, flag } = cell(node);
        td.textContent = text;
        if (className) {
          td.className = className;
        }
        if (flag) {
          td.classList.add('latent-flagged');
          td.title = flag;
        }
        tr.append(td);
      }
      return tr;
    });
    this.tableBody.replaceChildren(...rows);
    const note = diagnosticsNote(output.nodes);
    this.diagnosticsNote.textContent = note;
    this.diagnosticsNote.hidden = note === '';
  }

  /** PSIS-LOO, WAIC and DIC of a run with loo = TRUE: a small table and what the Pareto k̂ say. */
  private renderComparison(output: RunOutput): void {
    const mc = output.modelComparison;
    this.comparison.hidden = !mc;
    if (!mc) {
      this.comparison.replaceChildren();
      return;
    }
    const title = this.div('latent-comparison-title');
    title.textContent = 'Model comparison';
    const { table, body } = textTable(this.doc, ['criterion', 'estimate', 'SE']);
    table.classList.add('latent-comparison-table');
    body.append(...comparisonRows(mc).map((cells) => tableRow(this.doc, cells)));
    const notes = comparisonNotes(mc).map((text, i) => {
      const note = this.div(i === 0 && mc.high_k.length ? 'latent-diagnostics-note' : 'latent-comparison-note');
      note.textContent = text;
      return note;
    });
    this.comparison.replaceChildren(title, table, ...notes);
  }

  private renderLegend(output: RunOutput, theme: Theme): void {
    // A loop, not a spread: an output may hold tens of thousands of nodes.
    const chains = output.nodes.reduce((most, n) => Math.max(most, n.trace.chains.length), output.settings.chains || 0);
    this.legend.hidden = chains < 2 || output.nodes.length === 0;
    if (this.legend.hidden) {
      this.legend.replaceChildren();
      return;
    }
    const items: HTMLElement[] = [];
    for (let c = 0; c < chains; c++) {
      const item = this.span('latent-legend-item');
      const swatch = this.span('latent-swatch');
      swatch.style.background = chainColor(theme, c);
      item.append(swatch, this.doc.createTextNode(`chain ${c + 1}`));
      items.push(item);
    }
    this.legend.replaceChildren(...items);
  }

  private renderNote(output: RunOutput): void {
    const phase = output.phase ? `${output.phase[0]!.toUpperCase()}${output.phase.slice(1)}…` : 'Waiting for the first draws…';
    const text = output.nodes.length === 0 && output.status === 'running' ? phase : '';
    this.note.textContent = text;
    this.note.hidden = text === '';
  }

  /** Makes the grid hold exactly one row per drawn node, in order, reusing existing rows. */
  private reconcileRows(nodes: NodeResult[]): void {
    const wanted = new Set(nodes.map((n) => n.name));
    for (const [name, row] of this.rows) {
      if (!wanted.has(name)) {
        this.purgeRow(row);
        row.el.remove();
        this.rows.delete(name);
      }
    }
    nodes.forEach((node, index) => {
      let row = this.rows.get(node.name);
      if (!row) {
        row = this.createRow(node.name);
        this.rows.set(node.name, row);
      }
      const current = this.grid.children[index];
      if (current !== row.el) {
        this.grid.insertBefore(row.el, current ?? null);
      }
    });
  }

  private createRow(name: string): NodeRow {
    const el = this.div('latent-node');
    el.dataset.node = name;
    const caption = this.div('latent-caption');
    const detail = this.span('latent-detail');
    caption.append(this.span('latent-name', name), detail);
    const traceDiv = this.div('latent-trace');
    traceDiv.setAttribute('role', 'img');
    traceDiv.setAttribute('aria-label', `Trace plot of ${name}`);
    const rankDiv = this.div('latent-rank');
    rankDiv.setAttribute('role', 'img');
    rankDiv.setAttribute('aria-label', `Rank plot of ${name}: a histogram of ranks per chain, flat when the chains agree`);
    const acfDiv = this.div('latent-acf');
    acfDiv.setAttribute('role', 'img');
    acfDiv.setAttribute('aria-label', `Autocorrelation of ${name} per chain`);
    const histDiv = this.div('latent-hist');
    histDiv.setAttribute('role', 'img');
    histDiv.setAttribute('aria-label', `Posterior histogram of ${name}`);
    el.append(caption, traceDiv, rankDiv, acfDiv, histDiv);
    for (const div of [traceDiv, rankDiv, acfDiv, histDiv]) this.resizeObserver?.observe(div);
    return { name, el, detail, traceDiv, rankDiv, acfDiv, histDiv, drawn: false };
  }

  private drawRow(row: NodeRow, node: NodeResult, theme: Theme, plannedIterations: number): Promise<void> {
    const fileName = `latent-${node.name.replace(/[^\w.-]+/g, '_')}`;
    const first = !row.drawn;
    row.drawn = true;
    return Promise.all([
      this.draw(row.traceDiv, traceFigure(node, theme, { plannedIterations }), plotConfig(`${fileName}-trace`), first),
      this.draw(row.rankDiv, rankFigure(node, theme), plotConfig(`${fileName}-rank`), first),
      this.draw(row.acfDiv, autocorrelationFigure(node, theme), plotConfig(`${fileName}-autocorrelation`), first),
      this.draw(row.histDiv, histogramFigure(node, theme), plotConfig(`${fileName}-posterior`), first),
    ]).then(() => undefined);
  }

  private draw(div: HTMLElement, figure: Figure, config: ReturnType<typeof plotConfig>, first: boolean): Promise<void> {
    try {
      const drawing = first
        ? this.plot.newPlot(div, figure.data, figure.layout, config)
        : this.plot.react(div, figure.data, figure.layout, config);
      return Promise.resolve(drawing).then(
        () => undefined,
        (error: unknown) => reportPlotError(error),
      );
    } catch (error) {
      reportPlotError(error);
      return Promise.resolve();
    }
  }

  private purgeRow(row: NodeRow): void {
    for (const div of [row.traceDiv, row.rankDiv, row.acfDiv, row.histDiv]) {
      this.resizeObserver?.unobserve(div);
      this.widths.delete(div);
      this.resizePending.delete(div);
      if (row.drawn) {
        try {
          this.plot.purge(div);
        } catch (error) {
          reportPlotError(error);
        }
      }
    }
    row.drawn = false;
  }

  private onResize(entries: readonly ResizeObserverEntry[]): void {
    for (const entry of entries) {
      const width = entry.contentRect.width;
      const previous = this.widths.get(entry.target);
      this.widths.set(entry.target, width);
      // The first observation reports the size the figure was drawn at.
      if (previous !== undefined && width > 0 && Math.abs(width - previous) >= 1) {
        this.resizePending.add(entry.target as HTMLElement);
      }
    }
    if (this.resizePending.size && !this.cancelResizeFrame) {
      this.cancelResizeFrame = this.nextFrame(() => {
        this.cancelResizeFrame = undefined;
        const divs = [...this.resizePending];
        this.resizePending.clear();
        for (const div of divs) {
          try {
            // Plotly rejects resizing a div that is not displayed; nothing to do then.
            Promise.resolve(this.plot.resize(div)).catch(() => undefined);
          } catch {
            // as above
          }
        }
      });
    }
  }

  private onThemeMutation(): void {
    if (this.cancelThemeFrame) {
      return;
    }
    this.cancelThemeFrame = this.nextFrame(() => {
      this.cancelThemeFrame = undefined;
      if (this.disposed || !this.latest || this.pending) {
        return;
      }
      if (themeKey(readTheme(this.root)) !== this.themeKey) {
        void this.update(this.latest);
      }
    });
  }

  private nextFrame(callback: () => void): () => void {
    const win = this.doc.defaultView;
    if (win && typeof win.requestAnimationFrame === 'function') {
      const handle = win.requestAnimationFrame(callback);
      return () => win.cancelAnimationFrame(handle);
    }
    const handle = setTimeout(callback, 16);
    return () => clearTimeout(handle);
  }

  private div(className: string): HTMLDivElement {
    const div = this.doc.createElement('div');
    if (className) {
      div.className = className;
    }
    return div;
  }

  private span(className: string, text?: string): HTMLSpanElement {
    const span = this.doc.createElement('span');
    span.className = className;
    if (text !== undefined) {
      span.textContent = text;
    }
    return span;
  }
}

/** The caption after a node's name: interval and sampler. */
function nodeDetail(node: NodeResult): string {
  const s = node.summary;
  const parts = [`mean ${formatNumber(s.mean)}`, `95% [${formatNumber(s['q2.5'])}, ${formatNumber(s['q97.5'])}]`];
  if (node.sampler) {
    parts.push(node.sampler);
  }
  return parts.join(' · ');
}

/** VS Code's warning colour, as the summary table's flags use it. */
function readWarningColor(root: HTMLElement, theme: Theme): string {
  const value = root.ownerDocument.defaultView?.getComputedStyle(root.ownerDocument.documentElement).getPropertyValue('--vscode-editorWarning-foreground').trim();
  return value || theme.chainColors[5] || theme.foreground;
}

function reportPlotError(error: unknown): void {
  console.error('Latent renderer: drawing a figure failed', error);
}

/** Replaces the content of `element` with an error line (used when the output cannot be read). */
export function renderError(element: HTMLElement, message: string): void {
  const doc = element.ownerDocument;
  const div = doc.createElement('div');
  div.className = 'latent-run latent-error';
  const style = doc.createElement('style');
  style.textContent = STYLES;
  div.append(style, doc.createTextNode(message));
  element.replaceChildren(div);
}
