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
    const { node, children, graph, probed } = this;
    const d = node.side;
    const alpha = currentParameters(node);
    for (let k = 0; k < d; k++) out[k] = alpha[k]!;
    for (let j = 0; j < children.length; j++) {
      const child = children[j]!;
      if (probed[j] && !readsNow(graph, node, child, 0)) continue;
      if (child.distribution.name === 'dcat') {
        const y = child.variable.values[child.offset]!;
        out[y - 1] = out[y - 1]! + 1;
      } else {
        for (let k = 0; k < d; k++) out[k] = out[k]! + child.variable.values[child.offsets[k]!]!;
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
