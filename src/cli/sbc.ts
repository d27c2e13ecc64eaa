import { randomInt } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { formatProblem, ModelError } from '../engine/language/source';
import { readCalibrationRequest } from '../engine/sbc/request';
import { startCalibration, type CalibrationOptions } from '../engine/sbc/runner';
import type { SbcSettings } from '../engine/sbc/sbcOutput';
import { formatCalibrationTable } from '../engine/sbc/sbcTable';

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
export async function runSbc(file: string, args: SbcArguments, options: CalibrationOptions, out: (text: string) => void, err: (text: string) => void): Promise<number> {
  let source: string;
  try {
    source = readFileSync(file, 'utf8');
  } catch (e) {
    err(`latent: cannot read ${file}: ${(e as Error).message}`);
    return 2;
  }
  let request;
  try {
    request = readCalibrationRequest(source, args.defaults, () => randomInt(0, 2 ** 31), { baseDirectory: dirname(resolve(file)), dataFiles: args.dataFiles, initsFiles: args.initsFiles });
  } catch (e) {
    if (!(e instanceof ModelError)) throw e;
    for (const p of e.problems) err(formatProblem(p, file));
    return 1;
  }
  const handle = startCalibration(request, options);
  const onInterrupt = (): void => handle.cancel();
  process.once('SIGINT', onInterrupt);
  const output = await handle.result;
  process.removeListener('SIGINT', onInterrupt);
  out(args.json ? JSON.stringify(output) : formatCalibrationTable(output));
  if (output.status !== 'failed') return 0;
  for (const m of output.messages) {
    if (m.range) err(`${file}:${m.range.startLine + 1}:${m.range.startColumn + 1}: ${m.severity}: ${m.message}`);
  }
  return 1;
}
