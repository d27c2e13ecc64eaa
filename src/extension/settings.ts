import { dirname } from 'node:path';
import * as vscode from 'vscode';
import type { JobChoices } from '../engine/job/job';
import { DEFAULT_MAX_OUTPUT_BYTES } from '../engine/job/outputBudget';
import type { ReadOptions, RunDefaults } from '../engine/run/request';

/** The run defaults from the user's `latent.sampling.*` settings. */
export function runDefaults(scope?: vscode.Uri): RunDefaults {
  const config = vscode.workspace.getConfiguration('latent.sampling', scope);
  const seed = config.get<number | null>('seed', null);
  const defaults: RunDefaults = {
    chains: config.get('chains', 4),
    burnin: config.get('burnin', 1000),
    iterations: config.get('iterations', 2000),
    thin: 1,
  };
  if (typeof seed === 'number') defaults.seed = seed;
  return defaults;
}

/** What the settings add to a document's job: sampling's defaults, and the seed setting for fits and calibrations too. */
export function jobChoices(scope?: vscode.Uri): JobChoices {
  const sample = runDefaults(scope);
  const seeded = sample.seed === undefined ? {} : { seed: sample.seed };
  return { sample, fit: seeded, calibrate: seeded };
}

/** Data files are read relative to the document's folder; an untitled document has none, and reads absolute paths only. */
export function readOptionsFor(uri: vscode.Uri): ReadOptions {
  const limits = vscode.workspace.getConfiguration('latent.limits', uri);
  const megabytes = (key: string, fallback: number): number => {
    const value = limits.get<number>(key, fallback);
    return (typeof value === 'number' && value > 0 ? value : fallback) * 1024 * 1024;
  };
  return {
    baseDirectory: uri.scheme === 'file' ? dirname(uri.fsPath) : undefined,
    maxFileBytes: megabytes('maxFileMB', 512),
    maxDrawBytes: megabytes('maxDrawMB', 1024),
    maxModelBytes: megabytes('maxModelMB', 4096),
  };
}

/** The byte budget of one run output's rendered view (setting latent.output.maxBytes). */
export function maxOutputBytes(uri: vscode.Uri): number {
  const value = vscode.workspace.getConfiguration('latent.output', uri).get<number>('maxBytes', DEFAULT_MAX_OUTPUT_BYTES);
  return typeof value === 'number' && value >= 20_000 ? value : DEFAULT_MAX_OUTPUT_BYTES;
}

/**
 * The static image kept in a finished output as `image/png` (setting latent.outputs.staticImage):
 * 'compact' (the default) is drawn by the host from the final output as the run ends; 'renderer'
 * starts from it and swaps in the renderer's Plotly image when the webview sends one; 'off' keeps none.
 * The setting was a boolean before: true meant the renderer's image, false none.
 */
export type StaticImageMode = 'compact' | 'renderer' | 'off';

export function staticImageMode(uri: vscode.Uri): StaticImageMode {
  const value = vscode.workspace.getConfiguration('latent.outputs', uri).get<unknown>('staticImage', 'compact');
  if (value === true) return 'renderer';
  if (value === false) return 'off';
  return value === 'renderer' || value === 'off' ? value : 'compact';
}

/** Bytes of an output's budget kept for its static image (base64, as the notebook stores it): at most a fifth. */
export function staticImageReserve(uri: vscode.Uri): number {
  return staticImageMode(uri) === 'off' ? 0 : Math.min(STATIC_IMAGE_RESERVE, Math.floor(maxOutputBytes(uri) / 5));
}

/**
 * An output cut to its budget has traces thinned to 200 points per chain: its image is ≈ 50 kB, 65 kB in
 * base64. Larger images (four unthinned noisy traces, ≈ 140 kB) come with small views that leave room.
 */
const STATIC_IMAGE_RESERVE = 100_000;

/** The budget of a run output's JSON view: the output's budget less what its static image may take. */
export function viewBytes(uri: vscode.Uri): number {
  return maxOutputBytes(uri) - staticImageReserve(uri);
}
