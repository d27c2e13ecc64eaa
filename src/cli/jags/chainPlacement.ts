import { existsSync } from 'node:fs';
import { freeThreads } from '../freeCores';
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
