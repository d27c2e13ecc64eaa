/**
 * A full garbage collection between the phases of a large model's setup.
 *
 * Why: compiling a million-row model leaves about a hundred megabytes of dead
 * typed arrays (the unrolled rows and element reads grown by doubling, then
 * let go) and assigning its samplers leaves more. Their objects sit in old
 * space, so only a full collection frees them, and V8 starts one when the
 * external memory it counts passes a limit it raises as the heap grows, not
 * when a phase ends: the next phase then allocates on top of them, and the
 * process's peak resident memory holds both. The compile calls this when
 * the unrolled rows are released, when the graph is wired (its reads and
 * wiring's tables released) and at its end; a chain once its samplers are
 * assigned. Each call costs a few hundred milliseconds at a million rows
 * (the live heap is marked twice), against seconds of setup, and a small
 * model never pays it. Freeing at these fixed points also narrows the
 * spread of the peak from run to run (left to V8's timing, the dead arrays
 * were freed among the next phase's allocations): at a million probit rows,
 * 434-444 MB in five runs of six with these calls (483 in the sixth), against
 * 413-474 MB without. What spread is left comes from the C allocator, whose
 * per-thread arenas (V8's background threads) keep freed memory resident.
 *
 * `gc` is V8's own, exposed for a context made after `--expose-gc` is set
 * (flags are process-wide: worker threads started afterwards see it too).
 */
import { runInNewContext } from 'node:vm';

/** Below this many stochastic nodes a model's garbage is too little to matter, and its setup too short to spend on it. */
export const COLLECT_FROM_NODES = 200_000;

let collect: (() => void) | null | undefined;

/** Collects all garbage now, when the model has at least COLLECT_FROM_NODES stochastic nodes. */
export function collectAfterLargePhase(stochasticNodes: number): void {
  if (stochasticNodes < COLLECT_FROM_NODES) return;
  if (collect === undefined) {
    // Required here, not imported: node:v8 loads Node's streams (see run/youngAllocation.ts), needed only for large models.
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    (require('node:v8') as typeof import('node:v8')).setFlagsFromString('--expose-gc');
    const exposed: unknown = runInNewContext('typeof gc === "function" ? gc : null');
    collect = typeof exposed === 'function' ? (exposed as () => void) : null;
  }
  if (!collect) return;
  collect();
  // Twice: a collection frees dead typed arrays' memory on a background thread, which the next collection waits
  // for; until then the memory is still the process's, while the next phase allocates (measured: 32 MB of dead
  // arrays still resident after one collection, freed at once by a second).
  collect();
}
