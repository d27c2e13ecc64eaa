import { propagate, type ModelGraph, type StochasticNode } from '../model/graph';
import { Dependence, DependenceAnalysis } from './linearity';

/**
 * The complete conditional p(θ | everything else) of one node when it is in
 * closed form. Gibbs draws from it; EM takes its mode; VI its expectations.
 * `parameters` writes the conditional's parameters at the current values of
 * the rest of the model into `out`, without allocating.
 */
export interface Conditional {
  family: 'normal' | 'gamma';
  node: StochasticNode;
  /** normal: [mean, precision]; gamma: [shape, rate]. */
  parameters(out: Float64Array): void;
}

/** Returns the node's complete conditional if local conjugacy gives one, else undefined. */
export function analyzeConditional(graph: ModelGraph, node: StochasticNode): Conditional | undefined {
  if (node.observed || node.statement.truncation) return undefined;
  const children = node.children.map((id) => graph.stochastic[id]!);
  if (children.some((c) => c.statement.truncation)) return undefined;
  const analysis = new DependenceAnalysis(graph, node);
  const dependence = (child: StochasticNode, k: number): Dependence => analysis.of(child.statement.args[k]!, child.scope);

  switch (node.distribution.name) {
    case 'dnorm': {
      const ok = children.every(
        (c) => c.distribution.name === 'dnorm' && dependence(c, 0) !== Dependence.Nonlinear && dependence(c, 1) === Dependence.Constant,
      );
      return ok ? new NormalConditional(graph, node, children) : undefined;
    }
    case 'dgamma':
    case 'dexp': {
      const ok = children.every((c) => {
        const rateIndex = GAMMA_CHILD_RATE[c.distribution.name];
        if (rateIndex === undefined) return false;
        return c.statement.args.every((_, k) => (k === rateIndex ? dependence(c, k) === Dependence.Scale : dependence(c, k) === Dependence.Constant));
      });
      return ok ? new GammaConditional(graph, node, children) : undefined;
    }
    default:
      return undefined;
  }
}

/** For each child family a gamma node can be conjugate to: which parameter must be c·θ. */
const GAMMA_CHILD_RATE: Record<string, number> = { dnorm: 1, dpois: 0, dexp: 0, dgamma: 1 };

/** Writes a value to the node and refreshes what depends on it. */
function setValue(graph: ModelGraph, node: StochasticNode, x: number): void {
  node.variable.values[node.offset] = x;
  propagate(graph, node);
}

/** Normal prior, normal children whose means are a_j + b_j·θ: the conditional is normal. */
class NormalConditional implements Conditional {
  readonly family = 'normal';
  private readonly intercepts: Float64Array;

  constructor(
    private readonly graph: ModelGraph,
    readonly node: StochasticNode,
    private readonly children: StochasticNode[],
  ) {
    this.intercepts = new Float64Array(children.length);
  }

  parameters(out: Float64Array): void {
    const { graph, node, children, intercepts } = this;
    const saved = node.variable.values[node.offset]!;
    const m0 = node.params[0]!();
    const t0 = node.params[1]!();
    // The coefficients follow from two evaluations; linearity was checked symbolically.
    setValue(graph, node, 0);
    for (let j = 0; j < children.length; j++) intercepts[j] = children[j]!.params[0]!();
    setValue(graph, node, 1);
    let precision = t0;
    let weighted = t0 * m0;
    for (let j = 0; j < children.length; j++) {
      const child = children[j]!;
      const b = child.params[0]!() - intercepts[j]!;
      const tau = child.params[1]!();
      precision += tau * b * b;
      weighted += tau * b * (child.variable.values[child.offset]! - intercepts[j]!);
    }
    setValue(graph, node, saved);
    out[0] = weighted / precision;
    out[1] = precision;
  }
}

/** Gamma (or exponential) prior, children with a rate or precision c_j·θ: the conditional is gamma. */
class GammaConditional implements Conditional {
  readonly family = 'gamma';

  constructor(
    private readonly graph: ModelGraph,
    readonly node: StochasticNode,
    private readonly children: StochasticNode[],
  ) {}

  parameters(out: Float64Array): void {
    const { graph, node, children } = this;
    const saved = node.variable.values[node.offset]!;
    let shape: number;
    let rate: number;
    if (node.distribution.name === 'dexp') {
      shape = 1;
      rate = node.params[0]!();
    } else {
      shape = node.params[0]!();
      rate = node.params[1]!();
    }
    setValue(graph, node, 1);
    for (let j = 0; j < children.length; j++) {
      const child = children[j]!;
      const y = child.variable.values[child.offset]!;
      switch (child.distribution.name) {
        case 'dnorm': {
          const d = y - child.params[0]!();
          shape += 0.5;
          rate += 0.5 * child.params[1]!() * d * d;
          break;
        }
        case 'dpois':
          shape += y;
          rate += child.params[0]!();
          break;
        case 'dexp':
          shape += 1;
          rate += child.params[0]!() * y;
          break;
        case 'dgamma':
          shape += child.params[0]!();
          rate += child.params[1]!() * y;
          break;
      }
    }
    setValue(graph, node, saved);
    out[0] = shape;
    out[1] = rate;
  }
}
