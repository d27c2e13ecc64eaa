import { assignSamplers, runChain } from '../inference/gibbs';
import { setInitialValues } from '../inference/initialValues';
import type { Sampler } from '../inference/samplers';
import { stochasticAncestors } from '../inference/elementAncestry';
import { predictiveSamplerOf } from '../inference/predictiveNodes';
import { errorAt, type SourceRange } from '../language/source';
import { compileModel, refreshSinks } from '../model/compile';
import { elementName, Role, type ModelGraph, type Variable } from '../model/graph';
import { megabytesFromEnvironment } from '../data/boundedRead';
import { Random } from '../random/rng';
import { collectAfterLargePhase } from '../fullCollection';
import { PointwiseRecorder } from './pointwise';
import { PredictiveRecorder } from './predictive';
import { PredictiveCheckRecorder } from './predictiveChecks';
import type { RunRequest } from './request';

/** A monitored scalar: where its value lives and what updates it. */
export interface Monitor {
  name: string;
  variable: Variable;
  offset: number;
  sampler: string;
}

/** One chain, compiled and initialised, ready to run. */
export interface ChainSession {
  graph: ModelGraph;
  samplers: Sampler[];
  monitors: Monitor[];
  random: Random;
  /** Present when the run records pointwise log-likelihoods (settings.loo). */
  pointwise?: PointwiseRecorder;
  /** Present when the run checks the model's predictions (settings.ppc). */
  checks?: PredictiveCheckRecorder;
  /** Present when the run monitors predictive(...) (settings.predictive). */
  predictive?: PredictiveRecorder;
}

/** One chain's graph, compiled within the memory limit for a graph per chain (every chain may run at once, each with its own graph). */
export function compileChainGraph(request: RunRequest): ModelGraph {
  return compileModel(request.document, request.data, {
    bytes: request.files.maxModelBytes ?? DEFAULT_MAX_MODEL_BYTES,
    copies: request.settings.chains,
    raise: 'setting latent.limits.maxModelMB, or LATENT_MAX_MODEL_MB=<megabytes> in the environment of the command line',
  });
}

/**
 * Compiles and initialises one chain; `onPhase` hears each step as it begins (compiling can take a minute on a large model).
 * `compiled`: the chain's graph compiled ahead (compileChainGraph), not yet given values or samplers.
 * `monitored`: 'settings' records what the request's monitor setting names (every unobserved node when it names
 * none); 'none' records nothing, for a caller that keeps monitors of its own (ModelSession): a monitor per unobserved
 * node, with its name, was 80 MB at a million probit rows, and finding what they read as long again.
 */
export function prepareChain(
  request: RunRequest,
  chain: number,
  onPhase: (phase: string) => void = () => {},
  compiled?: ModelGraph,
  monitored: 'settings' | 'none' = 'settings',
): ChainSession {
  const start = request.chainStarts?.[chain];
  onPhase('compiling the model');
  const graph = compiled ?? compileChainGraph(request);
  const random = start?.seed === undefined ? new Random(request.settings.seed, chain) : new Random(start.seed, 0);
  // Chain 1 starts where JAGS would (typical values); the others from prior draws, so R-hat can see poor mixing.
  setInitialValues(graph, start?.inits ?? request.inits, request.initsRange, chain > 0 ? random : undefined);
  const unobserved = graph.unobserved.length;
  const assigning = `assigning samplers to ${grouped(unobserved)} unobserved node${unobserved === 1 ? '' : 's'} (${grouped(graph.stochastic.length)} stochastic in all)`;
  onPhase(assigning);
  // The share done, at most five times a second: the notification and status bar show it.
  let told = Date.now();
  const onProgress = (share: number): void => {
    const now = Date.now();
    if (now - told < 200) return;
    told = now;
    onPhase(`${assigning} · ${Math.floor(100 * share)}%`);
  };
  const samplers = assignSamplers(graph, { forwardSamplePredictive: true, onProgress });
  collectAfterLargePhase(graph.stochastic.length);
  // Which sampler updates each node, by node id: a typed array, not a map entry per unobserved node (a million in a probit).
  const samplerOf = new Int32Array(graph.stochastic.length).fill(-1);
  samplers.forEach((s, k) => {
    for (const n of s.nodes) samplerOf[n.id] = k;
  });
  const samplerLabel = (id: number): string | undefined => (samplerOf[id]! >= 0 ? samplers[samplerOf[id]!]!.label : undefined);
  const monitors = monitored === 'none' ? [] : resolveMonitors(graph, request.settings.monitor, samplerLabel, request);
  rejectOversizedDraws(monitors.length, request, graph.modelRange);
  const { settings } = request;
  const spec = settings.predictive;
  const run = request.document.directives.find((d) => d.kind === 'run');
  // Predictive nodes no monitor reads are drawn once, at the run's end. The recorders of loo, ppc and predictive(...)
  // read more than the monitors: with them every node is drawn in every sweep.
  predictiveSamplerOf(samplers)?.drawEverySweepOnly(settings.loo || settings.ppc || spec ? 'all' : stochasticAncestors(graph, (read) => {
    for (const m of monitors) read(m.variable, m.offset);
  }));
  return {
    graph,
    samplers,
    monitors,
    random,
    ...(settings.loo ? { pointwise: new PointwiseRecorder(graph) } : {}),
    ...(settings.ppc ? { checks: new PredictiveCheckRecorder(graph, settings.seed, chain, Math.floor(settings.iterations / settings.thin)) } : {}),
    ...(spec ? { predictive: new PredictiveRecorder(graph, request.data, spec, run?.range ?? graph.modelRange) } : {}),
  };
}

/** A count with thousands separators, 12,345: toLocaleString would load the locale data (10 ms, on every run's start). */
function grouped(n: number): string {
  return String(n).replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}

/**
 * The most memory a run's kept draws may take unless the request says otherwise (the draws of
 * every chain meet in one process): 1 GB, or LATENT_MAX_DRAW_MB megabytes from the environment.
 */
export const DEFAULT_MAX_DRAW_BYTES = megabytesFromEnvironment('LATENT_MAX_DRAW_MB') ?? 1024 ** 3;

/** The most memory a run's unrolled graphs may take unless the request says otherwise: 4 GB, or LATENT_MAX_MODEL_MB megabytes. */
export const DEFAULT_MAX_MODEL_BYTES = megabytesFromEnvironment('LATENT_MAX_MODEL_MB') ?? 4 * 1024 ** 3;

/**
 * Refuses, before sampling, a run whose kept draws (monitored scalars × kept iterations ×
 * chains, 8 bytes each) would pass the limit, saying what to change: a run that would
 * otherwise fill the memory and die after minutes.
 */
function rejectOversizedDraws(monitored: number, request: RunRequest, modelRange: SourceRange): void {
  const { chains, iterations, thin } = request.settings;
  const kept = Math.ceil(iterations / thin);
  const bytes = monitored * kept * chains * 8;
  const limit = request.files.maxDrawBytes ?? DEFAULT_MAX_DRAW_BYTES;
  if (bytes <= limit) return;
  const run = request.document.directives.find((d) => d.kind === 'run');
  const gigabytes = (b: number): string => `${(b / 1024 ** 3).toFixed(b < 1024 ** 3 ? 2 : 1)} GB`;
  throw errorAt(
    run?.range ?? modelRange,
    `The run would keep ${gigabytes(bytes)} of draws (${monitored.toLocaleString('en')} monitored scalars × ${kept.toLocaleString('en')} kept iterations × ${chains} chains × 8 bytes), more than the limit of ${gigabytes(limit)}: ` +
      'monitor fewer nodes (monitor = c(...)), thin the chains (thin = 10 keeps every 10th draw), or run fewer iterations or chains ' +
      '(or raise the limit: setting latent.limits.maxDrawMB, or LATENT_MAX_DRAW_MB=<megabytes> in the environment of the command line).',
  );
}

function resolveMonitors(graph: ModelGraph, names: string[], samplerLabel: (id: number) => string | undefined, request: RunRequest): Monitor[] {
  const label = (v: Variable, offset: number): string => {
    switch (v.role[offset]) {
      case Role.Stochastic: {
        const node = graph.stochastic[v.node[offset]!]!;
        return node.observed ? 'observed' : (samplerLabel(node.id) ?? 'none');
      }
      case Role.Deterministic: return 'deterministic';
      case Role.Data: return 'data';
      default: return 'none';
    }
  };
  const monitor = (v: Variable, offset: number): Monitor => ({ name: elementName(v, offset), variable: v, offset, sampler: label(v, offset) });

  if (names.length === 0) {
    const monitors: Monitor[] = [];
    for (const v of graph.variables.values()) {
      for (let offset = 0; offset < v.values.length; offset++) {
        if (v.role[offset] === Role.Stochastic && !graph.stochastic[v.node[offset]!]!.observed) monitors.push(monitor(v, offset));
      }
    }
    return monitors;
  }
  const run = request.document.directives.find((d) => d.kind === 'run');
  return names.flatMap((name) => {
    const v = graph.variables.get(name);
    if (v) return Array.from({ length: v.values.length }, (_, o) => monitor(v, o));
    const element = elementOf(graph, name.replace(/\s+/g, ''));
    if (element) return [monitor(element.variable, element.offset)];
    throw errorAt(run?.range ?? graph.modelRange, `Cannot monitor '${name}': it is not a variable of the model.`);
  });
}

/**
 * The element a name such as `theta[2,3]` denotes, or undefined. Parsed, not
 * looked up in a table of every element's name: a model with 200,000 rows of
 * data has millions of elements, and monitoring `beta[1]` must not name them all.
 */
function elementOf(graph: ModelGraph, name: string): { variable: Variable; offset: number } | undefined {
  const match = /^([^[\]]+)\[(\d+(?:,\d+)*)\]$/.exec(name);
  const variable = match && graph.variables.get(match[1]!);
  if (!match || !variable) return undefined;
  const indices = match[2]!.split(',').map(Number);
  const dims = variable.dims.length === 0 ? [1] : variable.dims;
  if (indices.length !== dims.length || indices.some((at, d) => at < 1 || at > dims[d]!)) return undefined;
  const offset = indices.reduce((o, at, d) => o * dims[d]! + (at - 1), 0);
  return elementName(variable, offset) === name ? { variable, offset } : undefined;
}

/**
 * Runs a prepared chain. `onDraws` receives the kept draws since the last
 * call, row by row (one row = one value per monitor), at each progress tick.
 */
export function sampleChain(
  session: ChainSession,
  plan: { burnin: number; iterations: number; thin: number },
  onProgress: (done: number, newDraws: Float64Array) => void,
): void {
  const { monitors } = session;
  const width = monitors.length;
  let buffer = new Float64Array(width * 64);
  let rows = 0;
  const record = (): void => {
    if ((rows + 1) * width > buffer.length) {
      const grown = new Float64Array(buffer.length * 2);
      grown.set(buffer);
      buffer = grown;
    }
    refreshSinks(session.graph);
    for (let m = 0; m < width; m++) buffer[rows * width + m] = monitors[m]!.variable.values[monitors[m]!.offset]!;
    rows++;
    session.pointwise?.record();
    session.checks?.record();
    session.predictive?.record();
  };
  runChain(session.samplers, session.random, plan, record, (done) => {
    onProgress(done, buffer.slice(0, rows * width));
    rows = 0;
  });
}
