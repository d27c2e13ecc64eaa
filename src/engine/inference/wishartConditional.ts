import { currentParameters, type ModelGraph, type StochasticNode } from '../model/graph';
import { Dependence, DependenceAnalysis } from './linearity';
import { hasStochasticIndex, readsNow, referencesWhole } from './probe';

/**
 * JAGS's dwish(R, k) prior on a precision matrix Ω, multivariate normal
 * children with precision Ω (directly, or through a stochastic index as in
 * `x[i, ] ~ dmnorm(mu[z[i], ], Omega[, , z[i]])`) and means free of Ω: the
 * conditional is dwish(R + Σ (x − μ)(x − μ)ᵀ, k + n).
 */
export class WishartConditional {
  readonly family = 'wishart';
  private readonly probed: Uint8Array;

  constructor(
    private readonly graph: ModelGraph,
    readonly node: StochasticNode,
    private readonly children: StochasticNode[],
  ) {
    this.probed = Uint8Array.from(children.map((c) => (hasStochasticIndex(graph, c, 1) ? 1 : 0)));
  }

  /** The posterior R into `out` (d × d); returns the posterior degrees of freedom. */
  parameters(out: Float64Array): number {
    const { node, children, graph, probed } = this;
    const d = node.side;
    const p = currentParameters(node);
    for (let k = 0; k < d * d; k++) out[k] = p[k]!;
    let k = p[d * d]!;
    for (let j = 0; j < children.length; j++) {
      const child = children[j]!;
      if (probed[j] && !readsNow(graph, node, child, 1)) continue;
      const q = currentParameters(child);
      const values = child.variable.values;
      for (let a = 0; a < d; a++) {
        const ra = values[child.offsets[a]!]! - q[a]!;
        for (let b = 0; b <= a; b++) out[a * d + b] = out[a * d + b]! + ra * (values[child.offsets[b]!]! - q[b]!);
      }
      k += 1;
    }
    for (let a = 0; a < d; a++) for (let b = 0; b < a; b++) out[b * d + a] = out[a * d + b]!;
    return k;
  }
}

export function analyzeWishart(graph: ModelGraph, node: StochasticNode): WishartConditional | undefined {
  if (node.observed || node.distribution.name !== 'dwish') return undefined;
  const children = node.children.map((id) => graph.stochastic[id]!);
  const analysis = new DependenceAnalysis(graph, node);
  const ok = children.every(
    (c) =>
      c.distribution.name === 'dmnorm' &&
      c.side === node.side &&
      referencesWhole(c, 1, node) &&
      analysis.elements(c.statement.args[0]!, c.scope).every((x) => x === Dependence.Constant),
  );
  return ok ? new WishartConditional(graph, node, children) : undefined;
}
