import type { Random } from '../random/rng';
import type { CountedChildren } from './componentCounts';
import type { ComponentRead } from './componentSelection';
import { drawFromLogWeights, type MixtureIndicator, type PlateRow } from './mixtureIndicator';

/**
 * The indicators of one mixture statement whose normal children all read the
 * same components (`y[i] ~ dnorm(lambda[T[i]], tau)`, `T[i] ~ dcat(P[])`),
 * updated in one pass over the plate: each component's log probability,
 * mean, precision and ½log precision are read once per sweep into typed
 * arrays (the indicators do not move them), and each row then weighs its K
 * values from those and its y alone. The weights are the row-by-row update's
 * (mixtureIndicator.ts), operation for operation, so the draws are the same.
 */
export class MixturePlate {
  private readonly count: number;
  private readonly logProbabilities: Float64Array;
  private readonly means: Float64Array;
  private readonly precisions: Float64Array;
  private readonly halfLogPrecisions: Float64Array;
  private readonly weights: Float64Array;
  private readonly values: Float64Array[];
  private readonly offsets: Int32Array;
  private readonly ys: Float64Array[];
  private readonly yAt: Int32Array;
  private readonly counted: Array<CountedChildren | undefined>;
  private readonly indicators: MixtureIndicator[];

  private constructor(
    private readonly first: PlateRow,
    rows: PlateRow[],
  ) {
    const count = first.probabilities.offsets.length;
    this.count = count;
    this.logProbabilities = new Float64Array(count);
    this.means = new Float64Array(count);
    this.precisions = new Float64Array(count);
    this.halfLogPrecisions = new Float64Array(count);
    this.weights = new Float64Array(count);
    this.values = rows.map((r) => r.values);
    this.offsets = Int32Array.from(rows, (r) => r.offset);
    this.ys = rows.map((r) => r.y);
    this.yAt = Int32Array.from(rows, (r) => r.yAt);
    this.counted = rows.map((r) => r.counted);
    this.indicators = rows.map((r) => r.indicator);
  }

  /** The plate of these rows when every one reads the same components and probabilities, and every value has a component. */
  static of(rows: Array<PlateRow | undefined>): MixturePlate | undefined {
    const first = rows[0];
    if (!first || rows.length < 2) return undefined;
    const same = (a: ComponentRead, b: ComponentRead): boolean => a.values === b.values && a.base === b.base && a.stride === b.stride && a.count === b.count;
    for (const row of rows) {
      if (!row || !same(row.mean, first.mean) || !same(row.precision, first.precision)) return undefined;
      if (row.probabilities.values !== first.probabilities.values || row.limit !== first.limit || (row.counted === undefined) !== (first.counted === undefined)) return undefined;
      const a = row.probabilities.offsets;
      const b = first.probabilities.offsets;
      if (a.length !== b.length || a.some((o, k) => o !== b[k])) return undefined;
    }
    if (first.probabilities.offsets.length > first.limit) return undefined;
    return new MixturePlate(first, rows as PlateRow[]);
  }

  /**
   * Updates every row; a row the plate cannot weigh (its counted children's table needs a current value that is a
   * component) is handed to `fallback` with its position.
   */
  update(random: Random, fallback: (row: number, random: Random) => void): void {
    const { count, logProbabilities, means, precisions, halfLogPrecisions, weights, first } = this;
    const { mean, precision, probabilities } = first;
    for (let k = 0; k < count; k++) {
      logProbabilities[k] = Math.log(probabilities.values[probabilities.offsets[k]!]!);
      means[k] = mean.values[mean.base + k * mean.stride]!;
      const tau = precision.values[precision.base + k * precision.stride]!;
      precisions[k] = tau;
      halfLogPrecisions[k] = 0.5 * Math.log(tau);
    }
    const { values, offsets, ys, yAt, counted, indicators } = this;
    for (let r = 0; r < offsets.length; r++) {
      const current = values[r]![offsets[r]!]!;
      const table = counted[r];
      if (table && !(Number.isInteger(current) && current >= 1 && current <= count)) {
        fallback(r, random);
        continue;
      }
      const y = ys[r]![yAt[r]!]!;
      let max = Number.NEGATIVE_INFINITY;
      for (let k = 0; k < count; k++) {
        const d = y - means[k]!;
        let total = logProbabilities[k]! + (halfLogPrecisions[k]! - 0.5 * precisions[k]! * d * d);
        if (table && total > Number.NEGATIVE_INFINITY) total += table.logDensity(current, k + 1);
        if (Number.isNaN(total) || total === Number.POSITIVE_INFINITY) total = Number.NEGATIVE_INFINITY;
        weights[k] = total;
        if (total > max) max = total;
      }
      const k = max === Number.NEGATIVE_INFINITY ? -1 : drawFromLogWeights(random, weights, count, max);
      // No value has positive probability (the rest of the model is inconsistent): stay put.
      if (k < 0 || k + 1 === current) continue;
      indicators[r]!.moveTo(k + 1);
    }
  }
}
