import { existsSync, readFileSync } from 'node:fs';
import { availableParallelism, loadavg } from 'node:os';
import { ChainThreads, chainGroups, type ChainThreadOptions } from '../../engine/run/chainThreads';
import type { ChainPlacement } from '../../engine/run/modelSession';
import type { RunRequest } from '../../engine/run/request';
import type { ScriptCommand } from './script';

/** How a script may spread its chains over threads. */
export interface ChainThreadSettings extends ChainThreadOptions {
  /** Threads at most, this one included; when not given, this one and one per core the other processes leave free (freeThreads). */
  threads?: number;
  /** The least work per chain (MIN_WORK_PER_CHAIN when not given) worth a worker. */
  minimumWork?: number;
}

/**
 * The least work per chain, in node updates (stochastic nodes × iterations the
 * script asks for), for which a worker thread pays: a worker costs about
 * 0.1 s of start-up (loading the engine, compiling its own graph), spent while
 * this thread compiles and initialises, and a node update costs 0.1–1 µs.
 * Line (8 nodes × 11,000 iterations) stays in one thread; Rats (215 × 11,000) goes.
 */
const MIN_WORK_PER_CHAIN = 300_000;

/**
 * Where a script's chains run. JAGS runs them one after another in one
 * thread; here, when the script's work per chain is large and there are
 * several cores, chains after the first group run in worker threads at the
 * same time. Not when the script monitors pD, whose penalty pairs the
 * chains iteration by iteration in one thread.
 */
export function placeChains(commands: ScriptCommand[], stochasticNodes: number, request: RunRequest, chainCount: number, settings: ChainThreadSettings | undefined): ChainPlacement {
  // Without the worker's script (a partial installation), chains run here rather than wait for a worker that never starts.
  if (!settings || chainCount < 2 || !existsSync(settings.script)) return {};
  if (commands.some((c) => c.kind === 'monitor' && c.target.name === 'pD')) return {};
  let iterations = 0;
  for (const c of commands) if (c.kind === 'update' || c.kind === 'adapt') iterations += c.iterations;
  if (stochasticNodes * iterations < (settings.minimumWork ?? MIN_WORK_PER_CHAIN)) return {};
  const groups = chainGroups(chainCount, settings.threads ?? freeThreads());
  if (groups.length < 2) return {};
  return { hosted: groups[0]!, threads: new ChainThreads(settings, request, chainCount, groups.slice(1)) };
}

/**
 * This thread and one more per core that the other processes leave free, a
 * core counting as free when at least half of it is. The others' demand is
 * the larger of two estimates. What runs now: Linux's count of runnable
 * threads (/proc/loadavg), less this one. What ran in the last minute: the
 * load average, less one, because it counts this process too, and, in a loop
 * of runs (a benchmark, a shell loop over scripts), the runs before it, one
 * core's worth that is no other process's (with the whole load counted, the
 * second chain of a loop's runs never got the idle second core). Where the
 * runnable count is not known, the load average is counted whole, as nothing
 * tells this process's share from another's. A worker on a core that is not
 * free runs no sooner, and its start-up (loading and compiling again, warming
 * up another JavaScript engine: 0.1–0.3 s of CPU) only adds to the time shared
 * with the other processes.
 */
export function freeThreads(cpus = availableParallelism(), load = loadavg()[0]!, runnable = runnableThreads()): number {
  const others = runnable === null ? load : Math.max(0, load - 1, runnable - 1);
  return Math.max(1, Math.min(cpus, 1 + Math.round(cpus - 1 - others)));
}

/** Threads runnable on the machine now, this one included (the fourth field of /proc/loadavg, `running/total`); null where there is no such file. */
function runnableThreads(): number | null {
  try {
    const running = Number(/^\S+ \S+ \S+ (\d+)\//.exec(readFileSync('/proc/loadavg', 'latin1'))?.[1]);
    return Number.isInteger(running) && running > 0 ? running : null;
  } catch {
    return null;
  }
}
