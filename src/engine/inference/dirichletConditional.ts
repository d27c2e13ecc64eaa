import { currentParameters, type ModelGraph, type StochasticNode } from '../model/graph';
import { Dependence, DependenceAnalysis } from './linearity';
import { hasStochasticIndex, readsNow, referencesWhole } from './probe';

/**
 * Dirichlet prior, categorical and multinomial children whose probability
 * vector is the node (directly, or through a stochastic index as in
 * `w[i] ~ dcat(phi[z[i], ])`): the conditional is Dirichlet(α + counts).
 */
export class DirichletConditional {
  readonly family = 'dirichlet';
  private readonly probed: Uint8Array;

  constructor(
    private readonly graph: ModelGraph,
    readonly node: StochasticNode,
    private readonly children: StochasticNode[],
  ) {
    this.probed = Uint8Array.from(children.map((c) => (hasStochasticIndex(graph, c, 0) ? 1 : 0)));
  }

  /** α + counts into `out` (node.side values). */
  parameters(out: Float64Array): void {
    this.prior(out, true);
    this.accumulate(out);
  }

  /** The prior's α; without `withPrior` all ones, so the mode is the likelihood's maximum. */
  prior(out: Float64Array, withPrior: boolean): void {
    const alpha = currentParameters(this.node);
    for (let k = 0; k < this.node.side; k++) out[k] = withPrior ? alpha[k]! : 1;
  }

  /** Adds w × (α − 1): EM weighs a prior that reads a latent node by that node's posterior. */
  addPrior(out: Float64Array, w: number): void {
    if (w === 0) return;
    const alpha = currentParameters(this.node);
    for (let k = 0; k < this.node.side; k++) out[k] = out[k]! + w * (alpha[k]! - 1);
  }

  /** Adds the children's counts at the current state, each multiplied by weight[child id] when weights are given. */
  accumulate(out: Float64Array, weight?: Float64Array): void {
    const { node, children, graph, probed } = this;
    const d = node.side;
    for (let j = 0; j < children.length; j++) {
      const child = children[j]!;
      const w = weight ? weight[child.id]! : 1;
      if (w === 0 || (probed[j] && !readsNow(graph, node, child, 0))) continue;
      if (child.distribution.name === 'dcat') {
        const y = child.variable.values[child.offset]!;
        out[y - 1] = out[y - 1]! + w;
      } else {
        for (let k = 0; k < d; k++) out[k] = out[k]! + w * child.variable.values[child.offsets[k]!]!;
      }
    }
  }
}

export function analyzeDirichlet(graph: ModelGraph, node: StochasticNode): DirichletConditional | undefined {
  if (node.observed || node.distribution.name !== 'ddirch') return undefined;
  const children = node.children.map((id) => graph.stochastic[id]!);
  const analysis = new DependenceAnalysis(graph, node);
  const ok = children.every((c) => {
    if (c.statement.truncation || (c.distribution.name !== 'dcat' && c.distribution.name !== 'dmulti')) return false;
    if (!referencesWhole(c, 0, node)) return false;
    // dmulti's size must not depend on the probabilities.
    return c.statement.args.every((arg, k) => k === 0 || analysis.of(arg, c.scope) === Dependence.Constant);
  });
  return ok ? new DirichletConditional(graph, node, children) : undefined;
}
