/**
 * Posterior predictive checks (`gibbs(ppc = TRUE)`, `latent sample --ppc`):
 * at each kept draw a chain draws replicated data y_rep ~ p(y | θ) for every
 * observed scalar node, grouped by variable, and compares the mean, sd,
 * minimum and maximum of y_rep with those of the observed y (Gelman, Meng &
 * Stern 1996). The p-value of a statistic T is the mid-p
 * Pr(T(y_rep) > T(y)) + ½ Pr(T(y_rep) = T(y)): for discrete data the minimum
 * and maximum tie often, and the half keeps the p-value centred where a
 * model is right. Chains keep counts for all kept draws, and a thinned
 * sample of the statistics and of whole replicated data sets to draw.
 */

import { drawFromPrior } from '../inference/priorDraws';
import type { ModelGraph, StochasticNode } from '../model/graph';
import { Random } from '../random/rng';

export const CHECK_STATISTICS = ['mean', 'sd', 'min', 'max'] as const;
export type CheckStatistic = (typeof CHECK_STATISTICS)[number];
const STATS = CHECK_STATISTICS.length;

/** Replicated data sets a chain keeps to draw, and statistics it keeps per statistic. */
const KEPT_REPLICATES = 5;
const KEPT_STATISTICS = 1000;

/** mean, sd (n − 1), min and max of `values`, into `out`. */
export function checkStatistics(values: Float64Array, out: Float64Array): void {
  const n = values.length;
  let sum = 0;
  let lo = Infinity;
  let hi = -Infinity;
  for (let i = 0; i < n; i++) {
    const v = values[i]!;
    sum += v;
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  const mean = sum / n;
  let squares = 0;
  for (let i = 0; i < n; i++) squares += (values[i]! - mean) ** 2;
  out[0] = mean;
  out[1] = n > 1 ? Math.sqrt(squares / (n - 1)) : 0;
  out[2] = lo;
  out[3] = hi;
}

/** What one chain found for one observed variable. */
export interface ChainCheck {
  variable: string;
  /** The observed values, in the model's element order. */
  observed: Float64Array;
  /** Kept draws compared. */
  draws: number;
  /** Per statistic: draws with T(y_rep) > T(y), and with T(y_rep) = T(y). */
  above: Float64Array;
  ties: Float64Array;
  /** A thinned sample of T(y_rep), statistic-major rows: [mean, sd, min, max] per kept draw. */
  statistics: number[];
  /** A few whole replicated data sets, spread over the run. */
  replicates: number[][];
}

interface Group {
  variable: string;
  nodes: StochasticNode[];
  observed: Float64Array;
  observedStatistics: Float64Array;
  check: ChainCheck;
}

export class PredictiveCheckRecorder {
  private readonly groups: Group[];
  private readonly random: Random;
  private readonly scratch = new Float64Array(STATS);
  private replicate: Float64Array;
  private drawn = 0;
  private readonly statisticStride: number;
  private readonly replicateStride: number;

  /** `kept`: the kept draws this chain will make, to spread what it keeps to draw over the run. */
  constructor(graph: ModelGraph, seed: number, chain: number, kept: number) {
    // Its own stream, so that asking for the check does not change the chain's draws.
    this.random = new Random(seed, 0x5eed + chain);
    const byVariable = new Map<string, StochasticNode[]>();
    for (const node of graph.stochastic) {
      if (!node.observed || node.distribution.multivariate) continue;
      const name = node.variable.name;
      const list = byVariable.get(name) ?? [];
      list.push(node);
      byVariable.set(name, list);
    }
    this.groups = [...byVariable].map(([variable, nodes]) => {
      const observed = Float64Array.from(nodes, (node) => node.variable.values[node.offset]!);
      const observedStatistics = new Float64Array(STATS);
      checkStatistics(observed, observedStatistics);
      return { variable, nodes, observed, observedStatistics, check: { variable, observed, draws: 0, above: new Float64Array(STATS), ties: new Float64Array(STATS), statistics: [], replicates: [] } };
    });
    this.replicate = new Float64Array(Math.max(1, ...this.groups.map((g) => g.nodes.length)));
    this.statisticStride = Math.max(1, Math.ceil(kept / KEPT_STATISTICS));
    this.replicateStride = Math.max(1, Math.floor(kept / KEPT_REPLICATES));
  }

  get variables(): string[] {
    return this.groups.map((g) => g.variable);
  }

  /** One kept draw: a replicated data set per variable from the current parameters (the observed values are put back). */
  record(): void {
    const keepStatistics = this.drawn % this.statisticStride === 0;
    const keepReplicate = this.drawn % this.replicateStride === 0 && this.groups[0]!.check.replicates.length < KEPT_REPLICATES;
    this.drawn++;
    for (const group of this.groups) {
      const n = group.nodes.length;
      const y = this.replicate.subarray(0, n);
      let drawn = true;
      for (let i = 0; i < n; i++) {
        const node = group.nodes[i]!;
        const values = node.variable.values;
        const kept = values[node.offset]!;
        drawn = drawFromPrior(node, this.random) && drawn;
        y[i] = values[node.offset]!;
        values[node.offset] = kept;
      }
      if (!drawn) continue;
      const t = this.scratch;
      checkStatistics(y, t);
      const { check, observedStatistics } = group;
      check.draws++;
      for (let k = 0; k < STATS; k++) {
        if (t[k]! > observedStatistics[k]!) check.above[k]!++;
        else if (t[k] === observedStatistics[k]) check.ties[k]!++;
      }
      if (keepStatistics) for (let k = 0; k < STATS; k++) check.statistics.push(t[k]!);
      if (keepReplicate) check.replicates.push(Array.from(y));
    }
  }

  /** What the chain found, per variable. */
  results(): ChainCheck[] {
    return this.groups.map((g) => g.check);
  }
}

/** The checks of all chains, merged, in the run output's shape. */
export interface PredictiveCheck {
  variable: string;
  observations: number;
  draws: number;
  statistics: Array<{ name: CheckStatistic; observed: number; p_value: number; replicated: number[] }>;
  /** The observed values (at most MAX_SHOWN) and a few replicated data sets of the same length. */
  observed: number[];
  replicates: number[][];
}

/** Values kept per data set in the output, so that a large data set stays a small output. */
const MAX_SHOWN = 2000;

export function mergeChecks(perChain: ChainCheck[][]): PredictiveCheck[] {
  const first = perChain[0] ?? [];
  return first.map((template, v) => {
    const checks = perChain.map((chain) => chain[v]!).filter((c) => c !== undefined);
    const draws = checks.reduce((n, c) => n + c.draws, 0);
    const observedStatistics = new Float64Array(STATS);
    checkStatistics(template.observed, observedStatistics);
    const statistics = CHECK_STATISTICS.map((name, k) => {
      const above = checks.reduce((n, c) => n + c.above[k]!, 0);
      const ties = checks.reduce((n, c) => n + c.ties[k]!, 0);
      const replicated: number[] = [];
      for (const c of checks) for (let r = k; r < c.statistics.length; r += STATS) replicated.push(c.statistics[r]!);
      return { name, observed: observedStatistics[k]!, p_value: draws > 0 ? (above + ties / 2) / draws : Number.NaN, replicated };
    });
    return {
      variable: template.variable,
      observations: template.observed.length,
      draws,
      statistics,
      observed: Array.from(template.observed.subarray(0, MAX_SHOWN)),
      replicates: checks.flatMap((c) => c.replicates).map((r) => r.slice(0, MAX_SHOWN)),
    };
  });
}
