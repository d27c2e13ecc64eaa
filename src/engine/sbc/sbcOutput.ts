import type { RunMessage, RunStatus } from '../output/runOutput';

/**
 * The notebook output of a simulation-based calibration: the JSON carried by
 * the output item of MIME `application/vnd.latent.sbc+json`, drawn by the
 * renderer's sbcView. Versioned like latent.run/1; see docs/output-schema.md,
 * "latent.sbc/1", for the field-by-field contract.
 */
export const SBC_OUTPUT_MIME = 'application/vnd.latent.sbc+json';
export const SBC_OUTPUT_SCHEMA = 'latent.sbc/1';

export interface SbcSettings {
  simulations: number;
  draws: number;
  bins: number;
  burnin: number;
  thin: number;
  seed: number;
}

export interface SbcNodeResult {
  /** Scalar name as JAGS writes it: `mu`, `theta[3]`. */
  name: string;
  /** The sampler the engine picks for the node on the given data. */
  sampler: string;
  /** Simulations per rank bin; bin b holds the ranks r with ⌊r·bins/(draws + 1)⌋ = b. */
  counts: number[];
  /** Expected count per bin under uniform ranks. */
  expected: number[];
  /** Per bin, the central 99 % interval of the count under uniform ranks (binomial quantiles). */
  band: { lower: number[]; upper: number[] };
  /** Pearson's χ² of the counts against `expected`, its degrees of freedom and p-value. */
  statistic: number;
  degreesOfFreedom: number;
  pValue: number;
}

export interface SbcOutput {
  schema: typeof SBC_OUTPUT_SCHEMA;
  status: RunStatus;
  settings: SbcSettings;
  /** Simulations finished (failed ones included) out of `settings.simulations`. */
  progress: { done: number; total: number };
  /** Simulations whose data could not be simulated or fitted; their messages (the first few) are in `messages`. */
  failed: number;
  nodes: SbcNodeResult[];
  messages: RunMessage[];
  timings: { totalMs: number };
}

/**
 * The level below which a node's p-value is flagged: 1 % shared among the
 * nodes (Bonferroni), so that a well-calibrated model with many nodes is
 * flagged somewhere only about once in a hundred calibrations.
 */
export function flagLevel(output: Pick<SbcOutput, 'nodes'>): number {
  return 0.01 / Math.max(1, output.nodes.length);
}
