import { assignSamplers, runChain } from '../inference/gibbs';
import { setInitialValues } from '../inference/initialValues';
import type { Sampler } from '../inference/samplers';
import { errorAt } from '../language/source';
import { compileModel, refreshSinks } from '../model/compile';
import { elementName, Role, type ModelGraph, type Variable } from '../model/graph';
import { Random } from '../random/rng';
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
}

export function prepareChain(request: RunRequest, chain: number): ChainSession {
  const start = request.chainStarts?.[chain];
  const graph = compileModel(request.document, request.data);
  const random = start?.seed === undefined ? new Random(request.settings.seed, chain) : new Random(start.seed, 0);
  // Chain 1 starts where JAGS would (typical values); the others from prior draws, so R-hat can see poor mixing.
  setInitialValues(graph, start?.inits ?? request.inits, request.initsRange, chain > 0 ? random : undefined);
  const samplers = assignSamplers(graph);
  const labels = new Map<number, string>();
  for (const s of samplers) for (const n of s.nodes) labels.set(n.id, s.label);
  const monitors = resolveMonitors(graph, request.settings.monitor, labels, request);
  return { graph, samplers, monitors, random };
}

function resolveMonitors(graph: ModelGraph, names: string[], labels: Map<number, string>, request: RunRequest): Monitor[] {
  const label = (v: Variable, offset: number): string => {
    switch (v.role[offset]) {
      case Role.Stochastic: {
        const node = graph.stochastic[v.node[offset]!]!;
        return node.observed ? 'observed' : (labels.get(node.id) ?? 'none');
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
  };
  runChain(session.samplers, session.random, plan, record, (done) => {
    onProgress(done, buffer.slice(0, rows * width));
    rows = 0;
  });
}
