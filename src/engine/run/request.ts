import type { Argument, Document, Expression, FileSource } from '../language/ast';
import { predictiveSpec, type PredictiveSpec } from './predictive';
import { checkText, suggest } from '../language/check';
import { parseDocument } from '../language/parser';
import { evaluateList, type NamedValues } from '../language/rvalues';
import { ModelError, type Problem, type SourceRange } from '../language/source';
import { loadDataFile, readTextFile, type FileAccess } from '../data/files';
import { definedNames } from '../model/bind';
import { dropUnusedInits, unusedDataWarnings, type DataOrigin } from '../model/dataChecks';
import type { RunSettings } from '../output/runOutput';
import { logicalValue } from './fitOptions';
import { MAX_SEED, rngNameWarning, takeRngSeed } from './rngEntries';
import { appendAll } from '../collections';

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

/** How readRunRequest finds files: RequestFiles, all optional, and a way to read them (node:fs unless a test says otherwise). */
export interface ReadOptions extends Partial<RequestFiles> {
  readFile?: (path: string) => string;
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

/**
 * Parses a cell, reads its data and initial values (inline, or from files
 * relative to `options.baseDirectory`), checks the model's names against the
 * data, and checks the directives. Throws ModelError listing every problem
 * found, each with its range in the cell (a problem inside a data file is
 * reported at the file's name in the directive, its message saying
 * `file:line:column`).
 */
export function readRunRequest(source: string, defaults: RunDefaults, freshSeed: () => number, options: ReadOptions = {}): RunRequest {
  const { document, problems } = parseDocument(source);
  if (problems.length) throw new ModelError(problems);
  const found: Problem[] = [];
  const warnings: Problem[] = [];
  const collect = <T>(f: () => T): T | undefined => {
    try {
      return f();
    } catch (e) {
      if (!(e instanceof ModelError)) throw e;
      appendAll(found, e.problems);
      return undefined;
    }
  };
  const files: RequestFiles = { baseDirectory: options.baseDirectory, dataFiles: options.dataFiles ?? [], initsFiles: options.initsFiles ?? [] };
  if (options.maxFileBytes !== undefined) files.maxFileBytes = options.maxFileBytes;
  if (options.maxDrawBytes !== undefined) files.maxDrawBytes = options.maxDrawBytes;
  if (options.maxModelBytes !== undefined) files.maxModelBytes = options.maxModelBytes;
  const access: FileAccess = { baseDirectory: files.baseDirectory, readFile: options.readFile ?? ((path) => readTextFile(path, options.maxFileBytes)) };

  const data = new Values('data', found);
  const inits = new Values('initial values', found);
  let initsRange = document.model?.range ?? zeroRange();
  // Whether every data source could be read: else the model's names cannot be checked against them.
  let complete = true;
  const read = (value: Expression | FileSource, what: 'data' | 'initial values'): Sourced | undefined =>
    collect(() => (value.kind === 'file' ? fromFile(value.path, what, access, value.pathRange, value.bindings, warnings) : inline(value, what)));
  for (const directive of document.directives) {
    if (directive.kind === 'data') {
      const got = read(directive.value, 'data');
      if (got) data.add(got, false);
      else complete = false;
    } else if (directive.kind === 'inits') {
      const got = read(directive.value, 'initial values');
      if (got) inits.add(got, false);
      initsRange = directive.range;
    }
  }
  for (const path of files.dataFiles) {
    const got = collect(() => fromFile(path, 'data', access, zeroRange(), [], warnings));
    if (got) data.add(got, true);
    else complete = false;
  }
  for (const path of files.initsFiles) {
    const got = collect(() => fromFile(path, 'initial values', access, zeroRange(), [], warnings));
    if (got) inits.add(got, true);
  }

  // `.RNG.seed` in an inits file seeds the run when the cell does not (inits files written for JAGS carry it).
  const generator = rngNameWarning(inits.values, initsRange);
  if (generator) warnings.push(generator);
  const rngSeed = collect(() => takeRngSeed(inits.values, initsRange));

  const runs = document.directives.filter((d) => d.kind === 'run');
  for (const extra of runs.slice(1)) found.push(problem(extra.range, 'A cell holds one run; split the runs into separate cells.'));

  const settings: RunSettings = {
    algorithm: 'gibbs',
    chains: defaults.chains,
    burnin: defaults.burnin,
    iterations: defaults.iterations,
    thin: defaults.thin,
    seed: rngSeed ?? defaults.seed ?? freshSeed(),
    monitor: [...(defaults.monitor ?? [])],
    ...(defaults.loo ? { loo: true } : {}),
    ...(defaults.ppc ? { ppc: true } : {}),
    ...(defaults.predictive ? { predictive: defaults.predictive } : {}),
  };
  // Calibration and fit directives have readers of their own (sbc/request.ts, fitRequest.ts); sampling takes its settings from a sample line only.
  const run = runs[0];
  if (run && run.kind === 'run' && run.verb === 'sample') {
    if (run.algorithm !== 'gibbs') {
      found.push(problem(run.algorithmRange, `Unknown algorithm '${run.algorithm}'; this release samples with gibbs.`));
    }
    for (const option of run.options) collect(() => applyOption(settings, option));
  }
  if (!document.model) {
    found.push(problem(zeroRange(), "The cell has no 'model { ... }' block."));
  } else {
    // Names, distributions and argument counts, now that the data's names are known.
    const known = complete ? new Set([...data.values.keys(), ...definedNames(document.data?.statements ?? [])]) : undefined;
    for (const p of checkText(source, known).problems) (p.severity === 'error' ? found : warnings).push(p);
    // Held-out values that only predictive(...) reads are used all the same.
    const judged = settings.predictive?.observed;
    if (complete) appendAll(warnings, unusedDataWarnings(document, judged ? new Map([...data.origins].filter(([name]) => name !== judged)) : data.origins));
    appendAll(warnings, dropUnusedInits(document, inits.values, inits.origins));
  }
  if (found.length) throw new ModelError(found.sort((a, b) => a.range.start.offset - b.range.start.offset));
  return {
    source,
    document,
    data: data.values,
    inits: inits.touched ? inits.values : undefined,
    initsRange,
    settings,
    warnings: warnings.sort((a, b) => a.range.start.offset - b.range.start.offset),
    files,
  };
}

/** Values from one directive or file, with where each name came from. */
interface Sourced {
  values: NamedValues;
  origins: Map<string, DataOrigin>;
}

function inline(value: Expression, what: 'data' | 'initial values'): Sourced {
  const values = evaluateList(value, what);
  const origins = new Map<string, DataOrigin>();
  if (value.kind === 'call') for (const a of value.args) if (a.name !== undefined) origins.set(a.name, { range: a.range });
  return { values, origins };
}

function fromFile(path: string, what: 'data' | 'initial values', access: FileAccess, at: SourceRange, bindings: Argument[], warnings: Problem[]): Sourced {
  const loaded = loadDataFile(path, what, access, at, bindings, (w) => warnings.push(w));
  return { values: loaded.values, origins: new Map([...loaded.origins].map(([name, range]) => [name, { range, file: path }])) };
}

/** The data (or initial values) of a request, merged from its sources; a name given twice is a problem. */
class Values {
  readonly values: NamedValues = new Map();
  readonly origins = new Map<string, DataOrigin>();
  touched = false;

  constructor(
    private readonly what: string,
    private readonly problems: Problem[],
  ) {}

  /** `replace`: the source's values win over earlier ones of the same name (the CLI's --data over the document's). */
  add(got: Sourced, replace: boolean): void {
    this.touched = true;
    for (const [name, value] of got.values) {
      const origin = got.origins.get(name) ?? { range: zeroRange() };
      const earlier = this.origins.get(name);
      if (earlier && !replace) {
        this.problems.push(problem(origin.range, `'${name}' is given twice in the ${this.what}: ${earlier.file ? `in ${earlier.file}` : `at line ${earlier.range.start.line + 1}`} and ${origin.file ? `in ${origin.file}` : 'here'}.`));
        continue;
      }
      this.values.set(name, value);
      this.origins.set(name, origin);
    }
  }
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

function zeroRange(): SourceRange {
  const p = { line: 0, column: 0, offset: 0 };
  return { start: p, end: p };
}
