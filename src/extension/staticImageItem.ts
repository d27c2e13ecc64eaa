import * as vscode from 'vscode';
import { IMAGE_NODES, staticImage } from '../engine/image/staticImage';
import type { JobOutput } from '../engine/job/output';
import { maxOutputBytes, staticImageMode } from './settings';

/**
 * A finished job's items with its static image added (`image/png`, drawn here
 * from the final output; src/engine/image), so that the saved notebook shows
 * the plots on GitHub, in nbconvert and in Jupyter. Made as the run ends, in
 * the run's own execution: no webview, no extra execution, nothing to wait
 * for. Where it would take the output past its byte budget, it shows fewer
 * nodes (4, 2, then 1); left out when the setting says so, when there is
 * nothing to draw, or when even one node's would not fit.
 */
export function withStaticImage(items: vscode.NotebookCellOutputItem[], o: JobOutput, uri: vscode.Uri): vscode.NotebookCellOutputItem[] {
  if (staticImageMode(uri) === 'off') return items;
  const room = maxOutputBytes(uri) - items.reduce((sum, item) => sum + item.data.byteLength, 0);
  try {
    for (let nodes = IMAGE_NODES; nodes >= 1; nodes = Math.floor(nodes / 2)) {
      const png = staticImage(o, nodes);
      if (!png) return items;
      if (base64Length(png.byteLength) <= room) return [...items, new vscode.NotebookCellOutputItem(png, 'image/png')];
      // A fit's image (its objective curve) does not shrink with fewer nodes.
      if (o.kind === 'fit') return items;
    }
  } catch (error) {
    // The run's results matter more than their picture: end the run without it.
    console.error('Latent: drawing the static image failed', error);
  }
  return items;
}

/** The notebook file keeps images in base64. */
function base64Length(bytes: number): number {
  return 4 * Math.ceil(bytes / 3);
}
