import { refreshSinks } from '../model/compile';
import type { NamedValues } from '../language/rvalues';
import { errorAt, type SourceRange } from '../language/source';
import { elementName, nodeLogDensity, Role, type ModelGraph, type StochasticNode, type Variable } from '../model/graph';
import { compileChainGraph, prepareChain, type ChainSession } from './chainSession';
import type { ChainThreads } from './chainThreads';
import { penaltyReader } from './penalty';
import { settleAll } from '../inference/gibbs';
import { stochasticAncestors } from '../inference/elementAncestry';
import { predictiveSamplerOf } from '../inference/predictiveNodes';
import { Random } from '../random/rng';
import type { ChainStart, RunRequest } from './request';

/**
 * What a monitor records, as a JAGS script names it: a whole variable
 * (`theta`), one element or a block of elements (`b[1,2]`, `mu[2:3]`: one
 * 1-based inclusive range per dimension), or `deviance` or `pD` (dic module).
 */
export interface MonitorTarget {
  name: string;
  ranges?: Array<[number, number]>;
  range: SourceRange;
}

/** A monitor set in a session: its scalars and, per chain, their recorded values. */
export interface SessionMonitor {
  /** The target as written, normalised: `theta`, `b[1,2]`, `mu[2:3]`. */
  label: string;
  thin: number;
  /** The first iteration it records: the one after it was set. It records every `thin`-th from there. */
  start: number;
  /** Scalar names, in JAGS's order (the first index varies fastest). */
  names: string[];
  /** Per chain, one row per record, one column per scalar. */
  records: Float64Array[];
  /** Records per chain so far. */
  count: number;
  /** A monitor of all chains together (`pD`): one series in records[0], written as JAGS writes it, to CODAchain0.txt. */
  pooled: boolean;
}

/**
 * Where one chain's record of a monitor comes from: elements of a variable's
 * values (`at` offsets into `values`), or one value computed (`deviance`,
 * `pD`). Plain data of one shape rather than a closure per monitor and
 * chain: the recording call in the sampling loop stays one monomorphic read
 * loop, so setting monitors after burn-in gives V8 no new functions to warm.
 */
interface RecordSource {
  values: Float64Array;
  at: Int32Array;
  computed: (() => number) | undefined;
}

interface ActiveMonitor {
  monitor: SessionMonitor;
  /** Per chain. */
  sources: RecordSource[];
  /** Per chain, rows recorded (the chains catch up with each other within an update). */
  rows: number[];
}

const NO_VALUES = new Float64Array(0);
const NO_OFFSETS = new Int32Array(0);

const computedSource = (compute: () => number): RecordSource => ({ values: NO_VALUES, at: NO_OFFSETS, computed: compute });

/** Which chains a session runs in its own thread, and where the others run. */
export interface ChainPlacement {
  /** The chains this thread runs (all when not given), in increasing order; the first is chain 0 unless this is a worker's session. */
  hosted?: number[];
  /** The workers running the chains not hosted here. */
  threads?: ChainThreads;
  /** Called every PROGRESS_STRIDE iterations of a chain: a worker's sign of life. */
  onProgress?: () => void;
}

const PROGRESS_STRIDE = 128;

/**
 * Iterations of a session that run its hosted chains in step (each chain's
 * iteration k, then every chain's k + 1) before they run one after another.
 * The chains' graphs and samplers are objects of their own, so code V8 has
 * optimised on chain 1 alone meets chain 2's functions and arrays as
 * strangers and is thrown away (wrong call target, wrong map) just as it
 * started paying; in step, the feedback it optimises from already holds
 * every chain's. Each chain draws from its own stream, so the draws are the
 * same in either order.
 */
export const LOCKSTEP = 256;

/**
 * A compiled model whose chains stay alive between commands, as a JAGS
 * session's do: initialise, update (adapting until the first monitor is set),
 * set monitors with their own thinning, update again. Iterations are counted
 * from initialisation, over adaptation, burn-in and kept iterations alike, as
 * JAGS counts them. The chains hosted here run one after another in this
 * thread, while worker threads (`placement.threads`) run the others at the
 * same time; each chain draws from its own stream, so the draws are the same
 * either way.
 */
export class ModelSession {
  /** The hosted chains' sessions: chains[k] is chain hosted[k]. */
  private chains: ChainSession[] = [];
  private readonly hosted: number[];
  private threads?: ChainThreads;
  /** The worker threads, once told to end before the session does (releaseThreads): their chains are gone but for the records collected. */
  private released?: ChainThreads;
  private readonly onProgress?: () => void;
  /** Made with its elements already objects: see objectList. */
  private readonly active: ActiveMonitor[] = objectList();
  /** Graphs compiled ahead of `initialize`, by chain. */
  private readonly compiled = new Map<number, ModelGraph>();
  /** Iterations done by every chain since initialisation. */
  iteration = 0;
  /** Samplers adapt until the first monitor is set. */
  adapting = true;

  constructor(
    private readonly request: RunRequest,
    readonly chainCount: number,
    placement: ChainPlacement = {},
  ) {
    this.hosted = placement.hosted ?? Array.from({ length: chainCount }, (_, c) => c);
    if (placement.threads) this.threads = placement.threads;
    if (placement.onProgress) this.onProgress = placement.onProgress;
  }

  get initialized(): boolean {
    return this.chains.length > 0;
  }

  /** Compiles one graph per chain, sets its initial values (per chain from `starts`) and chooses its samplers. */
  initialize(starts: ChainStart[]): void {
    const request: RunRequest = { ...this.request, chainStarts: starts };
    this.workers?.begin({ kind: 'initialize', starts });
    // The session's monitors are its own (addMonitor): the chains keep none.
    this.chains = this.hosted.map((chain) => prepareChain(request, chain, undefined, this.take(chain), 'none'));
    this.workers?.finish();
    this.iteration = 0;
    this.drawWhatIsRead();
  }

  /**
   * Tells each chain's predictive sampler what the monitors read: the predictive nodes nobody reads are drawn only
   * when an update ends (Sampler.settle), not in every sweep. `deviance` and `pD` read the observed nodes' densities,
   * whose parents are never predictive nodes.
   */
  private drawWhatIsRead(): void {
    this.chains.forEach((chain, local) => {
      const predictive = predictiveSamplerOf(chain.samplers);
      if (!predictive) return;
      const variables = [...chain.graph.variables.values()];
      predictive.drawEverySweepOnly(stochasticAncestors(chain.graph, (read) => {
        for (const { sources } of this.active) {
          const { values, at } = sources[local]!;
          const variable = variables.find((v) => v.values === values);
          if (variable) for (let k = 0; k < at.length; k++) read(variable, at[k]!);
        }
      }));
    });
  }

  /**
   * Gives chain `chain` its graph before `initialize`: one compiled for another
   * purpose (the script's `compile` checks the model), or with no graph, one
   * compiled now (a worker compiles while the session's thread reads initial
   * values). A graph that cannot be compiled is left to `initialize` to report.
   */
  compileAhead(chain: number, graph?: ModelGraph): void {
    if (!this.hosted.includes(chain) || this.initialized) return;
    try {
      this.compiled.set(chain, graph ?? compileChainGraph(this.request));
    } catch {
      // initialize compiles it again and reports the problem at its command.
    }
  }

  private take(chain: number): ModelGraph | undefined {
    const graph = this.compiled.get(chain);
    this.compiled.delete(chain);
    return graph;
  }

  /** Stops the worker threads, if any. */
  dispose(): void {
    (this.threads ?? this.released)?.dispose();
  }

  /**
   * Lets the worker threads end once the caller needs them no more (a script
   * after its last command that runs or reads their chains): each writes its
   * code cache and ends by itself, its teardown (its heap and compiled code
   * freed) overlapping what this thread still does, such as formatting CODA
   * files, instead of holding up the process's exit, which waits for every
   * worker to end. `monitors` still gives the records collected before;
   * anything else that needs the workers' chains then throws.
   */
  releaseThreads(): void {
    if (!this.threads) return;
    this.threads.close();
    this.released = this.threads;
    this.threads = undefined;
  }

  private get workers(): ChainThreads | undefined {
    if (this.released) throw new Error('the worker threads running chains were ended before this command (a defect of its caller)');
    return this.threads;
  }

  /**
   * Runs `n` iterations of every chain; samplers adapt while `adapt` holds.
   * Chains run one after another, or in step, iteration by iteration, while
   * a monitor of all chains together (pD) records.
   */
  update(n: number, adapt = this.adapting): void {
    const first = this.iteration + 1;
    if (this.active.some((a) => a.monitor.pooled)) {
      for (let k = first; k < first + n; k++) {
        for (let c = 0; c < this.chains.length; c++) this.sweep(c, k, k, adapt);
        this.recordDue(k, 0, true);
      }
    } else {
      this.workers?.begin({ kind: 'update', n, adapt });
      // The session's first iterations run the chains in step: see LOCKSTEP.
      const together = Math.min(n, Math.max(0, LOCKSTEP - this.iteration));
      for (let k = first; k < first + together; k++) {
        for (let c = 0; c < this.chains.length; c++) this.sweep(c, k, k, adapt);
      }
      for (let c = 0; c < this.chains.length; c++) this.sweep(c, first + together, first + n - 1, adapt);
      this.workers?.finish();
    }
    // Once per chain, when the update hands the state on: not after each call of `sweep`, which runs a single
    // iteration in step (LOCKSTEP) and with a pooled monitor, and would draw the unread nodes at every one of them.
    for (const { samplers, random } of this.chains) settleAll(samplers, random);
    this.iteration += n;
    for (const { monitor, rows } of this.active) monitor.count = rows[0] ?? 0;
  }

  /**
   * Iterations `from` to `to` of chain c, each with its records of the
   * monitors due then: the loop V8 optimises, kept apart from the update's
   * bookkeeping, whose first pass over monitors otherwise threw the
   * optimised loop away at the end of the update in which they were set.
   */
  private sweep(c: number, from: number, to: number, adapt: boolean): void {
    const { samplers, random } = this.chains[c]!;
    // Read on every call, so that the first progress call (iteration 128) meets code that has seen it.
    const onProgress = this.onProgress;
    for (let iteration = from; iteration <= to; iteration++) {
      for (let s = 0; s < samplers.length; s++) samplers[s]!.update(random);
      if (adapt) for (let s = 0; s < samplers.length; s++) samplers[s]!.adapt?.();
      this.recordDue(iteration, c, false);
      if (onProgress && iteration % PROGRESS_STRIDE === 0) onProgress();
    }
  }

  /** Records chain c's (or, with `pooled`, all chains' together) monitors due at `iteration`. */
  private recordDue(iteration: number, c: number, pooled: boolean): void {
    const monitors = this.active;
    let fresh = false;
    for (let m = 0; m < monitors.length; m++) {
      const { monitor } = monitors[m]!;
      if (monitor.pooled !== pooled || iteration < monitor.start || (iteration - monitor.start) % monitor.thin !== 0) continue;
      if (!fresh) {
        // Once per recorded iteration, so without a list made for it: line records 22,000 times in a 0.1 s run.
        if (pooled) for (let k = 0; k < this.chains.length; k++) refreshSinks(this.chains[k]!.graph);
        else refreshSinks(this.chains[c]!.graph);
        fresh = true;
      }
      record(monitors[m]!, c, pooled ? 0 : this.hosted[c]!);
    }
  }

  /**
   * Starts recording `target` every `thin`-th iteration from the next one,
   * which ends adaptation. `deviance` (−2 × the log density of the observed
   * nodes) is known only with `withDeviance`, as JAGS knows it once the dic
   * module is loaded.
   */
  addMonitor(target: MonitorTarget, thin: number, withDeviance: boolean): SessionMonitor {
    if (!this.initialized) throw errorAt(target.range, 'Monitors are set after initialize.');
    const sources: RecordSource[] = [];
    let names: string[];
    let pooled = false;
    const graph = this.chains[0]!.graph;
    if (target.name === 'deviance' && !graph.variables.has('deviance')) {
      if (!withDeviance) throw errorAt(target.range, "'deviance' is known once the dic module is loaded: add 'load dic' before this line.");
      if (target.ranges) throw errorAt(target.range, "'deviance' is a single value; monitor it without an index.");
      names = ['deviance'];
      for (const chain of this.chains) sources.push(computedSource(devianceOf(chain)));
    } else if (target.name === 'pD' && !graph.variables.has('pD')) {
      if (!withDeviance) throw errorAt(target.range, "'pD' is known once the dic module is loaded: add 'load dic' before this line.");
      if (target.ranges) throw errorAt(target.range, "'pD' is a single value; monitor it without an index.");
      // pD pairs the chains' draws iteration by iteration: it needs every chain in this thread.
      if (this.workers) throw errorAt(target.range, "'pD' needs every chain in one thread: this session runs chains in worker threads.");
      names = ['pD'];
      const penalty = penaltyReader(this.chains.map((c) => c.graph), new Random(this.request.settings.seed, this.chainCount), target.range);
      sources.push(computedSource(penalty));
      pooled = true;
    } else {
      const variable = graph.variables.get(target.name);
      if (!variable) throw errorAt(target.range, `Cannot monitor '${target.name}': it is not a variable of the model.`);
      const offsets = elementOffsets(variable, target);
      names = offsets.map((o) => elementName(variable, o));
      const at = Int32Array.from(offsets);
      for (const chain of this.chains) sources.push({ values: chain.graph.variables.get(target.name)!.values, at, computed: undefined });
    }
    const monitor: SessionMonitor = {
      label: labelOf(target),
      thin,
      start: this.iteration + 1,
      names,
      // Chains run elsewhere get their records when `monitors` collects them.
      records: pooled ? [new Float64Array(64)] : Array.from({ length: this.chainCount }, (_, c) => new Float64Array(this.hosted.includes(c) ? names.length * 64 : 0)),
      count: 0,
      // Every monitor one shape (a spread made a new map per monitor, and the sampling loop's optimised code threw itself away at each update's end).
      pooled,
    };
    this.workers?.begin({ kind: 'monitor', target, thin, withDeviance });
    this.workers?.finish();
    this.active.push({ monitor, sources, rows: sources.map(() => 0) });
    this.drawWhatIsRead();
    this.adapting = false;
    return monitor;
  }

  /** Stops and forgets the monitors of `label` (`monitor clear x`); false when there is none. */
  clearMonitor(label: string): boolean {
    const before = this.active.length;
    for (let k = this.active.length - 1; k >= 0; k--) if (this.active[k]!.monitor.label === label) this.active.splice(k, 1);
    this.drawWhatIsRead();
    this.workers?.begin({ kind: 'clear', label });
    this.workers?.finish();
    return this.active.length < before;
  }

  /** The monitors, with the records of chains run in worker threads collected. */
  get monitors(): SessionMonitor[] {
    if (this.threads) {
      this.threads.begin({ kind: 'records' });
      for (const fromWorker of this.threads.finish() as HostedRecords[]) {
        fromWorker.forEach((chains, m) => {
          for (const { chain, rows } of chains) this.active[m]!.monitor.records[chain] = rows;
        });
      }
    }
    return this.active.map((a) => a.monitor);
  }

  /** Per monitor, the records of the chains hosted here (a worker's answer to `monitors`). */
  hostedRecords(): HostedRecords {
    return this.active.map(({ monitor }) => this.hosted.map((chain) => ({ chain, rows: monitor.records[chain]!.slice(0, monitor.count * monitor.names.length) })));
  }

  /** The samplers of the first chain (all chains have the same), with the nodes each updates, in updating order. */
  samplers(): Array<{ sampler: string; nodes: string[] }> {
    return (this.chains[0]?.samplers ?? []).map((s) => ({ sampler: s.label, nodes: s.nodes.map((n) => n.name) }));
  }

  /** The current values of the variables with unobserved stochastic elements in one chain; other elements NA. */
  parameterValues(chain: number): NamedValues {
    const local = this.hosted.indexOf(chain);
    if (local < 0) return this.workers!.call(this.workers!.slotOf(chain)!, { kind: 'parameters', chain }) as NamedValues;
    const graph = this.chains[local]!.graph;
    const out: NamedValues = new Map();
    for (const v of graph.variables.values()) {
      let any = false;
      const values = new Float64Array(v.values.length).fill(Number.NaN);
      for (let o = 0; o < v.values.length; o++) {
        if (v.role[o] === Role.Stochastic && !graph.stochastic[v.node[o]!]!.observed) {
          values[o] = v.values[o]!;
          any = true;
        }
      }
      if (any) out.set(v.name, { dims: [...v.dims], values });
    }
    return out;
  }
}

/**
 * An empty list that V8 already stores as a list of objects. `[]` starts as
 * a list of small integers and changes its hidden class at the first push;
 * the monitors' list is read on every iteration, and optimised code that
 * had only seen it empty (burn-in) was thrown away ("wrong map") when the
 * first monitor was set.
 */
function objectList<T extends object>(): T[] {
  const list: Array<T | null> = [null];
  list.pop();
  return list as T[];
}

/** Offsets (row-major) of a target's elements, in JAGS's order: the first index varies fastest. */
function elementOffsets(variable: Variable, target: MonitorTarget): number[] {
  // JAGS treats a scalar as an array of length 1, so `x[1]` names a scalar x.
  const dims = variable.dims.length === 0 ? [1] : variable.dims;
  const ranges = target.ranges ?? dims.map((d): [number, number] => [1, d]);
  if (ranges.length !== dims.length) {
    throw errorAt(target.range, `${target.name} has ${dims.length} ${dims.length === 1 ? 'dimension' : 'dimensions'} but is indexed with ${ranges.length}.`);
  }
  ranges.forEach(([from, to], d) => {
    if (!(Number.isInteger(from) && Number.isInteger(to) && from >= 1 && from <= to && to <= dims[d]!)) {
      throw errorAt(target.range, `Index ${from === to ? from : `${from}:${to}`} is out of range for dimension ${d + 1} of ${target.name} (1 to ${dims[d]}).`);
    }
  });
  const offsets: number[] = [];
  const index = ranges.map(([from]) => from);
  for (;;) {
    let offset = 0;
    for (let d = 0; d < dims.length; d++) offset = offset * dims[d]! + (index[d]! - 1);
    offsets.push(offset);
    let d = 0;
    for (; d < index.length; d++) {
      if (index[d]! < ranges[d]![1]) {
        index[d]!++;
        break;
      }
      index[d] = ranges[d]![0];
    }
    if (d === index.length) return offsets;
  }
}

function labelOf(target: MonitorTarget): string {
  if (!target.ranges) return target.name;
  return `${target.name}[${target.ranges.map(([a, b]) => (a === b ? `${a}` : `${a}:${b}`)).join(',')}]`;
}

/** −2 × the summed log density of the observed nodes at the chain's current values: JAGS's deviance. */
function devianceOf(chain: ChainSession): () => number {
  const observed: StochasticNode[] = chain.graph.stochastic.filter((n) => n.observed);
  return () => {
    let logDensity = 0;
    for (let k = 0; k < observed.length; k++) logDensity += nodeLogDensity(observed[k]!);
    return -2 * logDensity;
  };
}

/** Appends one record of a monitor in one chain, growing its buffer by doubling. */
function record(active: ActiveMonitor, local: number, chain: number): void {
  const { monitor } = active;
  const width = monitor.names.length;
  const rows = active.rows[local]!;
  let buffer = monitor.records[chain]!;
  if ((rows + 1) * width > buffer.length) {
    const grown = new Float64Array(Math.max(buffer.length * 2, width));
    grown.set(buffer);
    monitor.records[chain] = buffer = grown;
  }
  const { values, at, computed } = active.sources[local]!;
  const base = rows * width;
  if (computed) buffer[base] = computed();
  else for (let k = 0; k < at.length; k++) buffer[base + k] = values[at[k]!]!;
  active.rows[local] = rows + 1;
}

/** Per monitor, per hosted chain, its records so far (count × width values). */
type HostedRecords = Array<Array<{ chain: number; rows: Float64Array }>>;
