/**
 * The part of Plotly the renderer uses. index.ts passes the real bundle; tests
 * can pass a recording fake to check which calls were made.
 */

import type { Config, Data, Layout } from 'plotly.js';

export interface PlotApi {
  /** Draws a figure into an empty div. */
  newPlot(div: HTMLElement, data: Data[], layout: Partial<Layout>, config: Partial<Config>): Promise<unknown>;
  /** Updates a drawn figure in place (keeps the DOM and, via uirevision, the user's zoom). */
  react(div: HTMLElement, data: Data[], layout: Partial<Layout>, config: Partial<Config>): Promise<unknown>;
  /** Frees a figure: its data, DOM and event handlers. */
  purge(div: HTMLElement): void;
  /** Re-fits a figure to its div's current size. */
  resize(div: HTMLElement): unknown;
}
