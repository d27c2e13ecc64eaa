/**
 * Per component, the number of pooled normal children that select it and the
 * sum of their values, kept from one update of θ to the next: between two,
 * only the rows whose indicator (or value) moved change the sums, so a
 * conditional that needs Σ τ and Σ τ·y per component costs one comparison per
 * child and O(K) arithmetic, not a multiply-add per child. It serves when all
 * the children are observed and share one precision τ (Eyes' `tau`), which
 * then multiplies the sums. Sums kept by differences round differently from sums made afresh; they
 * are made afresh every REBUILD updates, so the rounding cannot accumulate.
 */
export class ComponentSums {
  private readonly seenIndicator: Float64Array;
  /** Per child, its component's position in `counts`/`sums` when it was last counted, or −1 when its indicator was invalid. */
  private readonly seenAt: Int32Array;
  private readonly counts: Float64Array;
  private readonly sums: Float64Array;
  private invalid = 0;
  private updates = 0;

  constructor(
    /** Per child: its table, where its indicator's value and its own value are. */
    private readonly tableOf: Int32Array,
    private readonly selected: Float64Array[],
    private readonly selectedAt: Int32Array,
    private readonly values: Float64Array[],
    private readonly valueAt: Int32Array,
    /** Per table, where its components start in `counts`/`sums`, and how many it has. */
    private readonly starts: Int32Array,
    private readonly sizes: Int32Array,
    /** Per table, where `fill` writes τ·count and τ·sum. */
    private readonly precisions: Float64Array[],
    private readonly weighted: Float64Array[],
  ) {
    const n = tableOf.length;
    this.seenIndicator = new Float64Array(n);
    this.seenAt = new Int32Array(n);
    const total = starts[starts.length - 1]! + sizes[sizes.length - 1]!;
    this.counts = new Float64Array(total);
    this.sums = new Float64Array(total);
    this.rebuild();
  }

  /** Writes, per table t and component k, τ·count into precisions[t][k] and τ·sum into weighted[t][k]; returns whether an indicator is outside its components. */
  fill(tau: number): boolean {
    if (++this.updates % REBUILD === 0) this.rebuild();
    else this.catchUp();
    const { counts, sums, starts, sizes, precisions, weighted } = this;
    for (let t = 0; t < starts.length; t++) {
      const p = precisions[t]!;
      const w = weighted[t]!;
      for (let k = 0; k < sizes[t]!; k++) {
        p[k] = tau * counts[starts[t]! + k]!;
        w[k] = tau * sums[starts[t]! + k]!;
      }
    }
    return this.invalid > 0;
  }

  /** Moves the children whose indicator changed since they were last counted (their values are observed: fixed). */
  private catchUp(): void {
    const { seenIndicator, seenAt, selected, selectedAt, values, valueAt, counts, sums } = this;
    for (let j = 0; j < seenAt.length; j++) {
      const z = selected[j]![selectedAt[j]!]!;
      if (z === seenIndicator[j]) continue;
      const before = seenAt[j]!;
      if (before >= 0) {
        counts[before] = counts[before]! - 1;
        sums[before] = sums[before]! - values[j]![valueAt[j]!]!;
      } else {
        this.invalid--;
      }
      this.count(j, z);
    }
  }

  private rebuild(): void {
    this.counts.fill(0);
    this.sums.fill(0);
    this.invalid = 0;
    const { selected, selectedAt } = this;
    for (let j = 0; j < this.seenAt.length; j++) this.count(j, selected[j]![selectedAt[j]!]!);
  }

  private count(j: number, z: number): void {
    const t = this.tableOf[j]!;
    this.seenIndicator[j] = z;
    if (!(Number.isInteger(z) && z >= 1 && z <= this.sizes[t]!)) {
      this.seenAt[j] = -1;
      this.invalid++;
      return;
    }
    const at = this.starts[t]! + z - 1;
    this.seenAt[j] = at;
    this.counts[at] = this.counts[at]! + 1;
    this.sums[at] = this.sums[at]! + this.values[j]![this.valueAt[j]!]!;
  }
}

/** Sums made afresh every this many updates: a sweep's worth of differences is a few rounding errors of the largest value. */
const REBUILD = 256;
