/**
 * Kept draws of every chain, as they stream in: per chain a list of chunks,
 * each chunk row-major (one row per kept iteration, one column per monitor).
 * Chunks avoid one huge up-front allocation for runs that may be cancelled.
 */
export class DrawStore {
  private readonly chunks: Float64Array[][];
  private readonly rows: number[];

  constructor(
    readonly chains: number,
    readonly width: number,
  ) {
    this.chunks = Array.from({ length: chains }, () => []);
    this.rows = new Array<number>(chains).fill(0);
  }

  static fromChunks(chunks: Float64Array[][], width: number): DrawStore {
    const store = new DrawStore(chunks.length, width);
    chunks.forEach((list, chain) => list.forEach((rows) => store.append(chain, rows)));
    return store;
  }

  /** The stored chunks, per chain (shared, not copied). */
  allChunks(): Float64Array[][] {
    return this.chunks;
  }

  /** Kept draws over all chains. */
  total(): number {
    return this.rows.reduce((a, b) => a + b, 0);
  }

  append(chain: number, rows: Float64Array): void {
    if (rows.length === 0) return;
    this.chunks[chain]!.push(rows);
    this.rows[chain]! += rows.length / this.width;
  }

  /** Kept draws so far in one chain. */
  count(chain: number): number {
    return this.rows[chain]!;
  }

  /** Draws of one monitor in one chain, optionally every `step`-th row only. */
  column(chain: number, monitor: number, step = 1): Float64Array {
    const n = this.rows[chain]!;
    const out = new Float64Array(Math.ceil(n / step));
    let row = 0;
    let k = 0;
    for (const chunk of this.chunks[chain]!) {
      const chunkRows = chunk.length / this.width;
      for (let r = 0; r < chunkRows; r++, row++) {
        if (row % step === 0) out[k++] = chunk[r * this.width + monitor]!;
      }
    }
    return out;
  }
}
