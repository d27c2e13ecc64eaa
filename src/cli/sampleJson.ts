import type { NodeResult, RunOutput } from '../engine/output/runOutput';

/** Fields of a node's result that are for plots or said elsewhere in the JSON, not numbers about its posterior. */
const NOT_STATISTICS = new Set(['name', 'sampler', 'draws', 'summary', 'trace', 'histogram']);

/**
 * One node's statistics as a flat object: the posterior summary (mean, sd,
 * quantiles) and every other number the engine reports for the node, such as
 * convergence diagnostics, whether they sit on the result itself or in an
 * object of numbers (e.g. `diagnostics: { rhat, ess_bulk }`), so that new
 * statistics reach the JSON without a change here.
 */
export function nodeStatistics(node: NodeResult): Record<string, number> {
  const out: Record<string, number> = { ...node.summary };
  for (const [key, value] of Object.entries(node)) {
    if (NOT_STATISTICS.has(key)) continue;
    if (typeof value === 'number') out[key] = value;
    else if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
      for (const [k, v] of Object.entries(value as Record<string, unknown>)) if (typeof v === 'number') out[k] = v;
    }
  }
  return out;
}

/**
 * `latent sample --json`: one object with the run's settings and seed, the
 * statistics of each monitored scalar under its JAGS name (`theta[3]`,
 * `Omega[1,2]`), the sampler of each, its kept draws per chain, messages and
 * the run time in seconds.
 */
export function sampleJson(output: RunOutput): object {
  return {
    status: output.status,
    seed: output.settings.seed,
    settings: output.settings,
    seconds: output.timings.totalMs / 1000,
    nodes: Object.fromEntries(output.nodes.map((n) => [n.name, nodeStatistics(n)])),
    samplers: Object.fromEntries(output.nodes.map((n) => [n.name, n.sampler])),
    draws: Object.fromEntries(output.nodes.map((n) => [n.name, n.draws])),
    messages: output.messages,
    ...(output.modelComparison ? { model_comparison: output.modelComparison } : {}),
    ...(output.predictiveChecks ? { predictive_checks: output.predictiveChecks } : {}),
    ...(output.predictive ? { predictive: output.predictive } : {}),
  };
}
