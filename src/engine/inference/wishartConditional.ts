import { currentParameters, type ModelGraph, type StochasticNode } from '../model/graph';
import { Dependence, DependenceAnalysis } from './linearity';
import { hasStochasticIndex, readsNow, referencesWhole } from './probe';
import type { Expression } from '../language/ast';

/**
 * JAGS's dwish(R, k) prior on a precision matrix Ω, multivariate normal
 * children with precision Ω (directly, or through a stochastic index as in
 * `x[i, ] ~ dmnorm(mu[z[i], ], Omega[, , z[i]])`), or c Ω with a fixed
 * scalar c (the Normal–Wishart's `mu[] ~ dmnorm(mu0[], beta0 * Omega[, ])`),
 * and means free of Ω: the conditional is dwish(R + Σ c (x − μ)(x − μ)ᵀ, k + n).
 */
export class WishartConditional {
  readonly family = 'wishart';
  private readonly probed: Uint8Array;
  private readonly mean: Float64Array;

  constructor(
    private readonly graph: ModelGraph,
    readonly node: StochasticNode,
    private readonly children: StochasticNode[],
    /** Per child, the fixed c of its precision c Ω. */
    private readonly scales: Float64Array,
  ) {
    this.probed = Uint8Array.from(children.map((c) => (hasStochasticIndex(graph, c, 1) ? 1 : 0)));
    this.mean = new Float64Array(node.side);
  }

  /** The posterior R into `out` (d × d); returns the posterior degrees of freedom. */
  parameters(out: Float64Array): number {
    return this.accumulate(out, this.prior(out, true));
  }

  /** The prior's R into `out`, returning its k; without `withPrior` R = 0 and k = d + 1, so the mode is the likelihood's maximum. */
  prior(out: Float64Array, withPrior: boolean): number {
    const d = this.node.side;
    const p = currentParameters(this.node);
    for (let k = 0; k < d * d; k++) out[k] = withPrior ? p[k]! : 0;
    return withPrior ? p[d * d]! : d + 1;
  }

  /** Adds w × the prior's R to `out` and returns k plus w × (k₀ − d − 1): EM weighs a prior that reads a latent node by its posterior. */
  addPrior(out: Float64Array, k: number, w: number): number {
    if (w === 0) return k;
    const d = this.node.side;
    const p = currentParameters(this.node);
    for (let i = 0; i < d * d; i++) out[i] = out[i]! + w * p[i]!;
    return k + w * (p[d * d]! - d - 1);
  }

  /** Adds the children's scatter to R (`out`) at the current state, weighted per child id; returns k plus the children's weight. */
  accumulate(out: Float64Array, k: number, weight?: Float64Array): number {
    const { node, children, graph, probed, scales } = this;
    const d = node.side;
    for (let j = 0; j < children.length; j++) {
      const child = children[j]!;
      const w = weight ? weight[child.id]! : 1;
      if (w === 0 || (probed[j] && !readsNow(graph, node, child, 1))) continue;
      // Only the mean: a child's precision (d² evaluations) is Ω itself, not needed here.
      const q = this.mean;
      for (let a = 0; a < d; a++) q[a] = child.parameter(a);
      const values = child.variable.values;
      const ws = w * scales[j]!;
      for (let a = 0; a < d; a++) {
        const ra = ws * (values[child.offsets[a]!]! - q[a]!);
        for (let b = 0; b <= a; b++) out[a * d + b] = out[a * d + b]! + ra * (values[child.offsets[b]!]! - q[b]!);
      }
      k += w;
    }
    for (let a = 0; a < d; a++) for (let b = 0; b < a; b++) out[b * d + a] = out[a * d + b]!;
    return k;
  }
}

export function analyzeWishart(graph: ModelGraph, node: StochasticNode): WishartConditional | undefined {
  if (node.observed || node.distribution.name !== 'dwish') return undefined;
  const children = node.children.map((id) => graph.stochastic[id]!);
  const analysis = new DependenceAnalysis(graph, node);
  const scales = new Float64Array(children.length);
  const ok = children.every((c, j) => {
    if (c.distribution.name !== 'dmnorm' || c.side !== node.side) return false;
    const scale = precisionScale(graph, c, node);
    if (scale === undefined) return false;
    scales[j] = scale;
    return analysis.elements(c.statement.args[0]!, c.scope).every((x) => x === Dependence.Constant);
  });
  return ok ? new WishartConditional(graph, node, children, scales) : undefined;
}

/** c when the child's precision is Ω itself (c = 1) or `c * Ω` / `Ω * c` with c a fixed positive number; else undefined. */
function precisionScale(graph: ModelGraph, child: StochasticNode, node: StochasticNode): number | undefined {
  if (referencesWhole(child, 1, node)) return 1;
  const e = child.statement.args[1];
  if (e?.kind !== 'binary' || e.op !== '*' || hasStochasticIndex(graph, child, 1)) return undefined;
  const whole = (x: Expression): boolean => (x.kind === 'name' || x.kind === 'index') && x.name === node.variable.name && child.paramSizes[1] === node.offsets.length;
  const fixed = whole(e.right) ? e.left : whole(e.left) ? e.right : undefined;
  if (!fixed) return undefined;
  const c = graph.expressions.tryConstant(fixed, child.scope);
  return c !== undefined && c > 0 ? c : undefined;
}
