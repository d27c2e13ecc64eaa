/**
 * `npm run bench`: the engine against JAGS on Pumps, Eyes, probit by latent
 * augmentation and Bayesian matrix factorisation (issue 4), in the same
 * session, alternating engine and JAGS runs (A B A B …) so that drift of the
 * machine hits both equally, as ../shared/bench/abab.py does.
 *
 *   npm run bench [-- --quick] [--rounds N] [--only pumps,bmf] [--chains 2] [--threads 2] [--seed 1] [--out FILE] [--no-jags] [--prepare]
 *
 * For each workload it prepares the data and starts (bench/workloads.ts) in a
 * work folder, writes one Latent document per chain (the model of
 * bench/models/NAME.latent, its `inits from` and `sample with gibbs(...)`),
 * runs `node dist/bench/mcmc.js --dir FOLDER` (bench/engineRunner.ts) and
 * `/usr/bin/python3 <copy of ../shared/bench>/peers/jags_run.py --model NAME`,
 * and prints the ratios and the posterior means side by side. Results go to
 * bench/results/bench-<date>.json (quick runs: to the temporary folder).
 */
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, cpus, loadavg, tmpdir } from 'node:os';
import { execFileSync } from 'node:child_process';
import { join, resolve } from 'node:path';
import type { EngineJob } from './engineRunner';
import { copySharedBench, jagsArguments, jagsMissing, PYTHON, readJagsDraws, runJsonCommand } from './peers';
import { compareWorkload, formatReport, type RoundResult, type WorkloadResult } from './report';
import { nodeStats, posteriorMeanRmse } from './stats';
import { WORKLOADS, type RunLength, type Workload } from './workloads';

interface Options {
  quick: boolean;
  rounds: number;
  only: string[] | undefined;
  chains: number;
  threads: number;
  seed: number;
  out: string | undefined;
  jags: boolean;
  /** Only write the work folders and print the abab.py command of each workload. */
  prepare: boolean;
}

function parseOptions(argv: string[]): Options {
  const value = (name: string): string | undefined => {
    const k = argv.indexOf(name);
    return k >= 0 ? argv[k + 1] : undefined;
  };
  const known = new Set(['--quick', '--no-jags', '--prepare', '--rounds', '--only', '--chains', '--threads', '--seed', '--out']);
  for (const a of argv) if (a.startsWith('--') && !known.has(a)) throw new Error(`unknown option ${a}; options: ${[...known].join(' ')}`);
  const quick = argv.includes('--quick');
  const only = value('--only')?.split(',').map((s) => s.trim());
  for (const name of only ?? []) {
    if (!WORKLOADS.some((w) => w.name === name)) throw new Error(`--only ${name}: workloads are ${WORKLOADS.map((w) => w.name).join(', ')}`);
  }
  const chains = Number(value('--chains') ?? 2);
  return {
    quick,
    rounds: Number(value('--rounds') ?? (quick ? 1 : 3)),
    only,
    chains,
    threads: Number(value('--threads') ?? Math.min(chains, availableParallelism())),
    seed: Number(value('--seed') ?? 1),
    out: value('--out'),
    jags: !argv.includes('--no-jags'),
    prepare: argv.includes('--prepare'),
  };
}

const repoRoot = resolve(__dirname, '..', '..');

/** Writes the work folder of one workload: data, per-chain starts and documents, the engine's job. */
function prepareFolder(workload: Workload, length: RunLength, options: Options, peerBench: string, folder: string): { initsNote?: string } {
  mkdirSync(folder, { recursive: true });
  const prepared = workload.prepare(join(peerBench, 'data'), options.chains, options.seed, join(peerBench, 'peers'));
  writeFileSync(join(folder, 'data.json'), JSON.stringify(prepared.data));
  const model = readFileSync(join(repoRoot, 'bench', 'models', workload.modelFile), 'utf8');
  const burnin = length.adapt + length.burn;
  prepared.inits.forEach((inits, c) => {
    writeFileSync(join(folder, `inits${c + 1}.json`), JSON.stringify(inits));
    const run = `sample with gibbs(chains = ${options.chains}, burnin = ${burnin}, iterations = ${length.iter}, thin = ${length.thin}, seed = ${options.seed}, monitor = c(${workload.monitors.join(', ')}))`;
    writeFileSync(join(folder, `chain${c + 1}.latent`), `${model.trimEnd()}\ninits from "inits${c + 1}.json"\n${run}\n`);
  });
  const job: EngineJob = {
    workload: workload.name,
    chains: options.chains,
    threads: options.threads,
    burnin,
    iterations: length.iter,
    thin: length.thin,
    seed: options.seed,
    keys: workload.keys,
    essKeys: workload.essKeys,
    ...(workload.predict ? { predict: workload.predict } : {}),
  };
  writeFileSync(join(folder, 'job.json'), JSON.stringify(job, null, 2));
  return prepared.initsNote ? { initsNote: prepared.initsNote } : {};
}

function main(): void {
  const options = parseOptions(process.argv.slice(2));
  const source = engineSource();
  const shared = process.env.LATENT_SHARED_BENCH ?? join(repoRoot, '..', 'shared', 'bench');
  if (!existsSync(join(shared, 'peers', 'jags_run.py'))) throw new Error(`${shared} has no peers/jags_run.py; set LATENT_SHARED_BENCH to the shared bench folder`);
  const missing = options.jags ? jagsMissing() : 'left out (--no-jags)';
  const peerBench = copySharedBench(shared);
  const work = mkdtempSync(join(tmpdir(), 'latent-bench-'));
  // One BLAS thread for both sides, as abab.py sets it.
  const env = { ...process.env, OPENBLAS_NUM_THREADS: process.env.OPENBLAS_NUM_THREADS ?? '1', OMP_NUM_THREADS: process.env.OMP_NUM_THREADS ?? '1' };
  const built = join(repoRoot, 'dist', 'bench', 'mcmc.js');
  if (!existsSync(built)) throw new Error(`${built} is missing: run 'node esbuild.mjs' first (npm run bench does)`);
  // Every round runs this copy: dist/ is shared, and a rebuild during the run must not change the engine under test.
  const engine = join(work, 'mcmc.js');
  copyFileSync(built, engine);
  if (existsSync(`${built}.map`)) copyFileSync(`${built}.map`, `${engine}.map`);
  process.stderr.write(`[bench] work folder ${work}; peers copied to ${peerBench}${missing ? `; JAGS: ${missing}` : ''}\n`);

  const results: WorkloadResult[] = [];
  for (const workload of WORKLOADS.filter((w) => !options.only || options.only.includes(w.name))) {
    const length = options.quick ? workload.quick : workload.full;
    const folder = join(work, workload.name);
    const { initsNote } = prepareFolder(workload, length, options, peerBench, folder);
    if (options.prepare) {
      const jags = [PYTHON, ...jagsArguments(peerBench, workload.jagsModel, length, options.chains, options.seed, join(folder, 'jags'))].join(' ');
      process.stdout.write(`${PYTHON} ${join(peerBench, 'abab.py')} --rate --metric iters_per_second_thread --metric-b iters_per_second --a '${process.execPath} ${engine} --dir ${folder}' --b '${jags}'\n`);
      continue;
    }
    const rounds: RoundResult[] = [];
    let jagsDraws: Map<string, Float64Array[]> | undefined;
    for (let r = 0; r < options.rounds; r++) {
      const ours = runJsonCommand(process.execPath, [engine, '--dir', folder], env);
      process.stderr.write(`[bench] ${workload.name} round ${r + 1} A engine: ${num(ours.json.iters_per_second)} it/s wall, ${num(ours.json.iters_per_second_thread)} it/s per thread (${ours.outerSeconds.toFixed(1)} s)\n`);
      const round: RoundResult = { engine: ours.json, engineOuterSeconds: ours.outerSeconds };
      if (!missing) {
        const keep = join(folder, `jags-round${r + 1}`);
        const peer = runJsonCommand(PYTHON, jagsArguments(peerBench, workload.jagsModel, length, options.chains, options.seed, keep), env);
        process.stderr.write(`[bench] ${workload.name} round ${r + 1} B JAGS: ${num(peer.json.iters_per_second)} it/s (${peer.outerSeconds.toFixed(1)} s)\n`);
        // Same seed every round: the draws repeat, only the timings differ; read them once.
        jagsDraws ??= readJagsDraws(keep);
        rmSync(keep, { recursive: true, force: true });
        round.jags = peer.json;
        round.jagsOuterSeconds = peer.outerSeconds;
      }
      rounds.push(round);
    }
    const jagsStats = jagsDraws ? Object.fromEntries(workload.keys.map((k) => [k, nodeStats(jagsDraws!.get(k)!)])) : undefined;
    const observed = workload.predict ? (JSON.parse(readFileSync(join(folder, 'data.json'), 'utf8')) as Record<string, number[]>)[workload.predict.observed]! : undefined;
    const jagsRmse = jagsDraws && workload.predict && observed ? posteriorMeanRmse((name) => jagsDraws!.get(name), workload.predict.node, observed) : undefined;
    results.push(compareWorkload(workload, length, rounds, jagsStats, jagsRmse, initsNote));
  }

  if (options.prepare) return;
  const report = {
    kind: 'latent-bench',
    date: new Date().toISOString(),
    quick: options.quick,
    rounds: options.rounds,
    chains: options.chains,
    engine_threads: options.threads,
    seed: options.seed,
    jags: missing ? { skipped: missing } : { ran: true },
    machine: { cpus: availableParallelism(), model: cpus()[0]?.model, node: process.version, load_average_at_end: loadavg() },
    engine_source: source,
    command: `npm run bench -- ${process.argv.slice(2).join(' ')}`.trim(),
    workloads: results,
  };
  process.stdout.write(formatReport(report.workloads, options.rounds, missing));
  const day = report.date.slice(0, 10);
  const out = options.out ?? (options.quick ? join(work, `bench-${day}-quick.json`) : join(repoRoot, 'bench', 'results', `bench-${day}.json`));
  mkdirSync(resolve(out, '..'), { recursive: true });
  writeFileSync(out, `${JSON.stringify(report, null, 1)}\n`);
  process.stdout.write(`\nResults: ${out}\n`);
  rmSync(peerBench, { recursive: true, force: true });
}

/** The commit the engine was built from, and the engine's source files that differed from it (the tree is shared). */
function engineSource(): { commit: string; modified: string[] } | undefined {
  try {
    const git = (...args: string[]): string => execFileSync('git', args, { cwd: repoRoot, encoding: 'utf8' }).trim();
    return { commit: git('rev-parse', 'HEAD'), modified: git('status', '--porcelain', '--', 'src/engine').split('\n').filter(Boolean) };
  } catch {
    return undefined;
  }
}

function num(x: unknown): string {
  return typeof x === 'number' ? x.toPrecision(4) : String(x);
}

main();
