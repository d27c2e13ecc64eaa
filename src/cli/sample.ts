import { randomInt } from 'node:crypto';
import { resolve } from 'node:path';
import { formatSummaryTable } from '../engine/output/summaryTable';
import { BUILT_IN_DEFAULTS, readRunRequest, type RunDefaults } from '../engine/run/request';
import { startRun, type RunOptions } from '../engine/run/runner';
import { sampleJson } from './sampleJson';
import { readModelRequest, untilDone } from './modelCommand';
import { appendAll } from '../engine/collections';
import { printable } from '../engine/language/messageText';

/** `latent sample`'s options, read from its arguments. */
export interface SampleArguments {
  defaults: RunDefaults;
  json: boolean;
  dataFiles: string[];
  initsFiles: string[];
}

const NUMBER_FLAGS = ['chains', 'burnin', 'iterations', 'thin', 'seed'] as const;

/** Reads the flags after `latent sample MODEL`; a string is the problem with them. */
export function parseSampleArguments(args: string[]): SampleArguments | string {
  const parsed: SampleArguments = { defaults: { ...BUILT_IN_DEFAULTS }, json: false, dataFiles: [], initsFiles: [] };
  const monitor: string[] = [];
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
    } else if (flag === '--monitor') {
      const names = splitMonitorList(value);
      if (names.length === 0) return '--monitor needs node names, as in --monitor mu,theta[3]';
      appendAll(monitor, names);
    } else {
      const name = flag.replace(/^--/, '');
      const number = Number(value);
      if (!(NUMBER_FLAGS as readonly string[]).includes(name)) return `unknown option ${flag}`;
      if (!Number.isInteger(number) || number < 0) return `${flag} takes a whole number ≥ 0, not ${value}`;
      (parsed.defaults as unknown as Record<string, number>)[name] = number;
    }
  }
  if (monitor.length) parsed.defaults.monitor = monitor;
  return parsed;
}

/** `a,b[1,2], c` → ['a', 'b[1,2]', 'c']: commas inside brackets belong to an element's index. */
export function splitMonitorList(text: string): string[] {
  const names: string[] = [];
  let depth = 0;
  let current = '';
  for (const ch of text) {
    if (ch === '[') depth++;
    if (ch === ']') depth = Math.max(0, depth - 1);
    if (ch === ',' && depth === 0) {
      names.push(current);
      current = '';
    } else {
      current += ch;
    }
  }
  names.push(current);
  return names.map((n) => n.replace(/\s+/g, '')).filter((n) => n.length > 0);
}

/**
 * Runs `latent sample MODEL ...`: prints the summary table, or with --json one
 * JSON object (see sampleJson). Returns the exit code: 1 when the model or the
 * run fails, 2 when the model file cannot be read.
 */
export async function runSample(file: string, args: SampleArguments, options: RunOptions, out: (text: string) => void, err: (text: string) => void): Promise<number> {
  const request = readModelRequest(
    file,
    (source, baseDirectory) => readRunRequest(source, args.defaults, () => randomInt(0, 2 ** 31), { baseDirectory, dataFiles: args.dataFiles, initsFiles: args.initsFiles }),
    err,
  );
  if (typeof request === 'number') return request;
  const { output } = await untilDone(startRun(request, options));
  out(args.json ? JSON.stringify(sampleJson(output)) : formatSummaryTable(output));
  if (output.status !== 'failed') return 0;
  for (const m of output.messages) {
    if (m.range) err(printable(`${file}:${m.range.startLine + 1}:${m.range.startColumn + 1}: ${m.severity}: ${m.message}`));
  }
  return 1;
}
