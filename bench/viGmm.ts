/**
 * VI time per iteration on the BayesPy user-guide Gaussian mixture, A B A B against
 * scikit-learn's BayesianGaussianMixture and BayesPy, every side on one thread:
 *
 *   node --import tsx bench/viGmm.ts [--data gmm_d5_k5_n100000] [--rounds 2] [--iters 10] [--no-peers]
 *
 * The data: gmm_d5_k5_n100000 is made by the project's generator (scripts/mixtureData.ts) into a
 * temporary folder; gmm_d2_k3_n1000 is test/fixtures/bench-data's copy. Each round runs Latent
 * (this process: `iters` sweeps of the mixture kernel, each with the exact ELBO, after a warm-up;
 * the median of 3), then ../shared/bench/peers/sklearn_gmm.py (vi.sec_per_iter, by its
 * differencing) and ../shared/bench/peers/bayespy_gmm.py (vb.sec_per_iter, each iteration with
 * BayesPy's bound), with OPENBLAS/OMP/MKL threads = 1. Prints each round's seconds per iteration
 * and the ratios Latent / peer (below 1: Latent is faster), then the medians as one JSON line;
 * and the same in CPU seconds (process CPU time: Latent's own, the peers' by bench/viPeersCpu.py),
 * which a loaded machine's waiting for a core leaves out.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { bayespyMixture } from '../scripts/bayespyMixtureModel';
import { ONLINE_EM_MIXTURE, writeMixtureData } from '../scripts/mixtureData';
import { SerialEStep } from '../src/engine/em/estep';
import { findIncompleteRows } from '../src/engine/em/rows';
import { findMixturePlate } from '../src/engine/fit/mixturePlate';
import { readRequest } from '../src/engine/job/job';
import { MixtureWorkspace, mixtureSweep, startMixtureFactors } from '../src/engine/vi/mixture/mixtureAscent';
import { MixtureFactors } from '../src/engine/vi/mixture/mixtureFactors';
import { mixturePriors } from '../src/engine/vi/mixture/runMixtureVi';

const argv = process.argv.slice(2);
const option = (name: string, fallback: string): string => {
  const i = argv.indexOf(name);
  return i >= 0 && argv[i + 1] ? argv[i + 1]! : fallback;
};
const dataset = option('--data', ONLINE_EM_MIXTURE.name).replace(/\.csv$/, '');
const rounds = Number(option('--rounds', '2'));
const iters = Number(option('--iters', '10'));
const peers = !argv.includes('--no-peers');
const repoRoot = resolve(__dirname, __filename.endsWith('.ts') ? '..' : join('..', '..'));
const sharedBench = process.env.LATENT_SHARED_BENCH ?? resolve(repoRoot, '../shared/bench');

function dataFolder(): string {
  const fixtures = join(repoRoot, 'test/fixtures/bench-data');
  if (existsSync(join(fixtures, `${dataset}.csv`))) return fixtures;
  if (dataset !== ONLINE_EM_MIXTURE.name) throw new Error(`--data ${dataset}: expected ${ONLINE_EM_MIXTURE.name} or a data set in test/fixtures/bench-data`);
  const folder = mkdtempSync(join(tmpdir(), 'latent-vi-bench-'));
  writeMixtureData(folder, ONLINE_EM_MIXTURE);
  return folder;
}

/** Wall and CPU seconds per iteration (CPU: what a loaded machine's waiting leaves out). */
async function latentSecondsPerIteration(folder: string): Promise<{ wall: number; cpu: number }> {
  const start = JSON.parse(readFileSync(join(folder, `${dataset}.init.json`), 'utf8')) as { K: number; D: number; means: number[][] };
  const request = readRequest('fit', bayespyMixture(dataset, start, 'tol = 1e-300'), {}, () => 1, { baseDirectory: folder });
  const plate = findMixturePlate(request.document, request.data, request.inits);
  if (!plate?.givenComponents) throw new Error('the BayesPy mixture is not matched as a mixture plate');
  const { problem } = plate;
  const { flags, sorted } = findIncompleteRows(problem.data, problem.rows, problem.columns);
  const runner = new SerialEStep('gaussian', problem.components, problem.columns, { data: problem.data, rows: problem.rows, incompleteFlags: flags, incompleteRows: sorted });
  const ws = new MixtureWorkspace(runner, problem.components, problem.columns);
  const factors = new MixtureFactors(problem.components, problem.columns, mixturePriors(plate));
  const times: number[] = [];
  const cpu: number[] = [];
  for (let rep = 0; rep < 4; rep++) {
    startMixtureFactors(factors, plate.givenComponents, problem.rows, false, ws);
    const t = performance.now();
    const c = process.cpuUsage();
    for (let i = 0; i < iters; i++) await mixtureSweep(factors, ws);
    // The first repetition warms the JIT up and is not counted.
    if (rep > 0) {
      times.push((performance.now() - t) / 1000 / iters);
      const used = process.cpuUsage(c);
      cpu.push((used.user + used.system) / 1e6 / iters);
    }
  }
  return { wall: median(times), cpu: median(cpu) };
}

function peer(script: string, args: string[]): Record<string, unknown> {
  const env = { ...process.env, OPENBLAS_NUM_THREADS: '1', OMP_NUM_THREADS: '1', MKL_NUM_THREADS: '1' };
  const out = execFileSync('/usr/bin/python3', [join(sharedBench, 'peers', script), ...args], { env, encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
  return JSON.parse(out.trim().split('\n').at(-1)!) as Record<string, unknown>;
}

/** The peers' CPU seconds per iteration (bench/viPeersCpu.py: the same fits, timed by process_time). */
function peerCpu(csv: string): { sklearn_cpu_sec_per_iter: number; bayespy_cpu_sec_per_iter: number } {
  const env = { ...process.env, OPENBLAS_NUM_THREADS: '1', OMP_NUM_THREADS: '1', MKL_NUM_THREADS: '1' };
  const out = execFileSync('/usr/bin/python3', [join(repoRoot, 'bench', 'viPeersCpu.py'), csv, String(iters)], { env, encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
  return JSON.parse(out.trim().split('\n').at(-1)!) as { sklearn_cpu_sec_per_iter: number; bayespy_cpu_sec_per_iter: number };
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m]! : 0.5 * (s[m - 1]! + s[m]!);
}

async function main(): Promise<void> {
  const folder = dataFolder();
  const csv = join(folder, `${dataset}.csv`);
  const withPeers = peers && existsSync(join(sharedBench, 'peers', 'bayespy_gmm.py'));
  if (peers && !withPeers) console.log(`(no peers: ${sharedBench}/peers is not there)`);
  const rows: Array<{ latent: number; latentCpu: number; sklearn?: number; bayespy?: number; sklearnCpu?: number; bayespyCpu?: number }> = [];
  for (let round = 1; round <= rounds; round++) {
    const { wall: latent, cpu: latentCpu } = await latentSecondsPerIteration(folder);
    const row: (typeof rows)[number] = { latent, latentCpu };
    if (withPeers) {
      const sk = peer('sklearn_gmm.py', ['--data', csv, '--iters', String(iters), '--reps', '2', '--max-iter', '2', '--vi-max-iter', '2']);
      row.sklearn = (sk.vi as { sec_per_iter: number }).sec_per_iter;
      const bp = peer('bayespy_gmm.py', ['--data', csv, '--iters', String(iters), '--reps', '2', '--max-iter', '1']);
      row.bayespy = (bp.vb as { sec_per_iter: number }).sec_per_iter;
      const cpu = peerCpu(csv);
      row.sklearnCpu = cpu.sklearn_cpu_sec_per_iter;
      row.bayespyCpu = cpu.bayespy_cpu_sec_per_iter;
    }
    rows.push(row);
    const ratios = row.sklearn ? `  Latent/sklearn ${(latent / row.sklearn).toFixed(3)}  Latent/BayesPy ${(latent / row.bayespy!).toFixed(3)}` : '';
    console.log(`round ${round}: s/iter Latent ${latent.toFixed(4)} (CPU ${latentCpu.toFixed(4)})${row.sklearn ? `  sklearn ${row.sklearn.toFixed(4)} (CPU ${row.sklearnCpu!.toFixed(4)})  BayesPy ${row.bayespy!.toFixed(4)} (CPU ${row.bayespyCpu!.toFixed(4)})` : ''}${ratios}`);
    if (row.sklearn) console.log(`         CPU ratios: Latent/sklearn ${(latentCpu / row.sklearnCpu!).toFixed(3)}  Latent/BayesPy ${(latentCpu / row.bayespyCpu!).toFixed(3)}`);
  }
  const latent = median(rows.map((r) => r.latent));
  const summary: Record<string, unknown> = { runner: 'latent_vi_gmm', dataset, iters, rounds, latent_sec_per_iter: latent, latent_cpu_sec_per_iter: median(rows.map((r) => r.latentCpu)) };
  if (withPeers) {
    const sklearn = median(rows.map((r) => r.sklearn!));
    const bayespy = median(rows.map((r) => r.bayespy!));
    Object.assign(summary, {
      sklearn_sec_per_iter: sklearn, bayespy_sec_per_iter: bayespy,
      ratio_latent_over_sklearn: latent / sklearn, ratio_latent_over_bayespy: latent / bayespy,
      per_round_ratios: rows.map((r) => ({ sklearn: r.latent / r.sklearn!, bayespy: r.latent / r.bayespy! })),
      cpu: {
        sklearn_sec_per_iter: median(rows.map((r) => r.sklearnCpu!)), bayespy_sec_per_iter: median(rows.map((r) => r.bayespyCpu!)),
        ratio_latent_over_sklearn: median(rows.map((r) => r.latentCpu / r.sklearnCpu!)), ratio_latent_over_bayespy: median(rows.map((r) => r.latentCpu / r.bayespyCpu!)),
      },
    });
  }
  console.log(JSON.stringify(summary));
}

void main();
