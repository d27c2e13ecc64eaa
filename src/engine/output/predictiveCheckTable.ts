/**
 * Posterior predictive checks as text, shared by the `text/plain` table, the
 * CLI and the renderer (pure formatting): per observed variable, each
 * statistic of the data and its posterior predictive p-value.
 */

import type { PredictiveCheck } from './runOutput';

/** p-values this far from ½ say the model does not reproduce that feature of the data. */
export const EXTREME_P = 0.05;

export function isExtreme(p: number): boolean {
  return p < EXTREME_P || p > 1 - EXTREME_P;
}

/** [statistic, observed, p-value] rows of one variable; `!` marks an extreme p-value. */
export function predictiveCheckRows(check: PredictiveCheck): Array<[string, string, string]> {
  return check.statistics.map((s) => [s.name, formatValue(s.observed), `${s.p_value.toFixed(3)}${isExtreme(s.p_value) ? '!' : ''}`]);
}

export function predictiveCheckTitle(check: PredictiveCheck): string {
  return `Posterior predictive check of ${check.variable}: ${check.observations} observation${check.observations === 1 ? '' : 's'}, ${check.draws} replicated data sets`;
}

/** The checks as text lines after a blank line each; empty when the run has none. */
export function formatPredictiveCheckLines(checks: PredictiveCheck[] | undefined): string[] {
  if (!checks?.length) return [];
  const lines: string[] = [];
  for (const check of checks) {
    const rows = predictiveCheckRows(check);
    const header: [string, string, string] = ['statistic', 'observed', 'p-value'];
    const widths = [0, 1, 2].map((k) => Math.max(header[k]!.length, ...rows.map((r) => r[k]!.length)));
    const line = (cells: string[]): string => cells.map((c, k) => (k === 0 ? c.padEnd(widths[k]!) : c.padStart(widths[k]!))).join('  ').trimEnd();
    lines.push('', predictiveCheckTitle(check), line(header), ...rows.map(line));
  }
  if (checks.some((c) => c.statistics.some((s) => isExtreme(s.p_value)))) {
    lines.push(`! p-value below ${EXTREME_P} or above ${1 - EXTREME_P}: replicated data rarely look like the observed data in that respect.`);
  }
  return lines;
}

function formatValue(x: number): string {
  if (!Number.isFinite(x)) return String(x);
  return Math.abs(x) >= 1e4 || (x !== 0 && Math.abs(x) < 1e-3) ? x.toExponential(3) : String(Number(x.toPrecision(4)));
}
