/**
 * Chains of a latent factor model whose loadings differ by a sign flip or a
 * rotation. The likelihood of x = W·z + noise, z ~ N(0, I), is unchanged when
 * W becomes W·R for any orthogonal R (and the scores Rᵀ·z): each chain settles
 * in one of these equivalent modes, and pooled summaries (means near 0, R-hat
 * far above 1) describe none of them. Detected on the segment means (the
 * split halves of each chain): a segment whose loading matrix differs from the
 * first's as it stands but agrees with it after the orthogonal Procrustes
 * rotation (R = U·Vᵀ from the SVD of M₀ᵀ·Mₛ).
 */
import { Matrix, SingularValueDecomposition } from 'ml-matrix';
import type { LabelSwitching, SegmentMoments } from './labelSwitching';

/** The loadings concerned and the explanation: the shape of a label-switching finding. */
export type FactorRotation = LabelSwitching;

/**
 * As in labelSwitching.ts, segments differ when some loading's mean is 2 pooled sds away. They agree after the
 * rotation within 1 sd: a segment mean's Monte-Carlo error is sd/√ESS_segment (0.3 sd at an ESS of 10 per
 * half-chain, usual for loadings, which mix slowly), the difference of two about 0.45 sd, and the fitted rotation
 * takes K(K−1)/2 of the freedom: 1 sd is about 2 such errors, while a scaled or unrelated matrix is many sds off.
 */
const DIFFER = 2;
const AGREE = 1;
/** A rotation whose entries are all within this of 0 or ±1 is a permutation with signs: sign flips (and swaps). */
const SIGNED_PERMUTATION = 0.05;

/** Loadings: a variable with two indices (rows × factors) or one (a single factor's loadings), at least 2 rows. */
export function findFactorRotations(moments: ReadonlyArray<{ name: string; moments: SegmentMoments }>): FactorRotation[] {
  const variables = new Map<string, Array<{ name: string; index: number[]; moments: SegmentMoments }>>();
  for (const m of moments) {
    const match = /^([^[]+)\[([\d,\s]+)\]$/.exec(m.name);
    if (!match) continue;
    const index = match[2]!.split(',').map((s) => Number(s.trim()));
    if (index.length > 2) continue;
    const list = variables.get(match[1]!) ?? [];
    list.push({ name: m.name, index, moments: m.moments });
    variables.set(match[1]!, list);
  }
  const found: FactorRotation[] = [];
  for (const [variable, elements] of variables) {
    const finding = rotationOf(variable, elements);
    if (finding) found.push(finding);
  }
  return found;
}

function rotationOf(variable: string, elements: Array<{ name: string; index: number[]; moments: SegmentMoments }>): FactorRotation | undefined {
  const twoIndices = elements.every((e) => e.index.length === 2);
  if (!twoIndices && !elements.every((e) => e.index.length === 1)) return undefined;
  const rows = Math.max(...elements.map((e) => e.index[0]!));
  const columns = twoIndices ? Math.max(...elements.map((e) => e.index[1]!)) : 1;
  // Factors are the shorter side: W[d,k] with d rows of data dimensions and k factors.
  if (rows < 2 || elements.length !== rows * columns || columns > rows) return undefined;
  const segments = elements[0]!.moments.means.length;
  if (segments < 2 || elements.some((e) => e.moments.length < 10)) return undefined;
  const at = (e: (typeof elements)[number]): [number, number] => [e.index[0]! - 1, (e.index[1] ?? 1) - 1];
  const sd = new Matrix(rows, columns);
  for (const e of elements) {
    const s = e.moments.sds;
    let pooled = 0;
    for (let k = 0; k < s.length; k++) pooled += s[k]! ** 2;
    sd.set(...at(e), Math.sqrt(pooled / s.length) || 1e-12);
  }
  const means = (segment: number): Matrix => {
    const m = new Matrix(rows, columns);
    for (const e of elements) m.set(...at(e), e.moments.means[segment]!);
    return m;
  };
  const gap = (a: Matrix, b: Matrix): number => {
    let worst = 0;
    for (let i = 0; i < rows; i++) for (let j = 0; j < columns; j++) worst = Math.max(worst, Math.abs(a.get(i, j) - b.get(i, j)) / sd.get(i, j));
    return worst;
  };
  const reference = means(0);
  let flips = 0;
  let rotations = 0;
  for (let s = 1; s < segments; s++) {
    const segment = means(s);
    if (gap(segment, reference) <= DIFFER) continue;
    const svd = new SingularValueDecomposition(reference.transpose().mmul(segment));
    const rotation = svd.leftSingularVectors.mmul(svd.rightSingularVectors.transpose());
    if (gap(segment, reference.mmul(rotation)) > AGREE) return undefined;
    const signed = rotation.to1DArray().every((v) => Math.abs(v) < SIGNED_PERMUTATION || Math.abs(Math.abs(v) - 1) < SIGNED_PERMUTATION);
    if (signed) flips++;
    else rotations++;
  }
  if (flips + rotations === 0) return undefined;
  const names = elements.map((e) => e.name);
  const what = rotations === 0 ? 'a change of sign (or order) of whole factors' : 'a rotation of the factors';
  const fix = columns === 1
    ? `fix the sign, e.g. a positive first loading: ${variable}[1] ~ dnorm(0, 1) T(0,)`
    : `fix the rotation: a lower-triangular ${variable} (${variable}[j,k] <- 0 for k > j) with a positive diagonal (${variable}[k,k] ~ dnorm(0, 1) T(0,))`;
  return {
    nodes: names,
    message: `${names.join(', ')}: the chains' loadings differ by ${what}, not by poor mixing. ` +
      `A factor model's likelihood is unchanged when ${variable} becomes ${variable}·R for an orthogonal R (the scores turned by Rᵀ), so each chain found an equivalent mode; ` +
      `pooled means (near 0) and R-hat describe none of them. To get one answer, ${fix}; or summarise each chain alone, or quantities R leaves unchanged (${variable}·${variable}ᵀ).`,
  };
}
