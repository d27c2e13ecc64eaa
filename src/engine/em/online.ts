/**
 * Online (incremental) EM (Cappé & Moulines 2009): the data arrive as
 * minibatches from a source that can be read again for each epoch (e.g. a CSV
 * file streamed in row blocks, never whole in memory). For minibatch t the
 * E-step under the current parameters gives per-row averaged sufficient
 * statistics ŝ_t, the running statistics move towards them,
 *
 *   s ← (1 − γ_t)·s + γ_t·ŝ_t,   γ_t = (t + t0)^(−κ),  0.5 < κ ≤ 1,
 *
 * and the M-step maps s to new parameters. Gaussian statistics are kept as
 * moments about one fixed centre (the first minibatch's mean), so that
 * statistics gathered under different means can be averaged.
 */
import { Random } from '../random/rng';
import { familyModel, type FamilyModel } from './family';
import { givenParameters, initialParameters } from './initialise';
import { createKernel, type Kernel } from './kernels';
import type { MStepEvent } from './mStep';
import { NO_OUTPUTS, findIncompleteRows, type RowSlice } from './rows';
import { STAT_COUNTS, STAT_LOG_LIKELIHOOD } from './statsLayout';
import { checkParameters } from './validate';
import type { ComponentFamily, MixtureDiagnostic, MixtureParameters, MixtureProblem } from './types';

export interface RowBlock {
  /** rows × columns, row-major. */
  values: Float64Array;
  rows: number;
}

/** A restartable stream of row blocks: each `blocks()` call is one pass over the data. */
export interface RowBlockSource {
  columns: number;
  blocks(): AsyncIterable<RowBlock> | Iterable<RowBlock>;
}

export interface OnlineMixtureSpec {
  components: number;
  family: ComponentFamily;
}

export interface OnlineOptions {
  /** Rows per minibatch. Default 1000. */
  batchRows?: number;
  /** Passes over the source. Default 1. */
  epochs?: number;
  /** Step exponent, 0.5 < κ ≤ 1. Default 0.6. */
  kappa?: number;
  /** Step offset t0 ≥ 0. Default 2. */
  t0?: number;
  /** Given starting values, or k-means++ on the first minibatch (default). */
  init?: 'kmeans++' | MixtureParameters;
  seed?: number;
  regCovar?: number;
  /** A full pass after each epoch gives the exact mean log-likelihood of the parameters then. Default false (one pass at the end only). */
  evaluateEachEpoch?: boolean;
  signal?: AbortSignal;
}

export interface OnlineStepReport {
  step: number;
  epoch: number;
  gamma: number;
  /** Mean log-likelihood of the minibatch under the parameters before this step's M-step (a noisy objective). */
  batchMeanLogLikelihood: number;
}

export interface OnlineFit {
  parameters: MixtureParameters;
  steps: number;
  epochs: number;
  /** Per step: the minibatch's mean log-likelihood before the update. */
  batchCurve: Float64Array;
  /** Per evaluated epoch: the mean log-likelihood over all rows. */
  epochCurve: Float64Array;
  /** Over all rows, of the final parameters. */
  rows: number;
  logLikelihood: number;
  meanLogLikelihood: number;
  parameterCount: number;
  bic: number;
  aic: number;
  diagnostics: MixtureDiagnostic[];
  cancelled: boolean;
  seconds: number;
}

export type OnlineOutcome = { ok: true; fit: OnlineFit } | { ok: false; diagnostics: MixtureDiagnostic[] };

const invalid = (message: string): OnlineOutcome => ({ ok: false, diagnostics: [{ severity: 'error', code: 'invalid-option', message }] });

/** An in-memory matrix as a row-block source. */
export function rowBlocksOf(data: Float64Array, rows: number, columns: number, blockRows = 8192): RowBlockSource {
  return {
    columns,
    *blocks() {
      for (let start = 0; start < rows; start += blockRows) {
        const end = Math.min(start + blockRows, rows);
        yield { values: data.subarray(start * columns, end * columns), rows: end - start };
      }
    },
  };
}

export async function fitMixtureOnline(
  source: RowBlockSource,
  spec: OnlineMixtureSpec,
  options: OnlineOptions = {},
  onStep?: (report: OnlineStepReport) => void,
): Promise<OnlineOutcome> {
  const started = performance.now();
  const d = source.columns;
  const K = spec.components;
  const batchRows = options.batchRows ?? 1000;
  const epochs = options.epochs ?? 1;
  const kappa = options.kappa ?? 0.6;
  const t0 = options.t0 ?? 2;
  const regCovar = options.regCovar ?? 1e-6;
  if (!(kappa > 0.5 && kappa <= 1)) return invalid(`kappa must be in (0.5, 1] for the steps to converge, not ${kappa}.`);
  if (!(t0 >= 0 && Number.isFinite(t0))) return invalid(`t0 must be a finite number ≥ 0, not ${t0}.`);
  if (!(Number.isInteger(batchRows) && batchRows >= 1)) return invalid(`batchRows must be a positive integer, not ${batchRows}.`);
  if (!(Number.isInteger(epochs) && epochs >= 1)) return invalid(`epochs must be a positive integer, not ${epochs}.`);
  if (!(Number.isFinite(regCovar) && regCovar >= 0)) return invalid(`regCovar must be a finite number ≥ 0, not ${regCovar}.`);
  if (!(Number.isInteger(K) && K >= 1)) return invalid(`The number of components must be a positive integer, not ${K}.`);

  const batch = new Float64Array(batchRows * d);
  const problemOf = (rows: number): MixtureProblem => ({ data: batch, rows, columns: d, components: K, family: spec.family });
  const model = familyModel(problemOf(batchRows), { map: false, regCovar });
  const kernel = createKernel(spec.family.kind, K, d);
  const diagnostics: MixtureDiagnostic[] = [];
  const reported = new Set<string>();
  const note = (events: MStepEvent[], step: number): void => {
    for (const e of events) {
      const key = `${e.kind}:${e.component}`;
      if (reported.has(key)) continue;
      reported.add(key);
      diagnostics.push({
        severity: 'warning',
        code: e.kind === 'empty' ? 'empty-component' : 'singular-covariance',
        message:
          e.kind === 'empty'
            ? `Component ${e.component + 1} had no responsibility at step ${step}: its parameters keep their last values.`
            : `The covariance of component ${e.component + 1} was singular at step ${step}; a ridge was added to its diagonal.`,
        component: e.component,
        iteration: step,
      });
    }
  };

  let parameters: MixtureParameters | undefined;
  let next = model.allocate();
  const centre = new Float64Array(K * d);
  const packed = new Float64Array(kernel.packedLength);
  const batchStats = new Float64Array(kernel.statsLength);
  const running = new Float64Array(kernel.statsLength);
  const batchCurve: number[] = [];
  const epochCurve: number[] = [];
  let step = 0;
  let cancelled = false;

  const startFrom = (rows: number): MixtureDiagnostic[] => {
    const problem = problemOf(rows);
    if (options.init && typeof options.init !== 'string') {
      const bad = checkParameters(options.init, problem);
      if (bad.length) return bad;
      parameters = givenParameters(options.init);
    } else {
      if (rows < K) return [{ severity: 'error', code: 'too-many-components', message: `The first minibatch has ${rows} row(s), fewer than the ${K} components.` }];
      const events: MStepEvent[] = [];
      parameters = initialParameters(problem, 'kmeans++', regCovar, new Random(options.seed ?? 0), events);
      note(events, 0);
    }
    if (spec.family.kind === 'gaussian') setCentre(batch, rows, d, K, centre);
    statisticsOf(parameters, centre, K, d, running);
    return [];
  };

  const processBatch = (rows: number, epoch: number): MixtureDiagnostic[] => {
    const check = validateBatch(batch, rows, d, spec.family.kind === 'bernoulli');
    if (check) return [check];
    if (!parameters) {
      const bad = startFrom(rows);
      if (bad.length) return bad;
    }
    const current = parameters!;
    const { flags, sorted } = findIncompleteRows(batch, rows, d);
    const slice: RowSlice = { data: batch, rowStart: 0, rowEnd: rows, incompleteFlags: flags, incompleteRows: sorted, incompleteStart: 0, incompleteEnd: sorted.length };
    model.pack(current, packed);
    batchStats.fill(0);
    kernel.accumulate(slice, packed, 1, batchStats, NO_OUTPUTS);
    step++;
    const gamma = Math.pow(step + t0, -kappa);
    const mean = batchStats[STAT_LOG_LIKELIHOOD]! / rows;
    batchCurve.push(mean);
    onStep?.({ step, epoch, gamma, batchMeanLogLikelihood: mean });
    averageInto(batchStats, rows, current, centre, K, d, gamma, running);
    const events: MStepEvent[] = [];
    model.updateCentred(running, centre, current, next, events);
    note(events, step);
    [parameters, next] = [next, current];
    return [];
  };

  try {
    for (let epoch = 1; epoch <= epochs && !cancelled; epoch++) {
      let filled = 0;
      for await (const block of source.blocks()) {
        for (let at = 0; at < block.rows; ) {
          const take = Math.min(block.rows - at, batchRows - filled);
          batch.set(block.values.subarray(at * d, (at + take) * d), filled * d);
          filled += take;
          at += take;
          if (filled === batchRows) {
            const bad = processBatch(filled, epoch);
            if (bad.length) return { ok: false, diagnostics: bad };
            filled = 0;
            if (options.signal?.aborted) cancelled = true;
          }
          if (cancelled) break;
        }
        if (cancelled) break;
      }
      if (filled > 0 && !cancelled) {
        const bad = processBatch(filled, epoch);
        if (bad.length) return { ok: false, diagnostics: bad };
      }
      if (!parameters) return { ok: false, diagnostics: [{ severity: 'error', code: 'no-data', message: 'The data source gave no rows.' }] };
      if (options.evaluateEachEpoch && epoch < epochs) epochCurve.push((await evaluate(source, parameters, model, kernel, batch, batchRows)).mean);
    }
    const final = await evaluate(source, parameters!, model, kernel, batch, batchRows);
    epochCurve.push(final.mean);
    const p = model.parameterCount;
    return {
      ok: true,
      fit: {
        parameters: parameters!,
        steps: step,
        epochs,
        batchCurve: Float64Array.from(batchCurve),
        epochCurve: Float64Array.from(epochCurve),
        rows: final.rows,
        logLikelihood: final.total,
        meanLogLikelihood: final.mean,
        parameterCount: p,
        bic: -2 * final.total + p * Math.log(final.rows),
        aic: -2 * final.total + 2 * p,
        diagnostics,
        cancelled,
        seconds: (performance.now() - started) / 1000,
      },
    };
  } catch (e) {
    return { ok: false, diagnostics: [{ severity: 'error', code: 'no-data', message: `Reading the data failed: ${e instanceof Error ? e.message : String(e)}` }] };
  }
}

function validateBatch(batch: Float64Array, rows: number, d: number, binary: boolean): MixtureDiagnostic | undefined {
  for (let i = 0; i < rows * d; i++) {
    const v = batch[i]!;
    if (Number.isNaN(v)) continue;
    if (!Number.isFinite(v)) return { severity: 'error', code: 'non-finite-data', message: `The data hold ${v}: values must be finite (NA for a missing value).` };
    if (binary && v !== 0 && v !== 1) return { severity: 'error', code: 'non-binary-data', message: `The data hold ${v}: a Bernoulli mixture needs 0 or 1 (or NA).` };
  }
  return undefined;
}

/** One pass over the source: the total and mean log-likelihood of `parameters`. */
async function evaluate(source: RowBlockSource, parameters: MixtureParameters, model: FamilyModel, kernel: Kernel, buffer: Float64Array, bufferRows: number): Promise<{ total: number; mean: number; rows: number }> {
  const packed = new Float64Array(kernel.packedLength);
  const stats = new Float64Array(kernel.statsLength);
  model.pack(parameters, packed);
  const d = source.columns;
  let rows = 0;
  for await (const block of source.blocks()) {
    for (let at = 0; at < block.rows; at += bufferRows) {
      const take = Math.min(bufferRows, block.rows - at);
      buffer.set(block.values.subarray(at * d, (at + take) * d));
      const { flags, sorted } = findIncompleteRows(buffer, take, d);
      kernel.accumulate(
        { data: buffer, rowStart: 0, rowEnd: take, incompleteFlags: flags, incompleteRows: sorted, incompleteStart: 0, incompleteEnd: sorted.length },
        packed, 1, stats, NO_OUTPUTS,
      );
      rows += take;
    }
  }
  return { total: stats[STAT_LOG_LIKELIHOOD]!, mean: stats[STAT_LOG_LIKELIHOOD]! / rows, rows };
}

/** The centre of the Gaussian moments: the observed mean of each column of the first minibatch, the same for every component. */
function setCentre(batch: Float64Array, rows: number, d: number, K: number, centre: Float64Array): void {
  for (let j = 0; j < d; j++) {
    let s = 0;
    let n = 0;
    for (let i = 0; i < rows; i++) {
      const v = batch[i * d + j]!;
      if (v === v) {
        s += v;
        n++;
      }
    }
    const m = n > 0 ? s / n : 0;
    for (let k = 0; k < K; k++) centre[k * d + j] = m;
  }
}

/** The per-row statistics a model would give itself: w_k, w_k·(μ_k − c), w_k·(Σ_k + (μ_k − c)(μ_k − c)ᵀ); or w_k, w_k·p_k. */
function statisticsOf(p: MixtureParameters, centre: Float64Array, K: number, d: number, out: Float64Array): void {
  out.fill(0);
  const firstAt = STAT_COUNTS + K;
  const secondAt = firstAt + K * d;
  for (let k = 0; k < K; k++) {
    const w = p.weights[k]!;
    out[STAT_COUNTS + k] = w;
    for (let i = 0; i < d; i++) {
      if (p.kind === 'bernoulli') {
        out[firstAt + k * d + i] = w * p.probabilities[k * d + i]!;
        continue;
      }
      const ei = p.means[k * d + i]! - centre[k * d + i]!;
      out[firstAt + k * d + i] = w * ei;
      for (let j = 0; j <= i; j++) {
        const ej = p.means[k * d + j]! - centre[k * d + j]!;
        out[secondAt + k * d * d + i * d + j] = w * (p.covariances[k * d * d + i * d + j]! + ei * ej);
      }
    }
  }
}

/**
 * running ← (1 − γ)·running + γ·(batch statistics / rows), the batch's
 * Gaussian moments moved from the means they were taken about (μ_k) to the
 * fixed centre c: with e = μ_k − c, S1' = S1 + n_k·e and
 * S2' = S2 + S1·eᵀ + e·S1ᵀ + n_k·e·eᵀ (lower triangles).
 */
function averageInto(stats: Float64Array, rows: number, p: MixtureParameters, centre: Float64Array, K: number, d: number, gamma: number, running: Float64Array): void {
  const firstAt = STAT_COUNTS + K;
  const secondAt = firstAt + K * d;
  if (p.kind === 'gaussian') {
    for (let k = 0; k < K; k++) {
      const nk = stats[STAT_COUNTS + k]!;
      const f = firstAt + k * d;
      const s = secondAt + k * d * d;
      for (let i = 0; i < d; i++) {
        const ei = p.means[k * d + i]! - centre[k * d + i]!;
        for (let j = 0; j <= i; j++) {
          const ej = p.means[k * d + j]! - centre[k * d + j]!;
          stats[s + i * d + j] += stats[f + i]! * ej + ei * stats[f + j]! + nk * ei * ej;
        }
      }
      // After the second moments, which need the first moments about μ_k.
      for (let i = 0; i < d; i++) stats[f + i] += nk * (p.means[k * d + i]! - centre[k * d + i]!);
    }
  }
  const scale = gamma / rows;
  for (let i = STAT_COUNTS; i < running.length; i++) running[i] = (1 - gamma) * running[i]! + scale * stats[i]!;
}
