import { CensoredNormalSampler } from './censoredNormalSampler';
import { errorAt } from '../language/source';
import { currentParameters, Role, type ModelGraph, type StochasticNode } from '../model/graph';
import { truncationLogMass } from '../model/truncation';
import type { Random } from '../random/rng';
import { FiniteSampler } from './finiteSampler';
import { forwardSamplePredictive } from './predictiveNodes';
import { forgetParents } from './parents';
import { forgetNormalGroups, SAMPLER_FACTORIES, type Sampler } from './samplers';
import { appendAll } from '../collections';

/** Unobserved nodes between two calls of assignSamplers' onProgress: a clock read per node would cost more than a claim. */
const PROGRESS_STRIDE = 1024;

/**
 * Assigns samplers to every unobserved node, trying the factories in order; a block sampler may take several nodes.
 * `onProgress` hears the share of unobserved nodes done (0 to 1) every PROGRESS_STRIDE nodes: on a large model this
 * phase takes tens of seconds.
 */
export function assignSamplers(graph: ModelGraph, options: { forwardSamplePredictive?: boolean; onProgress?: (share: number) => void } = {}): Sampler[] {
  refuseUnnormalisedTruncation(graph);
  const samplers: Sampler[] = [];
  const claimed = new Uint8Array(graph.stochastic.length);
  // Nodes without observed descendants are drawn from their priors, last (predictiveNodes.ts).
  const predictive = options.forwardSamplePredictive ? forwardSamplePredictive(graph) : undefined;
  for (const n of predictive?.nodes ?? []) claimed[n.id] = 1;
  const free = (n: StochasticNode): boolean => !claimed[n.id];
  const total = graph.unobserved.length;
  let seen = 0;
  // By index: run once, a for-of makes an iterator result per element.
  for (let k = 0; k < total; k++) {
    const id = graph.unobserved[k]!;
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
    // Consecutive latent normals of one censoring statement share one sampler, in the same update order.
    const last = samplers[samplers.length - 1];
    if (made.length === 1 && made[0] instanceof CensoredNormalSampler && last instanceof CensoredNormalSampler && last.absorb(made[0])) continue;
    // So do a mixture's consecutive indicators.
    if (made.length === 1 && made[0] instanceof FiniteSampler && last instanceof FiniteSampler && last.absorb(made[0])) continue;
    appendAll(samplers, made);
  }
  if (predictive) samplers.push(predictive);
  // Tables the factories build once per graph and only they read, kept otherwise as long as the graph.
  forgetParents(graph);
  forgetNormalGroups(graph);
  return samplers;
}

/**
 * A truncated node whose parameters or bounds move needs the mass inside its
 * bounds in its parents' conditionals (model/truncation.ts). Where the family
 * has no CDF here, sampling would silently leave it out: refused instead.
 */
function refuseUnnormalisedTruncation(graph: ModelGraph): void {
  // By index, not for-of: run once, this loop stays in unoptimised code, where an iterator makes a result per node.
  for (let id = 0; id < graph.stochastic.length; id++) {
    const node = graph.stochastic[id]!;
    const t = node.statement.truncation;
    if (!t || node.distribution.multivariate) continue;
    const lower = node.lower ? node.lower() : Number.NEGATIVE_INFINITY;
    const upper = node.upper ? node.upper() : Number.POSITIVE_INFINITY;
    if (!Number.isNaN(truncationLogMass(node.distribution, currentParameters(node), lower, upper))) continue;
    const moving = [...node.statement.args, t.lower, t.upper].some((e) => e && graph.expressions.array(e, node.scope).reads.some((r) => r.variable.role[r.offset] !== Role.Data));
    if (moving) {
      throw errorAt(t.range, `${node.name}: T(,) on ${node.distribution.name} whose parameters or bounds are estimated needs ${node.distribution.name}'s CDF, which the engine does not have; give the parameters as data, or use a distribution with a CDF here (dnorm, dlnorm, dgamma, dexp, dweib, dlogis, ddexp, dpar, dunif, or a count).`);
    }
  }
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
  settleAll(samplers, random);
}

/** Draws what the samplers' updates left for when the state is read (Sampler.settle). */
export function settleAll(samplers: Sampler[], random: Random): void {
  for (let s = 0; s < samplers.length; s++) samplers[s]!.settle?.(random);
}
