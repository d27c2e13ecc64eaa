/**
 * What a view of a streamed output needs besides its own DOM: updates
 * coalesced (while one is drawn, only the newest waiting one is drawn next),
 * figures drawn with newPlot the first time and Plotly.react after, re-fitted
 * when their div changes width, and everything redrawn when VS Code switches
 * the theme (it rewrites CSS variables without re-rendering outputs).
 */

import type { Figure } from './figures';
import { plotConfig } from './figures';
import type { PlotApi } from './plotApi';
import { readTheme, themeKey } from './theme';

export class LiveFigures<T> {
  private readonly drawn = new Set<HTMLElement>();
  private readonly widths = new Map<Element, number>();
  private readonly resizePending = new Set<HTMLElement>();
  private readonly resizeObserver: ResizeObserver | undefined;
  private readonly themeObserver: MutationObserver | undefined;
  private cancelResizeFrame: (() => void) | undefined;
  private cancelThemeFrame: (() => void) | undefined;
  private pending: { value: T; signal: AbortSignal | undefined } | undefined;
  private draining = false;
  private drained: Promise<void> = Promise.resolve();
  private latest: T | undefined;
  private drawnThemeKey = '';
  private disposed = false;

  /** `apply` draws one value; `root` is where the theme is read from. */
  constructor(
    private readonly root: HTMLElement,
    private readonly plot: PlotApi,
    private readonly apply: (value: T, signal: AbortSignal | undefined) => Promise<void>,
  ) {
    const doc = root.ownerDocument;
    const win = doc.defaultView;
    if (win && typeof win.ResizeObserver === 'function') this.resizeObserver = new win.ResizeObserver((entries) => this.onResize(entries));
    if (win && typeof win.MutationObserver === 'function') {
      this.themeObserver = new win.MutationObserver(() => this.onThemeMutation());
      this.themeObserver.observe(doc.documentElement, { attributes: true, attributeFilter: ['style', 'class'] });
      if (doc.body) this.themeObserver.observe(doc.body, { attributes: true, attributeFilter: ['class', 'style', 'data-vscode-theme-kind', 'data-vscode-theme-name'] });
    }
  }

  /** Shows `value`, after the update being drawn (if any); resolves once the view is up to date. */
  update(value: T, signal?: AbortSignal): Promise<void> {
    if (this.disposed) return Promise.resolve();
    this.pending = { value, signal };
    if (!this.draining) {
      this.draining = true;
      this.drained = this.drain();
    }
    return this.drained;
  }

  /** The theme now, remembered so that a later theme change triggers a redraw. */
  theme(): ReturnType<typeof readTheme> {
    const theme = readTheme(this.root);
    this.drawnThemeKey = themeKey(theme);
    return theme;
  }

  /** Draws a figure into `div`: newPlot the first time, then react (which keeps the DOM and the user's zoom). */
  draw(div: HTMLElement, figure: Figure, fileName: string): Promise<void> {
    const first = !this.drawn.has(div);
    if (first) {
      this.drawn.add(div);
      this.resizeObserver?.observe(div);
    }
    try {
      const drawing = first ? this.plot.newPlot(div, figure.data, figure.layout, plotConfig(fileName)) : this.plot.react(div, figure.data, figure.layout, plotConfig(fileName));
      return Promise.resolve(drawing).then(() => undefined, reportPlotError);
    } catch (error) {
      reportPlotError(error);
      return Promise.resolve();
    }
  }

  /** Frees a drawn figure (the div stays). */
  clear(div: HTMLElement): void {
    if (!this.drawn.delete(div)) return;
    this.resizeObserver?.unobserve(div);
    this.widths.delete(div);
    this.resizePending.delete(div);
    try {
      this.plot.purge(div);
    } catch (error) {
      reportPlotError(error);
    }
  }

  isDrawn(div: HTMLElement): boolean {
    return this.drawn.has(div);
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.pending = undefined;
    this.resizeObserver?.disconnect();
    this.themeObserver?.disconnect();
    this.cancelResizeFrame?.();
    this.cancelThemeFrame?.();
    for (const div of [...this.drawn]) this.clear(div);
  }

  private async drain(): Promise<void> {
    try {
      while (this.pending && !this.disposed) {
        const { value, signal } = this.pending;
        this.pending = undefined;
        if (signal?.aborted) continue;
        this.latest = value;
        await this.apply(value, signal);
      }
    } finally {
      this.draining = false;
    }
  }

  private onResize(entries: readonly ResizeObserverEntry[]): void {
    for (const entry of entries) {
      const width = entry.contentRect.width;
      const previous = this.widths.get(entry.target);
      this.widths.set(entry.target, width);
      // The first observation reports the width the figure was drawn at.
      if (previous !== undefined && width > 0 && Math.abs(width - previous) >= 1) this.resizePending.add(entry.target as HTMLElement);
    }
    if (!this.resizePending.size || this.cancelResizeFrame) return;
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

  private onThemeMutation(): void {
    if (this.cancelThemeFrame) return;
    this.cancelThemeFrame = this.nextFrame(() => {
      this.cancelThemeFrame = undefined;
      if (this.disposed || this.latest === undefined || this.pending) return;
      if (themeKey(readTheme(this.root)) !== this.drawnThemeKey) void this.update(this.latest);
    });
  }

  private nextFrame(callback: () => void): () => void {
    const win = this.root.ownerDocument.defaultView;
    if (win && typeof win.requestAnimationFrame === 'function') {
      const handle = win.requestAnimationFrame(callback);
      return () => win.cancelAnimationFrame(handle);
    }
    const handle = setTimeout(callback, 16);
    return () => clearTimeout(handle);
  }
}

export function reportPlotError(error: unknown): void {
  console.error('Latent renderer: drawing a figure failed', error);
}
