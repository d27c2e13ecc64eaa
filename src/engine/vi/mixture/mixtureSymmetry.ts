/**
 * The mixture kernel's check for a symmetric point of VI, and the move off
 * it. The generic path asks the graph whether every row is as likely under
 * two components (starts/symmetry.ts); on the kernel a row's expected log
 * density under component k is a function of q(μ_k) and q(Ω_k) alone, so two
 * components with the same factors are such a pair. A pair counts only when
 * both hold data: emptied components sit at their common prior, which is
 * VI's answer for surplus components, not a saddle.
 */
import type { GaussianParameters } from '../../em/types';
import type { MixturePlate } from '../../fit/mixturePlate';
import type { FitDiagnostic } from '../../output/fitOutput';
import { identicalComponents } from '../../starts/symmetry';
import type { MixtureFactors } from './mixtureFactors';

const same = (a: number, b: number): boolean => Math.abs(a - b) <= 1e-9 * Math.max(1, Math.abs(a), Math.abs(b));

/** Each component's expected rows under q(z): what the last update added to its Dirichlet concentration. */
export function expectedRows(f: MixtureFactors): Float64Array {
  return f.alpha.map((a, k) => a - f.priors.concentration[k]!);
}

function identical(f: MixtureFactors, a: number, b: number): boolean {
  const { d, dd } = f;
  if (!same(f.df[a]!, f.df[b]!)) return false;
  for (let j = 0; j < d; j++) if (!same(f.mean[a * d + j]!, f.mean[b * d + j]!)) return false;
  for (let i = 0; i < dd; i++) {
    if (!same(f.R[a * dd + i]!, f.R[b * dd + i]!) || !same(f.covariance[a * dd + i]!, f.covariance[b * dd + i]!)) return false;
  }
  return true;
}

/** Groups (0-based, two or more each) of components with identical factors that each hold at least one expected row. */
export function identicalComponentGroups(f: MixtureFactors): number[][] {
  const rows = expectedRows(f);
  const grouped = new Uint8Array(f.K);
  const groups: number[][] = [];
  for (let a = 0; a < f.K; a++) {
    if (grouped[a] || rows[a]! < 1) continue;
    const group = [a];
    for (let b = a + 1; b < f.K; b++) if (!grouped[b] && rows[b]! >= 1 && identical(f, a, b)) group.push(b);
    if (group.length < 2) continue;
    for (const k of group) grouped[k] = 1;
    groups.push(group);
  }
  return groups;
}

/** The finding for the groups, worded as the generic path's (pairs as "1 and 2"); undefined when there are none. */
export function symmetricPointOf(plate: MixturePlate, groups: number[][]): FitDiagnostic | undefined {
  if (!groups.length) return undefined;
  const pairs = groups.flatMap((g) => g.flatMap((a, i) => g.slice(i + 1).map((b) => `${a + 1} and ${b + 1}`)));
  return identicalComponents(pairs, plate.latent, plate.columns[0]!.replace(/\[.*$/, ''), 'VI');
}

/**
 * A start beside the symmetric point: the current factors' expected
 * parameters, with each group's means spread along the principal axis of
 * their shared covariance E[Ω]⁻¹ = R/ν — a split move (as SMEM splits a
 * component), by `spread` standard deviations between neighbours; weights
 * shared equally inside each group.
 */
export function splitStart(f: MixtureFactors, groups: number[][], spread: number): GaussianParameters {
  const { K, d, dd } = f;
  const weights = f.expectedWeights();
  const means = Float64Array.from(f.mean);
  const covariances = new Float64Array(K * dd);
  for (let k = 0; k < K; k++) for (let i = 0; i < dd; i++) covariances[k * dd + i] = f.R[k * dd + i]! / f.df[k]!;
  const axis = new Float64Array(d);
  for (const group of groups) {
    const at = group[0]! * dd;
    const variance = principalAxis(covariances.subarray(at, at + dd), d, axis);
    const step = spread * Math.sqrt(variance);
    let total = 0;
    for (const k of group) total += weights[k]!;
    group.forEach((k, i) => {
      const offset = (i - (group.length - 1) / 2) * step;
      for (let j = 0; j < d; j++) means[k * d + j] += offset * axis[j]!;
      weights[k] = total / group.length;
    });
  }
  return { kind: 'gaussian', weights, means, covariances };
}

/** The leading eigenvector of a symmetric positive definite d × d matrix (power iteration) into `axis`; returns its eigenvalue. */
function principalAxis(matrix: Float64Array, d: number, axis: Float64Array): number {
  // Start off every eigenvector's orthogonal complement: unequal positive entries.
  for (let j = 0; j < d; j++) axis[j] = 1 + j / d;
  let value = 0;
  const next = new Float64Array(d);
  for (let iteration = 0; iteration < 200; iteration++) {
    for (let i = 0; i < d; i++) {
      let s = 0;
      for (let j = 0; j < d; j++) s += matrix[i * d + j]! * axis[j]!;
      next[i] = s;
    }
    value = Math.hypot(...next);
    if (!(value > 0)) break;
    let moved = 0;
    for (let j = 0; j < d; j++) {
      const v = next[j]! / value;
      moved = Math.max(moved, Math.abs(v - axis[j]!));
      axis[j] = v;
    }
    if (moved <= 1e-12) break;
  }
  return value;
}
