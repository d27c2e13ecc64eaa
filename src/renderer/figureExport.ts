/**
 * Saving figures and the static image of an output. Each figure's toolbar (the
 * Plotly mode bar) gets "Save as PNG" and "Save as SVG": the renderer makes the
 * image and, where VS Code gives it messaging, sends it to the extension host,
 * which asks where to save it (a webview cannot download files); elsewhere
 * Plotly's own download is used. With the setting latent.outputs.staticImage
 * = "renderer", at the end of a run the renderer sends a PNG of the output's
 * first figures, which the host puts beside the JSON as `image/png` in place of
 * the compact one it drew itself (so that GitHub, nbconvert and Jupyter show
 * the plots); otherwise it sends none.
 */

import type { Data, Layout, ModeBarButton } from 'plotly.js';

export type ImageFormat = 'png' | 'svg';

/** Messages from the renderer to the extension host (src/extension/outputImages.ts reads them). */
export type RendererMessage =
  | { type: 'saveFigure'; format: ImageFormat; fileName: string; dataUrl: string }
  /** The renderer put the figure on the clipboard as a PNG (`png`), or could not and sends its SVG text for the host to copy. */
  | { type: 'copiedFigure'; format: 'png' }
  | { type: 'copyFigure'; svg: string; reason: string }
  /** Asks the host for the export settings (it answers with an ExportSettingsMessage). */
  | { type: 'exportSettings?' }
  /** The output is named by its item's MIME type and the fingerprint of its text (engine/output/fingerprint.ts). */
  | { type: 'outputImage'; mime: string; fingerprint: string; png: string };

/**
 * The host's answer, and its news when a setting changes: `light` exports on white with dark text, for
 * publication; `rendererImage`, whether the host wants the renderer's PNG of finished outputs.
 */
export interface ExportSettingsMessage {
  type: 'exportSettings';
  theme: ExportTheme;
  rendererImage?: boolean;
}
export type ExportTheme = 'editor' | 'light';

let exportTheme: ExportTheme = 'editor';

export function setExportTheme(theme: ExportTheme): void {
  exportTheme = theme;
}

/** Until the host says otherwise it draws the static image itself, and the webview spends nothing on one. */
let rendererImage = false;

export function setRendererImage(wanted: boolean): void {
  rendererImage = wanted;
}

export function wantsRendererImage(): boolean {
  return rendererImage;
}

export interface ImageMaker {
  /** Plotly.toImage: a data URL of the figure in `div` (or of a figure object). */
  toImage(root: HTMLElement | { data: Data[]; layout: Partial<Layout> }, options: { format: ImageFormat; width: number; height: number; scale?: number }): Promise<string>;
  /** Plotly.downloadImage, where there is no host to save through. */
  downloadImage(div: HTMLElement, options: { format: ImageFormat; filename: string; width: number; height: number }): Promise<unknown>;
}

let post: ((message: RendererMessage) => void) | undefined;
let maker: ImageMaker | undefined;

/** Called once by activate(): how to make images, and how to reach the host (undefined: no messaging). */
export function configureFigureExport(imageMaker: ImageMaker, postMessage: ((message: RendererMessage) => void) | undefined): void {
  maker = imageMaker;
  post = postMessage;
}

interface PlotDiv extends HTMLElement {
  data?: Data[];
  layout?: Partial<Layout>;
}
const SVG_ICON = { width: 1000, height: 1000, path: 'M150 100h450l250 250v550h-700z M580 130v240h240 M250 620h100v-40h-60v-40h60v-40h-100v120 M380 500l40 120l40-120 M600 500h-100v120h100v-60h-40' };

/** Buttons by file name: Plotly.react redraws from scratch when the config changes, and new click closures would be a change. */
const buttonsByName = new Map<string, ModeBarButton[]>();

/** The mode bar buttons that save the figure `fileName` as PNG and as SVG (the same objects for the same name). */
export function exportButtons(fileName: string): ModeBarButton[] {
  const known = buttonsByName.get(fileName);
  if (known) return known;
  const buttons: ModeBarButton[] = [
    { name: 'latent-save-png', title: 'Save as PNG', icon: PNG_ICON, click: (gd) => void saveFigure(gd as unknown as PlotDiv, 'png', fileName) },
    { name: 'latent-save-svg', title: 'Save as SVG', icon: SVG_ICON, click: (gd) => void saveFigure(gd as unknown as PlotDiv, 'svg', fileName) },
  ];
  buttons.push({ name: 'latent-copy', title: 'Copy to clipboard', icon: COPY_ICON, click: (gd) => void copyFigure(gd as unknown as PlotDiv) });
  buttonsByName.set(fileName, buttons);
  return buttons;
}

const COPY_ICON = { width: 1000, height: 1000, path: 'M300 250h450v600h-450z M200 150h450v60h-390v540h-60z' };
const PNG_ICON = { width: 1000, height: 1000, path: 'M150 100h450l250 250v550h-700z M580 130v240h240 M250 500v160 M250 500h60q40 0 40 40q0 40 -40 40h-60' };

/**
 * The figure as an image on an opaque background (the editor's colour), at
 * its size on screen and twice the pixels for PNG: a transparent background
 * would lose the theme's light text on a white page.
 */
export async function saveFigure(div: PlotDiv, format: ImageFormat, fileName: string): Promise<void> {
  if (!maker) return;
  const width = Math.max(div.clientWidth || 0, 320);
  const height = Math.max(div.clientHeight || 0, 200);
  const background = opaqueBackground(div);
  if (!post) {
    await maker.downloadImage(div, { format, filename: fileName, width, height });
    return;
  }
  const dataUrl = await maker.toImage(exportedFigure(div, background), { format, width, height, scale: format === 'png' ? 2 : 1 });
  post({ type: 'saveFigure', format, fileName, dataUrl });
}

/** Light colours for publication: text and axes dark on white, whatever the editor's theme. */
const LIGHT = { background: '#ffffff', text: '#222222', axis: '#555555', grid: '#e5e5e5' };

/**
 * The figure as exported: on an opaque background, in the editor's colours
 * or (setting latent.outputs.exportTheme = "light") recoloured for a white
 * page; the traces keep their colours.
 */
export function exportedFigure(div: PlotDiv, editorBackground: string): { data: Data[]; layout: Partial<Layout> } {
  const layout: Record<string, unknown> = { ...(div.layout ?? {}) };
  if (exportTheme !== 'light') return { data: div.data ?? [], layout: { ...layout, paper_bgcolor: editorBackground, plot_bgcolor: editorBackground } };
  for (const key of Object.keys(layout)) {
    if (!/^[xy]axis\d*$/.test(key)) continue;
    const axis = layout[key] as Record<string, unknown>;
    const title = axis.title as { text?: string; font?: object } | undefined;
    layout[key] = { ...axis, color: LIGHT.axis, gridcolor: LIGHT.grid, linecolor: LIGHT.axis, tickcolor: LIGHT.axis, ...(title ? { title: { ...title, font: { ...(title.font ?? {}), color: LIGHT.text } } } : {}) };
  }
  const font = (layout.font as object | undefined) ?? {};
  const legend = layout.legend as { font?: object } | undefined;
  return {
    data: div.data ?? [],
    layout: {
      ...layout,
      paper_bgcolor: LIGHT.background,
      plot_bgcolor: LIGHT.background,
      font: { ...font, color: LIGHT.text },
      ...(legend ? { legend: { ...legend, font: { ...(legend.font ?? {}), color: LIGHT.text } } } : {}),
    } as Partial<Layout>,
  };
}

/**
 * Copies the figure: as a PNG through the webview's clipboard (Chromium takes
 * a ClipboardItem whose data is still being made, so the click's user
 * activation is used at once); where that is refused, as SVG text through the
 * host, whose clipboard takes text only.
 */
export async function copyFigure(div: PlotDiv): Promise<void> {
  if (!maker) return;
  const width = Math.max(div.clientWidth || 0, 320);
  const height = Math.max(div.clientHeight || 0, 200);
  const figure = exportedFigure(div, opaqueBackground(div));
  const win = div.ownerDocument.defaultView as (Window & { ClipboardItem?: typeof ClipboardItem }) | null;
  try {
    if (!win?.ClipboardItem || !win.navigator.clipboard?.write) throw new Error('this webview has no image clipboard');
    const png = maker.toImage(figure, { format: 'png', width, height, scale: 2 }).then(async (url) => (await fetch(url)).blob());
    await win.navigator.clipboard.write([new win.ClipboardItem({ 'image/png': png })]);
    post?.({ type: 'copiedFigure', format: 'png' });
  } catch (error) {
    if (!post) return;
    const svg = await maker.toImage(figure, { format: 'svg', width, height });
    const match = /^data:image\/svg\+xml(;base64)?,(.*)$/s.exec(svg);
    const text = !match ? svg : match[1] ? atob(match[2]!) : decodeURIComponent(match[2]!);
    post({ type: 'copyFigure', svg: text, reason: error instanceof Error ? error.message : String(error) });
  }
}

function opaqueBackground(element: HTMLElement): string {
  const style = element.ownerDocument.defaultView?.getComputedStyle(element.ownerDocument.documentElement);
  const color = style?.getPropertyValue('--vscode-editor-background').trim();
  return color || '#ffffff';
}

/** Figures in one output's static image at most, and the size of each. */
const IMAGE_FIGURES = 6;
const CELL_WIDTH = 420;
const CELL_HEIGHT = 200;

/**
 * Sends the host one PNG of the output's first figures (two per row, each
 * 420 × 200 px, on the editor's background): about 50–250 kB, well within
 * what a notebook output should hold. Nothing without messaging or figures.
 */
export async function sendOutputImage(root: HTMLElement, output: { mime: string; fingerprint: string }): Promise<boolean> {
  if (!post || !maker) return false;
  const divs = [...root.querySelectorAll<PlotDiv>('.js-plotly-plot')].filter((div) => !div.closest('[hidden]')).slice(0, IMAGE_FIGURES);
  if (divs.length === 0) return false;
  const background = opaqueBackground(root);
  const images = await Promise.all(
    divs.map((div) => maker!.toImage({ data: div.data ?? [], layout: { ...(div.layout ?? {}), paper_bgcolor: background, plot_bgcolor: background, width: CELL_WIDTH, height: CELL_HEIGHT } }, { format: 'png', width: CELL_WIDTH, height: CELL_HEIGHT })),
  );
  const png = await stitch(root.ownerDocument, images, background);
  if (!png) return false;
  post({ type: 'outputImage', mime: output.mime, fingerprint: output.fingerprint, png });
  return true;
}

/** The images in a grid of two columns on one canvas, as base64 PNG (undefined where there is no canvas). */
async function stitch(doc: Document, dataUrls: string[], background: string): Promise<string | undefined> {
  const columns = Math.min(2, dataUrls.length);
  const rows = Math.ceil(dataUrls.length / columns);
  const canvas = doc.createElement('canvas');
  canvas.width = columns * CELL_WIDTH;
  canvas.height = rows * CELL_HEIGHT;
  let context: CanvasRenderingContext2D | null = null;
  try {
    context = canvas.getContext('2d');
  } catch {
    return undefined;
  }
  if (!context) return undefined;
  context.fillStyle = background;
  context.fillRect(0, 0, canvas.width, canvas.height);
  const loaded = await Promise.all(dataUrls.map((url) => loadImage(doc, url)));
  loaded.forEach((image, k) => context!.drawImage(image, (k % columns) * CELL_WIDTH, Math.floor(k / columns) * CELL_HEIGHT, CELL_WIDTH, CELL_HEIGHT));
  return canvas.toDataURL('image/png').replace(/^data:image\/png;base64,/, '');
}

function loadImage(doc: Document, url: string): Promise<HTMLImageElement> {
  return new Promise((resolve, reject) => {
    const image = doc.createElement('img');
    image.onload = () => resolve(image);
    image.onerror = () => reject(new Error('a figure image did not load'));
    image.src = url;
  });
}
