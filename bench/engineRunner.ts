/**
 * The engine's side of the JAGS benchmark: behaves like
 * ../shared/bench/peers/jags_run.py and prints ONE JSON line with the same
 * keys (iters_per_second, samples_per_second, wall_seconds, setup_seconds,
 * nodes.<name>.mean/sd/ess/ess_per_s, min_ess_per_s, and for matrix
 * factorisation bmf.rmse_test_posterior_mean_prediction), so that
 * ../shared/bench/abab.py can compare it with the peer too.
 *
 *   node dist/bench/mcmc.js --dir WORKDIR
 *
 * WORKDIR (written by bench/run.ts) holds job.json, the data, and one Latent
 * document per chain, chain1.latent, chain2.latent, …: the workload's model
 * with `inits from "inits<c>.json"` (jags_run.py gives each chain its own
 * start) and its `sample with gibbs(...)` line. Chains run in worker threads,
 * at most job.threads at a time; each worker runs the engine's own chain
 * functions (readRequest, prepareChain, sampleChain), which is what the
 * notebook's and the CLI's chain workers run.
 *
 * Two speeds are reported. Wall-clock (the keys jags_run.py has): what a user
 * waits for, with the chains in parallel threads. Per thread (keys ending in
 * `_thread`): as if the chains had run one after another in one thread, as
 * JAGS runs them — the like-for-like comparison with JAGS's single thread.
 */
import { readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';
import { formatProblem, ModelError } from '../src/engine/language/source';
import { prepareChain, sampleChain } from '../src/engine/run/chainSession';
import { BUILT_IN_DEFAULTS } from '../src/engine/run/request';
import { readRequest } from '../src/engine/job/job';
import { concat } from '../src/engine/run/summarize';
import { nodeStats, posteriorMeanRmse, type NodeStats } from './stats';

/** What bench/run.ts writes to WORKDIR/job.json. */
export interface EngineJob {
  workload: string;
  chains: number;
  /** Chains run at once (worker threads). */
  threads: number;
  /** JAGS's adaptation + burn-in: the engine adapts during its burn-in. */
  burnin: number;
  iterations: number;
  thin: number;
  seed: number;
  keys: string[];
  essKeys: string[];
  predict?: { node: string; observed: string };
}

interface ChainTask {
  source: string;
  directory: string;
  chain: number;
}

type ChainReply =
  | {
      ok: true;
      names: string[];
      samplers: Record<string, number>;
      draws: Float64Array;
      setupSeconds: number;
      sampleSeconds: number;
      /** Absolute times (ms since the epoch), comparable across threads: the chain's start, its sampling's start, its end. */
      started: number;
      sampling: number;
      ended: number;
    }
  | { ok: false; message: string };

const now = (): number => performance.timeOrigin + performance.now();

/** One chain, in a worker thread. */
function runChainTask(task: ChainTask): ChainReply {
  const started = now();
  try {
    const request = readRequest('sample', task.source, BUILT_IN_DEFAULTS, () => 0, { baseDirectory: task.directory });
    const session = prepareChain(request, task.chain);
    const prepared = now();
    const parts: Float64Array[] = [];
    sampleChain(session, request.settings, (_done, draws) => parts.push(draws));
    const ended = now();
    const draws = concat(parts);
    const samplers: Record<string, number> = {};
    for (const s of session.samplers) samplers[s.label] = (samplers[s.label] ?? 0) + 1;
    return {
      ok: true,
      names: session.monitors.map((m) => m.name),
      samplers,
      draws,
      setupSeconds: (prepared - started) / 1000,
      sampleSeconds: (ended - prepared) / 1000,
      started,
      sampling: prepared,
      ended,
    };
  } catch (e) {
    const message = e instanceof ModelError ? e.problems.map((p) => formatProblem(p, `chain${task.chain + 1}.latent`)).join('\n') : String((e as Error).stack ?? e);
    return { ok: false, message };
  }
}

function inWorker(task: ChainTask): Promise<ChainReply> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(__filename, { workerData: task, execArgv: process.execArgv });
    worker.once('message', (reply: ChainReply) => {
      resolve(reply);
      void worker.terminate();
    });
    worker.once('error', reject);
  });
}

/** Runs the chains, at most `threads` at a time. */
async function runChains(job: EngineJob, directory: string): Promise<ChainReply[]> {
  const replies: ChainReply[] = new Array(job.chains);
  let next = 0;
  const lane = async (): Promise<void> => {
    while (next < job.chains) {
      const chain = next++;
      const source = readFileSync(join(directory, `chain${chain + 1}.latent`), 'utf8');
      replies[chain] = await inWorker({ source, directory, chain });
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(job.threads, job.chains)) }, lane));
  return replies;
}

/** Column `m` of a chain's row-major draws. */
function columnOf(draws: Float64Array, width: number, m: number): Float64Array {
  const rows = draws.length / width;
  const out = new Float64Array(rows);
  for (let r = 0; r < rows; r++) out[r] = draws[r * width + m]!;
  return out;
}

async function main(): Promise<void> {
  const dirFlag = process.argv.indexOf('--dir');
  const directory = dirFlag >= 0 ? process.argv[dirFlag + 1] : undefined;
  if (!directory) throw new Error('usage: node dist/bench/mcmc.js --dir WORKDIR (see bench/run.ts)');
  const job = JSON.parse(readFileSync(join(directory, 'job.json'), 'utf8')) as EngineJob;

  const replies = await runChains(job, directory);
  const failed = replies.find((r) => !r.ok);
  if (failed && !failed.ok) {
    process.stderr.write(`${failed.message}\n`);
    process.exit(1);
  }
  const chains = replies as Extract<ChainReply, { ok: true }>[];
  const wall = performance.now() / 1000;
  const names = chains[0]!.names;
  const width = names.length;
  const series = (name: string): Float64Array[] => {
    const m = names.indexOf(name);
    if (m < 0) throw new Error(`${name} is not monitored`);
    return chains.map((c) => columnOf(c.draws, width, m));
  };

  const totalIterations = job.chains * (job.burnin + job.iterations);
  const firstStart = Math.min(...chains.map((c) => c.started));
  const lastEnd = Math.max(...chains.map((c) => c.ended));
  const samplingSpan = (lastEnd - Math.min(...chains.map((c) => c.sampling))) / 1000;
  const chainSeconds = chains.reduce((s, c) => s + c.setupSeconds + c.sampleSeconds, 0);
  // The wall time had the chains run one after another: the time outside the chains, plus each chain's own time.
  const threadWall = wall - (lastEnd - firstStart) / 1000 + chainSeconds;

  const nodes: Record<string, NodeStats & { ess_per_s: number; ess_per_s_thread: number }> = {};
  for (const key of job.keys) {
    const s = nodeStats(series(key));
    nodes[key] = { ...s, ess_per_s: s.ess / wall, ess_per_s_thread: s.ess / threadWall };
  }
  const samplers: Record<string, number> = chains[0]!.samplers;
  const out: Record<string, unknown> = {
    runner: `latent_${job.workload}`,
    engine: 'Latent Gibbs sampler (bench/engineRunner.ts, chains in worker threads)',
    chains: job.chains,
    threads: Math.min(job.threads, job.chains),
    seed: job.seed,
    burnin: job.burnin,
    iter: job.iterations,
    thin: job.thin,
    samplers,
    wall_seconds: wall,
    setup_seconds: Math.max(...chains.map((c) => c.setupSeconds)),
    chain_seconds: chains.map((c) => ({ setup: c.setupSeconds, sample: c.sampleSeconds })),
    iters_per_second: totalIterations / samplingSpan,
    iters_per_second_thread: totalIterations / chains.reduce((s, c) => s + c.sampleSeconds, 0),
    samples_per_second: (job.chains * job.iterations) / wall,
    thread_wall_seconds: threadWall,
    draws_retained: chains.reduce((n, c) => n + c.draws.length / width, 0),
    min_ess_per_s: Math.min(...job.essKeys.map((k) => nodes[k]!.ess_per_s)),
    min_ess_per_s_thread: Math.min(...job.essKeys.map((k) => nodes[k]!.ess_per_s_thread)),
    min_ess_over: job.essKeys,
    nodes,
  };
  if (job.predict) out.bmf = predictionError(job.predict, directory, (name) => (names.includes(name) ? series(name) : undefined));
  out.env = { cpus: availableParallelism(), node: process.version };
  process.stdout.write(`${JSON.stringify(out)}\n`);
}

/** RMSE of the posterior-mean prediction of the held-out ratings, as jags_run.py reports it, and of the training mean. */
function predictionError(predict: { node: string; observed: string }, directory: string, series: (name: string) => Float64Array[] | undefined): object {
  const data = JSON.parse(readFileSync(join(directory, 'data.json'), 'utf8')) as Record<string, number[]>;
  const observed = data[predict.observed]!;
  const training = data.r!;
  const trainingMean = training.reduce((s, v) => s + v, 0) / training.length;
  return {
    n_train: training.length,
    n_test: observed.length,
    rmse_test_posterior_mean_prediction: posteriorMeanRmse(series, predict.node, observed),
    rmse_test_global_mean_baseline: Math.sqrt(observed.reduce((s, y) => s + (trainingMean - y) ** 2, 0) / observed.length),
  };
}

if (isMainThread) {
  main().catch((e: unknown) => {
    process.stderr.write(`${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
    process.exit(1);
  });
} else {
  const reply = runChainTask(workerData as ChainTask);
  parentPort!.postMessage(reply, reply.ok ? [reply.draws.buffer as ArrayBuffer] : []);
}
