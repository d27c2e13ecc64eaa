import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, isAbsolute, resolve } from 'node:path';
import { loadDataFile, readTextFile, type FileAccess, type LoadedFile } from '../../engine/data/files';
import type { NamedValues } from '../../engine/language/rvalues';
import { errorAt, ModelError, type Problem, type SourceRange } from '../../engine/language/source';
import { compileModel } from '../../engine/model/compile';
import type { ModelGraph } from '../../engine/model/graph';
import { codaFileNames, codaIndex, type CodaTrace } from '../../engine/output/coda';
import { codaChainBytes } from '../../engine/output/codaBytes';
import { writeRDump } from '../../engine/output/rdumpWriter';
import { ModelSession, type MonitorTarget, type SessionMonitor } from '../../engine/run/modelSession';
import { placeChains, startChainsEarly, type ChainThreadSettings, type EarlyChainThreads } from './chainPlacement';
import { stopSessionWorkers } from '../../engine/run/chainThreads';
import { type RunRequest } from '../../engine/run/request';
import { readRequest } from '../../engine/job/job';
import { rngNameWarning, takeRngSeed } from '../../engine/run/rngEntries';
import type { FileName, ScriptCommand } from './script';

/** Where a script's files are and where its messages go. */
export interface ScriptEnvironment {
  /** The script's file name, for messages. */
  scriptName: string;
  /** The folder the script's input files (model, data, inits) are read from: the script's own. */
  inputDirectory: string;
  /** The folder output files (CODA, `data to`, …) are written to: the current one, as JAGS does. */
  outputDirectory: string;
  /** The seed of chains whose inits give no `.RNG.seed`; chain k draws from stream k of it. */
  seed: number;
  /** Progress lines, as JAGS prints them ("Updating 1000"). */
  log: (line: string) => void;
  /** Warnings, formatted `file:line:column: warning: message`. */
  warn: (problem: Problem, file: string) => void;
  /** Whether CODA files already in the output folder may be replaced (the CLI's --force); else the script stops before it samples. */
  overwrite?: boolean;
  /** Worker threads for chains when the script's work is large (chainPlacement.ts); without it every chain runs in this thread. */
  chainThreads?: ChainThreadSettings;
}

/** A problem that stopped the script, and the file its range is in. */
export interface ScriptFailure {
  problem: Problem;
  file: string;
}

/** Problems whose ranges are in another file than the script (the model's). */
class FileProblems extends Error {
  constructor(readonly failures: ScriptFailure[]) {
    super(failures.map((f) => f.problem.message).join('\n'));
  }
}

/** The most chains one script compiles: each is a copy of the model's graph in memory. */
const MAX_CHAINS = 1000;

/** Commands that run or read the chains a session's worker threads host. */
const WORKER_COMMANDS = new Set<ScriptCommand['kind']>(['initialize', 'update', 'adapt', 'monitor', 'monitor clear', 'coda', 'parameters to']);

/** Modules JAGS ships; loading one is accepted (the engine has all it needs built in), `dic` makes `deviance` known. */
const MODULES = new Set(['basemod', 'bugs', 'dic', 'glm', 'lecuyer', 'mix', 'msm']);

/**
 * Runs a parsed JAGS script command by command, as JAGS's batch mode does,
 * and stops at the first command that fails. Returns its problems (none when
 * the script ran to its end or to `exit`).
 */
export function runScript(commands: ScriptCommand[], environment: ScriptEnvironment): ScriptFailure[] {
  const state = new ScriptState(environment, commands);
  try {
    if (!environment.overwrite) {
      const existing = existingCodaFiles(commands, environment.outputDirectory);
      if (existing) return [{ problem: existing, file: environment.scriptName }];
    }
    for (const [index, command] of commands.entries()) {
      try {
        if (command.kind === 'exit') return [];
        state.execute(command, index);
      } catch (e) {
        if (e instanceof FileProblems) return e.failures;
        if (e instanceof ModelError) return e.problems.map((problem) => ({ problem, file: environment.scriptName }));
        // Not a problem of the script or its files that the engine recognised: still reported at the command that met it.
        return [{ problem: commandFailure(command, e), file: environment.scriptName }];
      }
    }
    return [];
  } finally {
    state.dispose();
  }
}

/** A failure the engine did not foresee, at the command that met it, with what it knows. */
function commandFailure(command: ScriptCommand, e: unknown): Problem {
  const what = e instanceof RangeError ? 'ran out of room (the model, its data or the run may be too large)' : `failed: ${e instanceof Error ? e.message : String(e)}`;
  return {
    severity: 'error',
    message: `'${command.kind}' ${what}. The script stopped here; this is a defect of Latent if the files are valid for JAGS: please report it with the script and its files.`,
    range: command.range,
  };
}

/**
 * A `coda` command whose index file is already in the output folder: JAGS would overwrite it
 * silently, and the draws of an earlier run would be lost. Checked before anything runs.
 */
function existingCodaFiles(commands: ScriptCommand[], outputDirectory: string): Problem | undefined {
  for (const c of commands) {
    if (c.kind !== 'coda') continue;
    const index = codaFileNames(c.stem, 1).index;
    const absolute = isAbsolute(index) ? index : resolve(outputDirectory, index);
    if (existsSync(absolute)) {
      return {
        severity: 'error',
        message: `${index} is already in ${dirname(absolute)}: this script's 'coda' would overwrite it and the CODA chain files of an earlier run. Move them away, run in another folder, give 'coda' another stem(...), or pass --force to overwrite them.`,
        range: c.range,
      };
    }
  }
  return undefined;
}

class ScriptState {
  private model?: { path: string; source: string };
  private dataFiles: string[] = [];
  /** The files of `dataFiles` as 'data in' read them, for compile (see 'data in'). */
  private readonly loadedDataFiles = new Map<string, LoadedFile>();
  private request?: RunRequest;
  private session?: ModelSession;
  /** Per chain, the initial values read so far, and the chain's `.RNG.seed`. */
  private inits: NamedValues[] = [];
  private seeds: Array<number | undefined> = [];
  private readonly modules = new Set(['basemod', 'bugs']);
  /** The compiled model's variables, to check the names of initial values as they are read. */
  private variables = new Set<string>();
  /** Workers the launcher started for this script's first 'compile' (prestart.ts), until it takes them. */
  private prestarted?: EarlyChainThreads;

  constructor(
    private readonly env: ScriptEnvironment,
    private readonly commands: ScriptCommand[],
  ) {
    this.prestarted = env.chainThreads?.prestarted;
  }

  dispose(): void {
    this.session?.dispose();
    if (this.prestarted) stopSessionWorkers(this.prestarted.workers);
    this.prestarted = undefined;
  }

  /** The launcher's workers when they were started for `chains` chains; taken once, by the first 'compile'. */
  private takePrestarted(chains: number): EarlyChainThreads | undefined {
    const early = this.prestarted;
    this.prestarted = undefined;
    if (early && early.groups.flat().length !== chains) {
      stopSessionWorkers(early.workers);
      return undefined;
    }
    return early;
  }

  /** Runs the script's command number `index`; once no later command needs the session's worker threads, ends them (ModelSession.releaseThreads). */
  execute(command: Exclude<ScriptCommand, { kind: 'exit' }>, index: number): void {
    this.run(command, index);
    if (!this.workersNeededAfter(index)) this.session?.releaseThreads();
  }

  /** Whether a command after `index` that runs (before 'exit' or 'model clear') needs the session's worker threads. */
  private workersNeededAfter(index: number): boolean {
    for (let k = index + 1; k < this.commands.length; k++) {
      const kind = this.commands[k]!.kind;
      if (kind === 'exit' || kind === 'model clear') return false;
      if (WORKER_COMMANDS.has(kind)) return true;
    }
    return false;
  }

  private run(command: Exclude<ScriptCommand, { kind: 'exit' }>, index: number): void {
    switch (command.kind) {
      case 'model in': {
        if (this.model) throw errorAt(command.range, "A model is already read: 'model clear' first to read another.");
        const path = this.input(command.file);
        this.model = { path, source: this.readText(path, command.file) };
        return;
      }
      case 'model clear':
        this.session?.dispose();
        this.model = undefined;
        this.dataFiles = [];
        this.loadedDataFiles.clear();
        this.request = undefined;
        this.session = undefined;
        return;
      case 'data in': {
        if (this.session) throw errorAt(command.range, "Data are read before 'compile'.");
        const path = this.input(command.file);
        // Read now, so that a problem in the file is reported at this line. Compile takes the values read here,
        // but for a file whose reading warned: it reads that one again, to warn with the path it reads it by.
        let warned = false;
        const loaded = loadDataFile(command.file.path, 'data', this.inputs, command.file.range, [], () => (warned = true));
        if (!warned) this.loadedDataFiles.set(path, loaded);
        this.env.log(`Reading data file ${command.file.path}`);
        this.dataFiles.push(path);
        return;
      }
      case 'data to':
        this.output(command.file, writeRDump(this.compiled(command.range).request.data));
        return;
      case 'compile':
        this.compile(command.chains, command.range);
        return;
      case 'parameters in':
        this.readInits(command.file, command.chain, command.range);
        return;
      case 'parameters to': {
        const { session } = this.compiled(command.range);
        if (!session.initialized) throw errorAt(command.range, "The model has no values yet: 'initialize' first.");
        this.chainIndex(command.chain, command.range);
        this.output(command.file, writeRDump(session.parameterValues(command.chain - 1)));
        return;
      }
      case 'initialize':
        this.initialize(command.range);
        return;
      case 'update':
      case 'adapt': {
        const session = this.initialized(command.range, command.kind);
        this.env.log(`${command.kind === 'update' ? 'Updating' : 'Adapting'} ${command.iterations}`);
        this.inModel(command.range, () => session.update(command.iterations, command.kind === 'adapt' || session.adapting));
        return;
      }
      case 'monitor':
        this.initialized(command.range, 'monitor').addMonitor(command.target, command.thin, this.modules.has('dic'));
        return;
      case 'monitor clear':
        if (!this.initialized(command.range, 'monitor clear').clearMonitor(label(command.target))) {
          throw errorAt(command.target.range, `There is no monitor of ${label(command.target)} to clear.`);
        }
        return;
      case 'coda':
        this.writeCoda(command.target, command.stem, command.range, index);
        return;
      case 'load':
      case 'unload':
        if (!MODULES.has(command.module)) throw errorAt(command.moduleRange, `Unknown module '${command.module}'. JAGS's modules: ${[...MODULES].join(', ')}.`);
        if (command.kind === 'load') {
          this.modules.add(command.module);
          this.env.log(`Loading module: ${command.module}: ok`);
        } else {
          this.modules.delete(command.module);
        }
        return;
      case 'samplers to': {
        const session = this.initialized(command.range, 'samplers to');
        let k = 0;
        const lines = session.samplers().flatMap((s) => (++k, s.nodes.map((node) => `${k}\t${s.sampler}\t${node}`)));
        this.output(command.file, lines.length ? `${lines.join('\n')}\n` : '');
        return;
      }
    }
  }

  /**
   * Runs f, whose problems have ranges in the model file, except for those
   * about files given besides the model (data files: no range) and initial
   * values (the range `readJob` gives them): those are reported at
   * the script's command.
   */
  private inModel<T>(range: SourceRange, f: () => T): T {
    try {
      return f();
    } catch (e) {
      if (!(e instanceof ModelError)) throw e;
      // A worker thread's problems are copies: the inits' range is recognised by its offsets.
      const aboutCommand = (p: Problem): boolean => p.range.end.offset === 0 || (this.request !== undefined && sameRange(p.range, this.request.initsRange));
      throw new FileProblems(
        e.problems.map((p) => (aboutCommand(p) ? { problem: { ...p, range }, file: this.env.scriptName } : { problem: p, file: this.model?.path ?? this.env.scriptName })),
      );
    }
  }

  private compile(chains: number, range: SourceRange): void {
    if (!this.model) throw errorAt(range, "There is no model to compile: 'model in \"file\"' first.");
    if (this.session) throw errorAt(range, "The model is already compiled: 'model clear' first to compile another.");
    if (chains > MAX_CHAINS) throw errorAt(range, `nchains(${chains}) asks for more chains than a session holds (at most ${MAX_CHAINS}): each chain is a compiled copy of the model.`);
    this.env.log('Compiling model graph');
    const model = this.model;
    const early = this.takePrestarted(chains) ?? startChainsEarly(this.commands, dataValues(this.loadedDataFiles), chains, this.env.chainThreads);
    let request: RunRequest;
    let graph: ModelGraph;
    try {
      request = this.inModel(range, () =>
        readRequest('sample', model.source, { chains, burnin: 0, iterations: 1, thin: 1, seed: this.env.seed }, () => this.env.seed, {
          baseDirectory: dirname(model.path),
          dataFiles: this.dataFiles,
          loadedDataFiles: this.loadedDataFiles,
        }),
      );
      this.request = request;
      for (const w of request.warnings) this.env.warn(w.range.end.offset === 0 ? { ...w, range } : w, w.range.end.offset === 0 ? this.env.scriptName : model.path);
      // Compiled here so that a problem in the model is reported at 'compile', as JAGS does; the other chains compile their own graphs.
      graph = this.inModel(range, () => compileModel(request.document, request.data));
    } catch (e) {
      if (early) stopSessionWorkers(early.workers);
      throw e;
    }
    this.variables = new Set(graph.variables.keys());
    const observed = graph.stochastic.filter((n) => n.observed).length;
    this.env.log(`Graph information: ${observed} observed and ${graph.stochastic.length - observed} unobserved stochastic nodes`);
    this.session = new ModelSession(request, chains, placeChains(this.commands, graph.stochastic.length, request, chains, this.env.chainThreads, early));
    // The graph compiled to check the model is chain 1's: one compilation fewer.
    this.session.compileAhead(0, graph);
    this.inits = Array.from({ length: chains }, () => new Map());
    this.seeds = new Array<number | undefined>(chains).fill(undefined);
  }

  private readInits(file: FileName, chain: number | undefined, range: SourceRange): void {
    const { session } = this.compiled(range);
    if (session.initialized) throw errorAt(range, "Initial values are read before 'initialize'.");
    const targets = chain === undefined ? [...this.inits.keys()] : [this.chainIndex(chain, range) - 1];
    const values = loadDataFile(file.path, 'initial values', this.inputs, file.range).values;
    const generator = rngNameWarning(values, file.range);
    if (generator) this.env.warn(generator, this.env.scriptName);
    const seed = takeRngSeed(values, file.range);
    this.env.log(`Reading parameter file ${file.path}`);
    // As JAGS: "WARNING: Unused variable(s) in initial value table", and the run goes on.
    const unused = [...values.keys()].filter((name) => !this.variables.has(name));
    for (const name of unused) values.delete(name);
    if (unused.length) {
      this.env.warn({ severity: 'warning', message: `Unused variable(s) in the initial values of ${file.path}, ignored: ${unused.join(', ')}.`, range: file.range }, this.env.scriptName);
    }
    for (const k of targets) {
      for (const [name, value] of values) this.inits[k]!.set(name, value);
      if (seed !== undefined) this.seeds[k] = seed;
    }
  }

  private initialize(range: SourceRange): void {
    const { session } = this.compiled(range);
    if (session.initialized) throw errorAt(range, 'The model is already initialized.');
    this.env.log('Initializing model');
    const seen = new Map<number, number>();
    this.seeds.forEach((seed, k) => {
      if (seed === undefined) return;
      const other = seen.get(seed);
      if (other !== undefined) {
        this.env.warn({ severity: 'warning', message: `Chains ${other + 1} and ${k + 1} have the same .RNG.seed (${seed}), so they give identical draws.`, range }, this.env.scriptName);
      }
      seen.set(seed, k);
    });
    this.inModel(range, () => session.initialize(this.inits.map((inits, k) => ({ inits: inits.size ? inits : undefined, seed: this.seeds[k] }))));
  }

  private writeCoda(target: MonitorTarget | undefined, stem: string, range: SourceRange, index: number): void {
    const session = this.initialized(range, 'coda');
    const monitors = session.monitors;
    // The workers' records are here now: they may end while this thread formats the files.
    if (!this.workersNeededAfter(index)) session.releaseThreads();
    const chosen = target === undefined ? monitors : monitors.filter((m) => m.label === label(target) || (!target.ranges && variableOf(m) === target.name));
    if (target && chosen.length === 0) throw errorAt(target.range, `There is no monitor of ${label(target)}: set it with 'monitor ${label(target)}' before the updates.`);
    const traces = chosen.filter((m) => !m.pooled).flatMap((m) => codaTraces(m));
    const files = codaFileNames(stem, session.chainCount);
    this.write(files.index, codaIndex(traces));
    files.chains.forEach((name, c) => this.write(name, codaChainBytes(traces, c)));
    // Monitors of all chains together (pD) go where JAGS puts them: STEMindex0.txt and STEMchain0.txt.
    const pooled = chosen.filter((m) => m.pooled).flatMap((m) => codaTraces(m));
    if (pooled.length === 0) return;
    this.write(`${stem}index0.txt`, codaIndex(pooled));
    this.write(`${stem}chain0.txt`, codaChainBytes(pooled, 0));
    for (const trace of pooled) {
      const values = trace.chains[0]!;
      let mean = 0;
      for (let k = 0; k < values.length; k++) mean += values[k]! / values.length;
      this.env.log(`${trace.name}: ${values.length ? mean.toPrecision(5) : 'no iterations'} (the mean over ${values.length} monitored iterations)`);
    }
  }

  private compiled(range: SourceRange): { request: RunRequest; session: ModelSession } {
    if (!this.request || !this.session) throw errorAt(range, "The model is not compiled yet: 'compile' first.");
    return { request: this.request, session: this.session };
  }

  private initialized(range: SourceRange, what: string): ModelSession {
    const { session } = this.compiled(range);
    if (!session.initialized) throw errorAt(range, `Model not initialized: add 'initialize' before '${what}'.`);
    return session;
  }

  private chainIndex(chain: number, range: SourceRange): number {
    if (chain > this.inits.length) throw errorAt(range, `There is no chain ${chain}: the model was compiled with ${this.inits.length} chain(s).`);
    return chain;
  }

  /** Input files as the data readers find them, so that their messages name a file as the script does. */
  private get inputs(): FileAccess {
    return { baseDirectory: this.env.inputDirectory, readFile: readTextFile };
  }

  private input(file: FileName): string {
    return isAbsolute(file.path) ? file.path : resolve(this.env.inputDirectory, file.path);
  }

  private readText(path: string, file: FileName): string {
    try {
      return readFileSync(path, 'utf8');
    } catch (e) {
      throw errorAt(file.range, `Cannot read '${file.path}' (looked in ${dirname(path)}): ${(e as Error).message}`);
    }
  }

  private output(file: FileName, text: string): void {
    this.write(file.path, text);
  }

  private write(path: string, text: string | Uint8Array): void {
    const absolute = isAbsolute(path) ? path : resolve(this.env.outputDirectory, path);
    mkdirSync(dirname(absolute), { recursive: true });
    writeFileSync(absolute, text);
  }
}

/** A monitor's scalars as CODA traces: per scalar, a column of its per-chain records. */
export function codaTraces(m: SessionMonitor): CodaTrace[] {
  const width = m.names.length;
  return m.names.map((name, e) => ({
    name,
    first: m.start,
    thin: m.thin,
    chains: m.records.map((rows) => column(rows, width, e, m.count)),
  }));
}

/** Column e of `count` rows of `width` values (a loop: Float64Array.from with a mapping function goes through the iterator protocol per value). */
function column(rows: Float64Array, width: number, e: number, count: number): Float64Array {
  const out = new Float64Array(count);
  for (let r = 0; r < count; r++) out[r] = rows[r * width + e]!;
  return out;
}

function sameRange(a: SourceRange, b: SourceRange): boolean {
  return a === b || (a.start.offset === b.start.offset && a.end.offset === b.end.offset && a.start.line === b.start.line && a.end.line === b.end.line);
}

function label(target: MonitorTarget): string {
  return target.ranges ? `${target.name}[${target.ranges.map(([a, b]) => (a === b ? `${a}` : `${a}:${b}`)).join(',')}]` : target.name;
}

function variableOf(m: SessionMonitor): string {
  const bracket = m.label.indexOf('[');
  return bracket < 0 ? m.label : m.label.slice(0, bracket);
}

/** How many numbers the data files read so far hold (startChainsEarly's guess at the model's size). */
function dataValues(files: ReadonlyMap<string, LoadedFile>): number {
  let count = 0;
  for (const file of files.values()) for (const array of file.values.values()) count += array.values.length;
  return count;
}
