import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, it } from 'node:test';
import { runScript } from '../../../src/cli/jags/interpreter';
import { parseScript, type ScriptCommand } from '../../../src/cli/jags/script';
import { parseDocument } from '../../../src/engine/language/parser';
import { readCoda } from '../../../src/engine/output/coda';
import { readRequest } from '../../../src/engine/job/job';
import { startRun, type RunOptions } from '../../../src/engine/run/runner';
import { mcseMean } from '../../../src/engine/diagnostics/convergence';
import { readBench, type BenchRow } from './bench';

/**
 * The classic BUGS examples (the seven of JAGS's classic suite with its bench.R, and further ones
 * with JAGS 4.3 references in test/fixtures/classic-bugs), each run two ways — its notebook's cell
 * through the engine (worker threads, as the notebook kernel runs it) and its
 * JAGS script through `latent jags`'s interpreter — and every monitored node
 * judged by JAGS's rule against the reference run (bench.R):
 *
 *   |mean − bench mean| ≤ 0.15 · bench SD + z · MCSE,   z = 3,
 *
 * The first term is JAGS's own rule for its long reference runs. The second
 * allows for the Monte-Carlo error of our shorter run only: MCSE is the
 * standard error of the run's pooled mean from its own draws, SD/√ESS with
 * the effective sample size of the mean (posterior's mcse_mean: split chains,
 * Geyer's initial monotone sequence).
 * Three standard errors: a correct sampler exceeds the allowance with
 * probability below 0.3 % per node even without the 0.15 SD; a biased one
 * (shifted by more than 0.15 SD) is caught once its MCSE is small, which the
 * run lengths below keep at ≤ 0.07 SD (ESS ≥ 200; the least, seeds' sigma, has about 220).
 *
 * CI run lengths: burn-in and thinning as in the README; kept iterations as
 * listed (the README's in the notebooks and scripts), shortened where the full
 * run would cost more than a few seconds.
 */
const EXAMPLES: Array<{ name: string; iterations: number; benchData?: string; reference?: string; jags?: boolean; burnin?: number; scriptOnly?: boolean }> = [
  { name: 'pump', iterations: 5000 },
  {
    name: 'rats',
    iterations: 5000,
    // bench.R's rats row (alpha0 106.4, beta.c 6.19) is from the complete data; the example's data.R has missing weights.
    benchData: 'data-complete.R',
    // JAGS 4.3.1 on the example's data.R gives alpha0 = 101.4, beta.c = 6.54 (rats-jags-4.3.1.R).
    reference: join(__dirname, 'rats-jags-4.3.1.R'),
  },
  { name: 'dyes', iterations: 100000 },
  { name: 'line', iterations: 10000 },
  { name: 'seeds', iterations: 5000 },
  { name: 'eyes', iterations: 10000 },
  { name: 'dugongs', iterations: 5000 },
  // Written from the public descriptions; references from JAGS 4.3 on the same files (test/fixtures/classic-bugs/README.md).
  { name: 'surgical', iterations: 5000, jags: true },
  { name: 'salm', iterations: 5000, jags: true },
  { name: 'beetles', iterations: 5000, jags: true },
  { name: 'air', iterations: 5000, jags: true },
  { name: 'hearts', iterations: 5000, jags: true },
  { name: 'birats', iterations: 3000, jags: true },
  { name: 'stacks', iterations: 5000, jags: true },
  // 1,000 abilities at 16 ms per iteration: a short run of the script alone, 100 burn-in and 300 kept; the allowance's
  // MCSE comes from this run's own draws (about 0.06 SD here), so the rule stays as strict as the run can support.
  { name: 'lsat', iterations: 300, jags: true, burnin: 100, scriptOnly: true },
  // Written as a new user would, from the published descriptions (BUGS Examples Vols. 1 and 2); each agreed with JAGS
  // 4.3 run side by side on the same script (scripts/jagsSideBySide.ts).
  { name: 'blocker', iterations: 5000, jags: true },
  { name: 'orange', iterations: 5000, jags: true },
  { name: 'jaw', iterations: 5000, jags: true },
  { name: 'stagnant', iterations: 5000, jags: true },
  // 714 Poisson jumps (leuk) and 40 multinomial cells (alli), 0.25 to 0.5 ms an iteration per chain: the script alone, on a shorter run.
  { name: 'leuk', iterations: 2000, jags: true, scriptOnly: true },
  { name: 'alli', iterations: 2000, jags: true, scriptOnly: true },
  // 15 correlated tree parameters, each updated alone by slice steps (JAGS moves each tree's three together): the script alone.
  { name: 'otreesmvn', iterations: 3000, jags: true, scriptOnly: true },
];

const JAGS_REFERENCES = resolve(__dirname, '../../fixtures/classic-bugs');

const Z = 3;
const REPO_ROOT = resolve(__dirname, '../../..');
const CLASSIC_BUGS = resolve(REPO_ROOT, 'test/fixtures/classic-bugs');

/** Chain workers in TypeScript, loaded through tsx (see runner.test.ts). */
const WORKER: RunOptions = {
  workerScript: resolve(REPO_ROOT, 'src/engine/run/chainWorker.ts'),
  workerExecArgv: ['--require', 'tsx/cjs'],
};

/** Per monitored scalar, its draws per chain. */
type Draws = Map<string, Float64Array[]>;

/** The notebook's latent cell with its run's `iterations` set to `iterations`, and its data file replaced by `data` if given. */
function notebookCell(name: string, iterations: number, data?: string): string {
  const notebook = JSON.parse(readFileSync(join(REPO_ROOT, 'examples/classic-bugs', name, `${name}.ipynb`), 'utf8')) as {
    cells: Array<{ cell_type: string; source: string[] }>;
  };
  const cells = notebook.cells.filter((c) => c.cell_type === 'code');
  assert.equal(cells.length, 1, `${name}.ipynb has one code cell`);
  const cell = cells[0]!.source.join('');
  const run = parseDocument(cell).document.directives.find((d) => d.kind === 'run');
  assert.ok(run && run.kind === 'run', `${name}.ipynb runs its model`);
  const option = run.options.find((o) => o.name === 'iterations');
  assert.ok(option, `${name}.ipynb says its iterations`);
  const { start, end } = option.value.range;
  const withIterations = `${cell.slice(0, start.offset)}${iterations}${cell.slice(end.offset)}`;
  if (data === undefined) return withIterations;
  assert.ok(withIterations.includes('data from "data.R"'), `${name}.ipynb reads data.R`);
  return withIterations.replace('data from "data.R"', `data from ${JSON.stringify(data)}`);
}

async function runNotebook(name: string, iterations: number, data?: string): Promise<Draws> {
  const cell = notebookCell(name, iterations, data);
  const request = readRequest('sample', cell, { chains: 2, burnin: 1000, iterations: 1000, thin: 1 }, () => 1, { baseDirectory: join(REPO_ROOT, 'examples/classic-bugs', name) });
  const { output, draws, monitors } = await startRun(request, WORKER).result;
  assert.equal(output.status, 'complete', JSON.stringify(output.messages));
  assert.ok(draws);
  return new Map(monitors.map((m, k) => [m.name, [0, 1].map((c) => draws.column(c, k))]));
}

/** The example's JAGS script with the kept iterations (the updates after the first monitor) set to `iterations`, and its data file replaced by `data` if given. */
function runScriptFile(name: string, iterations: number, data?: string, burnin?: number): Draws {
  const folder = join(REPO_ROOT, 'examples/classic-bugs', name);
  let monitoring = false;
  const commands = parseScript(readFileSync(join(folder, `${name}.cmd`), 'utf8')).map((c): ScriptCommand => {
    if (c.kind === 'monitor') monitoring = true;
    if (c.kind === 'data in' && data !== undefined) return { ...c, file: { ...c.file, path: data } };
    if (c.kind === 'update' && !monitoring && burnin !== undefined) return { ...c, iterations: burnin };
    return c.kind === 'update' && monitoring ? { ...c, iterations } : c;
  });
  const output = mkdtempSync(join(tmpdir(), `latent-${name}-`));
  const failures = runScript(commands, { scriptName: `${name}.cmd`, inputDirectory: folder, outputDirectory: output, seed: 2, log: () => {}, warn: () => {} });
  assert.deepEqual(failures.map((f) => `${f.file}: ${f.problem.message}`), []);
  const file = (n: string): { name: string; text: string } => ({ name: n, text: readFileSync(join(output, n), 'utf8') });
  const series = readCoda(file('CODAindex.txt'), [file('CODAchain1.txt'), file('CODAchain2.txt')]);
  return new Map(series.map((s) => [s.name, s.chains.map((c) => c.values)]));
}

/** Checks every node of the reference against the run; the message lists every node's figures. */
function judge(draws: Draws, reference: Map<string, BenchRow>): void {
  const lines: string[] = [];
  let failed = false;
  for (const [node, bench] of reference) {
    const chains = draws.get(node);
    assert.ok(chains, `${node} is monitored (have: ${[...draws.keys()].join(', ')})`);
    const m = chains.reduce((sum, c) => sum + c.reduce((a, b) => a + b, 0), 0) / chains.reduce((n, c) => n + c.length, 0);
    const mcse = mcseMean(chains);
    const allowed = 0.15 * bench.sd + Z * mcse;
    // A node fixed in both runs (a corner constraint such as alli's alpha[1] <- 0) has no spread: it must be equal.
    const ok = bench.sd === 0 ? m === bench.mean : Math.abs(m - bench.mean) <= allowed;
    failed ||= !ok;
    lines.push(`${ok ? 'ok  ' : 'FAIL'} ${node}: mean ${m.toPrecision(6)}, bench ${bench.mean.toPrecision(6)}, |Δ|/SD ${(Math.abs(m - bench.mean) / bench.sd).toFixed(3)}, allowed ${(allowed / bench.sd).toFixed(3)} SD (MCSE ${(mcse / bench.sd).toFixed(3)} SD)`);
  }
  assert.ok(!failed, lines.join('\n'));
}

/** Each run is made once, however many references judge it. */
function once<T>(f: () => T): () => T {
  let result: { value: T } | undefined;
  return () => (result ??= { value: f() }).value;
}

describe('classic BUGS examples against JAGS reference runs', () => {
  for (const example of EXAMPLES) {
    const bench = (): Map<string, BenchRow> => readBench(example.jags ? join(JAGS_REFERENCES, example.name, 'jags-4.3.R') : join(CLASSIC_BUGS, example.name, 'bench.R'));
    // The data bench.R was computed from, when it is not the example's own.
    const benchData = example.benchData && join(CLASSIC_BUGS, example.name, example.benchData);
    const notebook = once(() => runNotebook(example.name, example.iterations, benchData));
    const script = once(() => runScriptFile(example.name, example.iterations, benchData, example.burnin));
    const against = example.jags ? 'JAGS 4.3 on the same files' : benchData ? `bench.R (on ${example.benchData})` : 'bench.R';
    if (!example.scriptOnly) {
      it(`${example.name}: the notebook's cell passes JAGS's rule against ${against}`, async () => {
        judge(await notebook(), bench());
      });
    }
    it(`${example.name}: ${example.name}.cmd through latent jags passes JAGS's rule against ${against}`, () => {
      judge(script(), bench());
    });
    if (example.reference) {
      const reference = example.reference;
      const asGiven = benchData ? once(() => runNotebook(example.name, example.iterations)) : notebook;
      const scriptAsGiven = benchData ? once(() => runScriptFile(example.name, example.iterations)) : script;
      it(`${example.name}: both runs agree with JAGS on the data as given`, async () => {
        judge(await asGiven(), readBench(reference));
        judge(scriptAsGiven(), readBench(reference));
      });
    }
  }
});
