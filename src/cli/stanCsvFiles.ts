import { mkdirSync, writeFileSync } from 'node:fs';
import { basename, extname, join } from 'node:path';
import { stanCsvText } from '../engine/output/stanCsvWriter';
import type { RunOutcome } from '../engine/run/runner';

/**
 * `latent sample --output-dir DIR`: writes DIR/<model>_<chain>.csv for each
 * chain (CmdStan's layout, see stanCsvWriter). Returns the paths, or
 * undefined after saying why the folder could not be written.
 */
export function writeStanCsv(dir: string, modelFile: string, outcome: RunOutcome, err: (text: string) => void): string[] | undefined {
  const draws = outcome.draws!;
  const stem = basename(modelFile, extname(modelFile));
  const names = outcome.monitors.map((m) => m.name);
  try {
    mkdirSync(dir, { recursive: true });
    return Array.from({ length: draws.chains }, (_, chain) => {
      const path = join(dir, `${stem}_${chain + 1}.csv`);
      writeFileSync(path, stanCsvText(draws, names, chain, outcome.output.settings, basename(modelFile)));
      return path;
    });
  } catch (error) {
    err(`cannot write the draws to ${dir}: ${error instanceof Error ? error.message : String(error)}`);
    return undefined;
  }
}
