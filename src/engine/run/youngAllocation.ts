/**
 * Turns off V8's allocation-site pretenuring for this process (every thread:
 * V8's flags are process-wide).
 *
 * Why: while a large model is compiled, almost every object made at a given
 * literal lives on (one per row), and a scavenge that happens to sample such
 * a stretch marks the literal's allocation site "tenure". From then on that
 * site allocates straight into old space, including the short-lived objects
 * it also makes later, which leave old space full of holes; the nodes made
 * next are scattered through them. At a million probit rows about half of
 * all runs took that path, set by the string hash seed and the collector's
 * timing: old space 640 MB committed for 188 MB live, peak RSS 1.15 GB
 * instead of 0.68 GB, the compile 3x and every sweep 4x slower (the
 * samplers' reads of the nodes missing the caches). With pretenuring off,
 * objects are promoted only when they survive two scavenges, in the order
 * the scavenger copies them, and every run takes the fast path.
 *
 * V8 reads this flag at each scavenge, so it may be set once the heap exists
 * (unlike the collector's structural flags: see cli/launcher.ts). Set it
 * before the first model is compiled: a site already marked keeps its mark.
 * The processes' entries call it, so that their worker threads start with it:
 * `latent`'s launcher, and the job process every run in VS Code goes through.
 */
export function keepAllocationsYoung(): void {
  // Required here, not imported: node:v8 loads Node's streams (about 3.5 ms), and only engine processes pay it.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  (require('node:v8') as typeof import('node:v8')).setFlagsFromString('--no-allocation-site-pretenuring');
}
