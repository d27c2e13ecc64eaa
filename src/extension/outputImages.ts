/**
 * The extension host's side of the renderer's messages (src/renderer/figureExport.ts):
 * - `saveFigure`: asks where to save a figure's PNG or SVG (next to the
 *   notebook by default) and writes it;
 * - `outputImage`: with the setting `latent.outputs.staticImage` = "renderer",
 *   puts the renderer's Plotly PNG of an output's figures in place of the
 *   compact image the host drew as the run ended (src/extension/staticImageItem.ts).
 *   VS Code lets outputs change only through an execution, so a short one is
 *   opened on the cell with the run's own order and times. The default
 *   ("compact") needs none of this: the image is there when the run ends.
 */

import * as vscode from 'vscode';
import { isCompactImage } from '../engine/image/staticImage';
import { textFingerprint } from '../engine/output/fingerprint';
import type { ExportSettingsMessage } from '../renderer/figureExport';
import { maxOutputBytes, staticImageMode } from './settings';

export const RENDERER_ID = 'latent-run-renderer';

/** Largest image kept in an output; the renderer's are far smaller (≈ 0.1–0.3 MB). */
const MAX_IMAGE_BYTES = 1_000_000;
/** The edit is applied (it is queued before end()), but its promise may settle late: the cell must not look busy meanwhile. */
const EDIT_TIMEOUT_MS = 500;

type Message =
  | { type: 'saveFigure'; format: 'png' | 'svg'; fileName: string; dataUrl: string }
  | { type: 'copiedFigure'; format: 'png' }
  | { type: 'copyFigure'; svg: string; reason: string }
  | { type: 'exportSettings?' }
  | { type: 'outputImage'; mime: string; fingerprint: string; png: string };

/**
 * Receives the renderer's messages. Renderer images are attached (setting
 * `latent.outputs.staticImage` = "renderer": each needs a short extra
 * execution of its cell, which VS Code shows) only to outputs of
 * cells this controller ran in this session (opening a notebook never changes
 * it), and only while the controller runs nothing: a second execution on a
 * cell that is still running, or queued by "Run All", would confuse its state.
 */
export class OutputImages implements vscode.Disposable {
  private readonly subscription: vscode.Disposable;
  private readonly ran = new WeakSet<vscode.NotebookCell>();
  private readonly pending: Array<{ notebook: vscode.NotebookDocument; key: OutputKey; png: string }> = [];
  private running = 0;

  constructor(private readonly controller: vscode.NotebookController) {
    const messaging = vscode.notebooks.createRendererMessaging(RENDERER_ID);
    const exportSettings = (scope: vscode.Uri): ExportSettingsMessage => ({
      type: 'exportSettings',
      theme: vscode.workspace.getConfiguration('latent', scope).get<string>('outputs.exportTheme', 'editor') === 'light' ? 'light' : 'editor',
      rendererImage: staticImageMode(scope) === 'renderer',
    });
    const received = messaging.onDidReceiveMessage(({ editor, message }) => {
      const m = message as Message;
      if (m?.type === 'saveFigure') void saveFigure(editor.notebook, m);
      else if (m?.type === 'exportSettings?') void messaging.postMessage(exportSettings(editor.notebook.uri), editor);
      else if (m?.type === 'copiedFigure') void vscode.window.setStatusBarMessage('Latent: copied the figure as PNG', 5000);
      else if (m?.type === 'copyFigure' && typeof m.svg === 'string') void copySvg(m.svg, m.reason);
      else if (m?.type === 'outputImage' && staticImageMode(editor.notebook.uri) === 'renderer') {
        this.pending.push({ notebook: editor.notebook, key: { mime: m.mime, fingerprint: m.fingerprint }, png: m.png });
        void this.flush();
      }
    });
    const changed = vscode.workspace.onDidChangeConfiguration((e) => {
      if (e.affectsConfiguration('latent.outputs.exportTheme') || e.affectsConfiguration('latent.outputs.staticImage')) for (const editor of vscode.window.visibleNotebookEditors) void messaging.postMessage(exportSettings(editor.notebook.uri), editor);
    });
    this.subscription = vscode.Disposable.from(received, changed);
  }

  /** The controller starts running `cells`; images wait until it has run them all. */
  begin(cells: readonly vscode.NotebookCell[]): void {
    this.running++;
    cells.forEach((cell) => this.ran.add(cell));
  }

  end(): void {
    this.running--;
    void this.flush();
  }

  private flushing = false;

  /** One image at a time, each in its own short execution. */
  private async flush(): Promise<void> {
    if (this.flushing) return;
    this.flushing = true;
    try {
      while (this.running === 0 && this.pending.length) {
        const { notebook, key, png } = this.pending.shift()!;
        await attachImage(this.controller, notebook, key, png, (cell) => this.ran.has(cell)).catch((error: unknown) => console.error('Latent: adding the output image failed', error));
      }
    } finally {
      this.flushing = false;
    }
  }

  dispose(): void {
    this.subscription.dispose();
  }
}

/** The bytes of a data URL (base64 or percent-encoded, as Plotly's toImage gives for PNG and SVG). */
export function dataUrlBytes(dataUrl: string): Uint8Array | undefined {
  const match = /^data:([^,;]+)(;base64)?,(.*)$/s.exec(dataUrl);
  if (!match) return undefined;
  return match[2] ? Buffer.from(match[3]!, 'base64') : Buffer.from(decodeURIComponent(match[3]!), 'utf8');
}

async function saveFigure(notebook: vscode.NotebookDocument, m: Extract<Message, { type: 'saveFigure' }>): Promise<void> {
  const bytes = dataUrlBytes(m.dataUrl);
  if (!bytes) return void vscode.window.showErrorMessage('Latent: the figure could not be turned into an image.');
  const name = `${m.fileName.replace(/[^\w.-]+/g, '_')}.${m.format}`;
  const folder = notebook.uri.scheme === 'untitled' ? vscode.workspace.workspaceFolders?.[0]?.uri : vscode.Uri.joinPath(notebook.uri, '..');
  const target = await vscode.window.showSaveDialog({
    defaultUri: folder ? vscode.Uri.joinPath(folder, name) : undefined,
    filters: m.format === 'png' ? { 'PNG image': ['png'] } : { 'SVG image': ['svg'] },
    title: `Save the figure as ${m.format.toUpperCase()}`,
  });
  if (!target) return;
  await vscode.workspace.fs.writeFile(target, bytes);
  void vscode.window.setStatusBarMessage(`Latent: saved ${vscode.workspace.asRelativePath(target)}`, 5000);
}

/** VS Code's clipboard takes text: the figure as SVG text, which editors and office programs paste as a picture. */
async function copySvg(svg: string, reason: string): Promise<void> {
  await vscode.env.clipboard.writeText(svg);
  void vscode.window.setStatusBarMessage(`Latent: copied the figure as SVG text (${reason})`, 8000);
}

/** Which output: the MIME type and the fingerprint of the text of one of its items. */
export interface OutputKey {
  mime: string;
  fingerprint: string;
}

/**
 * Adds the image to the output the key names (in a cell `eligible` accepts), in place of the host's compact
 * image, unless it already has the renderer's; retries while the cell's run is still ending.
 */
async function attachImage(controller: vscode.NotebookController, notebook: vscode.NotebookDocument, key: OutputKey, png: string, eligible: (cell: vscode.NotebookCell) => boolean, attempts = 20): Promise<void> {
  const bytes = Buffer.from(png, 'base64');
  if (bytes.length === 0 || bytes.length > MAX_IMAGE_BYTES) return;
  for (let attempt = 0; attempt < attempts; attempt++) {
    const found = findOutput(notebook, key);
    if (!found || !eligible(found.cell) || found.output.items.some((item) => item.mime === 'image/png' && !isCompactImage(item.data))) return;
    const { cell, output } = found;
    // Within the output's byte budget (base64 in the notebook file), or the compact image stays.
    const others = output.items.filter((item) => item.mime !== 'image/png').reduce((sum, item) => sum + item.data.byteLength, 0);
    if (others + png.length > maxOutputBytes(notebook.uri)) return;
    let execution: vscode.NotebookCellExecution;
    try {
      execution = controller.createNotebookCellExecution(cell);
    } catch {
      // The run that made the output has not ended yet: VS Code allows one execution per cell.
      await new Promise((resolve) => setTimeout(resolve, 250));
      continue;
    }
    const summary = cell.executionSummary;
    const started = Date.now();
    try {
      if (summary?.executionOrder !== undefined) execution.executionOrder = summary.executionOrder;
      execution.start(started);
      // Never leave the cell looking busy: end soon even when the edit's promise has not settled.
      await Promise.race([
        execution.replaceOutputItems([...output.items.filter((item) => item.mime !== 'image/png'), new vscode.NotebookCellOutputItem(bytes, 'image/png')], output),
        new Promise((resolve) => setTimeout(resolve, EDIT_TIMEOUT_MS)),
      ]);
    } finally {
      // Images come only from finished, not failed, outputs: the run succeeded unless it said otherwise.
      try {
        execution.end(summary?.success ?? true, Date.now());
      } catch (error) {
        console.error('Latent: ending the image execution failed', error);
      }
    }
    return;
  }
}

function findOutput(notebook: vscode.NotebookDocument, key: OutputKey): { cell: vscode.NotebookCell; output: vscode.NotebookCellOutput } | undefined {
  const decoder = new TextDecoder();
  for (const cell of notebook.getCells()) {
    const output = cell.outputs.find((o) => o.items.some((item) => item.mime === key.mime && textFingerprint(decoder.decode(item.data)) === key.fingerprint));
    if (output) return { cell, output };
  }
  return undefined;
}
