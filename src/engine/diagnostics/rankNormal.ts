import { DrawMatrix, lowerBound, sortedQuantile } from './drawMatrix';
import { normalQuantile } from './normalQuantile';

/**
 * Rank normalisation (Vehtari et al. 2021, eq. 14): each kept draw is replaced
 * by Φ⁻¹((r − 3/8) / (S + 1/4)), r its rank among the S kept draws of all
 * chains (Blom's offset, as `posterior`'s `z_scale`), ties taking their
 * average rank. Returns the split halves of the normal scores.
 */
export function rankNormalizedSegments(draws: DrawMatrix): Float64Array[] {
  const sorted = draws.sortedKept();
  const scores = scoresOfSorted(draws, sorted);
  return draws.transformedSegments((x) => scores[lowerBound(sorted, x)]!);
}

/**
 * The same for the draws folded about the median of all draws, |x − median|,
 * which exposes chains that differ in scale rather than location.
 */
export function foldedRankNormalizedSegments(draws: DrawMatrix): Float64Array[] {
  const median = sortedQuantile(draws.sorted(), 0.5);
  const folded = sortedFolded(draws.sortedKept(), median, draws.workspace.sortedFolded);
  const scores = scoresOfSorted(draws, folded);
  return draws.transformedSegments((x) => scores[lowerBound(folded, Math.abs(x - median))]!);
}

/**
 * |x − median| of sorted x, in increasing order without sorting: the draws
 * below the median, read backwards, and those above it, read forwards, are
 * each increasing in distance, so one merge orders them.
 */
function sortedFolded(sorted: Float64Array, median: number, buffer: Float64Array): Float64Array {
  const n = sorted.length;
  const out = buffer.subarray(0, n);
  let below = lowerBound(sorted, median) - 1;
  let above = below + 1;
  for (let k = 0; k < n; k++) {
    const down = below >= 0 ? Math.abs(sorted[below]! - median) : Infinity;
    const up = above < n ? Math.abs(sorted[above]! - median) : Infinity;
    if (down <= up) {
      out[k] = down;
      below--;
    } else {
      out[k] = up;
      above++;
    }
  }
  return out;
}

/** Normal score of every position of sorted values; tied values share the score of their average rank. */
function scoresOfSorted(draws: DrawMatrix, sorted: Float64Array): Float64Array {
  const ws = draws.workspace;
  const size = sorted.length;
  if (ws.scoreTableSize !== size) {
    if (ws.scoreTable.length < size) ws.scoreTable = new Float64Array(size);
    for (let i = 0; i < size; i++) ws.scoreTable[i] = normalQuantile((i + 1 - 3 / 8) / (size + 1 / 4));
    ws.scoreTableSize = size;
  }
  const out = ws.scores.subarray(0, size);
  for (let i = 0; i < size; ) {
    let j = i + 1;
    while (j < size && sorted[j] === sorted[i]) j++;
    const score = j - i === 1 ? ws.scoreTable[i]! : normalQuantile(((i + 1 + j) / 2 - 3 / 8) / (size + 1 / 4));
    out.fill(score, i, j);
    i = j;
  }
  return out;
}
