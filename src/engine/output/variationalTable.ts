import type { FitOutput, VariationalNode } from './fitOutput';
import { formatEstimate, formatLogLik, startsText, statusText } from './fitTable';

/**
 * The `text/plain` form of a VI fit: how it ended, messages, each element's
 * variational marginal (family, mean, sd, 95 % interval) and the ELBO. The
 * CLI prints it; the notebook shows it beside the renderer's figures.
 */
export function formatVariationalTable(output: FitOutput): string {
  const { settings } = output;
  const timing = output.timing.seconds > 0 ? `; ${output.timing.seconds.toFixed(2)} s` : '';
  const lines = [
    `Latent ${settings.method} fit (mean-field variational inference): ${statusText(output.status, output.iteration, settings.maxIterations, output.objective.steps !== undefined)}; seed ${settings.seed}, ${startsText(output)}, tol ${formatEstimate(settings.tolerance)} (relative)${timing}`,
  ];
  if (output.engine) lines.push(`engine: ${output.engine}`);
  for (const m of output.messages) lines.push(`${m.severity}: ${m.message}${m.range ? ` (line ${m.range.startLine}, column ${m.range.startColumn})` : ''}`);
  const nodes = output.variational?.nodes ?? [];
  if (nodes.length) {
    const header = ['node', 'family', 'mean', 'sd', '2.5%', '97.5%'];
    const rows = nodes.map((n: VariationalNode) => [n.name, n.family, ...[n.mean, n.sd, n.lower, n.upper].map(formatEstimate)]);
    const widths = header.map((h, c) => Math.max(h.length, ...rows.map((r) => r[c]!.length)));
    const line = (cells: string[]): string => cells.map((cell, c) => (c < 2 ? cell.padEnd(widths[c]!) : cell.padStart(widths[c]!))).join('  ');
    lines.push('', line(header), ...rows.map(line));
  }
  const elbo = output.variational?.elbo ?? output.objective.values.at(-1);
  lines.push('');
  if (elbo !== undefined) lines.push(`ELBO        ${formatLogLik(elbo, 6)}`);
  // Stochastic VI's curve is per row: its last point beside the total.
  if (output.objective.steps && output.objective.values.length) lines.push(`ELBO per row  ${formatLogLik(output.objective.values.at(-1)!, 6)}`);
  lines.push(`iterations  ${output.iteration}`);
  if (output.converged !== undefined) lines.push(`converged   ${output.converged ? 'yes' : 'no'}`);
  return lines.join('\n');
}
