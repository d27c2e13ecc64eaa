import { randomInt } from 'node:crypto';
import { resolve } from 'node:path';
import { readCalibrationRequest } from '../engine/sbc/request';
import { startCalibration, type CalibrationOptions } from '../engine/sbc/runner';
import type { SbcSettings } from '../engine/sbc/sbcOutput';
import { formatCalibrationTable } from '../engine/sbc/sbcTable';
import { readModelRequest, untilDone } from './modelCommand';

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
  const request = readModelRequest(
    file,
    (source, baseDirectory) => readCalibrationRequest(source, args.defaults, () => randomInt(0, 2 ** 31), { baseDirectory, dataFiles: args.dataFiles, initsFiles: args.initsFiles }),
    err,
  );
  if (typeof request === 'number') return request;
  const output = await untilDone(startCalibration(request, options));
  out(args.json ? JSON.stringify(output) : formatCalibrationTable(output));
  if (output.status !== 'failed') return 0;
  for (const m of output.messages) {
    if (m.range) err(`${file}:${m.range.startLine + 1}:${m.range.startColumn + 1}: ${m.severity}: ${m.message}`);
  }
  return 1;
}
