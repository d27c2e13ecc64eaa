/**
 * Which rows an E-step pass covers. Complete rows take the fast kernel in
 * file order; rows with a missing value go through a slower path, grouped by
 * their pattern of missing columns so that per-pattern factorisations are
 * computed once per group. A thread gets one slice of each.
 */
export interface RowSlice {
  data: Float64Array;
  rowStart: number;
  rowEnd: number;
  /** 1 marks a row with a missing value (skipped by the complete-row loop); null when every row is complete. */
  incompleteFlags: Uint8Array | null;
  /** Rows with a missing value, sorted so that equal patterns are adjacent. */
  incompleteRows: Int32Array;
  incompleteStart: number;
  incompleteEnd: number;
}

/** What a pass may write besides the sufficient statistics (the final evaluation). */
export interface RowOutputs {
  /** n values: log p(x_i). */
  rowLogLikelihood: Float64Array | null;
  /** n × K. */
  responsibilities: Float64Array | null;
}

export const NO_OUTPUTS: RowOutputs = { rowLogLikelihood: null, responsibilities: null };

/** The incomplete rows of a data matrix, sorted by missingness pattern (then by row), and per-row flags. */
export function findIncompleteRows(data: Float64Array, rows: number, columns: number): { flags: Uint8Array | null; sorted: Int32Array } {
  const keys = new Map<number, string>();
  for (let i = 0; i < rows; i++) {
    let key = '';
    let any = false;
    for (let j = 0; j < columns; j++) {
      const missing = Number.isNaN(data[i * columns + j]!);
      any ||= missing;
      key += missing ? '1' : '0';
    }
    if (any) keys.set(i, key);
  }
  if (keys.size === 0) return { flags: null, sorted: new Int32Array(0) };
  const flags = new Uint8Array(rows);
  for (const i of keys.keys()) flags[i] = 1;
  const order = [...keys.keys()].sort((a, b) => (keys.get(a)! < keys.get(b)! ? -1 : keys.get(a)! > keys.get(b)! ? 1 : a - b));
  return { flags, sorted: Int32Array.from(order) };
}

/** Cuts [0, count) into `parts` contiguous ranges of nearly equal size: part p is [bounds[p], bounds[p + 1]). */
export function splitEvenly(count: number, parts: number): number[] {
  const bounds: number[] = [];
  for (let p = 0; p <= parts; p++) bounds.push(Math.round((count * p) / parts));
  return bounds;
}

/** Whether row `a` and row `b` miss the same columns. */
export function samePattern(data: Float64Array, a: number, b: number, columns: number): boolean {
  for (let j = 0; j < columns; j++) {
    if (Number.isNaN(data[a * columns + j]!) !== Number.isNaN(data[b * columns + j]!)) return false;
  }
  return true;
}
