import type { NamedValues } from '../language/rvalues';
import { errorAt, type SourceRange } from '../language/source';

/** The largest seed a run takes (the `seed` option's limit). */
export const MAX_SEED = 2 ** 32 - 1;

/**
 * JAGS inits files may hold `.RNG.name`, `.RNG.seed` and `.RNG.state`: the
 * chain's random number generator, not values of the model. Removes every
 * `.RNG.` entry from `inits` and returns `.RNG.seed`, if given. The engine has
 * one generator, so the name is accepted and not used; a saved `.RNG.state`
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
