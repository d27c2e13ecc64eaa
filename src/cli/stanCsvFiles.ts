import { mkdirSync, writeFileSync } from 'node:fs';
import { basename, extname, join } from 'node:path';
import { stanCsvText } from '../engine/output/stanCsvWriter';
import type { RunSettings } from '../engine/output/runOutput';
import type { DrawStore } from '../engine/run/drawStore';

/**
 * `latent sample --output-dir DIR`: writes DIR/<model>_<chain>.csv for each
 * chain (CmdStan's layout, see stanCsvWriter). Returns the paths, or
 * undefined after saying why the folder could not be written.
 */
export function writeStanCsv(dir: string, modelFile: string, draws: { store: DrawStore; names: string[] }, settings: RunSettings, err: (text: string) => void): string[] | undefined {
  const stem = basename(modelFile, extname(modelFile));
  const { store, names } = draws;
  try {
    mkdirSync(dir, { recursive: true });
    return Array.from({ length: store.chains }, (_, chain) => {
      const path = join(dir, `${stem}_${chain + 1}.csv`);
      writeFileSync(path, stanCsvText(store, names, chain, settings, basename(modelFile)));
      return path;
    });
  } catch (error) {
    err(`cannot write the draws to ${dir}: ${error instanceof Error ? error.message : String(error)}`);
    return undefined;
  }
}
