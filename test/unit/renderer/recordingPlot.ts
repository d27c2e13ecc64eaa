import type { Data, Layout } from 'plotly.js';
import type { PlotApi } from '../../../src/renderer/plotApi';

/** A PlotApi that keeps each div's last figure instead of drawing it. */
export class RecordingPlot implements PlotApi {
  readonly drawn = new Map<HTMLElement, { data: Data[]; layout: Partial<Layout> }>();
  newPlot(div: HTMLElement, data: Data[], layout: Partial<Layout>): Promise<unknown> {
    this.drawn.set(div, { data, layout });
    return Promise.resolve(div);
  }
  react(div: HTMLElement, data: Data[], layout: Partial<Layout>): Promise<unknown> {
    return this.newPlot(div, data, layout);
  }
  purge(div: HTMLElement): void {
    this.drawn.delete(div);
  }
  resize(): unknown {
    return Promise.resolve();
  }
}
