/**
 * Kept draws as CmdStan writes them, one file per chain: `#` comment lines
 * with the settings (in CmdStan's `key = value` layout, so readers that look
 * for `num_samples`, `thin` or `seed` find them), a header row naming each
 * scalar the Stan way (`theta[3]` → `theta.3`, `Omega[1,2]` → `Omega.1.2`),
 * then one row per kept draw. There is no `lp__` or other sampler column:
 * a Gibbs run has no leapfrog statistics, and a made-up value would mislead.
 * Numbers are written in their shortest exact form.
 */

import type { DrawStore } from '../run/drawStore';
import type { RunSettings } from './runOutput';

/** `theta[3]` → `theta.3`, `Omega[1,2]` → `Omega.1.2`, as CmdStan names the elements of arrays. */
export function jagsToStanName(name: string): string {
  const match = /^([^[]+)\[([^\]]*)\]$/.exec(name);
  return match ? `${match[1]}.${match[2]!.split(',').map((s) => s.trim()).join('.')}` : name;
}

export function stanCsvText(draws: DrawStore, names: string[], chain: number, settings: RunSettings, model: string): string {
  const lines = [
    '# Written by Latent (latent sample --output-dir): kept draws of one chain, in the layout of CmdStan\'s output.',
    `# model = ${model}`,
    '# method = sample (Default)',
    '#   sample',
    `#     num_samples = ${settings.iterations}`,
    `#     num_warmup = ${settings.burnin}`,
    '#     save_warmup = 0 (Default)',
    `#     thin = ${settings.thin}`,
    '#     algorithm = gibbs',
    `# id = ${chain + 1}`,
    '# random',
    `#   seed = ${settings.seed}`,
    names.map(jagsToStanName).join(','),
  ];
  const columns = names.map((_, m) => draws.column(chain, m));
  const rows = draws.count(chain);
  for (let s = 0; s < rows; s++) lines.push(columns.map((c) => formatValue(c[s]!)).join(','));
  return `${lines.join('\n')}\n`;
}

function formatValue(x: number): string {
  if (Number.isNaN(x)) return 'nan';
  if (x === Infinity) return 'inf';
  if (x === -Infinity) return '-inf';
  return String(x);
}
