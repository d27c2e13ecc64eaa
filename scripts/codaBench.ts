/**
 * Summarises JAGS CODA files in the format of the classic suite's bench.R:
 * per node the mean and SD over all chains, SD/√n, and the time-series
 * standard error by batch means (50 batches per chain), as an R structure.
 *
 *   node --import tsx scripts/codaBench.ts STEM [OUT.R]    # reads STEMindex.txt, STEMchain1.txt, ...
 *
 * Used to record JAGS reference runs in test/fixtures (see their READMEs).
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { readCoda } from '../src/engine/output/coda';

const BATCHES = 50;

function batchMeansSe(chains: Float64Array[]): number {
  // Per chain, the variance of 50 batch means; the grand mean's variance pools them.
  let variance = 0;
  let total = 0;
  for (const x of chains) total += x.length;
  for (const x of chains) {
    const size = Math.floor(x.length / BATCHES);
    const means = Array.from({ length: BATCHES }, (_, b) => {
      let s = 0;
      for (let k = b * size; k < (b + 1) * size; k++) s += x[k]!;
      return s / size;
    });
    const m = means.reduce((a, b) => a + b, 0) / BATCHES;
    const v = means.reduce((a, b) => a + (b - m) ** 2, 0) / (BATCHES - 1);
    variance += (v / BATCHES) * (x.length / total) ** 2;
  }
  return Math.sqrt(variance);
}

function main(stem: string, out?: string): void {
  const chainFiles: Array<{ name: string; text: string }> = [];
  for (let c = 1; existsSync(`${stem}chain${c}.txt`); c++) chainFiles.push({ name: `${stem}chain${c}.txt`, text: readFileSync(`${stem}chain${c}.txt`, 'utf8') });
  const series = readCoda({ name: `${stem}index.txt`, text: readFileSync(`${stem}index.txt`, 'utf8') }, chainFiles);
  const rows = series.map((s) => {
    const chains = s.chains.map((c) => c.values);
    const all = chains.flatMap((c) => Array.from(c));
    const mean = all.reduce((a, b) => a + b, 0) / all.length;
    const sd = Math.sqrt(all.reduce((a, b) => a + (b - mean) ** 2, 0) / (all.length - 1));
    return { name: s.name, values: [mean, sd, sd / Math.sqrt(all.length), batchMeansSe(chains)] };
  });
  const column = (k: number): string => rows.map((r) => r.values[k]!.toPrecision(6)).join(', ');
  const text = `"benchstats" <- structure(c(${[0, 1, 2, 3].map(column).join(',\n  ')}), .Dim = c(${rows.length}L, 4L), .Dimnames = list(c(${rows.map((r) => `"${r.name}"`).join(', ')}), c("Mean", "SD", "Naive SE", "Time-series SE")))\n`;
  if (out) writeFileSync(out, text);
  else process.stdout.write(text);
}

main(process.argv[2]!, process.argv[3]);
