import { transientParameters, propagate, type ModelGraph, type StochasticNode } from '../model/graph';
import { drawGamma } from '../random/draws';
import type { Random } from '../random/rng';
import { cutsAreData } from './censoredNormalSampler';
import { isNodeItself } from './conditionals';
import type { GaussianBlock } from './gaussianBlock';

/**
 * Parameter-expanded data augmentation (Liu & Wu 1999; Imai & van Dyk 2005)
 * for a Gaussian block θ whose children are latent normals censored at zero,
 * as in probit regression by augmentation:
 *   z_j ~ N(A_j θ, 1/τ_j),  y_j ~ dinterval(z_j, 0),  θ ~ N(0, Λ₀⁻¹).
 * The target is unchanged when every z_j is multiplied by the same g > 0
 * (the signs the data fix stay), and with θ integrated out the marginal of
 * z along that direction is
 *   p(g | z) ∝ g^(n−1) · exp(−g² R / 2),  R = Σ_j τ_j z_j² − ηᵀ Λ⁻¹ η,
 * with Λ, η the block's conditional precision and linear term at z (η is
 * linear in z because the prior mean is 0). So g² ~ Gamma(n/2, R/2); z ← g·z
 * is a move of the generalised Gibbs sampler (Liu & Sabatti 2000) that keeps
 * the marginal of z, and θ drawn afterwards from its exact conditional at the
 * new z keeps the joint. The move costs one pass over the z's, and removes
 * the slow mixing of the plain sampler along the overall scale of (z, θ).
 */
export class ScaleExpansion {
  /** τ_j, fixed: one number when every child has the same (a probit's ones), else one a child. */
  private readonly precisions: Float64Array | undefined;
  private readonly precision: number;
  private readonly whitened: Float64Array;

  private constructor(
    private readonly graph: ModelGraph,
    private readonly block: GaussianBlock,
  ) {
    const children = block.children;
    const first = children[0]!.parameter(1);
    let same = true;
    for (let j = 1; j < children.length && same; j++) same = Object.is(children[j]!.parameter(1), first);
    this.precision = same ? first : Number.NaN;
    this.precisions = same ? undefined : Float64Array.from(children, (c) => c.parameter(1));
    this.whitened = new Float64Array(block.d);
  }

  /** The expansion for `block`, when its structure allows one (see the class comment); otherwise undefined. */
  static of(graph: ModelGraph, block: GaussianBlock): ScaleExpansion | undefined {
    if (!block.fixedDesign || !block.fixedPrecision || block.children.length === 0) return undefined;
    if (!block.members.every((m) => priorMeanIsZero(m))) return undefined;
    if (!block.children.every((z) => isSignOfLatentNormal(graph, z)) || !block.interceptsAreZero()) return undefined;
    return new ScaleExpansion(graph, block);
  }

  /** After `block.compute()` (Λ factorised, η at the current z): draws g, rescales the z's and η. */
  apply(random: Random): void {
    const { block } = this;
    const { children } = block;
    const { precisions, precision, whitened } = this;
    const n = children.length;
    let squares = 0;
    for (let j = 0; j < n; j++) {
      const z = children[j]!;
      const value = z.variable.values[z.offset]!;
      squares += (precisions ? precisions[j]! : precision) * value * value;
    }
    // ηᵀΛ⁻¹η = |L⁻¹η|² with Λ = LLᵀ.
    const d = block.d;
    const l = block.precision;
    let explained = 0;
    for (let i = 0; i < d; i++) {
      let s = block.linear[i]!;
      for (let k = 0; k < i; k++) s -= l[i * d + k]! * whitened[k]!;
      whitened[i] = s / l[i * d + i]!;
      explained += whitened[i]! * whitened[i]!;
    }
    const residual = squares - explained;
    if (!(residual > 0) || !Number.isFinite(residual)) return;
    const g = Math.sqrt(drawGamma(random, n / 2, residual / 2));
    if (!(g > 0) || !Number.isFinite(g)) return;
    for (let j = 0; j < n; j++) {
      const z = children[j]!;
      z.variable.values[z.offset] = g * z.variable.values[z.offset]!;
      if (z.dependents.length > 0) propagate(this.graph, z);
    }
    for (let i = 0; i < d; i++) block.linear[i] = g * block.linear[i]!;
  }
}

function priorMeanIsZero(member: StochasticNode): boolean {
  if (member.distribution.name === 'dnorm') return member.parameter(0) === 0;
  const p = transientParameters(member);
  for (let k = 0; k < member.side; k++) if (p[k] !== 0) return false;
  return true;
}

/**
 * Whether z is a latent normal whose children only observe its sign: an
 * unobserved, untruncated scalar dnorm, every child an observed
 * dinterval(z, 0) of z itself with the cut points data, all zero. (Cheaper
 * than isCensoredNormal's dependence analysis: it runs once per row.)
 */
function isSignOfLatentNormal(graph: ModelGraph, z: StochasticNode): boolean {
  if (z.distribution.name !== 'dnorm' || z.side !== 1 || z.observed || z.statement.truncation || z.childCount === 0) return false;
  if (!cutsAreData(graph, z)) return false;
  // childCount and child, not `children`: a node keeping a lone child as its id would make its list (nodeRecords.ts).
  for (let j = 0; j < z.childCount; j++) {
    const child = graph.stochastic[z.child(j)]!;
    if (child.distribution.name !== 'dinterval' || !child.observed || child.statement.truncation || !isNodeItself(graph, child, z)) return false;
    // The first parameter is z itself, the rest are the cut points.
    const cuts = transientParameters(child);
    for (let k = 1; k < cuts.length; k++) if (cuts[k] !== 0) return false;
    if (cuts.length <= 1) return false;
  }
  return true;
}
