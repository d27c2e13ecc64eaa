/**
 * The columns of the run view's summary table: posterior summaries, then the
 * convergence diagnostics with the usual flags (Vehtari et al. 2021), each
 * header explained in its tooltip.
 */

import type { ESS_LIMIT as ENGINE_ESS_LIMIT, RHAT_LIMIT as ENGINE_RHAT_LIMIT } from '../engine/diagnostics/flags';
import type { NodeResult } from '../engine/output/runOutput';
import { formatNumber } from './format';

// The engine's limits, repeated here so that the renderer bundle stays free of engine code; the types make the compiler check they agree.
export const RHAT_LIMIT: typeof ENGINE_RHAT_LIMIT = 1.01;
export const ESS_LIMIT: typeof ENGINE_ESS_LIMIT = 400;

export interface SummaryCell {
  text: string;
  /** Why the value is flagged, for its tooltip; absent when it is fine. */
  flag?: string;
}

export interface SummaryColumn {
  label: string;
  /** The header's tooltip. */
  title?: string;
  className?: string;
  cell: (node: NodeResult) => SummaryCell;
}

const plain = (value: (node: NodeResult) => string) => (node: NodeResult): SummaryCell => ({ text: value(node) });

/** R-hat with three decimals, as posterior and Stan print it: 1.000 and 1.013 must not look alike. */
function formatRhat(rhat: number): string {
  return Number.isFinite(rhat) && rhat < 1e3 ? rhat.toFixed(3) : formatNumber(rhat);
}

function rhatCell(node: NodeResult): SummaryCell {
  const rhat = node.diagnostics?.rhat ?? Number.NaN;
  if (node.labelSwitching) return { text: `${formatRhat(rhat)} ⇄`, flag: node.labelSwitching };
  if (rhat >= RHAT_LIMIT) return { text: formatRhat(rhat), flag: `R-hat ${formatRhat(rhat)} ≥ ${RHAT_LIMIT}: the chains disagree; run longer or look at the model.` };
  return { text: formatRhat(rhat) };
}

function essCell(which: 'ess_bulk' | 'ess_tail', what: string) {
  return (node: NodeResult): SummaryCell => {
    const ess = node.diagnostics?.[which] ?? Number.NaN;
    const text = Number.isFinite(ess) ? String(Math.round(ess)) : '–';
    if (ess < ESS_LIMIT) return { text, flag: `${what} ESS ${text} < ${ESS_LIMIT}: too few effective draws for reliable ${which === 'ess_bulk' ? 'means and medians' : 'intervals'}; run longer.` };
    return { text };
  };
}

export const SUMMARY_COLUMNS: readonly SummaryColumn[] = [
  { label: 'node', cell: plain((n) => n.name) },
  { label: 'mean', cell: plain((n) => formatNumber(n.summary.mean)) },
  { label: 'sd', cell: plain((n) => formatNumber(n.summary.sd)) },
  { label: '2.5%', cell: plain((n) => formatNumber(n.summary['q2.5'])) },
  { label: '50%', cell: plain((n) => formatNumber(n.summary.q50)) },
  { label: '97.5%', cell: plain((n) => formatNumber(n.summary['q97.5'])) },
  {
    label: 'R-hat',
    title: `Rank-normalised split R-hat (bulk and tail): near 1 when the chains agree; flagged at ≥ ${RHAT_LIMIT}. ⇄ marks label switching.`,
    cell: rhatCell,
  },
  { label: 'ESS bulk', title: `Effective sample size for the centre of the posterior (rank-normalised); flagged below ${ESS_LIMIT}.`, cell: essCell('ess_bulk', 'Bulk') },
  { label: 'ESS tail', title: `Effective sample size for the 5% and 95% quantiles; flagged below ${ESS_LIMIT}.`, cell: essCell('ess_tail', 'Tail') },
  { label: 'MCSE', title: 'Monte Carlo standard error of the mean: how far the mean shown may be from the exact posterior mean.', cell: plain((n) => formatNumber(n.diagnostics?.mcse_mean ?? Number.NaN)) },
  { label: 'sampler', className: 'latent-sampler', cell: plain((n) => n.sampler) },
];

/** The note under the table when something is flagged; empty otherwise. */
export function diagnosticsNote(nodes: readonly NodeResult[]): string {
  const cells = nodes.flatMap((n) => SUMMARY_COLUMNS.map((c) => c.cell(n)));
  const flagged = cells.some((c) => c.flag);
  if (!flagged) return '';
  const parts = [`Flagged: R-hat ≥ ${RHAT_LIMIT} or ESS < ${ESS_LIMIT}, so these summaries are not yet trustworthy; hover a value for why.`];
  if (nodes.some((n) => n.labelSwitching)) parts.push('⇄ label switching: the chains found the same components under different labels (see the warning above).');
  return parts.join(' ');
}
