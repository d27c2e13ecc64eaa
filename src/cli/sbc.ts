import { resolve } from 'node:path';
import { outputText } from '../engine/job/output';
import type { JobWorkers } from '../engine/job/startJob';
import type { SbcSettings } from '../engine/sbc/sbcOutput';
import { runModelFile } from './runModelFile';

/** `latent sbc`'s options, read from its arguments. */
export interface SbcArguments {
  defaults: Partial<SbcSettings>;
  json: boolean;
  dataFiles: string[];
  initsFiles: string[];
}

const NUMBER_FLAGS = ['simulations', 'draws', 'bins', 'burnin', 'thin', 'seed'] as const;

/** Reads the flags after `latent sbc MODEL`; a string is the problem with them. */
export function parseSbcArguments(args: string[]): SbcArguments | string {
  const parsed: SbcArguments = { defaults: {}, json: false, dataFiles: [], initsFiles: [] };
  for (let k = 0; k < args.length; k++) {
    const flag = args[k]!;
    if (flag === '--json') {
      parsed.json = true;
      continue;
    }
    const value = args[++k];
    if (value === undefined || value.startsWith('--')) return `${flag} needs a value`;
    if (flag === '--data' || flag === '--inits') {
      (flag === '--data' ? parsed.dataFiles : parsed.initsFiles).push(resolve(value));
      continue;
    }
    const name = flag.replace(/^--/, '');
    const number = Number(value);
    if (!(NUMBER_FLAGS as readonly string[]).includes(name)) return `unknown option ${flag}`;
    if (!Number.isInteger(number) || number < 0) return `${flag} takes a whole number ≥ 0, not ${value}`;
    parsed.defaults[name as (typeof NUMBER_FLAGS)[number]] = number;
  }
  return parsed;
}

/**
 * Runs `latent sbc MODEL ...`: simulation-based calibration of the model and
 * the samplers the engine picks for it. Prints per node the rank counts per
 * bin, χ² and p-value, or with --json the latent.sbc/1 object. Returns the
 * exit code: 1 when the model or the calibration fails, 2 when the model file
 * cannot be read.
 */
export async function runSbc(file: string, args: SbcArguments, workers: JobWorkers, out: (text: string) => void, err: (text: string) => void): Promise<number> {
  return runModelFile(
    file,
    { kind: 'calibrate', choices: { calibrate: args.defaults }, dataFiles: args.dataFiles, initsFiles: args.initsFiles, format: (o) => (args.json ? JSON.stringify(o.output) : outputText(o)) },
    workers, out, err,
  );
}
