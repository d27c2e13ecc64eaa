import type { NamedValues } from '../language/rvalues';
import { errorAt, type Problem, type SourceRange } from '../language/source';

/** JAGS's generators, the names `.RNG.name` may give (base module and lecuyer module). */
export const JAGS_GENERATORS = ['base::Wichmann-Hill', 'base::Marsaglia-Multicarry', 'base::Super-Duper', 'base::Mersenne-Twister', 'lecuyer::RngStream'];

/** The largest seed a run takes (the `seed` option's limit). */
export const MAX_SEED = 2 ** 32 - 1;

/**
 * JAGS inits files may hold `.RNG.name`, `.RNG.seed` and `.RNG.state`: the
 * chain's random number generator, not values of the model. Removes every
 * `.RNG.` entry from `inits` and returns `.RNG.seed`, if given. The engine has
 * one generator, so the name is not used (rngNameWarning says so); a saved `.RNG.state`
 * belongs to JAGS's generators and cannot be resumed here, so it is dropped
 * too (the seed, when given, still makes the chain reproducible).
 */
export function takeRngSeed(inits: NamedValues, at: SourceRange): number | undefined {
  const seed = inits.get('.RNG.seed');
  for (const name of [...inits.keys()]) if (name.startsWith('.RNG.')) inits.delete(name);
  if (!seed) return undefined;
  const value = seed.values.length === 1 ? seed.values[0]! : Number.NaN;
  if (!Number.isInteger(value) || value < 0 || value > MAX_SEED) {
    throw errorAt(at, `.RNG.seed must be one whole number from 0 to ${MAX_SEED}.`);
  }
  return value;
}

/**
 * The warning for a `.RNG.name` in `inits` (read before takeRngSeed removes it):
 * the run draws from the engine's generator, seeded as the name's would be,
 * so it is reproducible but its draws are not JAGS's.
 */
export function rngNameWarning(inits: NamedValues, at: SourceRange): Problem | undefined {
  const name = inits.get('.RNG.name');
  const generator = name ? JAGS_GENERATORS[name.values[0]!] : undefined;
  if (!generator) return undefined;
  const seeded = inits.has('.RNG.seed') ? 'seeded by .RNG.seed' : 'seeded by the run';
  return { severity: 'warning', message: `.RNG.name "${generator}" is JAGS's generator; this run draws from Latent's own (xoshiro128**), ${seeded}: reproducible, but not the same draws as JAGS's.`, range: at };
}
