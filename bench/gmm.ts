/**
 * The engine's side of the scikit-learn GaussianMixture benchmark: behaves
 * like ../shared/bench/peers/sklearn_gmm.py (same data, same start from
 * <dataset>.init.json, same timing by differencing) and prints ONE JSON line
 * with `em.sec_per_iter` and `fit.score_avg_loglik`, for bench/abab.py.
 *
 *   node dist/bench/gmm.js --data gmm_d5_k5_n100000.csv [--init file] [--init-file F]
 *        [--iters 50] [--reps 3] [--tol 1e-6] [--max-iter 500] [--reg-covar 1e-6] [--threads 1]
 *
 * em.sec_per_iter = (t_ITERS − t_1)/(ITERS − 1): a fit with tolerance 0 runs
 * exactly ITERS iterations; subtracting the 1-iteration fit removes the
 * start, the final evaluation and (with threads) the workers' start. Median
 * over --reps. A bare dataset name resolves in the peer benchmark's data
 * folder, ../shared/bench/data, when it is beside the repository.
 */
import { existsSync, readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join, resolve } from 'node:path';
import { readCsvMatrix } from '../src/engine/data/csvRowBlocks';
import { fitMixture } from '../src/engine/em/fitMixture';
import type { GaussianParameters, MixtureOptions, MixtureProblem } from '../src/engine/em/types';

interface Args {
  data: string;
  init: string;
  initFile: string | undefined;
  iters: number;
  reps: number;
  tol: number;
  maxIter: number;
  regCovar: number;
  threads: number;
}

function parseArgs(argv: string[]): Args {
  const value = (name: string): string | undefined => {
    const i = argv.indexOf(name);
    return i >= 0 ? argv[i + 1] : undefined;
  };
  const data = value('--data');
  if (!data) throw new Error('usage: gmm.js --data FILE [--init file] [--iters 50] [--reps 3] [--tol 1e-6] [--threads 1]');
  const init = value('--init') ?? 'file';
  if (init !== 'file') throw new Error(`--init ${init}: only 'file' (the shared <dataset>.init.json start) is supported`);
  return {
    data,
    init,
    initFile: value('--init-file'),
    iters: Number(value('--iters') ?? 50),
    reps: Number(value('--reps') ?? 3),
    tol: Number(value('--tol') ?? 1e-6),
    maxIter: Number(value('--max-iter') ?? 500),
    regCovar: Number(value('--reg-covar') ?? 1e-6),
    threads: Number(value('--threads') ?? 1),
  };
}

/** bench/ under tsx, dist/bench/ when built. */
const repoRoot = resolve(__dirname, __filename.endsWith('.ts') ? '..' : join('..', '..'));

function dataPath(name: string): string {
  return existsSync(name) ? name : join(repoRoot, '..', 'shared', 'bench', 'data', name);
}

/** The E-step worker: the bundle next to this one, or the TypeScript source under tsx. */
function workerOptions(): Pick<MixtureOptions, 'workerScript' | 'workerExecArgv'> {
  if (__filename.endsWith('.ts')) return { workerScript: join(repoRoot, 'src/engine/em/estepWorker.ts'), workerExecArgv: ['--require', 'tsx/cjs'] };
  return { workerScript: join(__dirname, '..', 'em-worker.js') };
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : 0.5 * (s[m - 1]! + s[m]!);
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  const path = dataPath(args.data);
  const t0 = performance.now();
  const matrix = await readCsvMatrix(path, { exclude: ['z'] });
  const loadSeconds = (performance.now() - t0) / 1000;
  const initFile = args.initFile ?? path.replace(/\.csv$/, '') + '.init.json';
  const init = JSON.parse(readFileSync(initFile, 'utf8')) as { K: number; weights: number[]; means: number[][]; covariances: number[][][] };
  const start: GaussianParameters = {
    kind: 'gaussian',
    weights: Float64Array.from(init.weights),
    means: Float64Array.from(init.means.flat()),
    covariances: Float64Array.from(init.covariances.flat(2)),
  };
  const problem: MixtureProblem = { data: matrix.values, rows: matrix.rows, columns: matrix.columns, components: init.K, family: { kind: 'gaussian' } };
  const base: MixtureOptions = { init: start, regCovar: args.regCovar, threads: args.threads, ...workerOptions() };

  const timedFit = async (maxIterations: number, tolerance: number): Promise<{ seconds: number; iterations: number; mean: number; converged: boolean }> => {
    const t = performance.now();
    const outcome = await fitMixture(problem, { ...base, maxIterations, tolerance });
    const seconds = (performance.now() - t) / 1000;
    if (!outcome.ok) throw new Error(outcome.diagnostics.map((d) => d.message).join('\n'));
    const warnings = outcome.fit.diagnostics.filter((d) => d.code !== 'not-converged');
    for (const w of warnings) process.stderr.write(`${w.severity}: ${w.message}\n`);
    return { seconds, iterations: outcome.fit.iterations, mean: outcome.fit.meanLogLikelihood, converged: outcome.fit.converged };
  };

  await timedFit(2, 0); // warm-up: JIT, allocator, worker start
  const perIter: number[] = [];
  const raw: number[] = [];
  const full: number[] = [];
  const one: number[] = [];
  for (let r = 0; r < args.reps; r++) {
    const tf = await timedFit(args.iters, 0);
    if (tf.iterations !== args.iters) throw new Error(`expected ${args.iters} iterations, ran ${tf.iterations}`);
    const t1 = await timedFit(1, 0);
    perIter.push((tf.seconds - t1.seconds) / (args.iters - 1));
    raw.push(tf.seconds / args.iters);
    full.push(tf.seconds);
    one.push(t1.seconds);
  }
  const fit = await timedFit(args.maxIter, args.tol);
  const out = {
    runner: 'latent_gmm',
    peer: 'Latent engine EM (src/engine/em, full covariances)',
    dataset: path.split('/').pop(),
    N: matrix.rows,
    D: matrix.columns,
    K: init.K,
    load_seconds: loadSeconds,
    em: { sec_per_iter: median(perIter), sec_per_iter_raw: median(raw), timing_iters: args.iters, reps: args.reps, per_iter_all: perIter, fit_seconds_iters: full, fit_seconds_1: one },
    fit: { init: args.init, tol: args.tol, max_iter: args.maxIter, seconds: fit.seconds, n_iter: fit.iterations, converged: fit.converged, score_avg_loglik: fit.mean },
    env: { node: process.version, threads: args.threads, cpus: availableParallelism() },
  };
  process.stdout.write(JSON.stringify(out) + '\n');
}

main().catch((e: unknown) => {
  process.stderr.write(`${e instanceof Error ? e.message : String(e)}\n`);
  process.exit(1);
});
