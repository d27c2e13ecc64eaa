import { McemStopping } from './mcemStopping';
import { assignSamplers } from '../inference/gibbs';
import type { Sampler } from '../inference/samplers';
import { elementName, nodeLogDensity, propagate, type ModelGraph, type StochasticNode } from '../model/graph';
import type { EmBoundRecord, FitSettings } from '../output/fitOutput';
import type { Random } from '../random/rng';
import { buildLocalUnits, type LocalUnit } from './localPosteriors';
import { buildParameterUpdates, localLogDensity, type ParameterUpdate } from './parameterUpdates';
import { ConvergenceMonitor } from './convergence';
import { emptyBoundRecord, pushBound, type BoundShare } from './emBound';
import type { Roles } from './roles';

/** What each iteration reports, for live curves. */
export interface EmIteration {
  iteration: number;
  beta: number;
  objective: number;
  logLikelihood: number;
}

export interface EmOutcome {
  status: 'converged' | 'max-iterations' | 'cancelled' | 'stopped';
  /** The estimated distance of the objective to its limit when the run ended (+∞ when unknown), and that limit. */
  distance: number;
  limit: number;
  iterations: number;
  objective: number[];
  beta: number[];
  /** The observed-data log-likelihood (exact E-step), or NaN: Monte-Carlo EM has only an estimate of the complete-data one. */
  logLikelihood: number;
  objectiveValue: number;
  /** Monte-Carlo EM: the standard error of the last objective estimate (draws treated as independent); 0 when exact. */
  objectiveError: number;
  /** Posterior mean and sd of each scalar of the `summarised` latent nodes, by JAGS name. */
  latentSummaries: Array<{ name: string; mean: number; sd: number }>;
  /** Observed stochastic nodes: the sample size of BIC. */
  observations: number;
  exact: boolean;
  messages: string[];
  engine: string;
  /** With `bound = TRUE` and an E-step that reports it: the bound picture's points. */
  bound?: EmBoundRecord;
}

/**
 * EM derived from the model's complete conditionals, for any model whose
 * latent nodes have a closed-form posterior given the parameters (finite,
 * normal — truncated or censored too —, Gaussian blocks) and whose
 * parameters have conjugate conditionals (or are continuous scalars, then
 * maximised numerically: generalized EM). Otherwise the E-step is Monte
 * Carlo: Gibbs sweeps of the latent nodes (MCEM). The M-step updates the
 * parameters one after another in the order of their relations, each with
 * the latest values of the others (ECM; `ecm` repeats the sweep until the
 * parameters settle, `em` does one sweep per E-step).
 */
export interface EmMachine {
  readonly estep: EStep;
  readonly updates: ParameterUpdate[];
  readonly exact: boolean;
  readonly engine: string;
  /** What the setup found (no exact E-step, say), repeated in each run's messages. */
  readonly notes: string[];
}

/** The E-step and the M-step updates of a model, built once and run from each start. */
export function prepareGenericEm(graph: ModelGraph, roles: Roles, settings: FitSettings, random: Random): EmMachine {
  const notes: string[] = [];
  const withPrior = settings.estimator === 'map';
  const latentIds = new Set(roles.latent.map((n) => n.id));
  const built = settings.method === 'mcem' ? { reason: 'Monte-Carlo EM was asked for' } : buildLocalUnits(graph, roles.latent);
  const exact = 'units' in built;
  let engine: string;
  let estep: EStep;
  if (exact) {
    estep = new ExactEStep(graph, built.units, latentIds);
    engine = `EM from the conjugate conditionals (exact E-step over ${built.units.length} latent unit(s))`;
  } else {
    if (settings.method !== 'mcem') notes.push(`No exact E-step: ${built.reason}; using Monte-Carlo EM (Gibbs draws of the latent nodes).`);
    estep = new MonteCarloEStep(graph, roles.latent, settings.sweeps ?? 50, random);
    engine = `Monte-Carlo EM (${settings.sweeps ?? 50} Gibbs sweeps of the latent nodes per E-step at first, a tenth more each iteration up to ${4 * (settings.sweeps ?? 50)})`;
  }
  if (settings.method === 'online.em') throw new Error('online EM needs a mixture recognised by a kernel');
  const expected = (node: StochasticNode) => (): number => estep.expectedLogDensity(node, withPrior);
  const made = buildParameterUpdates(graph, roles.parameters, expected);
  if ('reason' in made) throw new ParameterError(made.reason, made.node);
  return { estep, updates: made.updates, exact, engine, notes };
}

export function runGenericEm(
  machine: EmMachine,
  roles: Roles,
  settings: FitSettings,
  onIteration: (report: EmIteration) => void,
  cancelled: () => boolean,
): EmOutcome {
  const { estep, updates, exact, engine } = machine;
  const messages = [...machine.notes];
  const withPrior = settings.estimator === 'map';
  estep.reset();
  const observations = roles.observations;
  const objective: number[] = [];
  const betas: number[] = [];
  let beta = settings.method === 'annealed.em' ? Math.min(Math.max(settings.betaStart ?? 0.1, 1e-6), 1) : 1;
  const growth = settings.betaGrowth ?? 1.5;
  let status: EmOutcome['status'] = 'max-iterations';
  let logLikelihood = Number.NaN;
  let previous = Number.NaN;
  let iteration = 0;
  // Exact EM: the objective's distance to its limit (convergence.ts). Monte-Carlo EM's objective is noisy: whether the parameters settled within their noise instead (mcemStopping.ts).
  const monitor = new ConvergenceMonitor(settings.tolerance);
  const record = settings.bound && estep.boundable?.() ? emptyBoundRecord(withPrior ? 'logpost' : 'loglik') : undefined;
  if (settings.bound && !record) messages.push(`bound = TRUE: the bound picture needs an exact E-step whose every latent unit is finite, normal or a Gaussian block; ${exact ? 'a local scale unit has no closed-form share yet' : 'this E-step is Monte Carlo'}, so it was not recorded.`);
  const recordBound = (step: 'E' | 'M'): void => {
    if (record) pushBound(record, iteration, step, estep.bound!(), withPrior ? logPrior(updates, estep) : 0);
  };
  // Monte-Carlo EM: settled when the iterates at the E-step's most draws show no trend beyond their noise (mcemStopping.ts).
  const stopping = new McemStopping(settings.tolerance);
  for (; iteration <= settings.maxIterations; iteration++) {
    if (cancelled()) {
      status = 'cancelled';
      break;
    }
    const value = estep.run(beta) + (withPrior ? logPrior(updates, estep) : 0);
    logLikelihood = estep.logLikelihood();
    objective.push(value);
    betas.push(beta);
    if (record) {
      estep.freeze!();
      recordBound('E');
    }
    onIteration({ iteration, beta, objective: value, logLikelihood });
    if (!Number.isFinite(value)) {
      messages.push(`The objective is ${value} at iteration ${iteration}: the parameters make the data impossible or a density undefined; stopped with the last parameters.`);
      status = 'stopped';
      break;
    }
    if (beta === 1 && exact && !Number.isNaN(previous) && value < previous - 1e-8 * Math.max(1, Math.abs(previous))) {
      messages.push(`The objective decreased at iteration ${iteration} (${previous} → ${value}); plain EM never decreases it, so this is a numerical problem or a bug.`);
    }
    if (beta === 1) monitor.push(value);
    if (beta === 1 && (exact ? monitor.converged() : stopping.settled())) {
      // The window's mean: its noise is that of 2h iterations, not of the last one.
      if (!exact) writeParameters(updates, stopping.mean());
      status = 'converged';
      break;
    }
    if (iteration === settings.maxIterations) break;
    previous = beta === 1 ? value : Number.NaN;
    const sweeps = settings.method === 'ecm' ? 20 : 1;
    for (let sweep = 0; sweep < sweeps; sweep++) {
      const moved = mStep(updates, estep, withPrior, settings.regCovar, messages);
      if (moved < 1e-10) break;
    }
    recordBound('M');
    if (!exact && beta === 1 && estep.atMostDraws()) stopping.push(readParameters(updates));
    if (beta < 1) beta = Math.min(1, beta * growth);
  }
  estep.centre();
  return {
    objectiveError: estep.error(), latentSummaries: estep.summaries(roles.globalLatent),
    status, distance: exact ? monitor.distance() : Number.POSITIVE_INFINITY, limit: exact ? monitor.limit() : Number.NaN, iterations: Math.min(iteration, settings.maxIterations), objective, beta: betas, logLikelihood,
    objectiveValue: objective[objective.length - 1] ?? Number.NaN, observations, exact, messages, engine, ...(record ? { bound: record } : {}),
  };
}

/** A parameter without an M-step: the caller turns it into a message at the node's relation. */
export class ParameterError extends Error {
  constructor(
    message: string,
    readonly node: StochasticNode,
  ) {
    super(message);
  }
}

/** The exact objective at the parameters as they are: the observed-data log-likelihood (+ the log prior for MAP), by one E-step. */
export function objectiveAt(machine: EmMachine, withPrior: boolean): number {
  return machine.estep.run(1) + (withPrior ? logPrior(machine.updates, machine.estep) : 0);
}

/** The parameters' log prior, leaving out priors that read a latent node: the latent unit's normaliser holds them already. */
function logPrior(updates: ParameterUpdate[], estep: EStep): number {
  let total = 0;
  for (const u of updates) for (const n of u.nodes) if (!estep.holds(n)) total += nodeLogDensity(n);
  return total;
}

/** The parameters' values, in the order of the updates and their nodes' elements. */
function readParameters(updates: ParameterUpdate[]): Float64Array {
  const values: number[] = [];
  for (const u of updates) for (const n of u.nodes) for (const o of n.offsets) values.push(n.variable.values[o]!);
  return Float64Array.from(values);
}

function writeParameters(updates: ParameterUpdate[], values: Float64Array): void {
  let k = 0;
  for (const u of updates) for (const n of u.nodes) for (const o of n.offsets) n.variable.values[o] = values[k++]!;
}

/** One M-step sweep; returns the largest relative change of a parameter element (relative to max(1, |value|)). */
function mStep(updates: ParameterUpdate[], estep: EStep, withPrior: boolean, regCovar: number, messages: string[]): number {
  let moved = 0;
  for (const update of updates) {
    const before = update.nodes.flatMap((n) => Array.from(n.offsets, (o) => n.variable.values[o]!));
    update.begin();
    estep.forEachPoint((weight) => update.accumulate(weight, withPrior));
    const problem = update.apply(regCovar);
    if (problem && !messages.includes(problem)) messages.push(problem);
    let k = 0;
    for (const n of update.nodes) {
      for (const o of n.offsets) {
        const b = before[k++]!;
        moved = Math.max(moved, Math.abs(n.variable.values[o]! - b) / Math.max(1, Math.abs(b)));
      }
    }
  }
  return moved;
}

export interface EStep {
  /** Computes the latent posterior at the current parameters; returns the observed-data log-likelihood (exact) or an estimate. */
  run(beta: number): number;
  /** Calls `visit` with the child weights of each point of the latent posterior, the latent nodes set to that point. */
  forEachPoint(visit: (weight: Float64Array) => void): void;
  /** E[log density of the node's children] (+ its prior), for numerical M-steps. */
  expectedLogDensity(node: StochasticNode, withPrior: boolean): number;
  /** Leaves the latent nodes at their posterior centres. */
  centre(): void;
  /** Whether the E-step uses as many draws as it ever will (always, when exact). */
  atMostDraws(): boolean;
  /** Forgets what earlier runs learnt (Monte-Carlo EM's growing number of draws), for a new start. */
  reset(): void;
  /** Whether the node's density is part of a latent unit's normaliser (a parameter whose prior reads a latent node). */
  holds(node: StochasticNode): boolean;
  /** The observed-data log-likelihood at the last run (without the shares of units that hold parameters' priors); NaN when unknown. */
  logLikelihood(): number;
  /** The standard error of the last run's value (0 when exact). */
  error(): number;
  summaries(nodes: StochasticNode[]): Array<{ name: string; mean: number; sd: number }>;
  /** The bound picture (emBound.ts), where the E-step reports it: whether every unit does, keeping the posterior as q, and the shares at the current parameters. */
  boundable?(): boolean;
  freeze?(): void;
  bound?(): BoundShare;
}

class ExactEStep implements EStep {
  private weights: Float64Array[] = [];
  private readonly unitOf: Int32Array;
  /** Observed nodes outside every unit: their log densities add to the log-likelihood directly. */
  private readonly outside: StochasticNode[];

  constructor(
    private readonly graph: ModelGraph,
    private readonly units: LocalUnit[],
    latentIds: Set<number>,
  ) {
    this.unitOf = new Int32Array(graph.stochastic.length).fill(-1);
    units.forEach((u, k) => {
      for (const n of u.nodes) this.unitOf[n.id] = k;
      for (const c of u.children) this.unitOf[c.id] = k;
    });
    this.outside = graph.stochastic.filter((n) => n.observed && this.unitOf[n.id] === -1 && !latentIds.has(n.id));
  }

  private likelihood = Number.NaN;

  run(beta: number): number {
    let total = 0;
    let priors = 0;
    for (const unit of this.units) {
      const share = unit.update(beta);
      total += share;
      // A unit with an unobserved child (a local scale and its coefficient) is prior, not likelihood.
      if (unit.children.some((c) => !c.observed)) priors += share;
    }
    for (const node of this.outside) total += nodeLogDensity(node);
    this.likelihood = total - priors;
    let points = 1;
    for (const unit of this.units) points = Math.max(points, unit.pointCount());
    const n = this.graph.stochastic.length;
    while (this.weights.length < points) this.weights.push(new Float64Array(n));
    return total;
  }

  forEachPoint(visit: (weight: Float64Array) => void): void {
    const { units, unitOf } = this;
    let points = 1;
    for (const unit of units) points = Math.max(points, unit.pointCount());
    const unitWeight = new Float64Array(units.length);
    for (let s = 0; s < points; s++) {
      for (let u = 0; u < units.length; u++) unitWeight[u] = units[u]!.setPoint(s);
      const weight = this.weights[s]!;
      for (let id = 0; id < weight.length; id++) weight[id] = unitOf[id]! >= 0 ? unitWeight[unitOf[id]!]! : s === 0 ? 1 : 0;
      visit(weight);
    }
    this.centre();
  }

  expectedLogDensity(node: StochasticNode, withPrior: boolean): number {
    let total = 0;
    this.forEachPoint((weight) => (total += localLogDensity(this.graph, node, withPrior, weight)));
    return total;
  }

  centre(): void {
    for (const unit of this.units) unit.setCentre();
  }

  holds(node: StochasticNode): boolean {
    return this.unitOf[node.id]! >= 0;
  }

  logLikelihood(): number {
    return this.likelihood;
  }

  boundable(): boolean {
    return this.units.every((u) => u.freeze && u.boundShare);
  }

  freeze(): void {
    for (const unit of this.units) unit.freeze!();
  }

  bound(): BoundShare {
    const total: BoundShare = { logEvidence: 0, lower: 0, divergence: 0 };
    for (const unit of this.units) {
      const share = unit.boundShare!();
      total.logEvidence += share.logEvidence;
      total.lower += share.lower;
      total.divergence += share.divergence;
    }
    for (const node of this.outside) {
      const value = nodeLogDensity(node);
      total.logEvidence += value;
      total.lower += value;
    }
    return total;
  }

  reset(): void {}

  atMostDraws(): boolean {
    return true;
  }

  error(): number {
    return 0;
  }

  summaries(nodes: StochasticNode[]): Array<{ name: string; mean: number; sd: number }> {
    const wanted = new Set(nodes.map((n) => n.id));
    const out: Array<{ name: string; mean: number; sd: number }> = [];
    for (const unit of this.units) {
      if (!unit.summaries || !unit.nodes.some((n) => wanted.has(n.id))) continue;
      const values = unit.summaries();
      let k = 0;
      for (const n of unit.nodes) {
        for (const o of n.offsets) {
          const v = values[k++];
          if (v && wanted.has(n.id)) out.push({ name: elementName(n.variable, o), ...v });
        }
      }
    }
    return out;
  }
}

/**
 * The E-step by Gibbs draws of the latent nodes. The number of draws grows
 * by a tenth per iteration (up to 4 times the first), so the Monte-Carlo
 * error shrinks as the parameters settle (Booth & Hobert 1999).
 */
class MonteCarloEStep implements EStep {
  private readonly samplers: Sampler[];
  private readonly latent: StochasticNode[];
  private readonly draws: Float64Array[] = [];
  private readonly width: number;
  /** 1/S for the latent nodes and their children, 0 elsewhere; `firstWeight` has 1 elsewhere. */
  private readonly weight: Float64Array;
  private readonly firstWeight: Float64Array;
  private readonly touched: Uint8Array;
  private readonly involved: StochasticNode[];
  private sweeps: number;
  private readonly firstSweeps: number;
  private readonly maxSweeps: number;
  private runs = 0;

  constructor(
    private readonly graph: ModelGraph,
    latent: StochasticNode[],
    sweeps: number,
    private readonly random: Random,
  ) {
    const ids = new Set(latent.map((n) => n.id));
    this.samplers = assignSamplers(graph).filter((s) => s.nodes.every((n) => ids.has(n.id)));
    this.latent = latent;
    this.width = latent.reduce((a, n) => a + n.offsets.length, 0);
    this.weight = new Float64Array(graph.stochastic.length);
    this.firstWeight = new Float64Array(graph.stochastic.length);
    this.touched = new Uint8Array(graph.stochastic.length);
    for (const n of latent) {
      this.touched[n.id] = 1;
      for (const c of n.children) this.touched[c] = 1;
    }
    this.involved = graph.stochastic.filter((n) => this.touched[n.id]);
    this.sweeps = this.firstSweeps = Math.max(1, Math.floor(sweeps));
    this.maxSweeps = 4 * this.sweeps;
  }

  private setWeights(): void {
    for (let id = 0; id < this.weight.length; id++) {
      this.weight[id] = this.touched[id] ? 1 / this.sweeps : 0;
      this.firstWeight[id] = this.touched[id] ? 1 / this.sweeps : 1;
    }
  }

  run(): number {
    if (this.runs++ > 0) this.sweeps = Math.min(this.maxSweeps, Math.ceil(this.sweeps * 1.1));
    while (this.draws.length < this.sweeps) this.draws.push(new Float64Array(this.width));
    this.setWeights();
    const burn = Math.max(5, Math.floor(this.sweeps / 5));
    for (let k = 0; k < burn; k++) for (const s of this.samplers) s.update(this.random);
    let total = 0;
    let squares = 0;
    for (let draw = 0; draw < this.sweeps; draw++) {
      for (const s of this.samplers) s.update(this.random);
      this.record(draw);
      let value = 0;
      for (const n of this.involved) value += nodeLogDensity(n);
      total += value;
      squares += value * value;
    }
    const mean = total / this.sweeps;
    this.standardError = Math.sqrt(Math.max(squares / this.sweeps - mean * mean, 0) / this.sweeps);
    let outside = 0;
    for (const n of this.graph.stochastic) if (n.observed && this.weight[n.id] === 0) outside += nodeLogDensity(n);
    this.centre();
    // An estimate of the complete-data log-likelihood, averaged over the draws.
    return total / this.sweeps + outside;
  }

  private standardError = Number.NaN;
  logLikelihood(): number {
    return Number.NaN;
  }

  atMostDraws(): boolean {
    return this.sweeps >= this.maxSweeps;
  }

  reset(): void {
    this.sweeps = this.firstSweeps;
    this.runs = 0;
  }

  error(): number {
    return this.standardError;
  }

  /** Mean and sd of the latent nodes' draws. */
  summaries(nodes: StochasticNode[]): Array<{ name: string; mean: number; sd: number }> {
    const out: Array<{ name: string; mean: number; sd: number }> = [];
    const wanted = new Set(nodes.map((n) => n.id));
    let k = 0;
    for (const n of this.latent) {
      for (const o of n.offsets) {
        if (wanted.has(n.id)) {
          let sum = 0, squares = 0;
          for (let d = 0; d < this.sweeps; d++) {
            const v = this.draws[d]![k]!;
            sum += v;
            squares += v * v;
          }
          const mean = sum / this.sweeps;
          out.push({ name: elementName(n.variable, o), mean, sd: Math.sqrt(Math.max(squares / this.sweeps - mean * mean, 0)) });
        }
        k++;
      }
    }
    return out;
  }

  private record(draw: number): void {
    const row = this.draws[draw]!;
    let k = 0;
    for (const n of this.latent) {
      // Per sweep: a scalar node's one offset directly (its offsets list is made when asked for).
      if (!n.distribution.multivariate) row[k++] = n.variable.values[n.offset]!;
      else for (const o of n.offsets) row[k++] = n.variable.values[o]!;
    }
  }

  private restore(draw: number): void {
    const row = this.draws[draw]!;
    let k = 0;
    for (const n of this.latent) {
      if (!n.distribution.multivariate) n.variable.values[n.offset] = row[k++]!;
      else for (const o of n.offsets) n.variable.values[o] = row[k++]!;
      propagate(this.graph, n);
    }
  }

  forEachPoint(visit: (weight: Float64Array) => void): void {
    for (let draw = 0; draw < this.sweeps; draw++) {
      this.restore(draw);
      // Nodes no latent node touches count once, at the first draw.
      visit(draw === 0 ? this.firstWeight : this.weight);
    }
  }

  expectedLogDensity(node: StochasticNode, withPrior: boolean): number {
    let total = 0;
    this.forEachPoint((weight) => (total += localLogDensity(this.graph, node, withPrior, weight)));
    return total;
  }

  centre(): void {
    this.restore(this.sweeps - 1);
  }

  holds(node: StochasticNode): boolean {
    return this.weight[node.id]! > 0;
  }
}
