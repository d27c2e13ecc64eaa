import type { DrawStore } from '../run/drawStore';

/** `theta[3]` → `theta.3`, `Omega[1,2]` → `Omega.1.2`: element names as CmdStan writes its columns (readStanCsv renames them back). */
export function stanColumnName(name: string): string {
  return name.replace(/\[([^\]]*)\]$/, (_, index: string) => `.${index.split(',').map((i) => i.trim()).join('.')}`);
}

/**
 * One chain's kept draws as a CmdStan-style CSV file: `#` comment lines
 * saying what wrote it, a header of the monitored scalars, one line per
 * draw, each number as JavaScript's shortest exact form, so that a round
 * trip through the file loses nothing.
 */
export function stanCsvChain(store: DrawStore, names: readonly string[], chain: number, comments: readonly string[]): string {
  const columns = names.map((_, m) => store.column(chain, m));
  const rows = store.count(chain);
  const lines = comments.map((c) => `# ${c}`);
  lines.push(names.map(stanColumnName).join(','));
  for (let r = 0; r < rows; r++) {
    let line = '';
    for (let m = 0; m < columns.length; m++) line += (m ? ',' : '') + formatValue(columns[m]![r]!);
    lines.push(line);
  }
  return `${lines.join('\n')}\n`;
}

function formatValue(x: number): string {
  if (Number.isNaN(x)) return 'nan';
  if (!Number.isFinite(x)) return x > 0 ? 'inf' : '-inf';
  return String(x);
}
