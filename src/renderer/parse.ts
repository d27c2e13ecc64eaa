/**
 * Checks the JSON of an output item before drawing it. The renderer may meet
 * outputs saved by other versions of the extension, so it refuses unknown
 * schema versions and tolerates missing optional parts rather than throwing
 * half-way through drawing.
 */

import type { PredictiveOutput } from '../engine/run/predictive';
import type {
  ComparisonEstimate,
  Histogram,
  ModelComparison,
  NodeDiagnostics,
  NodeResult,
  PosteriorSummary,
  PredictiveCheck,
  RUN_OUTPUT_MIME,
  RunMessage,
  RunOutput,
  RunSettings,
  RunStatus,
  TraceSeries,
} from '../engine/output/runOutput';

// Type-only imports keep engine code out of the browser bundle; the literal
// types still make the compiler catch a schema or MIME change in the engine.
export const MIME: typeof RUN_OUTPUT_MIME = 'application/vnd.latent.run+json';
export const SCHEMA: RunOutput['schema'] = 'latent.run/1';

export type ParseResult = { ok: true; output: RunOutput } | { ok: false; error: string };

const STATUSES: readonly RunStatus[] = ['running', 'complete', 'cancelled', 'failed'];
const SEVERITIES: readonly RunMessage['severity'][] = ['error', 'warning', 'info'];

type Json = Record<string, unknown>;

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function num(value: unknown, otherwise = Number.NaN): number {
  return typeof value === 'number' ? value : otherwise;
}

function numbers(value: unknown): number[] {
  return Array.isArray(value) ? value.map((v) => num(v)) : [];
}

export function parseRunOutput(raw: unknown): ParseResult {
  if (!isObject(raw)) {
    return { ok: false, error: 'The output is not a JSON object.' };
  }
  if (raw.schema !== SCHEMA) {
    const found = typeof raw.schema === 'string' ? `"${raw.schema}"` : 'no schema';
    return {
      ok: false,
      error: `This output has ${found}; this version of Latent draws "${SCHEMA}". Re-run the cell, or update the extension.`,
    };
  }
  const status = STATUSES.includes(raw.status as RunStatus) ? (raw.status as RunStatus) : 'failed';
  const settings = isObject(raw.settings) ? raw.settings : {};
  const progress = isObject(raw.progress) ? raw.progress : {};
  const timings = isObject(raw.timings) ? raw.timings : {};

  const output: RunOutput = {
    schema: SCHEMA,
    status,
    settings: {
      // Shown as given, so an algorithm added later still reads right in the header.
      algorithm: (typeof settings.algorithm === 'string' ? settings.algorithm : 'gibbs') as RunSettings['algorithm'],
      chains: num(settings.chains, 0),
      burnin: num(settings.burnin, 0),
      iterations: num(settings.iterations, 0),
      thin: num(settings.thin, 1),
      seed: num(settings.seed),
      monitor: Array.isArray(settings.monitor) ? settings.monitor.filter((m): m is string => typeof m === 'string') : [],
    },
    progress: { done: num(progress.done, 0), total: num(progress.total, 0) },
    ...(typeof raw.phase === 'string' ? { phase: raw.phase } : {}),
    nodes: Array.isArray(raw.nodes) ? raw.nodes.filter(isObject).map(parseNode).filter((n) => n.name !== '') : [],
    messages: Array.isArray(raw.messages) ? raw.messages.filter(isObject).map(parseMessage) : [],
    timings: {
      compileMs: num(timings.compileMs, 0),
      sampleMs: num(timings.sampleMs, 0),
      totalMs: num(timings.totalMs, 0),
    },
  };
  const comparison = parseComparison(raw.modelComparison);
  if (comparison) output.modelComparison = comparison;
  if (Array.isArray(raw.predictiveChecks)) output.predictiveChecks = raw.predictiveChecks.filter(isObject).map(parsePredictiveCheck);
  const predictive = parsePredictive(raw.predictive);
  if (predictive) output.predictive = predictive;
  return { ok: true, output };
}

/**
 * A run's predictive summaries (run/predictive.ts), when the spec names the
 * predicted vector. The per-element means and variances are not shown, so
 * they are not copied; the test figures need their curve and coverage.
 */
function parsePredictive(raw: unknown): PredictiveOutput | undefined {
  if (!isObject(raw) || !isObject(raw.spec) || typeof raw.spec.mean !== 'string') return undefined;
  const text = (value: unknown): string | undefined => (typeof value === 'string' ? value : undefined);
  const precision = text(raw.spec.precision), observed = text(raw.spec.observed);
  const output: PredictiveOutput = {
    spec: { mean: raw.spec.mean, ...(precision ? { precision } : {}), ...(observed ? { observed } : {}) },
    elements: num(raw.elements, 0),
    draws: num(raw.draws, 0),
    mean: [],
    variance: [],
    noise_variance: num(raw.noise_variance, 0),
  };
  const test = raw.test;
  if (isObject(test) && isObject(test.rmse_trace)) {
    output.test = {
      rmse: num(test.rmse),
      rmse_trace: { iterations: numbers(test.rmse_trace.iterations), chains: Array.isArray(test.rmse_trace.chains) ? test.rmse_trace.chains.map(numbers) : [] },
      coverage: Array.isArray(test.coverage) ? test.coverage.filter(isObject).map((c) => ({ nominal: num(c.nominal), empirical: num(c.empirical) })) : [],
      missing: num(test.missing, 0),
    };
  }
  return output;
}

/** A run's model comparison, when it has one whose parts are all there; numbers that are not become NaN. */
function parseComparison(raw: unknown): ModelComparison | undefined {
  if (!isObject(raw) || !isObject(raw.dic) || !isObject(raw.pareto_k)) return undefined;
  const estimate = (value: unknown): ComparisonEstimate => (isObject(value) ? { estimate: num(value.estimate), se: num(value.se) } : { estimate: Number.NaN, se: Number.NaN });
  const nullable = (value: unknown): number | null => (typeof value === 'number' ? value : null);
  const { dic, pareto_k: k } = raw;
  return {
    draws: num(raw.draws, 0),
    observations: num(raw.observations, 0),
    elpd_loo: estimate(raw.elpd_loo),
    p_loo: estimate(raw.p_loo),
    looic: estimate(raw.looic),
    pareto_k: { good: num(k.good, 0), ok: num(k.ok, 0), bad: num(k.bad, 0), very_bad: num(k.very_bad, 0) },
    high_k: Array.isArray(raw.high_k) ? raw.high_k.filter(isObject).map((o) => ({ name: String(o.name ?? ''), k: num(o.k) })) : [],
    elpd_waic: estimate(raw.elpd_waic),
    p_waic: estimate(raw.p_waic),
    waic: estimate(raw.waic),
    dic: {
      mean_deviance: num(dic.mean_deviance),
      pD: nullable(dic.pD),
      dic: nullable(dic.dic),
      pV: num(dic.pV),
      dic_pV: num(dic.dic_pV),
      ...(typeof dic.pD_plummer === 'number' && typeof dic.dic_plummer === 'number' ? { pD_plummer: dic.pD_plummer, dic_plummer: dic.dic_plummer } : {}),
    },
  };
}

const STATISTIC_NAMES = new Set(['mean', 'sd', 'min', 'max']);

function parsePredictiveCheck(raw: Json): PredictiveCheck {
  const statistics = Array.isArray(raw.statistics) ? raw.statistics.filter(isObject).filter((s) => STATISTIC_NAMES.has(String(s.name))) : [];
  return {
    variable: String(raw.variable ?? ''),
    observations: num(raw.observations, 0),
    draws: num(raw.draws, 0),
    statistics: statistics.map((s) => ({ name: s.name as PredictiveCheck['statistics'][number]['name'], observed: num(s.observed), p_value: num(s.p_value), replicated: numbers(s.replicated) })),
    observed: numbers(raw.observed),
    replicates: Array.isArray(raw.replicates) ? raw.replicates.map(numbers) : [],
  };
}

function parseNode(raw: Json): NodeResult {
  const summary = isObject(raw.summary) ? raw.summary : {};
  const trace = isObject(raw.trace) ? raw.trace : {};
  const histogram = isObject(raw.histogram) ? raw.histogram : {};
  const parsedSummary: PosteriorSummary = {
    mean: num(summary.mean),
    sd: num(summary.sd),
    'q2.5': num(summary['q2.5']),
    q25: num(summary.q25),
    q50: num(summary.q50),
    q75: num(summary.q75),
    'q97.5': num(summary['q97.5']),
  };
  const parsedTrace: TraceSeries = {
    iterations: numbers(trace.iterations),
    chains: Array.isArray(trace.chains) ? trace.chains.map(numbers) : [],
  };
  const parsedHistogram: Histogram = { edges: numbers(histogram.edges), counts: numbers(histogram.counts) };
  const node: NodeResult = {
    name: typeof raw.name === 'string' ? raw.name : '',
    sampler: typeof raw.sampler === 'string' ? raw.sampler : '',
    draws: num(raw.draws, 0),
    summary: parsedSummary,
    trace: parsedTrace,
    histogram: parsedHistogram,
  };
  if (isObject(raw.diagnostics)) node.diagnostics = parseDiagnostics(raw.diagnostics);
  if (typeof raw.labelSwitching === 'string') node.labelSwitching = raw.labelSwitching;
  return node;
}

/** Missing or null values (what JSON makes of NaN) become NaN, shown as "–". */
function parseDiagnostics(raw: Json): NodeDiagnostics {
  return {
    rhat: num(raw.rhat),
    rhat_basic: num(raw.rhat_basic),
    ess_bulk: num(raw.ess_bulk),
    ess_tail: num(raw.ess_tail),
    ess_mean: num(raw.ess_mean),
    mcse_mean: num(raw.mcse_mean),
    mcse_sd: num(raw.mcse_sd),
    mcse_q5: num(raw.mcse_q5),
    mcse_median: num(raw.mcse_median),
    mcse_q95: num(raw.mcse_q95),
  };
}

function parseMessage(raw: Json): RunMessage {
  const severity = SEVERITIES.includes(raw.severity as RunMessage['severity']) ? (raw.severity as RunMessage['severity']) : 'info';
  const message: RunMessage = { severity, message: typeof raw.message === 'string' ? raw.message : String(raw.message) };
  const range = raw.range;
  if (isObject(range) && typeof range.startLine === 'number') {
    message.range = {
      startLine: range.startLine,
      startColumn: num(range.startColumn, 0),
      endLine: num(range.endLine, range.startLine),
      endColumn: num(range.endColumn, 0),
    };
  }
  return message;
}
