import { EssWorkspace, meanOf } from './ess';
import { RadixSorter } from './radixSort';

/**
 * Buffers shared by the diagnostics of many nodes of one run: transformed
 * draws, sorted copies and the normal scores of ranks. They grow to the
 * largest node seen and are then reused, so that diagnosing a node allocates
 * nothing per draw.
 */
export class DiagnosticsWorkspace {
  readonly ess = new EssWorkspace();
  readonly sorter = new RadixSorter();
  transformed = new Float64Array(0);
  kept = new Float64Array(0);
  sortedKept = new Float64Array(0);
  keptOrder = new Uint32Array(0);
  bulkScores = new Float64Array(0);
  foldedScores = new Float64Array(0);
  foldedOrder = new Uint32Array(0);
  foldedSorted = new Float64Array(0);
  /** Normal scores of untied ranks 1 … scoreTableSize (depends only on the number of draws). */
  scoreTable = new Float64Array(0);
  scoreTableSize = -1;

  ensure(kept: number): void {
    if (this.transformed.length < kept) {
      this.transformed = new Float64Array(kept);
      this.kept = new Float64Array(kept);
      this.sortedKept = new Float64Array(kept);
      this.keptOrder = new Uint32Array(kept);
      this.bulkScores = new Float64Array(kept);
      this.foldedScores = new Float64Array(kept);
      this.foldedOrder = new Uint32Array(kept);
      this.foldedSorted = new Float64Array(kept);
    }
  }
}

/**
 * The draws of one scalar: equal-length chains. "Kept" draws are those of the
 * split halves: `posterior` splits a chain of odd length n into draws
 * 1 … ⌊n/2⌋ and ⌈n/2⌉+1 … n, dropping the middle one.
 */
export class DrawMatrix {
  readonly length: number;
  readonly total: number;
  /** Draws per half chain (the whole chain when it has a single draw, as in `posterior`). */
  readonly halfLength: number;
  private sortedAll: Float64Array | undefined;
  private pooledMean: number | undefined;
  private kept: Float64Array | undefined;
  private order: Uint32Array | undefined;
  private scores: RankScores | undefined;

  /**
   * `known` may hold what the caller already has for all draws laid out chain
   * after chain: the draws sorted, and their sorting order (argsort).
   */
  constructor(
    readonly chains: readonly Float64Array[],
    readonly workspace: DiagnosticsWorkspace = new DiagnosticsWorkspace(),
    known: { sorted?: Float64Array; order?: Uint32Array } = {},
  ) {
    const { sorted, order } = known;
    this.length = chains.length ? chains[0]!.length : 0;
    for (const chain of chains) {
      if (chain.length !== this.length) throw new Error(`chains differ in length (${this.length} and ${chain.length} draws)`);
    }
    this.total = this.length * chains.length;
    this.halfLength = this.length === 1 ? 1 : Math.floor(this.length / 2);
    if (sorted && sorted.length !== this.total) throw new Error('the sorted draws do not match the chains');
    if (order && order.length !== this.total) throw new Error('the sorting order does not match the chains');
    this.sortedAll = sorted;
    workspace.ensure(this.keptCount());
    // Kept draws are all draws, in the same layout, unless an odd chain length drops middle draws.
    if (order && this.keptCount() === this.total) this.order = order;
  }

  keptCount(): number {
    return this.length === 1 ? this.total : 2 * this.halfLength * this.chains.length;
  }

  /** Every draw in increasing order. */
  sorted(): Float64Array {
    if (!this.sortedAll) {
      if (this.keptCount() === this.total) {
        this.sortedAll = this.sortedKept();
      } else {
        const all = new Float64Array(this.total);
        this.chains.forEach((chain, c) => all.set(chain, c * this.length));
        this.sortedAll = all.sort();
      }
    }
    return this.sortedAll;
  }

  /** The kept draws in increasing order. */
  sortedKept(): Float64Array {
    if (this.sortedAll && this.keptCount() === this.total) return this.sortedAll;
    const kept = this.keptValues();
    const order = this.keptOrder();
    const sorted = this.workspace.sortedKept.subarray(0, kept.length);
    for (let k = 0; k < sorted.length; k++) sorted[k] = kept[order[k]!]!;
    return sorted;
  }

  /** Indices of the kept draws (as `keptValues` lays them out) in increasing order of value. */
  keptOrder(): Uint32Array {
    if (!this.order) {
      const order = this.workspace.keptOrder.subarray(0, this.keptCount());
      order.set(this.workspace.sorter.argsort(this.keptValues()));
      this.order = order;
    }
    return this.order;
  }

  /** The kept draws, segment after segment (a workspace buffer, valid while this matrix is in use). */
  keptValues(): Float64Array {
    if (!this.kept) {
      this.kept = this.workspace.kept.subarray(0, this.keptCount());
      this.writeKept(this.kept, (x) => x);
    }
    return this.kept;
  }

  /** Rank-normalised split halves, bulk and folded, computed once per matrix. */
  rankScores(compute: (draws: DrawMatrix) => RankScores): RankScores {
    this.scores ??= compute(this);
    return this.scores;
  }

  /** Views of the split halves of the chains, in chain order (unsplit when `split` is false). */
  segments(split = true): Float64Array[] {
    if (!split || this.length === 1) return [...this.chains];
    const h = this.halfLength;
    const second = Math.ceil(this.length / 2);
    return this.chains.flatMap((chain) => [chain.subarray(0, h), chain.subarray(second, second + h)]);
  }

  /** The split halves of f(draw), in the workspace's transform buffer (valid until the next transform). */
  transformedSegments(f: (x: number) => number): Float64Array[] {
    const count = this.keptCount();
    const out = this.workspace.transformed.subarray(0, count);
    this.writeKept(out, f);
    return this.viewsOf(out);
  }

  /** Splits a buffer of kept draws, laid out as `writeKept` writes them, into segments. */
  viewsOf(kept: Float64Array): Float64Array[] {
    const size = this.length === 1 ? 1 : this.halfLength;
    return Array.from({ length: kept.length / size }, (_, s) => kept.subarray(s * size, (s + 1) * size));
  }

  /** Writes f(draw) of the kept draws, segment after segment. */
  writeKept(out: Float64Array, f: (x: number) => number): void {
    let k = 0;
    for (const segment of this.segments()) {
      for (let i = 0; i < segment.length; i++) out[k++] = f(segment[i]!);
    }
  }

  /** Mean of all draws. */
  mean(): number {
    if (this.pooledMean === undefined) {
      let sum = 0;
      for (const chain of this.chains) sum += meanOf(chain) * chain.length;
      this.pooledMean = sum / this.total;
    }
    return this.pooledMean;
  }

  /** Sample standard deviation of all draws (n − 1 denominator). */
  sd(): number {
    const mean = this.mean();
    let squares = 0;
    for (const chain of this.chains) {
      for (let i = 0; i < chain.length; i++) squares += (chain[i]! - mean) ** 2;
    }
    return Math.sqrt(squares / (this.total - 1));
  }
}

/** Split halves of the normal scores of the ranks of the draws, and of the draws folded about the median. */
export interface RankScores {
  bulk: Float64Array[];
  folded: Float64Array[];
}

/** R's default (type 7) quantile of sorted values. */
export function sortedQuantile(sorted: Float64Array, p: number): number {
  const h = (sorted.length - 1) * p;
  const lo = Math.floor(h);
  const hi = Math.min(lo + 1, sorted.length - 1);
  return sorted[lo]! + (h - lo) * (sorted[hi]! - sorted[lo]!);
}
