/**
 * The extension host's side of the renderer's messages (src/renderer/figureExport.ts):
 * - `saveFigure`: asks where to save a figure's PNG or SVG (next to the
 *   notebook by default) and writes it;
 * - `outputImage?` / `outputImage`: before a run's execution ends, the host
 *   sends the renderer the final output and waits briefly for a PNG of its
 *   main figures, which the cell's output then holds as `image/png` beside
 *   its JSON and text, so that the saved notebook shows plots where the
 *   Latent renderer is absent (GitHub, nbconvert, Jupyter). Within the run's
 *   own execution, because VS Code lets outputs change only through one, and
 *   a second execution would take the cell from the user's next Run.
 */

import * as vscode from 'vscode';

export const RENDERER_ID = 'latent-run-renderer';

/** Largest image kept in an output; the renderer's are far smaller (≈ 0.1–0.3 MB). */
const MAX_IMAGE_BYTES = 1_000_000;
/**
 * How long a run's end waits for its image, unless `latent.outputs.staticImageWaitMs`
 * says otherwise. The renderer draws it from the final output it is sent,
 * apart from its live view: a few small figures, 0.3–0.4 s in the e2e
 * notebook when the webview is free, but several seconds when the machine is
 * saturated. Past this the cell ends without an image rather than look busy.
 */
export const IMAGE_WAIT_MS = 1500;

type Message =
  | { type: 'saveFigure'; format: 'png' | 'svg'; fileName: string; dataUrl: string }
  | { type: 'copiedFigure'; format: 'png' }
  | { type: 'copyFigure'; svg: string; reason: string }
  | { type: 'exportSettings?' }
  | { type: 'outputImage'; id: number; png: string; ms: number };

/**
 * Receives the renderer's messages, and asks it for output images (setting
 * `latent.outputs.staticImage`, off by default: on a saturated machine the
 * notebook's webview answered 0.5–20 s after the run ended, busy with the
 * run's live updates, so most runs would wait and still end without one).
 */
export class OutputImages implements vscode.Disposable {
  private readonly subscription: vscode.Disposable;
  private readonly messaging: vscode.NotebookRendererMessaging;
  private readonly waiting = new Map<number, (answer: { png: string; ms: number } | undefined) => void>();
  private nextId = 1;
  /** When each image was asked for, to log how late a late one came. */
  private readonly asked = new Map<number, number>();

  constructor(private readonly log?: (line: string) => void) {
    const messaging = vscode.notebooks.createRendererMessaging(RENDERER_ID);
    this.messaging = messaging;
    const exportSettings = (scope?: vscode.Uri) => ({ type: 'exportSettings', theme: vscode.workspace.getConfiguration('latent', scope).get<string>('outputs.exportTheme', 'editor') === 'light' ? 'light' : 'editor' });
    const received = messaging.onDidReceiveMessage(({ editor, message }) => {
      const m = message as Message;
      if (m?.type === 'saveFigure') void saveFigure(editor.notebook, m);
      else if (m?.type === 'exportSettings?') void messaging.postMessage(exportSettings(editor.notebook.uri), editor);
      else if (m?.type === 'copiedFigure') void vscode.window.setStatusBarMessage('Latent: copied the figure as PNG', 5000);
      else if (m?.type === 'copyFigure' && typeof m.svg === 'string') void copySvg(m.svg, m.reason);
      else if (m?.type === 'outputImage' && typeof m.id === 'number') {
        const waiting = this.waiting.get(m.id);
        if (waiting) waiting({ png: typeof m.png === 'string' ? m.png : '', ms: m.ms });
        else this.log?.(`output image ${m.id} came too late: drawn in ${m.ms} ms, ${Date.now() - (this.asked.get(m.id) ?? Date.now())} ms after it was asked for`);
        this.asked.delete(m.id);
      }
    });
    const changed = vscode.workspace.onDidChangeConfiguration((e) => {
      if (e.affectsConfiguration('latent.outputs.exportTheme')) for (const editor of vscode.window.visibleNotebookEditors) void messaging.postMessage(exportSettings(editor.notebook.uri), editor);
    });
    this.subscription = vscode.Disposable.from(received, changed);
  }

  /**
   * The PNG of `output` (a final output of MIME type `mime`) from the renderer
   * of a visible editor of `notebook`, or undefined: setting off, no editor
   * shows the notebook, no renderer answered within the wait, or the
   * output has no figures.
   */
  async imageFor(notebook: vscode.NotebookDocument, mime: string, output: unknown): Promise<Uint8Array | undefined> {
    const settings = vscode.workspace.getConfiguration('latent', notebook.uri);
    if (!settings.get<boolean>('outputs.staticImage', false)) return undefined;
    const waitMs = Math.min(Math.max(settings.get<number>('outputs.staticImageWaitMs', IMAGE_WAIT_MS), 0), 60_000);
    const editor = vscode.window.visibleNotebookEditors.find((e) => e.notebook === notebook);
    if (!editor) return undefined;
    const id = this.nextId++;
    const started = Date.now();
    this.asked.set(id, started);
    // Answers that never come (no renderer) leave their entry: keep only the latest hundred.
    if (this.asked.size > 100) this.asked.delete(this.asked.keys().next().value!);
    let timer: NodeJS.Timeout | undefined;
    const answer = await new Promise<{ png: string; ms: number } | undefined>((resolve) => {
      this.waiting.set(id, resolve);
      timer = setTimeout(() => resolve(undefined), waitMs);
      // Not delivered: no renderer is loaded in that editor yet (its first output was the final one).
      Promise.resolve(this.messaging.postMessage({ type: 'outputImage?', id, mime, output }, editor)).then(
        (delivered) => delivered || resolve(undefined),
        () => resolve(undefined),
      );
    });
    clearTimeout(timer);
    this.waiting.delete(id);
    const bytes = answer?.png ? Buffer.from(answer.png, 'base64') : undefined;
    this.log?.(answer ? `output image: ${bytes?.length ?? 0} bytes, drawn in ${answer.ms} ms, ${Date.now() - started} ms after the run ended` : `output image: none within ${Date.now() - started} ms`);
    return bytes && bytes.length > 0 && bytes.length <= MAX_IMAGE_BYTES ? bytes : undefined;
  }

  dispose(): void {
    this.subscription.dispose();
    for (const resolve of this.waiting.values()) resolve(undefined);
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

