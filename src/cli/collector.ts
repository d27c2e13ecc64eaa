import { freeThreads } from './freeCores';

/**
 * V8's flags for the garbage collector of a `latent` process, given the
 * threads the machine leaves it (freeThreads). With no core free, the
 * collector works in this thread alone. By default V8 splits each
 * young-generation collection over helper threads and waits for all of them:
 * when the other processes hold every core, a helper waits for one and the
 * pause with it. Measured on the classic examples at load 6–10 on 2 cores
 * (`node --trace-gc`, three runs each): the pauses of a Dugongs run summed to
 * 137–197 ms with helpers and 46–87 ms without, Pumps' 32–45 and 14–32 ms.
 * With a core free, the helpers shorten the pauses, and V8's default stays.
 */
export function collectorFlags(threads: number): string | undefined {
  return threads > 1 ? undefined : '--single-threaded-gc';
}

/** Sets the collector's flags (collectorFlags) before the engine allocates: the launcher calls it first. */
export function chooseCollector(threads = freeThreads()): void {
  const flags = collectorFlags(threads);
  if (!flags) return;
  // Required here, not imported at the top: node:v8 loads Node's streams, start-up that a run with a core free does without.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  (require('node:v8') as typeof import('node:v8')).setFlagsFromString(flags);
}
