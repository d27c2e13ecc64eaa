/**
 * A fixed (lower, upper) interval per row, held as the few distinct intervals
 * and a byte a row naming one (a censoring plate's rows name one of its
 * cut points' few intervals: 1 byte a row instead of 16). Past 256 distinct
 * intervals it holds two Float64Arrays, a pair a row, as before.
 */
export class IntervalTable {
  /** The distinct intervals as (lower, upper) pairs, in the order first met. */
  private bounds = new Float64Array(2 * 4);
  private distinct = 0;
  private which: Uint8Array | undefined;
  private lowers: Float64Array | undefined;
  private uppers: Float64Array | undefined;
  /** The index `set` found last: consecutive rows often name the same interval. */
  private last = -1;

  constructor(private readonly rows: number) {
    this.which = new Uint8Array(rows);
  }

  /** Row k's interval. Object.is, not ===: a bound of -0 stays -0 (the draws see the very numbers they were given). */
  set(k: number, lower: number, upper: number): void {
    const which = this.which;
    if (!which) {
      this.lowers![k] = lower;
      this.uppers![k] = upper;
      return;
    }
    const bounds = this.bounds;
    let at = this.last;
    if (at < 0 || !Object.is(bounds[2 * at], lower) || !Object.is(bounds[2 * at + 1], upper)) {
      at = 0;
      while (at < this.distinct && !(Object.is(bounds[2 * at], lower) && Object.is(bounds[2 * at + 1], upper))) at++;
      if (at === this.distinct) {
        if (at === MAX_DISTINCT) {
          this.spread(k);
          this.set(k, lower, upper);
          return;
        }
        if (2 * at + 2 > bounds.length) {
          this.bounds = new Float64Array(2 * bounds.length);
          this.bounds.set(bounds);
        }
        this.bounds[2 * at] = lower;
        this.bounds[2 * at + 1] = upper;
        this.distinct++;
      }
      this.last = at;
    }
    which[k] = at;
  }

  lower(k: number): number {
    const which = this.which;
    return which ? this.bounds[2 * which[k]!]! : this.lowers![k]!;
  }

  upper(k: number): number {
    const which = this.which;
    return which ? this.bounds[2 * which[k]! + 1]! : this.uppers![k]!;
  }

  /** Too many distinct intervals for a byte: rows 0 to `filled` − 1 move to a pair a row. */
  private spread(filled: number): void {
    const which = this.which!;
    const lowers = new Float64Array(this.rows);
    const uppers = new Float64Array(this.rows);
    for (let k = 0; k < filled; k++) {
      lowers[k] = this.bounds[2 * which[k]!]!;
      uppers[k] = this.bounds[2 * which[k]! + 1]!;
    }
    this.lowers = lowers;
    this.uppers = uppers;
    this.which = undefined;
    this.bounds = new Float64Array(0);
  }
}

/** The most distinct intervals a byte a row can name. */
const MAX_DISTINCT = 256;
