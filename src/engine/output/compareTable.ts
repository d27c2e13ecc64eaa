/**
 * The ranking of several models (diagnostics/looCompare.ts) as text: one row
 * per model, best first, with the columns R's `loo_compare` prints (elpd_diff,
 * se_diff, elpd_loo, se_elpd_loo, p_loo, looic) and WAIC and DIC beside them.
 */

import type { RankedModel } from '../diagnostics/looCompare';

export const COMPARE_HEADERS = ['model', 'elpd_diff', 'se_diff', 'elpd_loo', 'se_elpd_loo', 'p_loo', 'se_p_loo', 'looic', 'waic', 'DIC'];

/** Which DIC the table shows: JAGS's (Plummer's pD) when every model has it, else Spiegelhalter's, else Gelman's pV. */
function dicKind(ranked: RankedModel[]): { label: string; value: (m: RankedModel) => number } {
  if (ranked.every((m) => m.comparison.dic.dic_plummer !== undefined)) return { label: "Plummer's pD, as JAGS's dic.samples", value: (m) => m.comparison.dic.dic_plummer! };
  if (ranked.every((m) => m.comparison.dic.dic !== null)) return { label: "Spiegelhalter's pD", value: (m) => m.comparison.dic.dic! };
  return { label: "Gelman's pV", value: (m) => m.comparison.dic.dic_pV };
}

export function compareRows(ranked: RankedModel[]): string[][] {
  const dic = dicKind(ranked);
  return ranked.map((m) => {
    const c = m.comparison;
    return [m.name, fixed(m.elpd_diff), fixed(m.se_diff), fixed(c.elpd_loo.estimate), fixed(c.elpd_loo.se), fixed(c.p_loo.estimate), fixed(c.p_loo.se), fixed(c.looic.estimate), fixed(c.waic.estimate), fixed(dic.value(m))];
  });
}

export function compareNotes(ranked: RankedModel[]): string[] {
  const notes = [`Ranked by elpd_loo (higher predicts better); elpd_diff is each model's difference from '${ranked[0]!.name}', se_diff its standard error over the ${ranked[0]!.comparison.observations} shared observations. DIC with ${dicKind(ranked).label}.`];
  const close = ranked.slice(1).filter((m) => Math.abs(m.elpd_diff) < 2 * m.se_diff || Math.abs(m.elpd_diff) < 4);
  if (close.length) notes.push(`${close.map((m) => `'${m.name}'`).join(', ')}: the difference is small against its SE (or below 4): the data do not tell these models apart.`);
  const unreliable = ranked.filter((m) => m.comparison.pareto_k.bad + m.comparison.pareto_k.very_bad > 0);
  if (unreliable.length) notes.push(`Pareto k̂ > 0.7 in ${unreliable.map((m) => `'${m.name}'`).join(', ')}: PSIS-LOO is unreliable there.`);
  return notes;
}

export function formatCompareTable(ranked: RankedModel[]): string {
  const rows = compareRows(ranked);
  const widths = COMPARE_HEADERS.map((h, k) => Math.max(h.length, ...rows.map((r) => r[k]!.length)));
  const line = (cells: string[]): string => cells.map((c, k) => (k === 0 ? c.padEnd(widths[k]!) : c.padStart(widths[k]!))).join('  ').trimEnd();
  return [line(COMPARE_HEADERS), ...rows.map(line), ...compareNotes(ranked)].join('\n');
}

function fixed(x: number): string {
  return Number.isFinite(x) ? x.toFixed(2) : String(x);
}
