import * as vscode from 'vscode';
import { staticImage } from '../engine/image/staticImage';
import type { JobOutput } from '../engine/job/output';
import { maxOutputBytes, staticImageMode } from './settings';

/**
 * A finished job's items with its static image added (`image/png`, drawn here
 * from the final output; src/engine/image), so that the saved notebook shows
 * the plots on GitHub, in nbconvert and in Jupyter. Made as the run ends, in
 * the run's own execution: no webview, no extra execution, nothing to wait
 * for. Left out when the setting says so, when there is nothing to draw, or
 * when it would take the output past its byte budget.
 */
export function withStaticImage(items: vscode.NotebookCellOutputItem[], o: JobOutput, uri: vscode.Uri): vscode.NotebookCellOutputItem[] {
  if (staticImageMode(uri) === 'off') return items;
  let png: Uint8Array | undefined;
  try {
    png = staticImage(o);
  } catch (error) {
    // The run's results matter more than their picture: end the run without it.
    console.error('Latent: drawing the static image failed', error);
    return items;
  }
  if (!png) return items;
  const stored = items.reduce((sum, item) => sum + item.data.byteLength, 0) + base64Length(png.byteLength);
  return stored <= maxOutputBytes(uri) ? [...items, new vscode.NotebookCellOutputItem(png, 'image/png')] : items;
}

/** The notebook file keeps images in base64. */
function base64Length(bytes: number): number {
  return 4 * Math.ceil(bytes / 3);
}
