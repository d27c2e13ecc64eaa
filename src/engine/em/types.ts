/**
 * The vocabulary of the mixture-model EM core: what a problem is (data, K,
 * component family, priors), how to fit it (options), what comes back.
 * Matrices are row-major Float64Arrays: data n×d, means K×d, covariances
 * K×d×d. A missing value in the data is NaN.
 */

/** Components with a full-covariance Gaussian density. */
export interface GaussianFamily {
  kind: 'gaussian';
  /** MAP only: μ_k ~ N(mean, precision⁻¹), as dmnorm(mean, precision). */
  meanPrior?: { mean: Float64Array; precision: Float64Array };
  /**
   * MAP only: Σ_k⁻¹ ~ dwish(scale, df) in JAGS's parameterisation, density
   * ∝ |Ω|^((df−d−1)/2)·exp(−tr(scale·Ω)/2).
   */
  precisionPrior?: { scale: Float64Array; df: number };
}

/** Components that are products of independent Bernoullis over binary columns. */
export interface BernoulliFamily {
  kind: 'bernoulli';
  /** MAP only: each success probability ~ dbeta(a, b). */
  probabilityPrior?: { a: number; b: number };
}

export type ComponentFamily = GaussianFamily | BernoulliFamily;

export interface MixtureProblem {
  /** rows × columns, row-major; NaN marks a missing value. */
  data: Float64Array;
  rows: number;
  columns: number;
  components: number;
  family: ComponentFamily;
  /** MAP only: weights ~ ddirch(concentration); one value per component. */
  weightsPrior?: { concentration: Float64Array };
}

export interface GaussianParameters {
  kind: 'gaussian';
  weights: Float64Array;
  /** K × d */
  means: Float64Array;
  /** K × d × d */
  covariances: Float64Array;
}

export interface BernoulliParameters {
  kind: 'bernoulli';
  weights: Float64Array;
  /** K × d success probabilities. */
  probabilities: Float64Array;
}

export type MixtureParameters = GaussianParameters | BernoulliParameters;

/**
 * Deterministic annealing: responsibilities ∝ (w_k·p_k(x))^β with β rising
 * geometrically to 1, then plain EM. While β < 1, Gaussian covariances stay at
 * their starting values (see annealing.ts for why).
 */
export interface AnnealingSchedule {
  /** First β, in (0, 1]. Default 0.1. */
  betaStart?: number;
  /** β is multiplied by this after each step (> 1). Default 1.5. */
  growth?: number;
  /** Iterations at most per β < 1 (a step also ends when its objective settles). Default 100. */
  iterationsPerStep?: number;
}

export type Initialisation = 'kmeans++' | 'random' | MixtureParameters;

export interface MixtureOptions {
  /** 'ml' ignores the priors; 'map' maximises the log posterior. Default 'ml'. */
  estimator?: 'ml' | 'map';
  /** Added to each covariance diagonal after the M-step, as scikit-learn's reg_covar. Default 1e-6. */
  regCovar?: number;
  /** Convergence: absolute change of the mean objective per row between iterations. Default 1e-3 (scikit-learn's). */
  tolerance?: number;
  /** Convergence instead by the objective's estimated distance to its limit (fit/convergence.ts), in the objective's units. */
  distanceTolerance?: number;
  /** EM iterations at β = 1 at most. Default 100. */
  maxIterations?: number;
  /** Starts tried (n_init); the best final objective is kept. Default 1. */
  restarts?: number;
  /** Default 'kmeans++'. */
  init?: Initialisation;
  seed?: number;
  annealing?: AnnealingSchedule;
  /** Threads for the E-step (1 = this thread only). Default 1. */
  threads?: number;
  /** Fewer rows than this run on one thread whatever `threads` says. Default 20,000. */
  parallelMinRows?: number;
  /** The E-step worker's script (dist/em-worker.js); required when threads > 1. */
  workerScript?: string;
  /** Extra Node flags for the workers, e.g. a TypeScript loader in tests. */
  workerExecArgv?: string[];
  /** Keep responsibilities and hard assignments of the final fit (n × K values). Default true. */
  keepResponsibilities?: boolean;
  /** Checked before each iteration: an aborted fit returns the parameters so far, with status 'cancelled'. */
  signal?: AbortSignal;
}

export type DiagnosticCode =
  | 'non-finite-data'
  | 'non-binary-data'
  | 'too-many-components'
  | 'no-data'
  | 'invalid-option'
  | 'invalid-prior'
  | 'invalid-parameters'
  | 'empty-component'
  | 'singular-covariance'
  | 'objective-decrease'
  | 'not-converged'
  | 'numerical-failure'
  | 'threads-unavailable'
  | 'restarts-ignored';

export interface MixtureDiagnostic {
  severity: 'error' | 'warning' | 'info';
  code: DiagnosticCode;
  message: string;
  /** Where it applies, when it applies somewhere: 0-based row/column of the data, component, iteration (1-based), restart (0-based). */
  row?: number;
  column?: number;
  component?: number;
  iteration?: number;
  restart?: number;
}

/** What is reported after each E-step, for live curves. */
export interface IterationReport {
  restart: number;
  /** 1-based, counting annealing iterations too. */
  iteration: number;
  beta: number;
  /** Total observed-data log-likelihood of the parameters before this iteration's M-step. */
  logLikelihood: number;
  /** logLikelihood, plus the log prior for MAP. */
  objective: number;
}

export interface RestartSummary {
  restart: number;
  objective: number;
  iterations: number;
  converged: boolean;
  /** The objective per iteration of this restart. */
  curve: ArrayLike<number>;
}

export interface MixtureFit {
  parameters: MixtureParameters;
  /** 'stopped': a numerical failure ended the run; the parameters are the last finite ones (see diagnostics). */
  status: 'converged' | 'max-iterations' | 'cancelled' | 'stopped';
  converged: boolean;
  /** M-steps done, annealing included. */
  iterations: number;
  /** The objective of the start and after each M-step (iterations + 1 values), of the kept restart. */
  objectiveCurve: Float64Array;
  /** β of each iteration of objectiveCurve (the last value, the final evaluation, is 1). */
  betaCurve: Float64Array;
  /** Of the final parameters. */
  logLikelihood: number;
  meanLogLikelihood: number;
  objective: number;
  /** Free parameters counted by BIC and AIC. */
  parameterCount: number;
  bic: number;
  aic: number;
  perSampleLogLikelihood: Float64Array;
  /** n × K, when kept. */
  responsibilities?: Float64Array;
  /** The most responsible component of each row, when kept. */
  assignments?: Int32Array;
  restarts: RestartSummary[];
  keptRestart: number;
  diagnostics: MixtureDiagnostic[];
  seconds: number;
}

/** A fit, or a clean stop with the reasons (each an error diagnostic). */
export type MixtureOutcome = { ok: true; fit: MixtureFit } | { ok: false; diagnostics: MixtureDiagnostic[] };
