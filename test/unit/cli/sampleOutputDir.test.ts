/**
 * `latent sample --output-dir`: Stan CSV per chain, read back by our own Stan
 * CSV reader and, where R is installed, by R (read.csv + the `posterior`
 * package), giving the same means as the run's own summary.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { parseSampleArguments, runSample, type SampleArguments } from '../../../src/cli/sample';
import { readStanCsv } from '../../../src/engine/diagnostics/stanCsv';
import { jagsToStanName } from '../../../src/engine/output/stanCsvWriter';
import { TS_WORKERS } from '../job/tsWorkers';

const WORKER = TS_WORKERS;

const MODEL = `model {
  for (j in 1:3) { theta[j] ~ dnorm(mu, 1) }
  for (i in 1:6) { y[i] ~ dnorm(theta[g[i]], 4) }
  mu ~ dnorm(0, 0.01)
  for (a in 1:2) { for (b in 1:2) { B[a, b] ~ dnorm(a + b, 1) } }
}
data list(y = c(0.5, 0.7, 1.9, 2.2, -0.3, 0.1), g = c(1, 1, 2, 2, 3, 3))
`;

const hasR = spawnSync('Rscript', ['-e', 'quit(status = !requireNamespace("posterior", quietly = TRUE))']).status === 0;

async function run(): Promise<{ dir: string; means: Record<string, number> }> {
  const dir = mkdtempSync(join(tmpdir(), 'latent-csv-'));
  const file = join(dir, 'hier.bug');
  writeFileSync(file, MODEL);
  const args = parseSampleArguments(['--chains', '3', '--iterations', '300', '--burnin', '50', '--seed', '9', '--output-dir', join(dir, 'draws'), '--json']) as SampleArguments;
  const out: string[] = [];
  const code = await runSample(file, args, WORKER, (t) => out.push(t), () => undefined);
  assert.equal(code, 0);
  const json = JSON.parse(out[0]!) as { nodes: Record<string, { mean: number }> };
  return { dir: join(dir, 'draws'), means: Object.fromEntries(Object.entries(json.nodes).map(([name, s]) => [name, s.mean])) };
}

describe('latent sample --output-dir', () => {
  const once = run();
  it('names elements the Stan way', () => {
    assert.equal(jagsToStanName('theta[3]'), 'theta.3');
    assert.equal(jagsToStanName('Omega[1,2]'), 'Omega.1.2');
    assert.equal(jagsToStanName('mu'), 'mu');
  });

  it('writes one Stan CSV per chain that reads back to the same draws and means', async () => {
    const { dir, means } = await once;
    const chains = [1, 2, 3].map((c) => readStanCsv(readFileSync(join(dir, `hier_${c}.csv`), 'utf8'), `hier_${c}.csv`));
    const names = Object.keys(means);
    assert.deepEqual(chains[0]!.names, names);
    const text = readFileSync(join(dir, 'hier_1.csv'), 'utf8');
    assert.match(text, /^# {5}num_samples = 300$/m);
    assert.ok(text.split('\n').includes(names.map(jagsToStanName).join(',')), 'the header row');
    assert.ok(names.includes('B[1,2]') && names.includes('theta[3]'));
    names.forEach((name, k) => {
      const all = chains.flatMap((c) => [...c.columns[k]!]);
      assert.equal(all.length, 900);
      const mean = all.reduce((a, b) => a + b, 0) / all.length;
      // The summary's mean is of the same 900 numbers, summed in another order: equal to rounding.
      assert.ok(Math.abs(mean - means[name]!) < 1e-12 * Math.max(1, Math.abs(mean)), `${name}: ${mean} against ${means[name]}`);
    });
  });

  it('reads back in R (read.csv and posterior) to the same means', { skip: hasR ? false : 'R with the posterior package (Debian r-cran-posterior) is not installed' }, async () => {
    const { dir, means } = await once;
    const names = Object.keys(means);
    const script = `suppressMessages(library(posterior))
files <- sprintf("${dir}/hier_%d.csv", 1:3)
d <- do.call(rbind, lapply(seq_along(files), function(c) cbind(read.csv(files[c], comment.char = "#"), .chain = c, .iteration = 1:300)))
s <- summarise_draws(as_draws_df(d), "mean")
cat(paste(s$variable, sprintf("%.17g", s$mean), sep = "="), sep = "\\n")`;
    const r = spawnSync('Rscript', ['-e', script], { encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
    const fromR = Object.fromEntries(r.stdout.trim().split('\n').map((line) => line.split('=') as [string, string]));
    for (const name of names) {
      const rMean = Number(fromR[jagsToStanName(name)]);
      assert.ok(Math.abs(rMean - means[name]!) < 1e-12 * Math.max(1, Math.abs(rMean)), `R's mean of ${name}: ${rMean} against ${means[name]}`);
    }
  });
});
