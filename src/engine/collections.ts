/**
 * Whole-array operations that stay safe however long the array is.
 * `target.push(...items)` and `Math.min(...values)` pass every element as an
 * argument of one call, and past about 100,000 of them the call overflows the
 * stack: a binary file given as data (every byte a problem), a sum over a
 * long vector (every element a read) or a plot of 200,000 points would.
 */

/** Appends every item to `target`, in order. */
export function appendAll<T>(target: T[], items: Iterable<T>): void {
  for (const item of items) target.push(item);
}

/** The smallest value (Infinity for none, as Math.min() gives); NaN if any is NaN. */
export function minOf(values: Iterable<number>): number {
  let least = Infinity;
  for (const v of values) {
    if (Number.isNaN(v)) return NaN;
    if (v < least) least = v;
  }
  return least;
}

/** The largest value (-Infinity for none, as Math.max() gives); NaN if any is NaN. */
export function maxOf(values: Iterable<number>): number {
  let most = -Infinity;
  for (const v of values) {
    if (Number.isNaN(v)) return NaN;
    if (v > most) most = v;
  }
  return most;
}

/**
 * A copy of a list that was built by pushing, at its exact length: a pushed
 * list keeps spare capacity (17 slots for 2 elements), which a model with a
 * million nodes keeps for its life.
 */
export function exactly<T>(list: T[]): T[] {
  return list.length === 0 ? (NO_ITEMS as T[]) : list.slice();
}

/** The shared empty list (never pushed to: lists of the graph are replaced, not grown, after compiling). */
export const NO_ITEMS: never[] = Object.freeze([]) as never[];

/** A copy of `from` in a typed array of the same kind with room for at least `need` elements, doubling: for lists grown one row at a time. */
export function grownTypedArray<T extends Uint8Array<ArrayBuffer> | Int32Array<ArrayBuffer> | Float64Array<ArrayBuffer>>(from: T, need = from.length + 1): T {
  const to = new (from.constructor as new (n: number) => T)(Math.max(need, 2 * from.length));
  to.set(from);
  return to;
}

/** The position of `item` in `list`, appended (and indexed in `positions`) when first seen: for tables that keep small integers per row instead of references. */
export function internedIndex<T>(list: T[], positions: Map<T, number>, item: T): number {
  let k = positions.get(item);
  if (k === undefined) {
    k = list.length;
    list.push(item);
    positions.set(item, k);
  }
  return k;
}

/**
 * The distinct ids of several lists, ascending. Lists already ascending (a
 * graph's children are) are merged in one pass without a set: the union of a
 * few coefficients' million children each was a flat copy of all of them, a
 * Set and a sorted copy, about 120 MB of garbage at a million rows.
 */
export function sortedUnion(lists: ReadonlyArray<readonly number[]>): number[] {
  if (!lists.every(ascending)) return [...new Set(lists.flat())].sort((a, b) => a - b);
  if (lists.length === 1) return dropRepeats(lists[0]!);
  const at = new Array<number>(lists.length).fill(0);
  const out: number[] = [];
  for (;;) {
    let least = Infinity;
    for (let k = 0; k < lists.length; k++) if (at[k]! < lists[k]!.length && lists[k]![at[k]!]! < least) least = lists[k]![at[k]!]!;
    if (least === Infinity) return out;
    out.push(least);
    for (let k = 0; k < lists.length; k++) while (at[k]! < lists[k]!.length && lists[k]![at[k]!] === least) at[k]!++;
  }
}

function ascending(list: readonly number[]): boolean {
  for (let k = 1; k < list.length; k++) if (list[k]! < list[k - 1]!) return false;
  return true;
}

/** Whether each number is greater than the one before it (so the list is a set in order). */
export function strictlyAscending(list: readonly number[]): boolean {
  for (let k = 1; k < list.length; k++) if (!(list[k]! > list[k - 1]!)) return false;
  return true;
}

function dropRepeats(list: readonly number[]): number[] {
  return list.filter((x, k) => k === 0 || x !== list[k - 1]);
}

/** The first position in 0 … length − 1 where `before` turns false (`length` when it never does), for `before` true on a prefix. */
export function lowerBound(length: number, before: (k: number) => boolean): number {
  let lo = 0;
  let hi = length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (before(mid)) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
