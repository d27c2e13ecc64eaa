/**
 * What an EM-family fit (`fit with em(...)`, `latent em`) hands to the
 * notebook: the output item of MIME `application/vnd.latent.fit+json`,
 * replaced in place while the fit runs. The renderer draws only from this.
 * Schema documented in docs/output-schema.md ("Fits").
 */
export const FIT_OUTPUT_MIME = 'application/vnd.latent.fit+json';
export const FIT_OUTPUT_SCHEMA = 'latent.fit/1';

/** The variants of the EM family, and mean-field variational inference; the directive's algorithm name. */
export type FitMethod = 'em' | 'ecm' | 'online.em' | 'annealed.em' | 'mcem' | 'vi' | 'svi';

export interface FitSettings {
  method: FitMethod;
  /** 'ml' ignores the priors of the parameters; 'map' maximises the log posterior. */
  estimator: 'ml' | 'map';
  /** Convergence: absolute change of the objective per observation between iterations. */
  tolerance: number;
  maxIterations: number;
  /** Starts tried (n_init); the best final objective is kept. 0: automatic (several for models with exchangeable components or factors, one otherwise). */
  restarts: number;
  /** Where parameters start: 'given' uses the inits (required then), else random or k-means++ for mixtures. */
  init: 'kmeans++' | 'random' | 'given';
  seed: number;
  /** Ridge added to covariance diagonals (scikit-learn's reg_covar). */
  regCovar: number;
  /** Names of the variables treated as latent (E-step); by default those indexed by the observation loop. */
  latent?: string[];
  /** Names of variables point-estimated although the default would make them latent (local scales). */
  parameters?: string[];
  /** Online EM and stochastic VI: rows per minibatch, step (t + t0)^−κ. */
  batchSize?: number;
  /** Stochastic VI: passes over the data. */
  epochs?: number;
  kappa?: number;
  t0?: number;
  /** Annealed EM: first β, and its growth factor per step. */
  betaStart?: number;
  betaGrowth?: number;
  /** Monte-Carlo EM: Gibbs sweeps of the latent nodes per E-step. */
  sweeps?: number;
  /** E-step worker threads (mixture kernels). */
  threads?: number;
  /** VI: the nodes whose variational densities the output draws (default: the first scalars of the non-local nodes). */
  monitor?: string[];
  /** VI: deterministic annealing of the discrete factors, β from betaStart growing by betaGrowth per iteration (vi/annealing.ts). */
  anneal?: boolean;
  /** EM with an exact E-step: record log p(X | θ), L(q, θ) and KL(q ‖ p(Z | X, θ)) after each E-step and M-step (`emBound`). */
  bound?: boolean;
}

/**
 * EM's bound picture (`em(bound = TRUE)`): the identity log p(X | θ) = L(q, θ) + KL(q ‖ p(Z | X, θ))
 * at each recorded point, after the E-step of an iteration (step 'E': q is the posterior at θ, KL = 0)
 * and after the M-step that follows it (step 'M': θ moved, q held). Parallel arrays, one entry per point.
 */
export interface EmBoundRecord {
  /** 'logpost' when the parameters' log prior is added to log p and to L (MAP). */
  kind: 'loglik' | 'logpost';
  /** The iteration whose E-step (or the M-step that followed it) the point is at: index into the objective curve. */
  iteration: number[];
  step: Array<'E' | 'M'>;
  /** log p(X | θ) (+ log prior): equal to the objective curve at the E points. */
  objective: number[];
  lower: number[];
  divergence: number[];
}

export type FitStatus = 'running' | 'converged' | 'max-iterations' | 'cancelled' | 'stopped' | 'degenerate' | 'failed';

export interface FitMessage {
  severity: 'error' | 'warning' | 'info';
  message: string;
  /** What happened, when a kernel says (`empty-component`, `singular-covariance`, `objective-decrease`, `not-converged`, …): the editor's findings key on it. */
  code?: string;
  /** 1-based lines and columns in the cell, when the message points somewhere. */
  range?: { startLine: number; startColumn: number; endLine: number; endColumn: number };
}

/** One fitted scalar, named as JAGS names it: `mu[2,1]`, `Omega[1,2,3]`, `tau`. */
export interface FitParameter {
  name: string;
  value: number;
  /** Standard error from the objective's curvature at the estimate (FitOutput.standardErrors says which); absent where none is given. */
  se?: number;
}

/** For 1- and 2-dimensional mixtures: the data coloured by responsibility, with the fitted components. */
export interface MixturePicture {
  /** The data's column names (1 or 2). */
  columns: string[];
  /** Rows shown (a seeded subsample of at most 5,000): one array per row. */
  points: number[][];
  /** For each shown row, its responsibilities (K values summing to 1). */
  responsibilities: number[][];
  /** `emptied`: a VI component holding less than one expected row, at its prior (drawn hidden, listed in the legend). */
  components: Array<{ weight: number; mean: number[]; covariance: number[][]; emptied?: boolean }>;
}

/** A way a fit can end at an answer that is not a proper optimum; a fit with one is never "converged". */
export type FitDiagnosticKind = 'collapsed-scale' | 'boundary-probability' | 'unbounded-objective' | 'symmetric-point' | 'zero-information';

export interface FitDiagnostic {
  kind: FitDiagnosticKind;
  message: string;
  /** The nodes concerned, named as JAGS names them. */
  nodes?: string[];
}

/** One start of a fit: how it was made and how it ended. */
export interface FitStart {
  method: string;
  objective: number;
  status: string;
  iterations: number;
  /** Its objective per iteration, thinned to at most MAX_START_POINTS (iteration = index × the step), for overlaying the starts. */
  curve?: { step: number; values: number[] };
}

/** Points of each start's curve an output keeps: the starts are drawn as context, not read point by point. */
export const MAX_START_POINTS = 300;

/** A start's objective curve, thinned to at most MAX_START_POINTS evenly spaced iterations (the last always kept). */
export function startCurve(values: ArrayLike<number>): { step: number; values: number[] } {
  const step = Math.max(1, Math.ceil(values.length / MAX_START_POINTS));
  const thinned: number[] = [];
  for (let i = 0; i < values.length; i += step) thinned.push(values[i]!);
  return { step, values: thinned };
}

export interface FitOutput {
  schema: typeof FIT_OUTPUT_SCHEMA;
  status: FitStatus;
  settings: FitSettings;
  /** How the E- and M-steps were obtained, e.g. "Gaussian mixture kernel (K = 3, d = 2)" or "conjugate conditionals". */
  engine: string;
  /** Latent variables (E-step) and parameters (M-step), by variable name. */
  latent: string[];
  parameters: string[];
  /** Iterations done so far (annealing included). */
  iteration: number;
  /** The objective per iteration: start, then after each M-step (of the kept restart once finished). */
  /**
   * The objective per iteration: start, then after each M-step (of the kept restart once finished). `mc-*`: a
   * Monte-Carlo estimate (MCEM: the complete-data value averaged over the E-step's draws), `error` its standard error.
   */
  objective: {
    kind: 'loglik' | 'logpost' | 'mc-loglik' | 'mc-logpost' | 'elbo';
    values: number[];
    beta?: number[];
    error?: number;
    /** Stochastic VI: the minibatch step of each value (the bound is evaluated at intervals), and the values are per data row. */
    steps?: number[];
  };
  /** Of the final (or current) parameters; absent while unknown. */
  loglik?: number;
  loglikPerSample?: number;
  observations?: number;
  parameterCount?: number;
  bic?: number;
  aic?: number;
  converged?: boolean;
  params: FitParameter[];
  /**
   * What the parameters' `se` are: 'observed-information' (ML: √ of the inverse observed information, the observed-data
   * log-likelihood's negative Hessian) or 'posterior-curvature' (MAP: the same of the log posterior, a Laplace approximation's sd).
   */
  standardErrors?: 'observed-information' | 'posterior-curvature';
  /** Hard assignments of a finite latent node per observation (1-based component), at most 10,000 shown. */
  assignments?: { node: string; values: number[] };
  mixture?: MixturePicture;
  /** How the run stopped: by the tolerance (with the objective's estimated distance to its limit) or at the iteration limit. */
  convergence?: { stoppedBy: 'tolerance' | 'iteration-limit' | 'cancelled' | 'error'; distance: number; limit: number };
  /** Degenerate answers found (status 'degenerate' when one of them is not a warning only). */
  diagnostics?: FitDiagnostic[];
  /** Posterior mean and sd of latent nodes that are not per-observation (a latent regression's weights, local scales). */
  latentSummaries?: Array<{ name: string; mean: number; sd: number }>;
  /** The starts tried (generic EM) and the one kept. */
  start?: { chosen: number; starts: FitStart[] };
  /** EM's bound picture, when `bound = TRUE` (the kept start's points). */
  emBound?: EmBoundRecord;
  /** Mean-field VI (`fit with vi(...)`): the bound and every element's variational marginal. */
  variational?: VariationalResult;
  messages: FitMessage[];
  timing: { seconds: number; secondsPerIteration: number };
}

/** One scalar element's variational marginal: its factor's family, moments, 95 % interval and the factor's parameters. */
export interface VariationalNode {
  /** As JAGS names it: `mu[1,2]`. */
  name: string;
  family: string;
  mean: number;
  sd: number;
  /** The 2.5 % and 97.5 % quantiles of the marginal. */
  lower: number;
  upper: number;
  parameters: Record<string, number | number[] | string>;
  /** For monitored elements: the marginal density on a grid, for the renderer. */
  density?: { x: number[]; y: number[] };
}

export interface VariationalResult {
  elbo: number;
  /** Each stochastic node's E_q[log p(node | parents)] and each factor's entropy, by node name: the bound is their sum. */
  contributions: Array<{ name: string; expectedLogDensity: number; entropy: number }>;
  nodes: VariationalNode[];
  /** The kept start (0-based) and each start's final bound. */
  bestRestart: number;
  restartElbos: number[];
  /** For each mixture's latent index: the components that hold data under q (vi/effectiveComponents.ts). */
  effectiveComponents?: EffectiveComponents[];
}

/** A mixture's components under q: those holding at least one expected row, and the emptied ones (1-based). */
export interface EffectiveComponents {
  variable: string;
  components: number;
  effective: number;
  emptied: number[];
  expectedRows: number[];
}
