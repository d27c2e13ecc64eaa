/**
 * The model comparison of a run as rows of text, shared by the `text/plain`
 * table, the CLI and the renderer (pure formatting, no Node code), so that
 * all three say the same.
 */

import type { ModelComparison } from './runOutput';

/** [criterion, estimate, SE] rows; SE empty where there is none. */
export function comparisonRows(mc: ModelComparison): Array<[string, string, string]> {
  const row = (label: string, e: { estimate: number; se: number }): [string, string, string] => [label, fixed(e.estimate), fixed(e.se)];
  return [
    row('elpd_loo', mc.elpd_loo),
    row('p_loo', mc.p_loo),
    row('looic', mc.looic),
    row('elpd_waic', mc.elpd_waic),
    row('p_waic', mc.p_waic),
    row('waic', mc.waic),
    ['mean deviance', fixed(mc.dic.mean_deviance), ''],
    ['pD (Spiegelhalter)', mc.dic.pD === null ? '–' : fixed(mc.dic.pD), ''],
    ['DIC (pD)', mc.dic.dic === null ? '–' : fixed(mc.dic.dic), ''],
    ['pV (Gelman)', fixed(mc.dic.pV), ''],
    ['DIC (pV)', fixed(mc.dic.dic_pV), ''],
    ...(mc.dic.pD_plummer !== undefined && mc.dic.dic_plummer !== undefined
      ? ([['pD (Plummer, as JAGS)', fixed(mc.dic.pD_plummer), ''], ['DIC (Plummer)', fixed(mc.dic.dic_plummer), '']] as Array<[string, string, string]>)
      : []),
  ];
}

/** What the Pareto k̂ values say, in `loo`'s bands, and which observations to look at. */
export function paretoKNote(mc: ModelComparison): string {
  const k = mc.pareto_k;
  const bands = `Pareto k: ${k.good} good (≤ 0.5), ${k.ok} ok (≤ 0.7), ${k.bad} bad (≤ 1), ${k.very_bad} very bad (> 1) of ${mc.observations} observations`;
  if (mc.high_k.length === 0) return `${bands}.`;
  const worst = mc.high_k.map((o) => `${o.name} ${o.k.toFixed(2)}`).join(', ');
  return `${bands}; PSIS-LOO is unreliable for ${worst}.`;
}

/** Notes on what pD and the draws mean, when one applies. */
export function comparisonNotes(mc: ModelComparison): string[] {
  const notes = [paretoKNote(mc), `From ${mc.draws} draws of the log-likelihood of ${mc.observations} observed nodes.`];
  if (mc.dic.pD === null) notes.push('pD is undefined: the posterior mean is not a value the model allows (e.g. of a discrete node); use pV.');
  return notes;
}

/** The comparison as text lines after a blank line; empty when the run has none. */
export function formatComparisonLines(mc: ModelComparison | undefined): string[] {
  if (!mc) return [];
  const rows = comparisonRows(mc);
  const widths = [0, 1, 2].map((k) => Math.max(...rows.map((r) => r[k]!.length), ['criterion', 'estimate', 'SE'][k]!.length));
  const line = (cells: string[]): string => cells.map((c, k) => (k === 0 ? c.padEnd(widths[k]!) : c.padStart(widths[k]!))).join('  ').trimEnd();
  return ['', line(['criterion', 'estimate', 'SE']), ...rows.map(line), ...comparisonNotes(mc)];
}

function fixed(x: number): string {
  return Number.isFinite(x) ? x.toFixed(2) : String(x);
}
