import { DrawMatrix, sortedQuantile, type RankScores } from './drawMatrix';
import { normalQuantile } from './normalQuantile';

/**
 * Rank normalisation (Vehtari et al. 2021, eq. 14): each kept draw is replaced
 * by Φ⁻¹((r − 3/8) / (S + 1/4)), r its rank among the S kept draws of all
 * chains (Blom's offset, as `posterior`'s `z_scale`), ties taking their
 * average rank; and the same for the draws folded about the median of all
 * draws, |x − median|, which exposes chains that differ in scale rather than
 * location. Returns the split halves of both.
 */
export function rankNormalScores(draws: DrawMatrix): RankScores {
  return draws.rankScores(computeScores);
}

function computeScores(draws: DrawMatrix): RankScores {
  const ws = draws.workspace;
  const size = draws.keptCount();
  ensureScoreTable(draws, size);
  const order = draws.keptOrder();
  const sorted = draws.sortedKept();
  const bulk = ws.bulkScores.subarray(0, size);
  assignScores(order, sorted, ws.scoreTable, bulk);

  // |x − median| in increasing order without sorting again: the draws below the
  // median, read downwards, and those above it, read upwards, each increase in
  // distance, so one merge orders them.
  const median = sortedQuantile(draws.sorted(), 0.5);
  const foldedOrder = ws.foldedOrder.subarray(0, size);
  const folded = ws.foldedSorted.subarray(0, size);
  let above = 0;
  while (above < size && sorted[above]! < median) above++;
  let below = above - 1;
  for (let k = 0; k < size; k++) {
    const down = below >= 0 ? median - sorted[below]! : Infinity;
    const up = above < size ? sorted[above]! - median : Infinity;
    if (down <= up) {
      folded[k] = down;
      foldedOrder[k] = order[below--]!;
    } else {
      folded[k] = up;
      foldedOrder[k] = order[above++]!;
    }
  }
  const foldedScores = ws.foldedScores.subarray(0, size);
  assignScores(foldedOrder, folded, ws.scoreTable, foldedScores);
  return { bulk: draws.viewsOf(bulk), folded: draws.viewsOf(foldedScores) };
}

/**
 * Gives each draw the normal score of its rank, from the values in increasing
 * order (`sorted`, the k-th smallest being draw `order[k]`); tied draws share
 * the score of their average rank.
 */
function assignScores(order: Uint32Array, sorted: Float64Array, table: Float64Array, out: Float64Array): void {
  const size = order.length;
  for (let i = 0; i < size; ) {
    const value = sorted[i]!;
    let j = i + 1;
    while (j < size && sorted[j] === value) j++;
    const score = j - i === 1 ? table[i]! : normalQuantile(((i + 1 + j) / 2 - 3 / 8) / (size + 1 / 4));
    for (let k = i; k < j; k++) out[order[k]!] = score;
    i = j;
  }
}

function ensureScoreTable(draws: DrawMatrix, size: number): void {
  const ws = draws.workspace;
  if (ws.scoreTableSize === size) return;
  if (ws.scoreTable.length < size) ws.scoreTable = new Float64Array(size);
  for (let i = 0; i < size; i++) ws.scoreTable[i] = normalQuantile((i + 1 - 3 / 8) / (size + 1 / 4));
  ws.scoreTableSize = size;
}
