import { nodeLogDensity, propagate, type ModelGraph, type StochasticNode } from '../model/graph';
import type { Random } from '../random/rng';
import { analyzeConditional, type Conditional } from './conditionals';

/** Updates some nodes of the graph by one Gibbs step. */
export interface Sampler {
  /** What users see in the output, e.g. "conjugate normal". */
  readonly label: string;
  readonly nodes: StochasticNode[];
  update(random: Random): void;
  /** Called after each burn-in iteration; samplers that adapt do it here only. */
  adapt?(): void;
}

/**
 * Makes a sampler for a node if the graph's structure around it allows;
 * factories are tried in a fixed order, most specific first, as in JAGS.
 */
export interface SamplerFactory {
  readonly name: string;
  claim(graph: ModelGraph, node: StochasticNode): Sampler | undefined;
}

class ConjugateSampler implements Sampler {
  readonly label: string;
  readonly nodes: StochasticNode[];
  private readonly parameters = new Float64Array(2);

  constructor(
    private readonly graph: ModelGraph,
    private readonly conditional: Conditional,
  ) {
    this.label = `conjugate ${conditional.family}`;
    this.nodes = [conditional.node];
  }

  update(random: Random): void {
    const p = this.parameters;
    this.conditional.parameters(p);
    const node = this.conditional.node;
    const x = this.conditional.family === 'normal' ? p[0]! + random.normal() / Math.sqrt(p[1]!) : random.gamma(p[0]!) / p[1]!;
    node.variable.values[node.offset] = x;
    propagate(this.graph, node);
  }
}

const conjugateFactory: SamplerFactory = {
  name: 'conjugate',
  claim(graph, node) {
    const conditional = analyzeConditional(graph, node);
    return conditional ? new ConjugateSampler(graph, conditional) : undefined;
  },
};

/**
 * Univariate slice sampling with stepping out (Neal 2003, fig. 3), for any
 * continuous node. The width adapts during burn-in to the mean size of the
 * moves, as JAGS's slice sampler does.
 */
class SliceSampler implements Sampler {
  readonly label = 'slice';
  readonly nodes: StochasticNode[];
  private width = 1;
  private movedTotal = 0;
  private moves = 0;
  private static readonly MAX_STEPS = 50;

  constructor(
    private readonly graph: ModelGraph,
    private readonly node: StochasticNode,
    private readonly children: StochasticNode[],
  ) {
    this.nodes = [node];
  }

  private logConditional(x: number): number {
    const { node } = this;
    node.variable.values[node.offset] = x;
    propagate(this.graph, node);
    let total = nodeLogDensity(node);
    if (total === Number.NEGATIVE_INFINITY || Number.isNaN(total)) return Number.NEGATIVE_INFINITY;
    for (let j = 0; j < this.children.length; j++) {
      total += nodeLogDensity(this.children[j]!);
      if (total === Number.NEGATIVE_INFINITY || Number.isNaN(total)) return Number.NEGATIVE_INFINITY;
    }
    return total;
  }

  update(random: Random): void {
    const x0 = this.node.variable.values[this.node.offset]!;
    const level = this.logConditional(x0) - random.exponential();
    let left = x0 - this.width * random.uniform();
    let right = left + this.width;
    let steps = Math.floor(SliceSampler.MAX_STEPS * random.uniform());
    let rightSteps = SliceSampler.MAX_STEPS - 1 - steps;
    while (steps-- > 0 && this.logConditional(left) > level) left -= this.width;
    while (rightSteps-- > 0 && this.logConditional(right) > level) right += this.width;
    for (;;) {
      const x = left + (right - left) * random.uniform();
      if (this.logConditional(x) > level) {
        this.movedTotal += Math.abs(x - x0);
        this.moves++;
        return;
      }
      if (x < x0) left = x;
      else right = x;
      if (right - left < 1e-300) {
        this.logConditional(x0);
        return;
      }
    }
  }

  adapt(): void {
    if (this.moves >= 50) {
      this.width = Math.max(2 * (this.movedTotal / this.moves), 1e-8);
      this.movedTotal = 0;
      this.moves = 0;
    }
  }
}

const sliceFactory: SamplerFactory = {
  name: 'slice',
  claim(graph, node) {
    if (node.distribution.discrete) return undefined;
    return new SliceSampler(graph, node, node.children.map((id) => graph.stochastic[id]!));
  },
};

export const SAMPLER_FACTORIES: readonly SamplerFactory[] = [conjugateFactory, sliceFactory];
