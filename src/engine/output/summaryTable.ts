import { essFlagged, ESS_LIMIT, needsAttention, RHAT_LIMIT, rhatFlagged } from '../diagnostics/flags';
import { formatComparisonLines } from './comparisonTable';
import { formatPredictiveCheckLines } from './predictiveCheckTable';
import { formatPredictiveLines } from './predictiveTable';
import type { NodeResult, RunOutput } from './runOutput';

/**
 * The `text/plain` companion of a run output: a fixed-width table that keeps
 * the notebook readable where the Latent renderer is not installed. When the
 * nodes carry convergence diagnostics, R-hat, bulk and tail ESS and the MCSE
 * of the mean follow the quantiles, flagged with `!` past the usual limits.
 */
export function formatSummaryTable(output: RunOutput): string {
  const { settings, status, timings } = output;
  const lines = [
    `Latent ${settings.algorithm} run: ${status}; ${settings.chains} chain(s), burn-in ${settings.burnin}, ${settings.iterations} iterations, thin ${settings.thin}, seed ${settings.seed}; ${(timings.totalMs / 1000).toFixed(2)} s`,
  ];
  for (const m of output.messages) lines.push(`${m.severity}: ${m.message}${m.range ? ` (line ${m.range.startLine + 1}, column ${m.range.startColumn + 1})` : ''}`);
  if (output.nodes.length) {
    const withDiagnostics = output.nodes.some((n) => n.diagnostics);
    const header = ['node', 'mean', 'sd', '2.5%', '25%', '50%', '75%', '97.5%', ...(withDiagnostics ? DIAGNOSTIC_HEADERS : []), 'sampler'];
    const rows = output.nodes.map((n) => [
      n.name,
      ...[n.summary.mean, n.summary.sd, n.summary['q2.5'], n.summary.q25, n.summary.q50, n.summary.q75, n.summary['q97.5']].map(formatNumber),
      ...(withDiagnostics ? diagnosticCells(n) : []),
      n.sampler,
    ]);
    const widths = header.map((h, k) => Math.max(h.length, ...rows.map((r) => r[k]!.length)));
    const line = (cells: string[]): string => cells.map((c, k) => (k === 0 || k === cells.length - 1 ? c.padEnd(widths[k]!) : c.padStart(widths[k]!))).join('  ').trimEnd();
    lines.push('', line(header), ...rows.map(line));
    if (output.nodes.some((n) => n.diagnostics && needsAttention(n.diagnostics))) {
      lines.push('', `! R-hat ≥ ${RHAT_LIMIT} or ESS < ${ESS_LIMIT}: the chains have not mixed enough to trust that summary yet.`);
    }
  }
  lines.push(...formatComparisonLines(output.modelComparison));
  lines.push(...formatPredictiveCheckLines(output.predictiveChecks));
  lines.push(...formatPredictiveLines(output.predictive));
  return lines.join('\n');
}

const DIAGNOSTIC_HEADERS = ['rhat', 'ess_bulk', 'ess_tail', 'mcse_mean'];

function diagnosticCells(node: NodeResult): string[] {
  const d = node.diagnostics;
  if (!d) return DIAGNOSTIC_HEADERS.map(() => '–');
  const ess = (x: number): string => (Number.isFinite(x) ? `${Math.round(x)}${essFlagged(x) ? '!' : ''}` : '–');
  return [Number.isFinite(d.rhat) ? `${d.rhat.toFixed(3)}${rhatFlagged(d.rhat) ? '!' : ''}` : '–', ess(d.ess_bulk), ess(d.ess_tail), Number.isFinite(d.mcse_mean) ? formatNumber(d.mcse_mean) : '–'];
}

export function formatNumber(x: number): string {
  if (!Number.isFinite(x)) return String(x);
  if (x === 0) return '0';
  const magnitude = Math.abs(x);
  return magnitude >= 1e5 || magnitude < 1e-3 ? x.toExponential(3) : x.toPrecision(4);
}
