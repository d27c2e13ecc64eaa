import { dirname, resolve } from 'node:path';
import { readTextFile } from '../../engine/data/files';
import { printable } from '../../engine/language/messageText';
import { formatProblem, ModelError } from '../../engine/language/source';
import type { ChainThreadSettings } from './chainPlacement';
import { runScript } from './interpreter';
import { parseScript } from './script';

export interface JagsRunOptions {
  /** The seed of chains whose inits give no .RNG.seed. */
  seed: number;
  /** Where CODA and other output files go; the current folder by default, as JAGS writes them. */
  outputDirectory?: string;
  /** Overwrite CODA files already there (--force); else the script stops before it runs. */
  force?: boolean;
  /** Worker threads for the chains of a large script (the CLI's: dist/sessionWorker.js); else all chains run in this thread. */
  chainThreads?: ChainThreadSettings;
}

/**
 * `latent jags SCRIPT.cmd`: runs a JAGS script. Files it reads are found
 * relative to the script's folder; files it writes go to the current folder.
 * Returns the exit code: 0, or 1 after printing `file:line:column: error: …`.
 */
export function runJags(scriptPath: string, options: JagsRunOptions, out: (line: string) => void, err: (line: string) => void): number {
  let text: string;
  try {
    text = readTextFile(scriptPath);
  } catch (e) {
    err(printable(`${scriptPath}:1:1: error: cannot read the script: ${(e as Error).message}`));
    return 1;
  }
  let commands;
  try {
    commands = parseScript(text);
  } catch (e) {
    if (!(e instanceof ModelError)) throw e;
    for (const p of e.problems) err(formatProblem(p, scriptPath));
    return 1;
  }
  const failures = runScript(commands, {
    scriptName: scriptPath,
    inputDirectory: dirname(resolve(scriptPath)),
    outputDirectory: options.outputDirectory ?? process.cwd(),
    seed: options.seed,
    overwrite: options.force ?? false,
    ...(options.chainThreads ? { chainThreads: options.chainThreads } : {}),
    log: out,
    warn: (p, file) => err(formatProblem(p, file)),
  });
  for (const f of failures) err(formatProblem(f.problem, f.file));
  return failures.length ? 1 : 0;
}
