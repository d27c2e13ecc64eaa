/**
 * The seed of a run that is given none (the CLI reports it, so the run can be
 * repeated), in [0, 2^31). Drawn with Math.random, which V8 seeds from the
 * system's entropy in every process: node:crypto's randomInt would do no
 * better here, and loading node:crypto costs every `latent` command about
 * 3 ms of CPU at start-up (Line's whole run is 0.2 s). The run's draws
 * themselves all come from the engine's generator, seeded with this.
 */
export function freshSeed(): number {
  return Math.floor(Math.random() * 2 ** 31);
}
