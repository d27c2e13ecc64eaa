// Quick Mixture from CSV: the model text for a Gaussian mixture of a CSV's
// chosen columns, and the comparison of the fits over K. No `vscode` import,
// so it is tested in plain Node.
import { cellValue } from '../../engine/data/csv';

/** A CSV's columns from its header and first rows: those whose sampled cells are all numbers (or missing), and whose names are names in the language. */
export function numericColumns(text: string, sampleRows = 100): { numeric: string[]; other: string[] } {
  const lines = text.split(/\r?\n/).filter((l) => l.trim() !== '');
  const split = (line: string): string[] => line.split(',').map((f) => f.trim().replace(/^"(.*)"$/, '$1'));
  const names = split(lines[0] ?? '');
  const rows = lines.slice(1, 1 + sampleRows).map(split);
  const numeric: string[] = [];
  const other: string[] = [];
  names.forEach((name, k) => {
    const isNumber = rows.length > 0 && rows.every((r) => r[k] !== undefined && cellValue(r[k]!) !== undefined);
    (isNumber && /^[A-Za-z][A-Za-z0-9._]*$/.test(name) ? numeric : other).push(name);
  });
  return { numeric, other };
}

/** `2:4`, `2-4`, `3`, `2,3,5` → the values of K (2 to 20), sorted; a string says what is wrong. */
export function parseKRange(text: string): number[] | string {
  const t = text.trim();
  const range = /^(\d+)\s*(?::|-|\.\.)\s*(\d+)$/.exec(t);
  const values = range ? Array.from({ length: Math.max(0, Number(range[2]) - Number(range[1]) + 1) }, (_, i) => Number(range[1]) + i) : t.split(/[\s,]+/).map(Number);
  if (values.length === 0 || values.some((k) => !Number.isInteger(k) || k < 1 || k > 20)) return 'Write K as a range such as 2:5, or a list such as 2, 3, 5 (each from 1 to 20).';
  return [...new Set(values)].sort((a, b) => a - b);
}

/**
 * The mixture model in the language: K components over the columns, each a
 * multivariate normal with a full precision (one column included),
 * fitted by EM as maximum likelihood with k-means++ restarts (as
 * scikit-learn's GaussianMixture); the priors are there for the sampler, and
 * ignored by `mle = TRUE`.
 */
export function mixtureModelText(csvPath: string, columns: readonly string[], k: number, restarts: number, seed: number): string {
  const d = columns.length;
  const ones = (n: number): string => `c(${Array(n).fill(1).join(', ')})`;
  // One column too is bound into an N × 1 matrix: the mixture kernel (k-means++ starts, Cholesky densities) then fits it.
  const data = `data from ${JSON.stringify(csvPath)} with (x = c(${columns.join(', ')}), N = length(${columns[0]}))`;
  const fit = `fit with em(mle = TRUE, restarts = ${restarts}, tol = 1e-8, max.iter = 1000, seed = ${seed})`;
  const identity = `structure(c(${Array.from({ length: d * d }, (_, i) => (i % (d + 1) === 0 ? 1 : 0)).join(', ')}), .Dim = c(${d}, ${d}))`;
  const vague = `structure(c(${Array.from({ length: d * d }, (_, i) => (i % (d + 1) === 0 ? '1e-4' : 0)).join(', ')}), .Dim = c(${d}, ${d}))`;
  return `# A mixture of ${k} ${d === 1 ? 'normals' : 'multivariate normals'} on ${columns.join(', ')} (Quick Mixture from CSV)
model {
  for (i in 1:N) {
    z[i] ~ dcat(w[])
    x[i, 1:${d}] ~ dmnorm(mu[z[i], ], Omega[, , z[i]])
  }
  for (k in 1:K) {
    mu[k, 1:${d}] ~ dmnorm(m0[], P0[, ])
    Omega[1:${d}, 1:${d}, k] ~ dwish(R[, ], ${d + 1})
  }
  w[1:K] ~ ddirch(alpha[])
}

${data}
data list(K = ${k}, alpha = ${ones(k)}, m0 = c(${Array(d).fill(0).join(', ')}), P0 = ${vague},
  R = ${identity})

${fit}
`;
}

/** One fit of the comparison. */
export interface MixtureFitRow {
  k: number;
  loglik?: number;
  bic?: number;
  aic?: number;
  status: string;
}

/** The comparison as a Markdown table, the lowest BIC marked, with a sentence saying which K it prefers. */
export function comparisonMarkdown(rows: readonly MixtureFitRow[], columns: readonly string[]): { markdown: string; best: number | undefined } {
  const scored = rows.filter((r) => r.bic !== undefined && Number.isFinite(r.bic));
  const best = scored.length ? scored.reduce((a, b) => (b.bic! < a.bic! ? b : a)).k : undefined;
  const bestAic = scored.length ? scored.reduce((a, b) => (b.aic! < a.aic! ? b : a)).k : undefined;
  const f = (x: number | undefined): string => (x === undefined ? '–' : x.toFixed(2));
  const lines = [
    `### Quick Mixture: ${columns.join(', ')}`,
    '',
    best === undefined ? 'No fit gave a BIC.' : `BIC (lower is better) prefers **K = ${best}**${bestAic !== undefined && bestAic !== best ? `; AIC prefers K = ${bestAic}` : ''}. The cell below is the model with K = ${best} and its fit: edit it and run it again to go on.`,
    '',
    '| K | log-likelihood | BIC | AIC | fit |',
    '|---:|---:|---:|---:|:---|',
    ...rows.map((r) => `| ${r.k === best ? `**${r.k}**` : r.k} | ${f(r.loglik)} | ${r.k === best ? `**${f(r.bic)}**` : f(r.bic)} | ${f(r.aic)} | ${r.status} |`),
  ];
  return { markdown: lines.join('\n'), best };
}
