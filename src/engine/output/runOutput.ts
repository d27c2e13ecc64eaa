/**
 * The notebook output of one run: the JSON carried by the output item of MIME
 * `application/vnd.latent.run+json`. The renderer draws only from this, so it
 * is versioned; see docs/output-schema.md for the field-by-field contract.
 *
 * Bump RUN_OUTPUT_SCHEMA when a field changes meaning or disappears; adding an
 * optional field does not need a bump.
 */
import type { PredictiveCheck } from '../run/predictiveChecks';

export type { PredictiveCheck };
import type { PredictiveOutput, PredictiveSpec } from '../run/predictive';

export const RUN_OUTPUT_MIME = 'application/vnd.latent.run+json';
export const RUN_OUTPUT_SCHEMA = 'latent.run/1';

/** Display traces are thinned to at most this many points per chain. */
export const MAX_TRACE_POINTS = 1000;

export type RunStatus = 'running' | 'complete' | 'cancelled' | 'failed';

export interface RunSettings {
  algorithm: 'gibbs';
  chains: number;
  burnin: number;
  iterations: number;
  thin: number;
  seed: number;
  monitor: string[];
  /** Record the pointwise log-likelihood of the observed nodes for PSIS-LOO, WAIC and DIC (`gibbs(loo = TRUE)`, `--loo`). */
  loo?: boolean;
  /** Draw replicated data for the observed nodes: posterior predictive checks (`gibbs(ppc = TRUE)`, `--ppc`). */
  ppc?: boolean;
  /** Posterior predictive summaries without kept draws: `monitor = c(..., predictive(pred, tau, rtest))` (run/predictive.ts). */
  predictive?: PredictiveSpec;
}

export interface PosteriorSummary {
  mean: number;
  sd: number;
  'q2.5': number;
  q25: number;
  q50: number;
  q75: number;
  'q97.5': number;
}

/**
 * Convergence diagnostics of one node from all kept draws, under the names of
 * the R package `posterior` (Vehtari et al. 2021). A value that cannot be
 * computed (constant draws, too few draws) is NaN, which JSON writes as null.
 */
export interface NodeDiagnostics {
  /** Rank-normalised split R-hat, the larger of bulk and folded. */
  rhat: number;
  /** Classic split R-hat. */
  rhat_basic: number;
  ess_bulk: number;
  /** The smaller ESS of the 5 % and 95 % quantiles. */
  ess_tail: number;
  ess_mean: number;
  /** Monte Carlo standard errors of the mean, the sd, and the 5 %, 50 % and 95 % quantiles. */
  mcse_mean: number;
  mcse_sd: number;
  mcse_q5: number;
  mcse_median: number;
  mcse_q95: number;
}

export interface TraceSeries {
  /** Iteration numbers (after burn-in, 1-based) of the displayed points, shared by all chains. */
  iterations: number[];
  /** One array per chain, aligned with `iterations`. */
  chains: number[][];
}

export interface Histogram {
  /** Bin edges, length = counts.length + 1. */
  edges: number[];
  /** Draw counts per bin, pooled over chains. */
  counts: number[];
  /**
   * Draws left out below the first and above the last edge: a long tail is cut
   * at the 0.5 % and 99.5 % quantiles so that it does not squash the bulk.
   */
  below?: number;
  above?: number;
}

export interface NodeResult {
  /** Scalar name as JAGS writes it: `mu`, `theta[3]`, `Omega[1,2]`. */
  name: string;
  /** The sampler that updated the node, e.g. "conjugate normal". */
  sampler: string;
  /** Kept draws per chain behind the summary (not the displayed points). */
  draws: number;
  summary: PosteriorSummary;
  /** Absent while the run is going (previews use thinned draws) and when a cancelled run's summary used a thinned subset. */
  diagnostics?: NodeDiagnostics;
  /** Set when this node's chains differ by a permutation of component labels: the run message that says so. */
  labelSwitching?: string;
  /** Set when the chains' loadings (this node among them) differ by a sign flip or rotation of latent factors: the explanation. */
  factorRotation?: string;
  trace: TraceSeries;
  histogram: Histogram;
}

export interface RunMessage {
  severity: 'error' | 'warning' | 'info';
  message: string;
  /** Zero-based line and column range in the cell text, when the message points at it. */
  range?: { startLine: number; startColumn: number; endLine: number; endColumn: number };
}

export interface RunProgress {
  /** Iterations done (burn-in included), summed over chains. */
  done: number;
  /** Iterations planned, summed over chains. */
  total: number;
}

export interface RunTimings {
  compileMs: number;
  sampleMs: number;
  totalMs: number;
}

/** An estimate summed over observations, with its standard error. */
export interface ComparisonEstimate {
  estimate: number;
  se: number;
}

/**
 * Predictive accuracy from the pointwise log-likelihood of the observed nodes
 * (runs with `loo = TRUE`): PSIS-LOO and WAIC (Vehtari, Gelman & Gabry 2017,
 * as R's `loo` computes them) and DIC with Spiegelhalter's pD and Gelman's pV.
 */
export interface ModelComparison {
  draws: number;
  observations: number;
  elpd_loo: ComparisonEstimate;
  p_loo: ComparisonEstimate;
  looic: ComparisonEstimate;
  /** Observations per Pareto k̂ band: ≤ 0.5 good, ≤ 0.7 ok, ≤ 1 bad, > 1 very bad. */
  pareto_k: { good: number; ok: number; bad: number; very_bad: number };
  /** The observations with k̂ > 0.7, worst first (at most 10). */
  high_k: Array<{ name: string; k: number }>;
  /** elpd_loo of each observation, for comparing models (`compare`); left out beyond MAX_POINTWISE observations. */
  elpd_loo_pointwise?: number[];
  elpd_waic: ComparisonEstimate;
  p_waic: ComparisonEstimate;
  waic: ComparisonEstimate;
  /** D̄, the posterior mean deviance; pD = D̄ − D(θ̄) (null when θ̄ is not a value the model allows); pV = var(D)/2. */
  dic: {
    mean_deviance: number;
    pD: number | null;
    dic: number | null;
    pV: number;
    dic_pV: number;
    /**
     * Plummer's pD, JAGS's (`dic.samples`): half the symmetrised divergence between chains,
     * and D̄ + that pD. Absent with one chain, or an observed node of a family without a closed form.
     */
    pD_plummer?: number;
    dic_plummer?: number;
  };
}

export interface RunOutput {
  schema: typeof RUN_OUTPUT_SCHEMA;
  status: RunStatus;
  settings: RunSettings;
  progress: RunProgress;
  /** While running, before the first draws: what the engine is doing (`compiling the model`, `assigning samplers to 20000 nodes`). */
  phase?: string;
  nodes: NodeResult[];
  messages: RunMessage[];
  timings: RunTimings;
  /** Present at the end of a run with `loo = TRUE`. */
  modelComparison?: ModelComparison;
  /** Present at the end of a run with `ppc = TRUE`: per observed variable. */
  predictiveChecks?: PredictiveCheck[];
  /** Present at the end of a run that monitors `predictive(...)`. */
  predictive?: PredictiveOutput;
}
