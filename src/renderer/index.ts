/**
 * Notebook renderer for `application/vnd.latent.run+json`: draws a run's trace
 * plots, posterior histograms and summary. Runs in the notebook webview, so it
 * must only import browser code (engine types are imported as types only).
 *
 * While a run progresses the kernel replaces the same output item again and
 * again; VS Code then calls renderOutputItem with the same id and element,
 * and the existing view is updated in place.
 */

import * as Plotly from 'plotly.js-basic-dist-min';
import type { ActivationFunction, OutputItem } from 'vscode-notebook-renderer';
import { textFingerprint } from '../engine/output/fingerprint';
import { configureFigureExport, sendOutputImage, setExportTheme, setRendererImage, wantsRendererImage, type ExportSettingsMessage } from './figureExport';
import { FitView } from './fitView';
import { outputViews } from './outputViews';
import { parseRunOutput } from './parse';
import { FIT_MIME, parseFitOutput } from './parseFit';
import type { PlotApi } from './plotApi';
import { RunView, renderError } from './runView';
import { SBC_OUTPUT_MIME } from '../engine/sbc/sbcOutput';
import { sbcRenderer } from './sbcView';

const plotly: PlotApi = {
  newPlot: (div, data, layout, config) => Plotly.newPlot(div, data, layout, config),
  react: (div, data, layout, config) => Plotly.react(div, data, layout, config),
  purge: (div) => Plotly.purge(div),
  resize: (div) => Plotly.Plots.resize(div),
};

export const activate: ActivationFunction = (context) => {
  const views = new Map<string, RunView>();
  configureFigureExport(
    { toImage: (root, options) => Plotly.toImage(root, options), downloadImage: (div, options) => Plotly.downloadImage(div, options) },
    context.postMessage ? (message) => void context.postMessage!(message) : undefined,
  );
  context.onDidReceiveMessage?.((message: unknown) => {
    const m = message as Partial<ExportSettingsMessage> | undefined;
    if (m?.type !== 'exportSettings') return;
    if (m.theme === 'light' || m.theme === 'editor') setExportTheme(m.theme);
    setRendererImage(m.rendererImage === true);
  });
  void context.postMessage?.({ type: 'exportSettings?' });
  /** Outputs whose static image was sent in this session. */
  const imaged = new Set<string>();
  /** Once an output is final (not running), its figures go to the host as one PNG, when the host asks for them. */
  const afterRender = (item: OutputItem, element: HTMLElement): void => {
    if (imaged.has(item.id) || !context.postMessage || !wantsRendererImage()) return;
    let status: unknown;
    try {
      status = (item.json() as { status?: unknown }).status;
    } catch {
      return;
    }
    if (typeof status !== 'string' || status === 'running' || status === 'failed') return;
    imaged.add(item.id);
    sendOutputImage(element, { mime: item.mime, fingerprint: textFingerprint(item.text()) }).catch((error: unknown) => console.error('Latent renderer: the output image failed', error));
  };

  /** Calibration outputs (`calibrate with sbc(...)`) have their own MIME type and views. */
  const calibrations = sbcRenderer(plotly);
  /** Fit outputs (`fit with em(...)`) likewise. */
  const fits = outputViews('fit', parseFitOutput, (element) => new FitView(element, plotly));

  const disposeView = (id: string) => {
    views.get(id)?.dispose();
    views.delete(id);
  };

  return {
    async renderOutputItem(outputItem, element, signal) {
      await renderItem(outputItem, element, signal);
      if (!signal.aborted) afterRender(outputItem, element);
    },

    disposeOutputItem(id) {
      calibrations.dispose(id);
      fits.dispose(id);
      if (id !== undefined) {
        imaged.delete(id);
        disposeView(id);
        return;
      }
      imaged.clear();
      for (const view of views.values()) {
        view.dispose();
      }
      views.clear();
    },
  };

  async function renderItem(outputItem: OutputItem, element: HTMLElement, signal: AbortSignal): Promise<void> {
      if (outputItem.mime === SBC_OUTPUT_MIME) return calibrations.render(outputItem.id, () => outputItem.json(), element, signal);
      if (outputItem.mime === FIT_MIME) return fits.render(outputItem.id, () => outputItem.json(), element, signal);
      let parsed: ReturnType<typeof parseRunOutput>;
      try {
        parsed = parseRunOutput(outputItem.json());
      } catch (error) {
        parsed = { ok: false, error: `The run output is not valid JSON: ${error instanceof Error ? error.message : String(error)}` };
      }
      if (signal.aborted) {
        return;
      }

      let view = views.get(outputItem.id);
      if (view && !view.isAttachedTo(element)) {
        disposeView(outputItem.id);
        view = undefined;
      }
      if (!parsed.ok) {
        disposeView(outputItem.id);
        renderError(element, parsed.error);
        return;
      }
      if (!view) {
        view = new RunView(element, plotly);
        views.set(outputItem.id, view);
      }
      await view.update(parsed.output, signal);
  }
};
