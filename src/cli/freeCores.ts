import { readFileSync } from 'node:fs';
import { availableParallelism, loadavg } from 'node:os';

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
