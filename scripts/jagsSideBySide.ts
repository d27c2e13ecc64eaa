/**
 * A classic example's JAGS script run by `latent jags` and by JAGS, side by side, as a new user
 * would run both: per monitored scalar the posterior means and their z-score on the Monte-Carlo
 * error of both runs, z = (mean_latent − mean_jags) / √(MCSE_latent² + MCSE_jags²), and each
 * run's wall time (process start to CODA files), run A B A B over `--rounds`.
 *
 *   npm run build && node --import tsx scripts/jagsSideBySide.ts NAME [NAME ...] [--rounds 1]
 *
 * NAME is a folder of examples/classic-bugs holding NAME.cmd. Needs `jags` on the PATH.
 */
import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { readCoda } from '../src/engine/output/coda';
import { mcseMean } from '../src/engine/diagnostics/convergence';

const REPO = resolve(__dirname, '..');

type Run = { seconds: number; cpu: number; series: Map<string, Float64Array[]> } | { failure: string };

/** CPU seconds (user + system) from /usr/bin/time: steadier than wall time on a shared machine. */
const TIME = '/usr/bin/time';

function run(program: string, args: string[], cwd: string): Run {
  const withTime = existsSync(TIME);
  const started = performance.now();
  const result = spawnSync(withTime ? TIME : program, withTime ? ['-f', 'cpu %U %S', program, ...args] : args, { cwd, encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 });
  const seconds = (performance.now() - started) / 1000;
  const cpuMatch = /cpu ([\d.]+) ([\d.]+)\s*$/.exec(result.stderr ?? '');
  const cpu = cpuMatch ? Number(cpuMatch[1]) + Number(cpuMatch[2]) : Number.NaN;
  const text = `${result.stdout ?? ''}${result.stderr ?? ''}`;
  if (result.status !== 0 || !existsSync(join(cwd, 'CODAindex.txt')) || /error/i.test(result.stdout ?? '')) return { failure: text.trim().split('\n').slice(-6).join('\n') };
  const file = (n: string): { name: string; text: string } => ({ name: n, text: readFileSync(join(cwd, n), 'utf8') });
  const chains = [];
  for (let c = 1; existsSync(join(cwd, `CODAchain${c}.txt`)); c++) chains.push(file(`CODAchain${c}.txt`));
  const series = readCoda(file('CODAindex.txt'), chains);
  return { seconds, cpu, series: new Map(series.map((s) => [s.name, s.chains.map((x) => x.values)])) };
}

const mean = (chains: Float64Array[]): number => chains.reduce((s, c) => s + c.reduce((a, b) => a + b, 0), 0) / chains.reduce((n, c) => n + c.length, 0);

function compare(name: string, rounds: number): void {
  const folder = join(REPO, 'examples/classic-bugs', name);
  const latentRuns: Run[] = [];
  const jagsRuns: Run[] = [];
  for (let r = 0; r < rounds; r++) {
    const a = mkdtempSync(join(tmpdir(), `latent-${name}-`));
    cpSync(folder, a, { recursive: true });
    latentRuns.push(run('node', [join(REPO, 'dist/cli.js'), 'jags', `${name}.cmd`, '--force'], a));
    const b = mkdtempSync(join(tmpdir(), `jags-${name}-`));
    cpSync(folder, b, { recursive: true });
    jagsRuns.push(run('jags', [`${name}.cmd`], b));
  }
  const latent = latentRuns[0]!;
  const jags = jagsRuns[0]!;
  if ('failure' in latent || 'failure' in jags) {
    console.log(`${name}: ${'failure' in latent ? `latent FAILED:\n${latent.failure}` : 'latent ran'}; ${'failure' in jags ? `jags FAILED:\n${jags.failure}` : 'jags ran'}`);
    return;
  }
  let worst = { node: '', z: 0 };
  for (const [node, chains] of jags.series) {
    const ours = latent.series.get(node);
    if (!ours) {
      console.log(`  ${node}: not in latent's CODA`);
      continue;
    }
    const mj = mean(chains);
    const ml = mean(ours);
    const se = Math.sqrt(mcseMean(ours) ** 2 + mcseMean(chains) ** 2);
    // A node fixed in both runs (a corner constraint) has no Monte-Carlo error: it agrees only when equal.
    const z = ml === mj ? 0 : (ml - mj) / se;
    if (Math.abs(z) > 3) console.log(`  ${node}: latent ${ml.toPrecision(5)}, jags ${mj.toPrecision(5)}, z ${z.toFixed(2)}`);
    if (!(Math.abs(z) <= Math.abs(worst.z))) worst = { node, z }; // a NaN z (no error estimate) stays the worst
  }
  const seconds = (runs: Run[], what: 'seconds' | 'cpu'): number[] => runs.flatMap((r) => ('failure' in r ? [] : [r[what]]));
  const median = (xs: number[]): number => [...xs].sort((x, y) => x - y)[Math.floor((xs.length - 1) / 2)]!;
  const tl = median(seconds(latentRuns, 'seconds'));
  const tj = median(seconds(jagsRuns, 'seconds'));
  const cl = median(seconds(latentRuns, 'cpu'));
  const cj = median(seconds(jagsRuns, 'cpu'));
  console.log(
    `${name}: ${jags.series.size} nodes, max |z| ${Math.abs(worst.z).toFixed(2)} (${worst.node}), ` +
      `wall latent ${tl.toFixed(2)} s, jags ${tj.toFixed(2)} s, ratio ${(tl / tj).toFixed(2)}; cpu latent ${cl.toFixed(2)} s, jags ${cj.toFixed(2)} s, ratio ${(cl / cj).toFixed(2)}`,
  );
}

const argv = process.argv.slice(2);
const roundsAt = argv.indexOf('--rounds');
const rounds = roundsAt >= 0 ? Number(argv[roundsAt + 1]) : 1;
for (const name of argv.filter((a, i) => !a.startsWith('--') && (roundsAt < 0 || i !== roundsAt + 1))) compare(name, rounds);
