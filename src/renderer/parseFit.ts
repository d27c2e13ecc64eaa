/**
 * Checks the JSON of a fit output (`application/vnd.latent.fit+json`) before
 * drawing it: unknown schema versions are refused, missing optional parts
 * tolerated, so that an output saved by another version never throws half-way
 * through drawing.
 */

import type { EmBoundRecord, FIT_OUTPUT_MIME, FitDiagnosticKind, FitMessage, FitOutput, FitParameter, FitSettings, FitStatus, MixturePicture, VariationalNode, VariationalResult } from '../engine/output/fitOutput';

// Type-only imports keep engine code out of the browser bundle; the literal
// types still make the compiler catch a schema or MIME change in the engine.
export const FIT_MIME: typeof FIT_OUTPUT_MIME = 'application/vnd.latent.fit+json';
export const FIT_SCHEMA: FitOutput['schema'] = 'latent.fit/1';

export type FitParseResult = { ok: true; output: FitOutput } | { ok: false; error: string };

const STATUSES: readonly FitStatus[] = ['running', 'converged', 'max-iterations', 'cancelled', 'stopped', 'degenerate', 'failed'];
const SEVERITIES: readonly FitMessage['severity'][] = ['error', 'warning', 'info'];

type Json = Record<string, unknown>;

const isObject = (value: unknown): value is Json => typeof value === 'object' && value !== null && !Array.isArray(value);
const num = (value: unknown, otherwise = Number.NaN): number => (typeof value === 'number' ? value : otherwise);
const optionalNumber = (value: unknown): number | undefined => (typeof value === 'number' ? value : undefined);
const numbers = (value: unknown): number[] => (Array.isArray(value) ? value.map((v) => num(v)) : []);
const strings = (value: unknown): string[] => (Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : []);

export function parseFitOutput(raw: unknown): FitParseResult {
  if (!isObject(raw)) return { ok: false, error: 'The fit output is not a JSON object.' };
  if (raw.schema !== FIT_SCHEMA) {
    const found = typeof raw.schema === 'string' ? `"${raw.schema}"` : 'no schema';
    return { ok: false, error: `This output has ${found}; this version of Latent draws "${FIT_SCHEMA}". Re-run the cell, or update the extension.` };
  }
  const objective = isObject(raw.objective) ? raw.objective : {};
  const timing = isObject(raw.timing) ? raw.timing : {};
  const output: FitOutput = {
    schema: FIT_SCHEMA,
    status: STATUSES.includes(raw.status as FitStatus) ? (raw.status as FitStatus) : 'failed',
    settings: parseSettings(isObject(raw.settings) ? raw.settings : {}),
    engine: typeof raw.engine === 'string' ? raw.engine : '',
    latent: strings(raw.latent),
    parameters: strings(raw.parameters),
    iteration: num(raw.iteration, 0),
    objective: {
      kind: (['logpost', 'mc-loglik', 'mc-logpost', 'elbo'] as const).find((k) => k === objective.kind) ?? 'loglik',
      values: numbers(objective.values),
      ...(typeof objective.error === 'number' ? { error: objective.error } : {}),
      ...(Array.isArray(objective.beta) ? { beta: numbers(objective.beta) } : {}),
      ...(Array.isArray(objective.steps) ? { steps: numbers(objective.steps) } : {}),
    },
    params: Array.isArray(raw.params) ? raw.params.filter(isObject).map(parseParameter).filter((p) => p.name !== '') : [],
    messages: Array.isArray(raw.messages) ? raw.messages.filter(isObject).map(parseMessage) : [],
    timing: { seconds: num(timing.seconds, 0), secondsPerIteration: num(timing.secondsPerIteration, 0) },
  };
  for (const key of ['loglik', 'loglikPerSample', 'observations', 'parameterCount', 'bic', 'aic'] as const) {
    const value = optionalNumber(raw[key]);
    if (value !== undefined) output[key] = value;
  }
  if (typeof raw.converged === 'boolean') output.converged = raw.converged;
  if (raw.standardErrors === 'observed-information' || raw.standardErrors === 'posterior-curvature') output.standardErrors = raw.standardErrors;
  // The fit's own record of its starts, stopping and diagnostics: kept as written when their shape is right.
  if (isObject(raw.convergence) && typeof raw.convergence.stoppedBy === 'string') {
    output.convergence = { stoppedBy: raw.convergence.stoppedBy as NonNullable<FitOutput['convergence']>['stoppedBy'], distance: num(raw.convergence.distance), limit: num(raw.convergence.limit) };
  }
  if (isObject(raw.start) && Array.isArray(raw.start.starts)) {
    const starts = raw.start.starts.filter(isObject).map((t) => ({
      method: String(t.method ?? ''),
      objective: num(t.objective),
      status: String(t.status ?? ''),
      iterations: num(t.iterations, 0),
      ...(isObject(t.curve) && Array.isArray(t.curve.values) ? { curve: { step: Math.max(1, num(t.curve.step, 1)), values: numbers(t.curve.values) } } : {}),
    }));
    output.start = { chosen: Math.min(Math.max(num(raw.start.chosen, 0), 0), Math.max(starts.length - 1, 0)), starts };
  }
  if (Array.isArray(raw.diagnostics)) output.diagnostics = raw.diagnostics.filter(isObject).map((d) => ({ kind: String(d.kind) as FitDiagnosticKind, message: String(d.message ?? '') }));
  if (Array.isArray(raw.latentSummaries)) output.latentSummaries = raw.latentSummaries.filter(isObject).map((d) => ({ name: String(d.name ?? ''), mean: num(d.mean), sd: num(d.sd) }));
  const mixture = isObject(raw.mixture) ? parseMixture(raw.mixture) : undefined;
  if (mixture) output.mixture = mixture;
  if (isObject(raw.variational)) output.variational = parseVariational(raw.variational);
  if (isObject(raw.emBound)) output.emBound = parseBound(raw.emBound);
  return { ok: true, output };
}

function parseSettings(raw: Json): FitSettings {
  const settings: FitSettings = {
    // Shown as given, so an algorithm added later still reads right in the header.
    method: (typeof raw.method === 'string' ? raw.method : 'em') as FitSettings['method'],
    estimator: raw.estimator === 'ml' ? 'ml' : 'map',
    tolerance: num(raw.tolerance),
    maxIterations: num(raw.maxIterations, 0),
    restarts: num(raw.restarts, 1),
    init: (typeof raw.init === 'string' ? raw.init : 'kmeans++') as FitSettings['init'],
    seed: num(raw.seed),
    regCovar: num(raw.regCovar),
  };
  for (const key of ['batchSize', 'kappa', 't0', 'betaStart', 'betaGrowth', 'sweeps', 'threads'] as const) {
    const value = optionalNumber(raw[key]);
    if (value !== undefined) settings[key] = value;
  }
  if (Array.isArray(raw.latent)) settings.latent = strings(raw.latent);
  if (Array.isArray(raw.parameters)) settings.parameters = strings(raw.parameters);
  return settings;
}

function parseParameter(raw: Json): FitParameter {
  const se = num(raw.se);
  return { name: typeof raw.name === 'string' ? raw.name : '', value: num(raw.value), ...(Number.isFinite(se) ? { se } : {}) };
}

/** A picture the view can draw: 1 or 2 columns, rows and responsibilities that agree, components with a mean of that size. */
function parseMixture(raw: Json): MixturePicture | undefined {
  const columns = strings(raw.columns);
  const d = columns.length;
  if (d !== 1 && d !== 2) return undefined;
  const components = (Array.isArray(raw.components) ? raw.components : []).filter(isObject).map((c) => ({
    weight: num(c.weight),
    mean: numbers(c.mean),
    covariance: Array.isArray(c.covariance) ? c.covariance.map(numbers) : [],
    ...(c.emptied === true ? { emptied: true } : {}),
  }));
  if (components.length === 0 || components.some((c) => c.mean.length !== d || c.covariance.length !== d || c.covariance.some((row) => row.length !== d))) return undefined;
  const points = Array.isArray(raw.points) ? raw.points.map(numbers) : [];
  const responsibilities = Array.isArray(raw.responsibilities) ? raw.responsibilities.map(numbers) : [];
  const K = components.length;
  const rows = points.length === responsibilities.length && points.every((p, i) => p.length === d && responsibilities[i]!.length === K) ? points.length : 0;
  return { columns, points: points.slice(0, rows), responsibilities: responsibilities.slice(0, rows), components };
}

function parseMessage(raw: Json): FitMessage {
  const severity = SEVERITIES.includes(raw.severity as FitMessage['severity']) ? (raw.severity as FitMessage['severity']) : 'info';
  const message: FitMessage = { severity, message: typeof raw.message === 'string' ? raw.message : String(raw.message) };
  const range = raw.range;
  if (isObject(range) && typeof range.startLine === 'number') {
    message.range = { startLine: range.startLine, startColumn: num(range.startColumn, 0), endLine: num(range.endLine, range.startLine), endColumn: num(range.endColumn, 0) };
  }
  return message;
}

/** A VI fit's bound and marginals; elements without a name are dropped, a density kept only when its two arrays agree. */
/** The bound picture's points, cut to the length all five arrays share. */
function parseBound(raw: Json): EmBoundRecord {
  const iteration = numbers(raw.iteration);
  const step = (Array.isArray(raw.step) ? raw.step : []).map((s) => (s === 'M' ? 'M' : 'E') as 'E' | 'M');
  const [objective, lower, divergence] = [numbers(raw.objective), numbers(raw.lower), numbers(raw.divergence)];
  const n = Math.min(iteration.length, step.length, objective.length, lower.length, divergence.length);
  return { kind: raw.kind === 'logpost' ? 'logpost' : 'loglik', iteration: iteration.slice(0, n), step: step.slice(0, n), objective: objective.slice(0, n), lower: lower.slice(0, n), divergence: divergence.slice(0, n) };
}

function parseVariational(raw: Json): VariationalResult {
  const nodes = (Array.isArray(raw.nodes) ? raw.nodes : []).filter(isObject).map((n): VariationalNode => {
    const node: VariationalNode = {
      name: typeof n.name === 'string' ? n.name : '', family: typeof n.family === 'string' ? n.family : '',
      mean: num(n.mean), sd: num(n.sd), lower: num(n.lower), upper: num(n.upper), parameters: isObject(n.parameters) ? (n.parameters as VariationalNode['parameters']) : {},
    };
    const density = isObject(n.density) ? { x: numbers(n.density.x), y: numbers(n.density.y) } : undefined;
    if (density && density.x.length === density.y.length) node.density = density;
    return node;
  }).filter((n) => n.name !== '');
  return { elbo: num(raw.elbo), contributions: [], nodes, bestRestart: num(raw.bestRestart, 0), restartElbos: numbers(raw.restartElbos) };
}
