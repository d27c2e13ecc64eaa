import type { Argument, Directive, Document, Expression } from '../language/ast';
import { suggest } from '../language/check';
import type { LoadedFile } from '../data/files';
import type { NamedValues } from '../language/rvalues';
import { collectProblems, ModelError, type Problem, type SourceRange } from '../language/source';
import type { RunSettings } from '../output/runOutput';
import { logicalValue } from './fitOptions';
import { MAX_SEED } from './rngEntries';
import { predictiveSpec, type PredictiveSpec } from './predictive';

/** Settings a run takes when the cell does not say (the extension's configuration, or the CLI's flags). */
export interface RunDefaults {
  chains: number;
  burnin: number;
  iterations: number;
  thin: number;
  /** Undefined: pick a fresh seed (always reported). */
  seed?: number;
  /** Nodes to monitor when the run does not say (the CLI's --monitor); empty or undefined: every unobserved stochastic node. */
  monitor?: string[];
  /** Record pointwise log-likelihoods for model comparison (the CLI's --loo). */
  loo?: boolean;
  /** Posterior predictive checks (the CLI's --ppc). */
  ppc?: boolean;
  /** Predictive summaries (the CLI's --monitor 'predictive(pred,tau,rtest)'). */
  predictive?: PredictiveSpec;
}

export const BUILT_IN_DEFAULTS: RunDefaults = { chains: 4, burnin: 1000, iterations: 2000, thin: 1 };

/** Where the files a request reads are: plain data, so that a chain worker can read the same files. */
export interface RequestFiles {
  /**
   * The folder `data from "file"` reads relative names from: the notebook's
   * folder, or the model file's in the CLI. Undefined for an unsaved
   * notebook, which can then read absolute paths only.
   */
  baseDirectory?: string;
  /** Data files given besides the document (the CLI's --data); their values replace the document's of the same name. */
  dataFiles: string[];
  /** Initial values files given besides the document (the CLI's --inits), likewise. */
  initsFiles: string[];
  /** The largest file read whole (DEFAULT_MAX_FILE_BYTES when not given): a larger one is refused with a message. */
  maxFileBytes?: number;
  /** The most memory the kept draws may take (DEFAULT_MAX_DRAW_BYTES when not given): a larger run is refused before it samples. */
  maxDrawBytes?: number;
  /** The most memory the run's unrolled graphs may take (DEFAULT_MAX_MODEL_BYTES when not given): a larger model is refused before it is built. */
  maxModelBytes?: number;
}

/** How readJob finds files: RequestFiles, all optional, and a way to read them (node:fs unless a test says otherwise). */
export interface ReadOptions extends Partial<RequestFiles> {
  readFile?: (path: string) => string;
  /**
   * Files of `dataFiles` the caller has read and parsed already, by the same
   * path (a JAGS script's `data in` reads its file at its own line): they are
   * not read again. Only files whose reading gave no warning belong here.
   */
  loadedDataFiles?: ReadonlyMap<string, LoadedFile>;
}

/** What a cell asks for, checked: the parsed model, its data and inits, and the run's settings. */
export interface RunRequest {
  source: string;
  document: Document;
  data: NamedValues;
  inits: NamedValues | undefined;
  initsRange: SourceRange;
  settings: RunSettings;
  /** Warnings found while reading, with ranges in the source: data the model never uses, entries of a file left out. */
  warnings: Problem[];
  files: RequestFiles;
  /**
   * Per chain, initial values and a seed replacing the run's (JAGS scripts give
   * each chain its own inits file, with `.RNG.seed`). Chain k without an entry
   * starts from `inits` and draws from the run's seed, stream k.
   */
  chainStarts?: ChainStart[];
}

/** How one chain starts when it differs from the others. */
export interface ChainStart {
  inits?: NamedValues;
  /** The chain's own seed: its draws then depend on this seed alone (stream 0), as a JAGS chain's on its .RNG.seed. */
  seed?: number;
}

const GIBBS_OPTIONS = ['chains', 'burnin', 'iterations', 'thin', 'seed', 'monitor', 'loo', 'ppc'] as const;
const LIMITS: Record<string, [number, number]> = {
  chains: [1, 64],
  burnin: [0, 1e9],
  iterations: [1, 1e9],
  thin: [1, 1e6],
  seed: [0, MAX_SEED],
};

/** A run directive: `sample|fit|calibrate [NAME] with ALGORITHM(options)`. */
export type RunDirective = Extract<Directive, { kind: 'run' }>;

/**
 * The settings of a sampling run: the caller's defaults, then the sample
 * directive's options, checked. `seed` is the seed the run takes unless the
 * directive gives one. Problems go to `found`, each with its range.
 */
export function sampleSettings(directive: RunDirective | undefined, defaults: RunDefaults, seed: number, found: Problem[]): RunSettings {
  const settings: RunSettings = {
    algorithm: 'gibbs',
    chains: defaults.chains,
    burnin: defaults.burnin,
    iterations: defaults.iterations,
    thin: defaults.thin,
    seed,
    monitor: [...(defaults.monitor ?? [])],
    ...(defaults.loo ? { loo: true } : {}),
    ...(defaults.ppc ? { ppc: true } : {}),
    ...(defaults.predictive ? { predictive: defaults.predictive } : {}),
  };
  if (directive) {
    if (directive.algorithm !== 'gibbs') {
      found.push(problem(directive.algorithmRange, `Unknown algorithm '${directive.algorithm}'; this release samples with gibbs.`));
    }
    for (const option of directive.options) collectProblems(found, () => applyOption(settings, option));
  }
  return settings;
}

function applyOption(settings: RunSettings, option: Argument): void {
  const name = option.name;
  if (name === undefined) throw new ModelError([problem(option.range, 'Run options are named, as in gibbs(chains = 4, iterations = 5000).')]);
  if (name === 'monitor') {
    const items = option.value.kind === 'call' && option.value.callee === 'c' ? option.value.args.map((a) => a.value) : [option.value];
    const predictive = items.filter((item) => item.kind === 'call' && item.callee === 'predictive');
    if (predictive.length > 1) throw new ModelError([problem(predictive[1]!.range, 'A run monitors one predictive(...) vector.')]);
    if (predictive[0]) settings.predictive = predictiveOption(predictive[0]);
    settings.monitor = monitorNames(items.filter((item) => !predictive.includes(item)));
    return;
  }
  if (name === 'loo' || name === 'ppc') {
    const on = logicalValue(option.value);
    if (on === undefined) throw new ModelError([problem(option.value.range, `${name} takes TRUE or FALSE.`)]);
    if (on) settings[name] = true;
    else delete settings[name];
    return;
  }
  if (!(GIBBS_OPTIONS as readonly string[]).includes(name)) {
    throw new ModelError([problem(option.range, `Unknown option '${name}' for gibbs.${suggest(name, GIBBS_OPTIONS)} Options: ${GIBBS_OPTIONS.join(', ')}.`)]);
  }
  const value = numberValue(option.value);
  const [min, max] = LIMITS[name]!;
  if (value === undefined || !Number.isInteger(value) || value < min || value > max) {
    throw new ModelError([problem(option.value.range, `${name} must be a whole number from ${min} to ${max}.`)]);
  }
  (settings as unknown as Record<string, number>)[name] = value;
}

function numberValue(e: Expression): number | undefined {
  if (e.kind === 'number') return e.value;
  if (e.kind === 'unary' && e.op === '-' && e.operand.kind === 'number') return -e.operand.value;
  return undefined;
}

/** `predictive(pred, tau, rtest)` among the monitored names: see run/predictive.ts. */
function predictiveOption(e: Expression): PredictiveSpec {
  const args = e.kind === 'call' ? e.args.map((a) => a.value) : [];
  const spec = predictiveSpec(args.map((a) => (a.kind === 'name' ? a.name : '?')));
  if (typeof spec === 'string') throw new ModelError([problem(e.range, spec)]);
  return spec;
}

/** The items of `monitor = c(mu, tau)`, `monitor = theta`, or quoted names, as in JAGS's variable.names. */
function monitorNames(items: Expression[]): string[] {
  return items.map((item) => {
    if (item.kind === 'name' || item.kind === 'string') return item.kind === 'name' ? item.name : item.value;
    throw new ModelError([problem(item.range, 'monitor takes variable names, as in monitor = c(mu, tau).')]);
  });
}

function problem(range: SourceRange, message: string): Problem {
  return { severity: 'error', message, range };
}
