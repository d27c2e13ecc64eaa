import { errorAt, type SourceRange } from '../language/source';
import { currentParameters, type ModelGraph, type StochasticNode } from '../model/graph';
import { drawScalar } from '../inference/priorDraws';
import type { Random } from '../random/rng';

/** Draws per Kullback–Leibler estimate where no closed form is known (as JAGS's dic module takes). */
const MONTE_CARLO_DRAWS = 10;

/**
 * Kullback–Leibler divergence KL(P‖Q) between the distributions of one
 * observed scalar node under two parameter vectors p and q: closed forms for
 * the common families, else a Monte-Carlo mean of log P(y) − log Q(y) over
 * draws y from P.
 */
function divergence(node: StochasticNode, p: Float64Array, q: Float64Array, random: Random): number {
  const d = node.distribution;
  if (d.multivariate) return Number.NaN;
  switch (d.name) {
    case 'dnorm': {
      const delta = p[0]! - q[0]!;
      return 0.5 * (Math.log(p[1]! / q[1]!) + q[1]! / p[1]! + q[1]! * delta * delta - 1);
    }
    case 'dpois':
      return (p[0]! > 0 ? p[0]! * Math.log(p[0]! / q[0]!) : 0) - p[0]! + q[0]!;
    case 'dbern':
      return bernoulli(p[0]!, q[0]!);
    case 'dbin':
      return p[1]! * bernoulli(p[0]!, q[0]!);
  }
  let total = 0;
  for (let r = 0; r < MONTE_CARLO_DRAWS; r++) {
    const y = drawScalar(d.name, p, random);
    if (Number.isNaN(y)) return Number.NaN;
    total += d.logDensity(y, p) - d.logDensity(y, q);
  }
  return total / MONTE_CARLO_DRAWS;
}

function bernoulli(p: number, q: number): number {
  const term = (a: number, b: number): number => (a > 0 ? a * Math.log(a / b) : 0);
  return term(p, q) + term(1 - p, 1 - q);
}

/**
 * Plummer's (2002) effective number of parameters as JAGS's dic module
 * records it (`monitor pD`): at each iteration, over the observed nodes, the
 * mean over ordered pairs of chains (i ≠ j) of KL(p(y | θ_i) ‖ p(y | θ_j)).
 * Its mean over iterations estimates pD; it needs two chains or more, each
 * at the same iteration (ModelSession runs them in step while it is recorded).
 */
export function penaltyReader(graphs: ModelGraph[], random: Random, at: SourceRange): () => number {
  if (graphs.length < 2) throw errorAt(at, "pD needs two chains or more (it compares the chains' fits at each iteration): compile with nchains(2).");
  const observed = graphs.map((g) => g.stochastic.filter((n) => n.observed));
  const unsupported = observed[0]!.find((n) => n.distribution.multivariate || (!['dnorm', 'dpois', 'dbern', 'dbin'].includes(n.distribution.name) && Number.isNaN(drawScalar(n.distribution.name, currentParameters(n), random))));
  if (unsupported) throw errorAt(at, `pD cannot be computed for ${unsupported.name} (${unsupported.distribution.name}): the divergence between chains is known only for scalar distributions the engine can draw.`);
  const chains = graphs.length;
  const params = graphs.map((_, c) => observed[c]!.map((n) => new Float64Array(n.paramValues.length)));
  return () => {
    for (let c = 0; c < chains; c++) observed[c]!.forEach((n, k) => params[c]![k]!.set(currentParameters(n)));
    let total = 0;
    for (let i = 0; i < chains; i++) {
      for (let j = 0; j < chains; j++) {
        if (i === j) continue;
        const nodes = observed[i]!;
        for (let k = 0; k < nodes.length; k++) total += divergence(nodes[k]!, params[i]![k]!, params[j]![k]!, random);
      }
    }
    return total / (chains * (chains - 1));
  };
}
