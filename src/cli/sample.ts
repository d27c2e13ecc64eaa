import { resolve } from 'node:path';
import type { JobWorkers } from '../engine/job/startJob';
import { outputText } from '../engine/job/output';
import { BUILT_IN_DEFAULTS, type RunDefaults } from '../engine/run/request';
import { runModelFile } from './runModelFile';
import { sampleJson } from './sampleJson';
import { parsePredictiveText } from '../engine/run/predictive';
import { writeStanCsv } from './stanCsvFiles';

/** `latent sample`'s options, read from its arguments. */
export interface SampleArguments {
  defaults: RunDefaults;
  json: boolean;
  dataFiles: string[];
  initsFiles: string[];
  /** Where to write the kept draws as Stan CSV, one file per chain. */
  outputDir?: string;
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
    if (flag === '--loo' || flag === '--ppc') {
      parsed.defaults[flag === '--loo' ? 'loo' : 'ppc'] = true;
      continue;
    }
    const value = args[++k];
    if (value === undefined || value.startsWith('--')) return `${flag} needs a value`;
    if (flag === '--output-dir') {
      parsed.outputDir = resolve(value);
    } else if (flag === '--data' || flag === '--inits') {
      (flag === '--data' ? parsed.dataFiles : parsed.initsFiles).push(resolve(value));
    } else if (flag === '--monitor') {
      const names = splitMonitorList(value);
      if (names.length === 0) return '--monitor needs node names, as in --monitor mu,theta[3]';
      for (const name of names) {
        const predictive = parsePredictiveText(name);
        if (typeof predictive === 'string') return predictive;
        if (predictive && parsed.defaults.predictive) return '--monitor takes one predictive(...) vector';
        if (predictive) parsed.defaults.predictive = predictive;
        else monitor.push(name);
      }
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

/** `a,b[1,2], c` → ['a', 'b[1,2]', 'c']: commas inside brackets belong to an element's index (inside parentheses, to predictive(...)'s arguments). */
export function splitMonitorList(text: string): string[] {
  const names: string[] = [];
  let depth = 0;
  let current = '';
  for (const ch of text) {
    if (ch === '[' || ch === '(') depth++;
    if (ch === ']' || ch === ')') depth = Math.max(0, depth - 1);
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
export async function runSample(file: string, args: SampleArguments, workers: JobWorkers, out: (text: string) => void, err: (text: string) => void): Promise<number> {
  return runModelFile(
    file,
    {
      kind: 'sample',
      choices: { sample: args.defaults },
      dataFiles: args.dataFiles,
      initsFiles: args.initsFiles,
      format: (o) => (args.json && o.kind === 'sample' ? JSON.stringify(sampleJson(o.output)) : outputText(o)),
      // --output-dir: the draws as Stan CSV per chain, before the summary is printed; a folder that cannot be written fails the command.
      beforePrint: (o) => {
        if (!args.outputDir || o.kind !== 'sample' || !o.draws || o.output.status === 'failed') return true;
        return writeStanCsv(args.outputDir, file, o.draws, o.output.settings, err) !== undefined;
      },
    },
    workers, out, err,
  );
}
