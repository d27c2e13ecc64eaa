import { errorAt } from '../language/source';
import type { ModelGraph, StochasticNode } from '../model/graph';
import type { Random } from '../random/rng';
import { forwardSamplePredictive } from './predictiveNodes';
import { SAMPLER_FACTORIES, type Sampler } from './samplers';
import { appendAll } from '../collections';

/** Unobserved nodes between two calls of assignSamplers' onProgress: a clock read per node would cost more than a claim. */
const PROGRESS_STRIDE = 1024;

/**
 * Assigns samplers to every unobserved node, trying the factories in order; a block sampler may take several nodes.
 * `onProgress` hears the share of unobserved nodes done (0 to 1) every PROGRESS_STRIDE nodes: on a large model this
 * phase takes tens of seconds.
 */
export function assignSamplers(graph: ModelGraph, options: { forwardSamplePredictive?: boolean; onProgress?: (share: number) => void } = {}): Sampler[] {
  const samplers: Sampler[] = [];
  const claimed = new Uint8Array(graph.stochastic.length);
  // Nodes without observed descendants are drawn from their priors, last (predictiveNodes.ts).
  const predictive = options.forwardSamplePredictive ? forwardSamplePredictive(graph) : undefined;
  for (const n of predictive?.nodes ?? []) claimed[n.id] = 1;
  const free = (n: StochasticNode): boolean => !claimed[n.id];
  const total = graph.unobserved.length;
  let seen = 0;
  for (const id of graph.unobserved) {
    if (++seen % PROGRESS_STRIDE === 0) options.onProgress?.(seen / total);
    if (claimed[id]) continue;
    const node = graph.stochastic[id]!;
    let made: Sampler[] | undefined;
    for (const factory of SAMPLER_FACTORIES) {
      made = factory.claim(graph, node, free);
      if (made) break;
    }
    if (!made) {
      throw errorAt(node.statement.range, `No sampler can update ${node.name} (${node.distribution.name}, unobserved): ${node.distribution.name} nodes are sampled only with a conjugate structure (e.g. a dwish prior on the precision of dmnorm children, or dmulti data). Observe it or change its prior.`);
    }
    for (const s of made) for (const n of s.nodes) claimed[n.id] = 1;
    appendAll(samplers, made);
  }
  if (predictive) samplers.push(predictive);
  return samplers;
}

export interface ChainPlan {
  burnin: number;
  iterations: number;
  thin: number;
}

/**
 * Runs one chain: burn-in (with adaptation), then kept iterations. After each
 * kept (thinned) iteration `record` is called, and `progress` every
 * `progressEvery` iterations so the caller can stream and be cancelled.
 */
export function runChain(
  samplers: Sampler[],
  random: Random,
  plan: ChainPlan,
  record: () => void,
  progress: (done: number) => void,
  progressEvery = 256,
): void {
  const total = plan.burnin + plan.iterations;
  for (let iteration = 1; iteration <= total; iteration++) {
    for (let s = 0; s < samplers.length; s++) samplers[s]!.update(random);
    if (iteration <= plan.burnin) {
      for (let s = 0; s < samplers.length; s++) samplers[s]!.adapt?.();
    } else if ((iteration - plan.burnin) % plan.thin === 0) {
      record();
    }
    if (iteration % progressEvery === 0 || iteration === total) progress(iteration);
  }
}
