/**
 * The view of a simulation-based calibration output (`latent.sbc/1`): a
 * header with the settings and progress, messages, a table of the per-node
 * uniformity tests, and per node its rank histogram over the uniform band.
 * One SbcView lives as long as its output item; streamed updates replace
 * the HTML parts and Plotly.react the existing figures.
 */

import { flagLevel, SBC_OUTPUT_SCHEMA, type SbcOutput } from '../engine/sbc/sbcOutput';
import { plotConfig } from './figures';
import { formatDuration, formatNumber } from './format';
import { Pager, TABLE_PAGE_SIZE } from './pager';
import type { PlotApi } from './plotApi';
import { renderError } from './runView';
import { rankHistogramFigure } from './sbcFigures';
import { STYLES } from './styles';
import { readTheme } from './theme';

/** Nodes per page; the table and the histograms show the same page of the (filtered) nodes. */
export const SBC_PAGE_SIZE = TABLE_PAGE_SIZE;

const SBC_STYLES = `
.latent-sbc .latent-sbc-grid {
  display: grid;
  grid-template-columns: repeat(auto-fill, minmax(260px, 1fr));
  gap: 6px 12px;
}
.latent-sbc .latent-sbc-plot { height: 200px; min-width: 0; }
`;

/** Checks the parts of the JSON the view reads; a string says what is wrong. */
export function parseSbcOutput(value: unknown): SbcOutput | string {
  if (typeof value !== 'object' || value === null) return 'The calibration output is not an object.';
  const o = value as Partial<SbcOutput>;
  if (o.schema !== SBC_OUTPUT_SCHEMA) return `Unsupported calibration output schema ${JSON.stringify(o.schema)}; this renderer draws ${SBC_OUTPUT_SCHEMA}. Update the Latent extension.`;
  if (!o.settings || !o.progress || !Array.isArray(o.nodes) || !Array.isArray(o.messages)) return 'The calibration output lacks settings, progress, nodes or messages.';
  for (const n of o.nodes) {
    if (typeof n?.name !== 'string' || !Array.isArray(n.counts) || !Array.isArray(n.expected) || !n.band || !Array.isArray(n.band.lower)) {
      return 'A node of the calibration output lacks its name, counts, expected counts or band.';
    }
  }
  return o as SbcOutput;
}

export class SbcView {
  readonly root: HTMLElement;
  private readonly doc: Document;
  private readonly header: HTMLElement;
  private readonly messages: HTMLElement;
  private readonly table: HTMLTableElement;
  private readonly verdict: HTMLElement;
  private readonly grid: HTMLElement;
  private readonly pager: Pager;
  private latest: SbcOutput | undefined;
  /** Per drawn node, its plot div and the text of its caption after the name. */
  private readonly plots = new Map<string, { div: HTMLElement; label: Text }>();
  private disposed = false;

  constructor(
    readonly element: HTMLElement,
    private readonly plot: PlotApi,
  ) {
    this.doc = element.ownerDocument;
    this.root = this.el('div', 'latent-run latent-sbc');
    const style = this.el('style');
    style.textContent = STYLES + SBC_STYLES;
    this.header = this.el('div', 'latent-header');
    this.messages = this.el('ul', 'latent-messages');
    const wrap = this.el('div', 'latent-table-wrap');
    this.table = this.el('table', 'latent-summary latent-sbc-table') as HTMLTableElement;
    wrap.append(this.table);
    this.verdict = this.el('div', 'latent-note');
    this.grid = this.el('div', 'latent-sbc-grid');
    this.pager = new Pager(this.doc, SBC_PAGE_SIZE, 'nodes', () => {
      if (this.latest) void this.update(this.latest);
    });
    this.root.append(style, this.header, this.messages, this.pager.root, wrap, this.verdict, this.grid);
    element.replaceChildren(this.root);
  }

  isAttachedTo(element: HTMLElement): boolean {
    return this.element === element && this.root.parentElement === element;
  }

  async update(output: SbcOutput, signal?: AbortSignal): Promise<void> {
    if (this.disposed) return;
    this.latest = output;
    const { settings, progress } = output;
    const percent = progress.total ? Math.floor((100 * progress.done) / progress.total) : 0;
    const status = output.status === 'running' ? `Calibrating ${percent}%` : output.status[0]!.toUpperCase() + output.status.slice(1);
    const statusEl = this.el('span', 'latent-status');
    statusEl.dataset.status = output.status;
    statusEl.textContent = status;
    const meta = this.el('span', 'latent-meta');
    meta.textContent = [
      'simulation-based calibration',
      `${progress.done} of ${settings.simulations} simulations${output.failed ? ` (${output.failed} failed)` : ''}`,
      `${settings.draws} draws each (burn-in ${settings.burnin}, thin ${settings.thin})`,
      `${settings.bins} bins`,
      `seed ${settings.seed}`,
    ].join(' · ');
    const timing = this.el('span', 'latent-timings');
    timing.textContent = formatDuration(output.timings.totalMs);
    this.header.replaceChildren(statusEl, meta, timing);

    this.messages.replaceChildren(
      ...output.messages.map((m) => {
        const li = this.el('li', 'latent-message');
        li.dataset.severity = m.severity;
        const severity = this.el('span', 'latent-severity');
        severity.textContent = m.severity;
        const location = this.el('span', 'latent-location');
        if (m.range) location.textContent = `line ${m.range.startLine + 1}`;
        li.append(severity, location, this.doc.createTextNode(m.message));
        return li;
      }),
    );

    const level = flagLevel(output);
    const shown = this.pager.select(output.nodes, (n) => n.name);
    this.renderTable(output, shown, level);
    const flagged = output.nodes.filter((n) => n.pValue < level);
    this.verdict.hidden = output.nodes.length === 0;
    this.verdict.textContent = flagged.length
      ? `Ranks not uniform at the ${formatNumber(level)} level (1 % over ${output.nodes.length} nodes): ${flagged.map((n) => n.name).join(', ')}. The sampler, the priors, or too short a burn-in or thinning may be at fault.`
      : `Every node's ranks are consistent with uniform at the ${formatNumber(level)} level (1 % over ${output.nodes.length} nodes). The band holds a bin's count 99 % of the time when ranks are uniform.`;
    await this.renderPlots(output, shown, level, signal);
  }

  private renderTable(output: SbcOutput, shown: SbcOutput['nodes'], level: number): void {
    const head = this.el('thead');
    const headRow = this.el('tr');
    for (const [label, cls] of [['node', ''], ['sampler', 'latent-sampler'], ['χ²', ''], ['df', ''], ['p-value', '']] as const) {
      const th = this.el('th', cls);
      th.textContent = label;
      headRow.append(th);
    }
    head.append(headRow);
    const body = this.el('tbody');
    for (const n of shown) {
      const tr = this.el('tr');
      tr.dataset.node = n.name;
      const cells: Array<[string, string]> = [
        [n.name, ''],
        [n.sampler, 'latent-sampler'],
        [n.statistic.toFixed(2), ''],
        [String(n.degreesOfFreedom), ''],
        [formatNumber(n.pValue), n.pValue < level ? 'latent-flagged' : ''],
      ];
      for (const [text, cls] of cells) {
        const td = this.el('td', cls);
        td.textContent = text;
        tr.append(td);
      }
      body.append(tr);
    }
    this.table.replaceChildren(head, body);
    this.table.hidden = output.nodes.length === 0;
  }

  private async renderPlots(output: SbcOutput, shown: SbcOutput['nodes'], level: number, signal?: AbortSignal): Promise<void> {
    const theme = readTheme(this.root);
    this.dropPlotsNotIn(shown);
    for (const node of shown) {
      if (signal?.aborted || this.disposed) return;
      const figure = rankHistogramFigure(node, theme, node.pValue < level, output.settings.draws);
      const label = `${node.sampler} · p = ${formatNumber(node.pValue)}`;
      const drawn = this.plots.get(node.name);
      if (drawn) {
        drawn.label.textContent = label;
        await this.plot.react(drawn.div, figure.data, figure.layout, plotConfig(`sbc-${node.name}`));
        continue;
      }
      const cell = this.el('div', 'latent-node');
      cell.dataset.node = node.name;
      const caption = this.el('div', 'latent-caption');
      const name = this.el('span', 'latent-name');
      name.textContent = node.name;
      const text = this.doc.createTextNode(label);
      caption.append(name, text);
      const div = this.el('div', 'latent-sbc-plot');
      cell.append(caption, div);
      this.grid.append(cell);
      this.plots.set(node.name, { div, label: text });
      await this.plot.newPlot(div, figure.data, figure.layout, plotConfig(`sbc-${node.name}`));
    }
    // Kept histograms move to their place in the page's order (append moves a node).
    for (const node of shown) {
      const cell = this.plots.get(node.name)?.div.closest('.latent-node');
      if (cell) this.grid.append(cell);
    }
  }

  /** Frees the histograms of nodes that left the page, and keeps the grid in the page's order. */
  private dropPlotsNotIn(shown: SbcOutput['nodes']): void {
    const wanted = new Set(shown.map((n) => n.name));
    for (const [name, { div }] of this.plots) {
      if (wanted.has(name)) continue;
      this.plot.purge(div);
      div.closest('.latent-node')?.remove();
      this.plots.delete(name);
    }
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    for (const { div } of this.plots.values()) this.plot.purge(div);
    this.plots.clear();
    this.root.remove();
  }

  private el<K extends keyof HTMLElementTagNameMap>(tag: K, className = ''): HTMLElementTagNameMap[K] {
    const e = this.doc.createElement(tag);
    if (className) e.className = className;
    return e;
  }
}

/**
 * The renderer's handling of `application/vnd.latent.sbc+json` items: one
 * SbcView per output id, updated in place while the calibration streams.
 */
export function sbcRenderer(plot: PlotApi) {
  const views = new Map<string, SbcView>();
  const dispose = (id?: string): void => {
    for (const [key, view] of views) {
      if (id !== undefined && key !== id) continue;
      view.dispose();
      views.delete(key);
    }
  };
  return {
    async render(id: string, json: () => unknown, element: HTMLElement, signal: AbortSignal): Promise<void> {
      let parsed: SbcOutput | string;
      try {
        parsed = parseSbcOutput(json());
      } catch (error) {
        parsed = `The calibration output is not valid JSON: ${error instanceof Error ? error.message : String(error)}`;
      }
      if (signal.aborted) return;
      let view = views.get(id);
      if (view && !view.isAttachedTo(element)) {
        dispose(id);
        view = undefined;
      }
      if (typeof parsed === 'string') {
        dispose(id);
        renderError(element, parsed);
        return;
      }
      if (!view) {
        view = new SbcView(element, plot);
        views.set(id, view);
      }
      await view.update(parsed, signal);
    },
    dispose,
  };
}
