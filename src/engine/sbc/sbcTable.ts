import { formatNumber } from '../output/summaryTable';
import { flagLevel, type SbcOutput } from './sbcOutput';

/**
 * The `text/plain` form of a calibration: settings, messages, and per node its
 * sampler, χ², p-value and rank counts per bin; the CLI prints it, and the
 * notebook shows it where the renderer is not installed.
 */
export function formatCalibrationTable(output: SbcOutput): string {
  const { settings, status } = output;
  const lines = [
    `Latent simulation-based calibration: ${status}; ${output.progress.done} of ${settings.simulations} simulations${output.failed ? ` (${output.failed} failed)` : ''}, ${settings.draws} draws each (burn-in ${settings.burnin}, thin ${settings.thin}), ${settings.bins} bins, seed ${settings.seed}; ${(output.timings.totalMs / 1000).toFixed(2)} s`,
  ];
  for (const m of output.messages) lines.push(`${m.severity}: ${m.message}${m.range ? ` (line ${m.range.startLine + 1}, column ${m.range.startColumn + 1})` : ''}`);
  if (output.nodes.length === 0) return lines.join('\n');
  const level = flagLevel(output);
  const header = ['node', 'sampler', 'chi2', 'df', 'p-value', '', 'rank counts per bin'];
  const rows = output.nodes.map((n) => [n.name, n.sampler, n.statistic.toFixed(2), String(n.degreesOfFreedom), formatNumber(n.pValue), n.pValue < level ? '!' : '', n.counts.join(' ')]);
  const widths = header.map((h, k) => Math.max(h.length, ...rows.map((r) => r[k]!.length)));
  const numeric = new Set([2, 3, 4]);
  const line = (cells: string[]): string => cells.map((c, k) => (numeric.has(k) ? c.padStart(widths[k]!) : c.padEnd(widths[k]!))).join('  ').trimEnd();
  lines.push('', line(header), ...rows.map(line));
  const flagged = output.nodes.filter((n) => n.pValue < level);
  lines.push('');
  if (flagged.length) {
    lines.push(`! ranks not uniform at the ${formatNumber(level)} level (1 % over ${output.nodes.length} node(s)): ${flagged.map((n) => n.name).join(', ')}. The sampler, the model's priors or too short a burn-in or thinning may be at fault.`);
  } else {
    lines.push(`Every node's ranks are consistent with uniform at the ${formatNumber(level)} level (1 % over ${output.nodes.length} node(s)).`);
  }
  return lines.join('\n');
}
