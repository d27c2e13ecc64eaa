import { errorAt } from '../language/source';
import type { ModelGraph } from '../model/graph';
import type { Random } from '../random/rng';
import { SAMPLER_FACTORIES, type Sampler } from './samplers';

/** Assigns a sampler to every unobserved node, trying the factories in order. */
export function assignSamplers(graph: ModelGraph): Sampler[] {
  const samplers: Sampler[] = [];
  for (const id of graph.unobserved) {
    const node = graph.stochastic[id]!;
    let sampler: Sampler | undefined;
    for (const factory of SAMPLER_FACTORIES) {
      sampler = factory.claim(graph, node);
      if (sampler) break;
    }
    if (!sampler) {
      throw errorAt(node.statement.range, `No sampler can update ${node.name} (${node.distribution.name}, unobserved) yet: discrete unobserved nodes need the finite-support samplers of a later release. Observe it or give it a continuous prior.`);
    }
    samplers.push(sampler);
  }
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
