import { EigenvalueDecomposition, Matrix } from 'ml-matrix';

/**
 * The first L principal-component scores of a row matrix (rows × D, NaN as
 * the column mean), scaled to unit variance: z_il = (x_i − x̄)·v_l / √λ_l.
 * Given as latent factors, one M-step turns them into loadings along the
 * principal axes, √λ_l·v_l — Tipping & Bishop's (1999) ML loadings up to the
 * noise share — so EM starts next to the answer, never at W = 0.
 */
export function pcaScores(data: Float64Array, rows: number, d: number, L: number): Float64Array | undefined {
  const mean = new Float64Array(d);
  const counts = new Float64Array(d);
  for (let i = 0; i < rows; i++) {
    for (let j = 0; j < d; j++) {
      const v = data[i * d + j]!;
      if (Number.isNaN(v)) continue;
      mean[j] += v;
      counts[j]++;
    }
  }
  for (let j = 0; j < d; j++) mean[j] = counts[j]! > 0 ? mean[j]! / counts[j]! : 0;
  const centred = new Float64Array(rows * d);
  for (let i = 0; i < rows; i++) {
    for (let j = 0; j < d; j++) {
      const v = data[i * d + j]!;
      centred[i * d + j] = Number.isNaN(v) ? 0 : v - mean[j]!;
    }
  }
  const covariance = new Matrix(d, d);
  for (let a = 0; a < d; a++) {
    for (let b = 0; b <= a; b++) {
      let s = 0;
      for (let i = 0; i < rows; i++) s += centred[i * d + a]! * centred[i * d + b]!;
      covariance.set(a, b, s / rows);
      covariance.set(b, a, s / rows);
    }
  }
  const eigen = new EigenvalueDecomposition(covariance, { assumeSymmetric: true });
  const values = eigen.realEigenvalues;
  const vectors = eigen.eigenvectorMatrix;
  const order = values.map((_, k) => k).sort((a, b) => values[b]! - values[a]!);
  const scores = new Float64Array(rows * L);
  for (let l = 0; l < L; l++) {
    const k = order[l]!;
    const lambda = values[k]!;
    if (!(lambda > 1e-12 * Math.max(values[order[0]!]!, 1e-300))) return undefined;
    const scale = 1 / Math.sqrt(lambda);
    for (let i = 0; i < rows; i++) {
      let s = 0;
      for (let j = 0; j < d; j++) s += centred[i * d + j]! * vectors.get(j, k);
      scores[i * L + l] = s * scale;
    }
  }
  return scores;
}
