import { currentParameters, type ModelGraph, type StochasticNode } from '../model/graph';
import { drawCategoricalFromLogWeights } from '../random/draws';
import type { Random } from '../random/rng';
import { Propagation } from './propagation';
import { finiteSupport, fixedSupport } from './finiteSupport';
import { CountedChildren } from './componentCounts';
import { MixtureIndicator } from './mixtureIndicator';
import { MixturePlate } from './mixturePlate';
import { MovingTerms } from './movingTerms';
import type { Sampler } from './samplers';

// Kept importable from here for the modules that ask before choosing a sampler (EM's local posteriors, VI, starts).
export { finiteSupport, MAX_ENUMERATED } from './finiteSupport';

/**
 * Exact draws for a discrete node with a small finite support (dcat, dbern,
 * dbin, a truncated count): the complete conditional is evaluated at every
 * value, in log space, and one value drawn from it.
 */
export class FiniteSampler implements Sampler {
  readonly label = 'finite enumeration';
  readonly nodes: StochasticNode[];
  private weights = new Float64Array(16);
  /** A mixture's indicator (mixtureIndicator.ts): its one child weighed from the components' elements, nothing propagated. */
  private readonly mixture: MixtureIndicator | undefined;
  /** Whether the mixture's other children are weighed from tables shared between rows (componentCounts.ts). */
  private counted: boolean;
  /** Later indicators of the same statement that this sampler updates after its own node, in order (`absorb`). */
  private readonly followers: FiniteSampler[] = [];
  /** Recomputes the nodes downstream of the node, counts over a plate by differences (propagation.ts). */
  private propagation: Propagation | undefined;
  /** The children's terms without what does not move with the node (movingTerms.ts): Eyes' y[i] without ½log τ. */
  private terms: MovingTerms | undefined;
  /**
   * The support when it does not depend on the parameters' values (an untruncated dcat's 1..K, a dbern's 0..1):
   * not asked of the distribution at every update.
   */
  private readonly support: [number, number] | undefined;

  constructor(
    private readonly graph: ModelGraph,
    private readonly node: StochasticNode,
    private readonly children: StochasticNode[],
  ) {
    this.nodes = [node];
    this.mixture = MixtureIndicator.of(graph, node, children);
    this.counted = this.mixture?.counts ?? false;
    this.support = fixedSupport(node);
  }

  /**
   * Takes over `other`'s node when both are indicators of one mixture statement: the rows of a mixture are then one
   * sampler updated row after row, not one sampler call per row. Returns whether it did.
   */
  absorb(other: FiniteSampler): boolean {
    if (!this.mixture || !other.mixture || other.followers.length > 0 || other.graph !== this.graph || other.node.statement !== this.node.statement) return false;
    this.followers.push(other);
    this.nodes.push(other.node);
    this.plate = undefined;
    // The tables go stale at the start of a sweep if any row has them, the first or not.
    this.counted ||= other.counted;
    return true;
  }

  update(random: Random): void {
    // The other samplers may have moved what counted children read since the last sweep (componentCounts.ts).
    if (this.counted) CountedChildren.invalidate(this.graph);
    const followers = this.followers;
    if (followers.length > 0) {
      // Made at the first update, once every row has joined.
      if (this.plate === undefined) this.plate = MixturePlate.of([this, ...followers].map((s) => s.mixture!.plateRow())) ?? null;
      if (this.plate) {
        this.plate.update(random, this.fallback);
        return;
      }
    }
    this.updateOwn(random);
    for (let k = 0; k < followers.length; k++) followers[k]!.updateOwn(random);
  }

  /** The rows' plate (mixturePlate.ts), null when they do not make one, undefined until the first update. */
  private plate: MixturePlate | null | undefined;
  /** Enumerates the plate's row `row` (0: this sampler's node), for a row the plate cannot weigh. */
  private readonly fallback = (row: number, random: Random): void => {
    const sampler = row === 0 ? this : this.followers[row - 1]!;
    sampler.enumerate(random);
    if (this.counted) CountedChildren.invalidate(this.graph);
  };

  private updateOwn(random: Random): void {
    if (this.mixture?.update(random)) return;
    this.enumerate(random);
    // Enumeration may have moved the node without the counted children's tables hearing of it.
    if (this.counted) CountedChildren.invalidate(this.graph);
  }

  private enumerate(random: Random): void {
    const { node, children } = this;
    const [lower, upper] = this.support ?? finiteSupport(node);
    const count = upper - lower + 1;
    if (!(count >= 1)) return;
    if (this.weights.length < count) this.weights = new Float64Array(count);
    const weights = this.weights;
    const values = node.variable.values;
    const current = values[node.offset]!;
    // The node's parameters do not depend on its value: read once. Inside the support a truncation's mass is the same
    // constant for every value, so the prior's density alone weighs them.
    const parameters = currentParameters(node);
    const distribution = node.distribution;
    if (distribution.multivariate) return;
    // Made at the first update, once the graph's dependents are final.
    const propagation = (this.propagation ??= Propagation.of(this.graph, node));
    const terms = (this.terms ??= new MovingTerms(this.graph, node, children));
    for (let k = 0; k < count; k++) {
      values[node.offset] = lower + k;
      propagation.run();
      const own = distribution.logDensity(lower + k, parameters);
      // Constants dropped from every value's weight leave the normalised probabilities as they were.
      const total = own > Number.NEGATIVE_INFINITY ? terms.childrenLogDensity(own) : own;
      weights[k] = Number.isNaN(total) ? Number.NEGATIVE_INFINITY : total;
    }
    const k = drawCategoricalFromLogWeights(random, weights, count);
    // No value has positive probability (the rest of the model is inconsistent): stay put.
    const chosen = k >= 0 && k < count ? lower + k : current;
    // The last value tried is still in place, with the nodes downstream computed from it (a sum over every
    // indicator in Eyes): recomputing them for the same value would only repeat the work.
    if (chosen === lower + count - 1) return;
    values[node.offset] = chosen;
    propagation.run();
  }
}

