import type { PredictiveOutput } from '../run/predictive';
import { formatNumber } from './summaryTable';

/** How many elements the text lists (the JSON and the renderer hold every one). */
const LISTED = 5;

const percent = (x: number): string => `${(100 * x).toFixed(1)} %`;

/** The text lines of a run's predictive summaries: test RMSE, interval coverage, the first elements' mean and sd. */
export function formatPredictiveLines(p: PredictiveOutput | undefined): string[] {
  if (!p) return [];
  const { spec } = p;
  const noise = spec.precision ? `; noise variance E[1/${spec.precision}] = ${formatNumber(p.noise_variance)}` : '';
  const lines = ['', `Posterior predictive of ${spec.mean} (${p.elements.toLocaleString('en-US')} elements, ${p.draws.toLocaleString('en-US')} draws${noise})`];
  if (p.test) {
    const missing = p.test.missing ? ` (${p.test.missing} missing left out)` : '';
    lines.push(`  against ${spec.observed}${missing}: test RMSE ${formatNumber(p.test.rmse)}`);
    lines.push(`  coverage of central predictive intervals: ${p.test.coverage.map((c) => `${Math.round(100 * c.nominal)} % → ${percent(c.empirical)}`).join(', ')}`);
  }
  for (let m = 0; m < Math.min(LISTED, p.elements); m++) {
    lines.push(`  ${spec.mean}[${m + 1}]  mean ${formatNumber(p.mean[m]!)}  sd ${formatNumber(Math.sqrt(p.variance[m]!))}`);
  }
  if (p.elements > LISTED) lines.push(`  … ${(p.elements - LISTED).toLocaleString('en-US')} more in the JSON output (latent sample --json: predictive.mean, predictive.variance)`);
  return lines;
}
