import { existsSync } from 'node:fs';
import { freeThreads } from '../freeCores';
import { ChainThreads, chainGroups, startSessionWorkers, stopSessionWorkers, type ChainThreadOptions, type StartedWorkers } from '../../engine/run/chainThreads';
import type { ChainPlacement } from '../../engine/run/modelSession';
import type { RunRequest } from '../../engine/run/request';
import type { ScriptCommand } from './script';

/** How a script may spread its chains over threads. */
export interface ChainThreadSettings extends ChainThreadOptions {
  /** Threads at most, this one included; when not given, this one and one per core the other processes leave free (freeThreads). */
  threads?: number;
  /** The least work per chain (MIN_WORK_PER_CHAIN when not given) worth a worker. */
  minimumWork?: number;
  /** Workers the CLI's launcher started for the script before it loaded the engine (prestart.ts): the script's first 'compile' takes them. */
  prestarted?: EarlyChainThreads;
}

/**
 * The least work per chain, in node updates (stochastic nodes × iterations the
 * script asks for), for which a worker thread pays: a worker costs about
 * 0.1 s of start-up (loading the engine, compiling its own graph), spent while
 * this thread compiles and initialises, and a node update costs 0.1–1 µs.
 * Line (8 nodes × 11,000 iterations) stays in one thread; Rats (215 × 11,000) goes.
 */
const MIN_WORK_PER_CHAIN = 300_000;

/** Workers started before the model is compiled (startChainsEarly), for the chains after the first group. */
export interface EarlyChainThreads {
  groups: number[][];
  /** One per group after the first. */
  workers: StartedWorkers;
}

/**
 * Where a script's chains run. JAGS runs them one after another in one
 * thread; here, when the script's work per chain is large and there are
 * several cores, chains after the first group run in worker threads at the
 * same time. Not when the script monitors pD, whose penalty pairs the
 * chains iteration by iteration in one thread. Workers started early are
 * taken when the compiled model wants them, and abandoned when it does not.
 */
export function placeChains(
  commands: ScriptCommand[],
  stochasticNodes: number,
  request: RunRequest,
  chainCount: number,
  settings: ChainThreadSettings | undefined,
  early?: EarlyChainThreads,
): ChainPlacement {
  const groups = early?.groups ?? threadGroups(commands, chainCount, settings);
  if (!groups || !settings || workPerChain(commands, stochasticNodes) < (settings.minimumWork ?? MIN_WORK_PER_CHAIN)) {
    if (early) stopSessionWorkers(early.workers);
    return {};
  }
  const threads = new ChainThreads(early?.workers ?? startSessionWorkers(settings, groups.length - 1), groups.slice(1));
  threads.open(request, chainCount);
  return { hosted: groups[0]!, threads };
}

/**
 * Starts the workers before the model is compiled when the script looks large
 * enough for placeChains to want them, judged by the numbers the script's data
 * files hold in place of the stochastic nodes (observed nodes are most of them
 * in the classic examples): a worker's own start-up then overlaps the
 * compilation instead of following it. A wrong guess costs a worker started
 * and abandoned on an otherwise idle core, or, the other way, a worker
 * started at compile as without this.
 */
export function startChainsEarly(commands: ScriptCommand[], dataValues: number, chainCount: number, settings: ChainThreadSettings | undefined): EarlyChainThreads | undefined {
  const groups = threadGroups(commands, chainCount, settings);
  if (!groups || !settings || workPerChain(commands, dataValues) < (settings.minimumWork ?? MIN_WORK_PER_CHAIN)) return undefined;
  return { groups, workers: startSessionWorkers(settings, groups.length - 1) };
}

/** The chains' groups, one per thread, when the script may use worker threads at all; undefined when it runs in one thread. */
function threadGroups(commands: ScriptCommand[], chainCount: number, settings: ChainThreadSettings | undefined): number[][] | undefined {
  // Without the worker's script (a partial installation), chains run here rather than wait for a worker that never starts.
  if (!settings || chainCount < 2 || !existsSync(settings.script)) return undefined;
  if (commands.some((c) => c.kind === 'monitor' && c.target.name === 'pD')) return undefined;
  const groups = chainGroups(chainCount, settings.threads ?? freeThreads());
  return groups.length < 2 ? undefined : groups;
}

/** Node updates per chain: `nodes` × the iterations the script asks for. */
function workPerChain(commands: ScriptCommand[], nodes: number): number {
  return nodes * scriptIterations(commands);
}

function scriptIterations(commands: ScriptCommand[]): number {
  let iterations = 0;
  for (const c of commands) if (c.kind === 'update' || c.kind === 'adapt') iterations += c.iterations;
  return iterations;
}

/** The fewest nodes (or data values, for startChainsEarly) for which the script's work per chain is worth a worker: counting them can stop there. */
export function nodesWorthWorkers(commands: ScriptCommand[], settings: ChainThreadSettings): number {
  return Math.ceil((settings.minimumWork ?? MIN_WORK_PER_CHAIN) / scriptIterations(commands));
}
