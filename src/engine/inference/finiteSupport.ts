import { currentParameters, type StochasticNode } from '../model/graph';

/*
 * The support of a discrete node, for the samplers that enumerate it (finiteSampler.ts, mixtureIndicator.ts) and
 * the choice of sampler: its own file, so that those two need not import each other.
 */

/** The largest support that is enumerated; wider discrete nodes get the discrete slice sampler. */
export const MAX_ENUMERATED = 2000;

/** The node's support given its parameters and truncation, as whole numbers [lower, upper]. */
export function finiteSupport(node: StochasticNode): [number, number] {
  if (node.distribution.multivariate) return [0, -1];
  const [a, b] = node.distribution.bounds(currentParameters(node));
  const lower = Math.ceil(Math.max(a, node.lower ? node.lower() : Number.NEGATIVE_INFINITY));
  const upper = Math.floor(Math.min(b, node.upper ? node.upper() : Number.POSITIVE_INFINITY));
  return [lower, upper];
}

/**
 * The support when it does not depend on the parameters' values — an untruncated dcat's 1..K, a dbern's 0..1 —
 * so a sampler need not ask the distribution at every update; undefined otherwise.
 */
export function fixedSupport(node: StochasticNode): [number, number] | undefined {
  if (node.lower || node.upper) return undefined;
  if (node.distribution.name === 'dcat') return [1, node.paramCount];
  return node.distribution.name === 'dbern' ? [0, 1] : undefined;
}
