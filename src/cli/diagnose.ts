import { existsSync } from 'node:fs';
import { DiagnosticsWorkspace } from '../engine/diagnostics/drawMatrix';
import { loadDrawFiles } from '../engine/diagnostics/drawFiles';
import { findLabelSwitchingInDraws } from '../engine/diagnostics/labelSwitching';
import { summarizeChains, type DrawsSummary } from '../engine/diagnostics/summary';
import { readTextFile } from '../engine/data/files';
import { ModelError } from '../engine/language/source';
import { formatNumber } from '../engine/output/summaryTable';
import { DrawsInputError } from '../engine/diagnostics/stanCsv';
import { ESS_LIMIT, essFlagged, needsAttention, RHAT_LIMIT, rhatFlagged } from '../engine/diagnostics/flags';

export const DIAGNOSE_USAGE = 'latent diagnose FILE... [--json]';

export interface DiagnoseFiles {
  readFile: (path: string) => string;
  exists: (path: string) => boolean;
}

/**
 * `latent diagnose FILE... [--json]`: convergence diagnostics of another
 * sampler's draws, Stan CSV files (one per chain) or a CODA index with its
 * chain files, under `posterior`'s names. Returns the exit code: 0, or 2 for
 * bad arguments or input (said on `err`, without a stack trace).
 */
export function runDiagnose(
  args: string[],
  out: (text: string) => void,
  err: (text: string) => void,
  files: DiagnoseFiles = { readFile: readTextFile, exists: existsSync },
): number {
  const json = args.includes('--json');
  const paths = args.filter((a) => a !== '--json');
  const flag = paths.find((a) => a.startsWith('--'));
  if (flag || paths.length === 0) {
    err(`latent: ${flag ? `unknown option ${flag}` : 'diagnose needs files'}\nusage: ${DIAGNOSE_USAGE}`);
    return 2;
  }
  let loaded;
  try {
    loaded = loadDrawFiles(paths, files.readFile, files.exists);
  } catch (e) {
    if (e instanceof ModelError) for (const p of e.problems) err(`${p.message}`);
    else if (e instanceof DrawsInputError) err(`latent: ${e.message}`);
    else if (e instanceof Error && 'code' in e) err(`latent: cannot read ${pathOf(e) ?? 'a file'}: ${e.message}`);
    else throw e;
    return 2;
  }
  const workspace = new DiagnosticsWorkspace();
  const summaries = loaded.parameters.map((p) => ({ name: p.name, summary: summarizeChains(p.chains, workspace) }));
  if (json) {
    out(JSON.stringify(Object.fromEntries(summaries.map((s) => [s.name, s.summary]))));
    return 0;
  }
  const first = loaded.parameters[0];
  const chains = first?.chains.length ?? 0;
  const draws = first?.chains[0]?.length ?? 0;
  out(`${loaded.format}: ${chains} ${chains === 1 ? 'chain' : 'chains'} × ${draws} draws, ${summaries.length} ${summaries.length === 1 ? 'variable' : 'variables'} (${loaded.files.join(', ')})`);
  out('');
  out(formatDiagnosticsTable(summaries));
  const flagged = summaries.some((s) => needsAttention(s.summary));
  if (flagged) out(`\n! marks R-hat ≥ ${RHAT_LIMIT} and bulk or tail ESS < ${ESS_LIMIT}: run longer, or look at the model, before trusting those summaries.`);
  for (const finding of findLabelSwitchingInDraws(loaded.parameters)) out(`\nnote: ${finding.message}`);
  return 0;
}

function pathOf(e: Error): string | undefined {
  return (e as { path?: string }).path;
}

type Column = [header: keyof DrawsSummary, format: (s: DrawsSummary) => string];

const num = (key: keyof DrawsSummary): Column => [key, (s) => missing(s[key]) ?? formatNumber(s[key])];
const COLUMNS: Column[] = [
  num('mean'),
  num('median'),
  num('sd'),
  num('mad'),
  num('q5'),
  num('q95'),
  ['rhat', (s) => missing(s.rhat) ?? `${s.rhat.toFixed(3)}${rhatFlagged(s.rhat) ? '!' : ''}`],
  ['rhat_basic', (s) => missing(s.rhat_basic) ?? s.rhat_basic.toFixed(3)],
  ['ess_bulk', (s) => missing(s.ess_bulk) ?? `${Math.round(s.ess_bulk)}${essFlagged(s.ess_bulk) ? '!' : ''}`],
  ['ess_tail', (s) => missing(s.ess_tail) ?? `${Math.round(s.ess_tail)}${essFlagged(s.ess_tail) ? '!' : ''}`],
  ['ess_mean', (s) => missing(s.ess_mean) ?? String(Math.round(s.ess_mean))],
  num('mcse_mean'),
  num('mcse_sd'),
  num('mcse_q5'),
  num('mcse_median'),
  num('mcse_q95'),
];

/** NA as posterior prints it, for what it could not compute. */
function missing(x: number): string | undefined {
  return Number.isNaN(x) ? 'NA' : undefined;
}

/** A fixed-width table, one row per variable, under `posterior`'s column names. */
export function formatDiagnosticsTable(rows: { name: string; summary: DrawsSummary }[]): string {
  const header = ['variable', ...COLUMNS.map(([h]) => h)];
  const cells = rows.map((r) => [r.name, ...COLUMNS.map(([, f]) => f(r.summary))]);
  const widths = header.map((h, k) => Math.max(h.length, ...cells.map((c) => c[k]!.length)));
  const line = (c: string[]): string => c.map((x, k) => (k === 0 ? x.padEnd(widths[k]!) : x.padStart(widths[k]!))).join('  ');
  return [line(header), ...cells.map(line)].join('\n');
}
