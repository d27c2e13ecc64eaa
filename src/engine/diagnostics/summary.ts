import { diagnose, type ConvergenceDiagnostics } from './convergence';
import { DiagnosticsWorkspace, DrawMatrix, sortedQuantile } from './drawMatrix';

/** `posterior::summarise_draws`'s default measures, and every convergence diagnostic we compute. */
export interface DrawsSummary extends ConvergenceDiagnostics {
  mean: number;
  median: number;
  sd: number;
  /** Median absolute deviation from the median, × 1.4826 (R's mad). */
  mad: number;
  q5: number;
  q95: number;
}

/** The summary of one scalar's chains; pass one workspace for many scalars. */
export function summarizeChains(chains: readonly Float64Array[], workspace = new DiagnosticsWorkspace()): DrawsSummary {
  const draws = new DrawMatrix(chains, workspace);
  const sorted = draws.sorted();
  const median = sortedQuantile(sorted, 0.5);
  const deviations = Float64Array.from(sorted, (x) => Math.abs(x - median)).sort();
  return {
    mean: draws.mean(),
    median,
    sd: draws.sd(),
    mad: 1.4826 * sortedQuantile(deviations, 0.5),
    q5: sortedQuantile(sorted, 0.05),
    q95: sortedQuantile(sorted, 0.95),
    ...diagnose(chains, { workspace, sorted }),
  };
}
