import * as vscode from 'vscode';
import type { RunDefaults } from '../engine/run/request';

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
