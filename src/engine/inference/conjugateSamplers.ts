import { cholesky } from '../math/linalg';
import { propagate, scatterValue, type ModelGraph, type StochasticNode } from '../model/graph';
import { drawBeta, drawDirichlet, drawMultivariateNormalFromPrecision, drawTruncatedNormal, drawWishartJags } from '../random/draws';
import type { Random } from '../random/rng';
import type { Conditional } from './conditionals';
import type { DirichletConditional } from './dirichletConditional';
import type { GaussianBlock } from './gaussianBlock';
import type { ScaleExpansion } from './scaleExpansion';
import { Propagation } from './propagation';
import { RenamingPropagation } from './renamingPropagation';
import type { Sampler } from './samplers';
import type { WishartConditional } from './wishartConditional';

/** Draws a scalar node from its closed-form conditional (normal, possibly truncated; gamma; beta). */
export class ConjugateSampler implements Sampler {
  readonly label: string;
  readonly nodes: StochasticNode[];
  private readonly parameters = new Float64Array(4);
  /** A mixture component's rows are refreshed by copying it (renamingPropagation.ts). */
  private readonly propagation: RenamingPropagation | undefined;

  constructor(
    private readonly graph: ModelGraph,
    private readonly conditional: Conditional,
  ) {
    this.propagation = RenamingPropagation.of(graph, conditional.node);
    const truncated = conditional.family === 'normal' && (conditional.node.statement.truncation || conditional.node.distribution.name === 'dunif' ||
      conditional.node.children.some((id) => ['dinterval', 'dround'].includes(graph.stochastic[id]!.distribution.name)));
    this.label = truncated ? 'conjugate truncated normal' : `conjugate ${conditional.family}`;
    this.nodes = [conditional.node];
  }

  update(random: Random): void {
    const p = this.parameters;
    // The node's dependents are refreshed once, below, at the value drawn.
    this.conditional.parameters(p, false);
    const node = this.conditional.node;
    let x: number;
    switch (this.conditional.family) {
      case 'normal': {
        const mean = p[0]!, precision = p[1]!, lower = p[2]!, upper = p[3]!;
        if (precision > 0) {
          const sd = 1 / Math.sqrt(precision);
          x = lower === Number.NEGATIVE_INFINITY && upper === Number.POSITIVE_INFINITY ? mean + sd * random.normal() : drawTruncatedNormal(random, mean, sd, lower, upper);
        } else {
          x = lower + (upper - lower) * random.uniform();
        }
        break;
      }
      case 'gamma':
        x = random.gamma(p[0]!) / p[1]!;
        break;
      case 'beta':
        x = drawBeta(random, p[0]!, p[1]!);
        break;
    }
    // An empty interval (inconsistent censoring) leaves the value where it is rather than writing NaN.
    if (!Number.isNaN(x)) node.variable.values[node.offset] = x;
    if (this.propagation) this.propagation.run();
    else (this.plain ??= Propagation.of(this.graph, node)).run();
  }

  /** Without a renaming, the node's dependents written in place (propagation.ts), made at the first update. */
  private plain: Propagation | undefined;
}

export class DirichletSampler implements Sampler {
  readonly label = 'conjugate dirichlet';
  readonly nodes: StochasticNode[];
  private readonly alpha: Float64Array;
  private readonly draw: Float64Array;

  constructor(
    private readonly graph: ModelGraph,
    private readonly conditional: DirichletConditional,
  ) {
    this.nodes = [conditional.node];
    this.alpha = new Float64Array(conditional.node.side);
    this.draw = new Float64Array(conditional.node.side);
  }

  update(random: Random): void {
    const node = this.conditional.node;
    this.conditional.parameters(this.alpha);
    drawDirichlet(random, this.alpha, this.draw, node.side);
    scatterValue(node, this.draw);
    propagate(this.graph, node);
  }
}

export class WishartSampler implements Sampler {
  readonly label = 'conjugate wishart';
  readonly nodes: StochasticNode[];
  private readonly rate: Float64Array;
  private readonly factor: Float64Array;
  private readonly draw: Float64Array;
  private readonly scratch: Float64Array;

  constructor(
    private readonly graph: ModelGraph,
    private readonly conditional: WishartConditional,
  ) {
    const d = conditional.node.side;
    this.nodes = [conditional.node];
    this.rate = new Float64Array(d * d);
    this.factor = new Float64Array(d * d);
    this.draw = new Float64Array(d * d);
    this.scratch = new Float64Array(d * d);
  }

  update(random: Random): void {
    const node = this.conditional.node;
    const d = node.side;
    const k = this.conditional.parameters(this.rate);
    if (!cholesky(this.rate, this.factor, d)) return;
    drawWishartJags(random, this.factor, k, this.draw, d, this.scratch);
    scatterValue(node, this.draw);
    propagate(this.graph, node);
  }
}

/** Draws a Gaussian block (a dmnorm node, or scalar normal nodes sharing their children) jointly. */
export class GaussianBlockSampler implements Sampler {
  readonly label: string;
  readonly nodes: StochasticNode[];
  private readonly mean: Float64Array;
  private readonly draw: Float64Array;
  private readonly previous: Float64Array;

  /** With `expansion`, each update first rescales the block's latent children (scaleExpansion.ts), then draws the block. */
  constructor(
    private readonly block: GaussianBlock,
    private readonly expansion?: ScaleExpansion,
  ) {
    this.nodes = block.members;
    const name = block.members.length === 1 ? 'conjugate multivariate normal' : `block normal (${block.d})`;
    this.label = expansion ? `${name}, scale-expanded` : name;
    this.mean = new Float64Array(block.d);
    this.draw = new Float64Array(block.d);
    this.previous = new Float64Array(block.d);
  }

  update(random: Random): void {
    const { block } = this;
    // Through the block's coordinates: a scalar member's `offsets` is a new array each time it is asked for.
    block.getAll(this.previous);
    if (!block.compute()) {
      // Not positive definite (an improper prior with too little data): keep the current values.
      block.setAll(this.previous);
      return;
    }
    this.expansion?.apply(random);
    block.mean(this.mean);
    drawMultivariateNormalFromPrecision(random, this.mean, block.precision, this.draw, block.d);
    block.setAll(this.draw);
  }
}
