import type { Expression } from '../language/ast';
import type { LoopScope } from '../model/expressions';
import { Role, type ModelGraph, type StochasticNode } from '../model/graph';
import { resolveComponentRead, type ComponentRead } from './componentSelection';
import { ComponentSums } from './componentSums';
import type { LinearTerm } from './linearForm';

/** One array of components a mixture's children select from, with each component's a + b·θ at the last refresh. */
interface ComponentTable {
  read: ComponentRead;
  terms: LinearTerm[];
  intercepts: Float64Array;
  slopes: Float64Array;
  /** Per component, over the pooled normal children that currently select it: Σ w·τ and Σ w·τ·y. */
  precisions: Float64Array;
  weightedValues: Float64Array;
}

/** A normal child whose mean is a use and whose precision is a plain element: its share comes from its component's sums. */
interface PooledChild {
  id: number;
  use: number;
  values: Float64Array;
  offset: number;
  precision: ComponentRead;
}

/** Per pooled child, in order: where its value, its indicators' values and its precision are (an absent indicator reads a constant 1). */
interface FlatPooled {
  ids: Int32Array;
  tableOf: Int32Array;
  selected: Float64Array[];
  selectedAt: Int32Array;
  counts: Int32Array;
  values: Float64Array[];
  valueAt: Int32Array;
  precisions: Float64Array[];
  precisionBase: Int32Array;
  precisionStride: Int32Array;
  precisionSelected: Float64Array[];
  precisionSelectedAt: Int32Array;
  precisionCounts: Int32Array;
}

const ONE = Float64Array.of(1);

/** Kept sums for children that are all observed and share one precision element (stride 0), else undefined. */
function keptSums(graph: ModelGraph, pooled: PooledChild[], flat: FlatPooled, tables: ComponentTable[]): ComponentSums | undefined {
  const first = pooled[0]!.precision;
  const shared = pooled.every((c) => c.precision.stride === 0 && c.precision.values === first.values && c.precision.base === first.base && graph.stochastic[c.id]!.observed);
  if (!shared) return undefined;
  const sizes = Int32Array.from(tables, (t) => t.read.count);
  const starts = new Int32Array(tables.length);
  for (let t = 1; t < tables.length; t++) starts[t] = starts[t - 1]! + sizes[t - 1]!;
  const targets = { precisions: tables.map((t) => t.precisions), weighted: tables.map((t) => t.weightedValues) };
  return new ComponentSums(flat.tableOf, flat.selected, flat.selectedAt, flat.values, flat.valueAt, starts, sizes, targets.precisions, targets.weighted);
}

function flatten(pooled: PooledChild[], uses: Array<{ table: ComponentTable; selector: StochasticNode | undefined }>, tables: ComponentTable[]): FlatPooled {
  const n = pooled.length;
  const selectorOf = (node: StochasticNode | undefined): [Float64Array, number] => (node ? [node.variable.values, node.offset] : [ONE, 0]);
  return {
    ids: Int32Array.from(pooled, (c) => c.id),
    tableOf: Int32Array.from(pooled, (c) => tables.indexOf(uses[c.use]!.table)),
    selected: pooled.map((c) => selectorOf(uses[c.use]!.selector)[0]),
    selectedAt: Int32Array.from(pooled, (c) => selectorOf(uses[c.use]!.selector)[1]),
    counts: Int32Array.from(pooled, (c) => uses[c.use]!.table.read.count),
    values: pooled.map((c) => c.values),
    valueAt: Int32Array.from(pooled, (c) => c.offset),
    precisions: pooled.map((c) => c.precision.values),
    precisionBase: Int32Array.from(pooled, (c) => c.precision.base),
    precisionStride: Int32Array.from(pooled, (c) => c.precision.stride),
    precisionSelected: pooled.map((c) => selectorOf(c.precision.selector)[0]),
    precisionSelectedAt: Int32Array.from(pooled, (c) => selectorOf(c.precision.selector)[1]),
    precisionCounts: new Int32Array(n).map((_, j) => pooled[j]!.precision.count),
  };
}

/**
 * The means of a mixture's children as affine functions of θ when each mean
 * is a component selected by an indicator (`lambda[T[i]]`, with
 * `lambda[2] <- lambda[1] + theta`): each component's intercept and slope are
 * computed once per update (`refresh`), and a child's are looked up by its
 * indicator's current value, instead of moving θ to 0 and 1 and recomputing
 * every child's mean. A fixed element is a table of one.
 */
export class ComponentTerms {
  private readonly tables: ComponentTable[] = [];
  /** Per use (a child's mean): its table, and where its indicator's value is (none for a fixed element). */
  private readonly uses: Array<{ table: ComponentTable; selector: StochasticNode | undefined }> = [];
  private readonly slot = new Float64Array(1);
  private readonly pooled: PooledChild[] = [];
  /** The pooled children as parallel arrays, made at the first `addPooled`: its loop then reads no object per child. */
  private flat: FlatPooled | undefined;
  /** The pooled sums kept between updates (componentSums.ts) when the children allow it; null when not, undefined until asked. */
  private sums: ComponentSums | null | undefined;

  constructor(
    private readonly graph: ModelGraph,
    private readonly node: StochasticNode,
    private readonly compileTerm: (e: Expression, scope: LoopScope) => LinearTerm | undefined,
  ) {}

  get size(): number {
    return this.uses.length;
  }

  /**
   * A use of an expression whose value is a plain element — a component selected by an indicator, or one fixed
   * element (a row whose indicator is data, `lambda[T[1]]`) — or -1 when it is not one. Uses that read the same
   * components share their table, so a refresh costs one term per component, not one per child.
   */
  add(e: Expression, scope: LoopScope): number {
    const read = resolveComponentRead(this.graph, e, scope);
    if (!read?.variable) return -1;
    let table = this.tables.find((t) => t.read.values === read.values && t.read.base === read.base && t.read.stride === read.stride && t.read.count === read.count);
    if (!table) {
      const terms: LinearTerm[] = [];
      for (let k = 0; k < read.count; k++) {
        const term = this.elementTerm(read, read.base + k * read.stride);
        if (!term) return -1;
        terms.push(term);
      }
      const count = read.count;
      table = { read, terms, intercepts: new Float64Array(count), slopes: new Float64Array(count), precisions: new Float64Array(count), weightedValues: new Float64Array(count) };
      this.tables.push(table);
    }
    this.uses.push({ table, selector: read.selector });
    return this.uses.length - 1;
  }

  /**
   * Takes a normal child whose mean is `use` into the pooled statistics when its precision is a plain element (free
   * of θ, as the conjugacy check has made sure); returns whether it did. Its share is then added by `addPooled`.
   */
  pool(child: StochasticNode, use: number): boolean {
    const precision = resolveComponentRead(this.graph, child.statement.args[1]!, child.scope);
    if (!precision) return false;
    this.pooled.push({ id: child.id, use, values: child.variable.values, offset: child.offset, precision });
    this.flat = undefined;
    this.sums = undefined;
    return true;
  }

  /**
   * Adds the pooled children's shares to out = [Σ τ·b·(y − a), Σ τ·b²] (each child weighted by weight[child id] when
   * given): one pass sums w·τ and w·τ·y per component, then each component adds b·(Σ w·τ·y − a·Σ w·τ) and b²·Σ w·τ.
   * Call after `refresh`.
   */
  addPooled(out: Float64Array, weight?: Float64Array): void {
    const { pooled, tables } = this;
    if (pooled.length === 0) return;
    const flat = (this.flat ??= flatten(pooled, this.uses, tables));
    if (!weight && this.sums === undefined) this.sums = keptSums(this.graph, pooled, flat, tables) ?? null;
    if (!weight && this.sums) {
      const precision = pooled[0]!.precision;
      const invalid = this.sums.fill(precision.values[precision.base]!);
      this.combine(out, invalid);
      return;
    }
    for (const table of tables) {
      table.precisions.fill(0);
      table.weightedValues.fill(0);
    }
    const { ids, tableOf, selected, selectedAt, counts, values, valueAt, precisions, precisionBase, precisionStride, precisionSelected, precisionSelectedAt, precisionCounts } = flat;
    let invalid = false;
    for (let j = 0; j < ids.length; j++) {
      const w = weight ? weight[ids[j]!]! : 1;
      if (w === 0) continue;
      const z = selected[j]![selectedAt[j]!]!;
      const zp = precisionSelected[j]![precisionSelectedAt[j]!]!;
      if (!(Number.isInteger(z) && z >= 1 && z <= counts[j]! && Number.isInteger(zp) && zp >= 1 && zp <= precisionCounts[j]!)) {
        invalid = true;
        continue;
      }
      const table = tables[tableOf[j]!]!;
      const tau = w * precisions[j]![precisionBase[j]! + (zp - 1) * precisionStride[j]!]!;
      table.precisions[z - 1] = table.precisions[z - 1]! + tau;
      table.weightedValues[z - 1] = table.weightedValues[z - 1]! + tau * values[j]![valueAt[j]!]!;
    }
    this.combine(out, invalid);
  }

  /** Adds each component's b·(Σ τ·y − a·Σ τ) and b²·Σ τ to out, from the tables' sums; NaN when an indicator was invalid. */
  private combine(out: Float64Array, invalid: boolean): void {
    const tables = this.tables;
    let weighted = out[0]!;
    let precision = out[1]!;
    for (const table of tables) {
      for (let k = 0; k < table.precisions.length; k++) {
        const b = table.slopes[k]!;
        const n = table.precisions[k]!;
        if (b === 0 || n === 0) continue;
        precision += b * b * n;
        weighted += b * (table.weightedValues[k]! - table.intercepts[k]! * n);
      }
    }
    // An indicator outside its components: the conditional is undefined, as the per-child path makes it.
    out[0] = invalid ? Number.NaN : weighted;
    out[1] = invalid ? Number.NaN : precision;
  }

  /** A component as an affine term in θ: θ itself, a deterministic node downstream of θ compiled, or a value free of θ. */
  private elementTerm(read: ComponentRead, offset: number): LinearTerm | undefined {
    const { node, graph } = this;
    const variable = read.variable!;
    if (variable === node.variable && node.offsets.includes(offset)) {
      return (scale, out) => {
        out[0] = out[0]! + scale;
        return 0;
      };
    }
    if (variable.role[offset] === Role.Deterministic && node.dependents.includes(variable.node[offset]!)) {
      const d = graph.deterministic[variable.node[offset]!]!;
      return d.statement.target.link ? undefined : this.compileTerm(d.statement.value, d.scope);
    }
    const values = variable.values;
    return (scale) => scale * values[offset]!;
  }

  /** Each component's intercept and slope at the current values of everything but θ. */
  refresh(): void {
    const slot = this.slot;
    for (const table of this.tables) {
      for (let k = 0; k < table.terms.length; k++) {
        slot[0] = 0;
        table.intercepts[k] = table.terms[k]!(1, slot);
        table.slopes[k] = slot[0]!;
      }
    }
  }

  /** The intercept and slope of the component the last `select` chose (NaN when its indicator selected none). */
  intercept = Number.NaN;
  slope = Number.NaN;

  /** Looks up a use's component at its indicator's current value, into `intercept` and `slope`. */
  select(use: number): void {
    const { table, selector } = this.uses[use]!;
    let k = 0;
    if (selector) {
      const z = selector.variable.values[selector.offset]!;
      k = Number.isInteger(z) && z >= 1 && z <= table.read.count ? z - 1 : -1;
    }
    this.intercept = k >= 0 ? table.intercepts[k]! : Number.NaN;
    this.slope = k >= 0 ? table.slopes[k]! : Number.NaN;
  }
}
