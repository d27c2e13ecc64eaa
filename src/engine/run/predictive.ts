/**
 * Posterior predictive summaries of a vector node without keeping its draws,
 * asked for with `monitor = c(..., predictive(pred, tau, rtest))` in a cell or
 * `--monitor 'predictive(pred,tau,rtest)'` on the command line:
 *
 * - `pred` (a vector of deterministic or stochastic nodes) is the mean of each
 *   predicted value, e.g. `pred[m] <- mu + inprod(U[u[m], ], V[v[m], ])`;
 * - `tau` (optional) is the precision of the noise around it, a scalar node;
 * - `rtest` (optional) is data: the held-out values the predictions are
 *   judged against.
 *
 * Each chain keeps running (Welford) means and sums of squares of every
 * element of `pred`, and the running mean of 1/τ, so the predictive of element
 * m is summarised by
 *   mean_m = E[pred_m],   variance_m = E[1/τ] + Var(pred_m)
 * (the law of total variance: the noise, plus the posterior uncertainty of the
 * mean). With held-out values, each kept iteration adds the test RMSE of the
 * running predictive mean (the curve of Salakhutdinov & Mnih's BPMF paper),
 * and the end the coverage of central predictive intervals at nominal levels
 * 10 %, …, 90 %, 95 %, 99 %, the predictive taken as normal with that mean and
 * variance — a calibration curve, on the diagonal when the model is calibrated.
 */
import { errorAt, type SourceRange } from '../language/source';
import type { NamedValues } from '../language/rvalues';
import { normalQuantile } from '../diagnostics/normalQuantile';
import { Role, type ModelGraph, type Variable } from '../model/graph';
import { MAX_TRACE_POINTS } from '../output/runOutput';

export interface PredictiveSpec {
  /** The vector of predicted means. */
  mean: string;
  /** The noise precision (a scalar node); without it the variance is that of the means alone. */
  precision?: string;
  /** Data: the observed values of the predicted entries. */
  observed?: string;
}

/** `predictive(pred, tau, rtest)` as text (the CLI's --monitor entry), or undefined when the text is not one. */
export function parsePredictiveText(text: string): PredictiveSpec | string | undefined {
  const match = /^predictive\((.*)\)$/.exec(text.replace(/\s+/g, ''));
  if (!match) return undefined;
  return predictiveSpec(match[1]!.split(','));
}

/** The spec from its arguments' names, or a message saying what is wrong with them. */
export function predictiveSpec(names: string[]): PredictiveSpec | string {
  const usage = 'predictive() takes the vector of predicted means, then optionally the noise precision and the observed values, as in predictive(pred, tau, rtest)';
  if (names.length < 1 || names.length > 3 || names.some((n) => !/^[A-Za-z.][A-Za-z0-9._]*$/.test(n))) return `${usage}.`;
  const [mean, precision, observed] = names;
  return { mean: mean!, ...(precision ? { precision } : {}), ...(observed ? { observed } : {}) };
}

/** One chain's running sums, merged across chains by `mergePredictive`. */
export interface PredictiveSums {
  draws: number;
  mean: Float64Array;
  /** Σ (x − mean)² per element. */
  squares: Float64Array;
  /** Mean over the draws of 1/τ (0 without a precision). */
  inversePrecision: number;
  /** Per kept iteration: RMSE of the running predictive mean against the observed values (empty without them). */
  rmse: Float64Array;
}

/** Levels of the central intervals whose coverage is reported. */
export const NOMINAL_LEVELS = [0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 0.95, 0.99];

export interface PredictiveOutput {
  spec: PredictiveSpec;
  /** Elements of the predicted vector. */
  elements: number;
  /** Kept draws over all chains. */
  draws: number;
  /** Per element: the predictive mean and variance (E[1/τ] + Var of the mean's draws). */
  mean: number[];
  variance: number[];
  /** E[1/τ]: the noise's share of every variance. */
  noise_variance: number;
  /** Present with observed values. */
  test?: {
    /** RMSE of the predictive means against the observed values, over all chains. */
    rmse: number;
    /** Per chain, RMSE of that chain's running predictive mean at each kept iteration (iterations after burn-in). */
    rmse_trace: { iterations: number[]; chains: number[][] };
    /** Coverage of the central predictive intervals (normal with the predictive mean and variance). */
    coverage: Array<{ nominal: number; empirical: number }>;
    /** Observed entries that are missing (NA) and left out. */
    missing: number;
  };
}

/** Where a chain reads the predicted means, the precision and the observed values. */
export class PredictiveRecorder {
  readonly sums: PredictiveSums;
  private readonly variable: Variable;
  private readonly precision: { variable: Variable; offset: number } | undefined;
  private readonly observed: Float64Array | undefined;
  private rmse: Float64Array;

  constructor(graph: ModelGraph, data: NamedValues, readonly spec: PredictiveSpec, range: SourceRange) {
    const variable = graph.variables.get(spec.mean);
    if (!variable) throw errorAt(range, `predictive(${spec.mean}, …): '${spec.mean}' is not a variable of the model.`);
    for (let o = 0; o < variable.values.length; o++) {
      if (variable.role[o] !== Role.Deterministic && variable.role[o] !== Role.Stochastic) {
        throw errorAt(range, `predictive(${spec.mean}, …): every element of '${spec.mean}' must be defined by the model (${spec.mean} is data or has undefined elements).`);
      }
    }
    this.variable = variable;
    if (spec.precision) {
      const p = graph.variables.get(spec.precision);
      if (!p || p.values.length !== 1) throw errorAt(range, `predictive(${spec.mean}, ${spec.precision}, …): the noise precision '${spec.precision}' must be a scalar node of the model.`);
      this.precision = { variable: p, offset: 0 };
    }
    if (spec.observed) {
      const o = data.get(spec.observed);
      if (!o) throw errorAt(range, `predictive(…, ${spec.observed}): the observed values '${spec.observed}' are not given as data.`);
      if (o.values.length !== variable.values.length) {
        throw errorAt(range, `predictive(${spec.mean}, …, ${spec.observed}): ${spec.observed} has ${o.values.length} values but ${spec.mean} has ${variable.values.length} elements.`);
      }
      this.observed = o.values;
    }
    const n = variable.values.length;
    this.sums = { draws: 0, mean: new Float64Array(n), squares: new Float64Array(n), inversePrecision: 0, rmse: new Float64Array(0) };
    this.rmse = new Float64Array(64);
  }

  /** Adds the current state as one kept draw (the graph's deterministic nodes current). */
  record(): void {
    const { sums, observed } = this;
    const values = this.variable.values;
    const n = values.length;
    const count = ++sums.draws;
    let squaredError = 0;
    let counted = 0;
    for (let m = 0; m < n; m++) {
      const x = values[m]!;
      const delta = x - sums.mean[m]!;
      const mean = sums.mean[m]! + delta / count;
      sums.mean[m] = mean;
      sums.squares[m] = sums.squares[m]! + delta * (x - mean);
      if (observed) {
        const y = observed[m]!;
        if (y === y) {
          squaredError += (y - mean) ** 2;
          counted++;
        }
      }
    }
    if (this.precision) sums.inversePrecision += (1 / this.precision.variable.values[this.precision.offset]! - sums.inversePrecision) / count;
    if (observed) {
      if (count > this.rmse.length) {
        const grown = new Float64Array(this.rmse.length * 2);
        grown.set(this.rmse);
        this.rmse = grown;
      }
      this.rmse[count - 1] = Math.sqrt(squaredError / counted);
    }
  }

  /** The sums so far, with the RMSE trace trimmed to the kept draws. */
  take(): PredictiveSums {
    return { ...this.sums, rmse: this.rmse.slice(0, this.observed ? this.sums.draws : 0) };
  }
}

/** The chains' sums pooled (Chan et al.'s pairwise update of means and sums of squares). */
export function mergePredictive(parts: PredictiveSums[]): PredictiveSums {
  const n = parts[0]!.mean.length;
  const merged: PredictiveSums = { draws: 0, mean: new Float64Array(n), squares: new Float64Array(n), inversePrecision: 0, rmse: new Float64Array(0) };
  for (const part of parts) {
    if (part.draws === 0) continue;
    const total = merged.draws + part.draws;
    for (let m = 0; m < n; m++) {
      const delta = part.mean[m]! - merged.mean[m]!;
      merged.squares[m] = merged.squares[m]! + part.squares[m]! + (delta * delta * merged.draws * part.draws) / total;
      merged.mean[m] = merged.mean[m]! + (delta * part.draws) / total;
    }
    merged.inversePrecision += ((part.inversePrecision - merged.inversePrecision) * part.draws) / total;
    merged.draws = total;
  }
  return merged;
}

/** The output's summary from the chains' sums, judged against the observed values when the spec names them. */
export function predictiveOutput(spec: PredictiveSpec, chains: PredictiveSums[], data: NamedValues, thin: number): PredictiveOutput {
  const merged = mergePredictive(chains);
  const n = merged.mean.length;
  const variance = new Float64Array(n);
  for (let m = 0; m < n; m++) variance[m] = merged.inversePrecision + (merged.draws > 1 ? merged.squares[m]! / (merged.draws - 1) : 0);
  const out: PredictiveOutput = {
    spec,
    elements: n,
    draws: merged.draws,
    mean: Array.from(merged.mean),
    variance: Array.from(variance),
    noise_variance: merged.inversePrecision,
  };
  const observed = spec.observed ? data.get(spec.observed)?.values : undefined;
  if (observed && merged.draws > 0) {
    let squaredError = 0, counted = 0;
    const z = NOMINAL_LEVELS.map((level) => normalQuantile(0.5 + level / 2));
    const inside = new Array<number>(NOMINAL_LEVELS.length).fill(0);
    for (let m = 0; m < n; m++) {
      const y = observed[m]!;
      if (y !== y) continue;
      counted++;
      const error = y - merged.mean[m]!;
      squaredError += error * error;
      const standardised = Math.abs(error) / Math.sqrt(variance[m]!);
      for (let l = 0; l < z.length; l++) if (standardised <= z[l]!) inside[l]!++;
    }
    const longest = Math.max(...chains.map((c) => c.rmse.length));
    // Shown as a curve: at most MAX_TRACE_POINTS points per chain, the last always among them.
    const step = Math.max(1, Math.ceil(longest / MAX_TRACE_POINTS));
    const shown = Array.from({ length: Math.ceil(longest / step) }, (_, k) => Math.min(longest - 1, (k + 1) * step - 1));
    out.test = {
      rmse: Math.sqrt(squaredError / counted),
      rmse_trace: { iterations: shown.map((k) => (k + 1) * thin), chains: chains.map((c) => shown.filter((k) => k < c.rmse.length).map((k) => c.rmse[k]!)) },
      coverage: NOMINAL_LEVELS.map((nominal, l) => ({ nominal, empirical: inside[l]! / counted })),
      missing: n - counted,
    };
  }
  return out;
}

/** The coverage of the 90 % intervals, which the text output and the checks quote. */
export function coverageAt(output: PredictiveOutput, nominal: number): number | undefined {
  return output.test?.coverage.find((c) => Math.abs(c.nominal - nominal) < 1e-9)?.empirical;
}
