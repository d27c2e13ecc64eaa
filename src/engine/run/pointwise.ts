/**
 * The pointwise log-likelihood a chain records for model comparison, when the
 * run asks for it (`gibbs(loo = TRUE)`, `latent sample --loo`): at each kept
 * draw, log p(y_i | θ) of every observed stochastic node (a multivariate row
 * counts as one observation, as JAGS's deviance counts it), and running sums
 * of every unobserved element, whose means give the deviance at the posterior
 * mean that Spiegelhalter's pD needs. Where every observed node is of a
 * family with a closed-form divergence, also their parameters at each kept
 * draw, for Plummer's pD (JAGS's), which compares chains draw by draw.
 */

import { compileModel, refreshDeterministic } from '../model/compile';
import { currentParameters, nodeLogDensity, type ModelGraph, type StochasticNode } from '../model/graph';
import { KL_FAMILIES, parameterLayout, type ParameterLayout } from '../diagnostics/plummerPd';
import type { RunRequest } from './request';

export class PointwiseRecorder {
  readonly observed: StochasticNode[];
  readonly names: string[];
  private readonly unobserved: StochasticNode[];
  private buffer: Float64Array;
  private rows = 0;
  readonly sums: Float64Array;
  kept = 0;
  /** Undefined when some observed node has no closed-form divergence (truncated, multivariate, another family). */
  readonly parameters: ParameterLayout | undefined;
  private parameterBuffer: Float64Array;

  constructor(graph: ModelGraph) {
    this.observed = graph.stochastic.filter((node) => node.observed);
    this.names = this.observed.map((node) => node.name);
    this.unobserved = graph.unobserved.map((id) => graph.stochastic[id]!);
    this.sums = new Float64Array(this.unobserved.reduce((n, node) => n + node.offsets.length, 0));
    this.buffer = new Float64Array(Math.max(1, this.observed.length) * 64);
    const families = this.observed.map((node) => (node.distribution.multivariate || node.lower || node.upper ? '' : node.distribution.name));
    this.parameters = families.every((family) => KL_FAMILIES[family] !== undefined) ? parameterLayout(families) : undefined;
    this.parameterBuffer = new Float64Array(Math.max(1, this.parameters?.width ?? 0) * 64);
  }

  /** Records the current state as one kept draw (the graph's deterministic nodes current). */
  record(): void {
    const width = this.observed.length;
    if ((this.rows + 1) * width > this.buffer.length) {
      const grown = new Float64Array(this.buffer.length * 2);
      grown.set(this.buffer);
      this.buffer = grown;
    }
    const base = this.rows * width;
    for (let i = 0; i < width; i++) this.buffer[base + i] = nodeLogDensity(this.observed[i]!);
    if (this.parameters) this.recordParameters(this.parameters);
    this.rows++;
    let k = 0;
    for (const node of this.unobserved) {
      const values = node.variable.values;
      // A scalar node's offsets are made when asked for: read its one offset directly in this per-sweep loop.
      if (!node.distribution.multivariate) {
        this.sums[k++] += values[node.offset]!;
        continue;
      }
      const offsets = node.offsets;
      for (let j = 0; j < offsets.length; j++) this.sums[k++] += values[offsets[j]!]!;
    }
    this.kept++;
  }

  private recordParameters(layout: ParameterLayout): void {
    if ((this.rows + 1) * layout.width > this.parameterBuffer.length) {
      const grown = new Float64Array(this.parameterBuffer.length * 2);
      grown.set(this.parameterBuffer);
      this.parameterBuffer = grown;
    }
    const base = this.rows * layout.width;
    for (let i = 0; i < this.observed.length; i++) {
      const values = currentParameters(this.observed[i]!);
      const size = KL_FAMILIES[layout.families[i]!]!;
      for (let k = 0; k < size; k++) this.parameterBuffer[base + layout.starts[i]! + k] = values[k]!;
    }
  }

  /** The rows recorded since the last call (draw-major) — log-likelihoods, and parameters when recorded — and a fresh start. */
  take(): { logLik: Float64Array; parameters?: Float64Array } {
    const logLik = this.buffer.slice(0, this.rows * this.observed.length);
    const parameters = this.parameters ? this.parameterBuffer.slice(0, this.rows * this.parameters.width) : undefined;
    this.rows = 0;
    return parameters ? { logLik, parameters } : { logLik };
  }
}

/**
 * −2 Σ log p(y_i | θ̄) with θ̄ the posterior mean of every unobserved element
 * (the mean of the chains' sums). Not finite when θ̄ is not a value the model
 * allows, e.g. the mean of a discrete latent node: pD is then undefined.
 */
export function devianceAtMean(request: RunRequest, sums: Float64Array, kept: number): number {
  const graph = compileModel(request.document, request.data);
  let k = 0;
  for (const id of graph.unobserved) {
    const node = graph.stochastic[id]!;
    for (let j = 0; j < node.offsets.length; j++) node.variable.values[node.offsets[j]!] = sums[k++]! / kept;
  }
  refreshDeterministic(graph);
  let total = 0;
  for (const node of graph.stochastic) if (node.observed) total += nodeLogDensity(node);
  return -2 * total;
}
