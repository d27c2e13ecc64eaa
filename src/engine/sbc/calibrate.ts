import { assignSamplers, runChain } from '../inference/gibbs';
import { setInitialValues } from '../inference/initialValues';
import type { Sampler } from '../inference/samplers';
import type { Document } from '../language/ast';
import type { NamedValues } from '../language/rvalues';
import { errorAt, ModelError, type SourceRange } from '../language/source';
import { compileModel } from '../model/compile';
import { elementName, Role, type ModelGraph } from '../model/graph';
import { Random } from '../random/rng';
import { forwardOrder, forwardSample } from './forwardSample';
import { randomizedRank } from './ranks';
import type { SbcNodeResult, SbcSettings } from './sbcOutput';
import { CalibrationTally } from './tally';

/**
 * Simulation-based calibration (Talts et al. 2018) of a model and the
 * samplers the engine picks for it: draw the unobserved nodes from the prior
 * and the observed ones from the model, fit the simulated data, and rank each
 * true value among the fit's draws. This file plans and runs simulations;
 * the histograms and tests are in tally.ts, the worker threads in runner.ts.
 */

/** simulations, draws (L, kept after thinning), bins, burnin, thin, seed. */
export type CalibrationSettings = SbcSettings;

/** The model to calibrate: a document, its data (constants and observed values), and optional initial values. */
export interface CalibrationModel {
  document: Document;
  data: NamedValues;
  inits: NamedValues | undefined;
  initsRange: SourceRange;
}

/** A scalar element that gets a rank: an unobserved stochastic node's element. */
export interface CalibratedParameter {
  name: string;
  variable: string;
  offset: number;
  /** The sampler the engine assigns it on the user's data. */
  sampler: string;
}

/** What stays the same across simulations, worked out once. */
export interface CalibrationPlan {
  model: CalibrationModel;
  /** The data with every observed stochastic element set to NA: the constants (N, covariates). */
  constants: NamedValues;
  /** The observed elements, per data variable: they get the simulated values in each fit. */
  simulated: Array<{ name: string; offsets: number[] }>;
  parameters: CalibratedParameter[];
  /** The model compiled on the constants: every node the fit sees, observed or not, is unobserved here. */
  simulationGraph: ModelGraph;
  order: number[];
}

export type SimulationOutcome = { index: number; ranks: Int32Array } | { index: number; failure: string };

/** Changes a fit's samplers before it runs: the tests make a deliberately wrong sampler this way. */
export type SamplerAdjustment = (graph: ModelGraph, samplers: Sampler[]) => Sampler[];

/**
 * Reads which data are observed values of the model (they will be simulated)
 * and which are constants, and which nodes get ranks. Throws ModelError when
 * the model does not compile or has nothing to calibrate.
 */
export function planCalibration(model: CalibrationModel): CalibrationPlan {
  const fitted = compileModel(model.document, model.data);
  const constants: NamedValues = new Map();
  const simulated: CalibrationPlan['simulated'] = [];
  for (const [name, array] of model.data) {
    const variable = fitted.variables.get(name);
    const offsets: number[] = [];
    if (variable) {
      for (let o = 0; o < variable.values.length; o++) {
        if (variable.role[o] === Role.Stochastic && fitted.stochastic[variable.node[o]!]!.observed) offsets.push(o);
      }
    }
    if (offsets.length === 0) {
      constants.set(name, array);
      continue;
    }
    const values = Float64Array.from(array.values);
    for (const o of offsets) values[o] = Number.NaN;
    constants.set(name, { dims: array.dims, values });
    simulated.push({ name, offsets });
  }

  setInitialValues(fitted, model.inits, model.initsRange);
  const labels = new Map<number, string>();
  for (const s of assignSamplers(fitted)) for (const n of s.nodes) labels.set(n.id, s.label);
  const parameters: CalibratedParameter[] = [];
  for (const variable of fitted.variables.values()) {
    for (let o = 0; o < variable.values.length; o++) {
      if (variable.role[o] !== Role.Stochastic) continue;
      const node = fitted.stochastic[variable.node[o]!]!;
      if (!node.observed) parameters.push({ name: elementName(variable, o), variable: variable.name, offset: o, sampler: labels.get(node.id) ?? 'none' });
    }
  }
  if (parameters.length === 0) throw errorAt(fitted.modelRange, 'Nothing to calibrate: every stochastic node of the model is observed.');

  const simulationGraph = compileModel(model.document, constants);
  return { model, constants, simulated, parameters, simulationGraph, order: forwardOrder(simulationGraph) };
}

/**
 * Simulation `index`: its own two random streams of the seed (one for the
 * simulation, one for the fit), so that the outcome does not depend on which
 * worker runs it or in what order. A model error while simulating or fitting
 * (an impossible simulated value, say) is the outcome's failure message.
 */
export function runSimulation(plan: CalibrationPlan, settings: CalibrationSettings, index: number, adjust?: SamplerAdjustment): SimulationOutcome {
  const simulation = new Random(settings.seed, 2 * index);
  try {
    forwardSample(plan.simulationGraph, plan.order, simulation);
    const truths = plan.parameters.map((p) => plan.simulationGraph.variables.get(p.variable)!.values[p.offset]!);
    const data: NamedValues = new Map(plan.constants);
    for (const { name, offsets } of plan.simulated) {
      const constant = plan.constants.get(name)!;
      const drawn = plan.simulationGraph.variables.get(name)!.values;
      const values = Float64Array.from(constant.values);
      for (const o of offsets) values[o] = drawn[o]!;
      data.set(name, { dims: constant.dims, values });
    }

    const graph = startedFit(plan, data, truths);
    let samplers = assignSamplers(graph);
    if (adjust) samplers = adjust(graph, samplers);
    const sources = plan.parameters.map((p) => graph.variables.get(p.variable)!.values);
    const count = plan.parameters.length;
    const below = new Int32Array(count);
    const ties = new Int32Array(count);
    const record = (): void => {
      for (let k = 0; k < count; k++) {
        const x = sources[k]![plan.parameters[k]!.offset]!;
        const truth = truths[k]!;
        if (x < truth) below[k]!++;
        else if (x === truth) ties[k]!++;
      }
    };
    const chainPlan = { burnin: settings.burnin, iterations: settings.draws * settings.thin, thin: settings.thin };
    runChain(samplers, new Random(settings.seed, 2 * index + 1), chainPlan, record, () => undefined);
    const ranks = new Int32Array(count);
    for (let k = 0; k < count; k++) ranks[k] = randomizedRank(below[k]!, ties[k]!, simulation);
    return { index, ranks };
  } catch (e) {
    if (!(e instanceof ModelError)) throw e;
    return { index, failure: `Simulation ${index + 1}: ${e.problems[0]?.message ?? e.message}` };
  }
}

/**
 * The fit of simulated data, compiled and started as a user's run starts
 * (from the inits, else typical values of the priors), so that a sampler that
 * does not move shows in the ranks. When that start is impossible for these
 * data (a count below an observed one, say), the fit starts from the true
 * values instead: they are a draw from this posterior, so the start does not
 * bias the ranks.
 */
function startedFit(plan: CalibrationPlan, data: NamedValues, truths: number[]): ModelGraph {
  const graph = compileModel(plan.model.document, data);
  try {
    setInitialValues(graph, plan.model.inits, plan.model.initsRange);
    return graph;
  } catch (e) {
    if (!(e instanceof ModelError)) throw e;
  }
  const fromTruth = compileModel(plan.model.document, data);
  const inits: NamedValues = new Map();
  plan.parameters.forEach((p, k) => {
    let array = inits.get(p.variable);
    if (!array) {
      const variable = fromTruth.variables.get(p.variable)!;
      array = { dims: variable.dims, values: new Float64Array(variable.values.length).fill(Number.NaN) };
      inits.set(p.variable, array);
    }
    array.values[p.offset] = truths[k]!;
  });
  setInitialValues(fromTruth, inits, plan.model.initsRange);
  return fromTruth;
}

/** The histograms and tests of a finished calibration, with how many simulations failed and why (the first few). */
export interface CalibrationResult {
  nodes: SbcNodeResult[];
  failed: number;
  failures: string[];
}

/**
 * Runs every simulation of a calibration on this thread: for tests, and for
 * callers that already are off the editor's thread. `adjust` changes each
 * fit's samplers (the tests break one on purpose).
 */
export function calibrate(model: CalibrationModel, settings: CalibrationSettings, adjust?: SamplerAdjustment): CalibrationResult {
  const plan = planCalibration(model);
  const tally = new CalibrationTally(plan.parameters, settings.draws, settings.bins);
  for (let index = 0; index < settings.simulations; index++) tally.add(runSimulation(plan, settings, index, adjust));
  return { nodes: tally.results(), failed: tally.failed, failures: tally.failures };
}
