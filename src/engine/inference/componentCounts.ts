import type { Expression } from '../language/ast';
import type { LoopScope } from '../model/expressions';
import { nodeLogDensity, Role, type DeterministicNode, type ModelGraph, type StochasticNode, type Variable } from '../model/graph';
import { resolveComponentRead } from './componentSelection';
import { isCount, Propagation } from './propagation';

/**
 * The children of a mixture's indicator z other than the one its components
 * are selected for, when they read z only through counts over the plate:
 * Eyes' `Itot[j] ~ dinterval(tot[j], 0)` with `tot[j] <- sum(in.group[, j])`
 * and `in.group[i, j] <- equals(T[i], j)`, the constraint that keeps every
 * component non-empty. Their log density at z = k then depends on the row
 * only through how moving the row from its value c to k changes the counts,
 * so rows whose moves change the same counts the same way share one K × K
 * table of it. An entry is computed once, by setting z and propagating, and
 * kept until an indicator moves or a new sweep begins (the other samplers
 * may have moved what the children also read): a sweep of a mixture whose
 * indicators rarely move evaluates the children a few times, not twice per
 * row and component with a propagation each. When the children read the rows
 * through counts alone, the density at given counts is also kept for the sweep
 * (CountMemo): a move makes the entries stale, but the counts it leads to have
 * mostly been weighed already.
 */
export class CountedChildren {
  private constructor(
    private readonly node: StochasticNode,
    private readonly children: StochasticNode[],
    private readonly propagation: Propagation,
    private readonly table: CountTable,
    /** The counts, when the children read nothing else that z moves (then a value is tried by writing the counts alone). */
    private readonly counts: DeterministicNode[] | undefined,
    /** Per count m and value k, the change of count m when z goes from 1 to k, at m·K + k − 1. */
    private readonly changes: Float64Array,
  ) {
    this.tried = new Float64Array(counts?.length ?? 0);
    this.saved = new Float64Array(counts?.length ?? 0);
  }

  /** The counts as a move would make them, and as they were while the children are weighed at those. */
  private readonly tried: Float64Array;
  private readonly saved: Float64Array;

  /**
   * The plan for `node`'s children other than `selected`, or undefined when one of them, or a deterministic node
   * between, reads the row other than through counts (then their density is not shared between rows).
   */
  static of(graph: ModelGraph, node: StochasticNode, selected: StochasticNode, count: number): CountedChildren | undefined {
    const children = node.children.map((id) => graph.stochastic[id]!).filter((c) => c !== selected);
    if (children.length === 0) return undefined;
    // The row's own deterministic nodes: renamings of a component (read by `selected` alone) and indicator functions of z.
    const rowVariables = new Set<Variable>([node.variable]);
    const shared: number[] = [];
    const counts: number[] = [];
    for (const id of node.dependents) {
      const d = graph.deterministic[id]!;
      if (isCount(graph, d)) {
        counts.push(id);
        shared.push(id);
        continue;
      }
      if (!readsRow(graph, `d${id}`, d.statement.value, d.scope, rowVariables)) {
        shared.push(id);
        continue;
      }
      const reads = readsOf(graph, d.statement.value, d.scope);
      if (!reads) return undefined;
      const value = d.statement.value;
      const renaming = !d.statement.target.link && (value.kind === 'name' || value.kind === 'index') && resolveComponentRead(graph, value, d.scope)?.selector === node;
      const indicatorFunction = !d.statement.target.link && value.kind === 'call' && (value.callee === 'equals' || value.callee === 'step');
      if (!renaming && !(indicatorFunction && reads.every((r) => (r.variable === node.variable && r.offset === node.offset) || isFixed(graph, r.variable, r.offset)))) return undefined;
      rowVariables.add(d.variable);
    }
    // Anything shared between rows, and the children, must not read a row's own nodes except through a count.
    for (const id of shared) {
      const d = graph.deterministic[id]!;
      if (!isCount(graph, d) && readsRow(graph, `d${id}`, d.statement.value, d.scope, rowVariables)) return undefined;
    }
    for (const child of children) {
      const t = child.statement.truncation;
      const expressions = [...child.statement.args, ...(t?.lower ? [t.lower] : []), ...(t?.upper ? [t.upper] : [])];
      if (rowVariables.has(child.variable) || expressions.some((e, k) => readsRow(graph, `s${child.id}.${k}`, e, child.scope, rowVariables))) return undefined;
    }
    const propagation = Propagation.of(graph, node);
    const changes = countChanges(graph, node, propagation, counts, count);
    if (!changes) return undefined;
    const signature = `${count}|${children.map((c) => c.id).join(',')}|${shared.join(',')}|${changes.join(',')}`;
    const countsOnly = shared.length === counts.length ? counts.map((id) => graph.deterministic[id]!) : undefined;
    return new CountedChildren(node, children, propagation, CountTable.of(graph, signature, count), countsOnly, Float64Array.from(changes));
  }

  /** Marks every table of the graph stale: call when a sweep of the indicators begins, or after one moved. */
  static invalidate(graph: ModelGraph): void {
    const generation = generationOf(graph);
    generation.value++;
    generation.sweep++;
  }

  /**
   * After this row's indicator moved: every table is stale (its entries are indexed by the value now), but when the
   * children read the row through counts alone, what the move changed is counts and nodes nothing but the row's
   * selected child reads, so the children's density at given counts (CountMemo) still holds until the next sweep.
   */
  moved(): void {
    const generation = this.table.generation;
    generation.value++;
    if (!this.counts) generation.sweep++;
  }

  /** The children's log density (−∞ for NaN) with z = k, z's value now being c (both from 1 to the count). */
  logDensity(c: number, k: number): number {
    const { table, node } = this;
    const at = (c - 1) * table.count + (k - 1);
    const now = table.generation.value;
    if (table.stamps[at] === now) return table.values[at]!;
    let total: number;
    if (this.counts) {
      total = this.withCountsMoved(c, k);
    } else if (k === c) {
      total = this.childrenLogDensity();
    } else {
      const values = node.variable.values;
      values[node.offset] = k;
      this.propagation.run();
      total = this.childrenLogDensity();
      values[node.offset] = c;
      this.propagation.run();
    }
    table.values[at] = total;
    table.stamps[at] = now;
    return total;
  }

  /**
   * The children's log density with the counts as z = k would make them: kept for those counts this sweep, or weighed
   * with them written in place and put back. The counts are whole numbers, so each is exactly what propagating by
   * differences gives.
   */
  private withCountsMoved(c: number, k: number): number {
    const { counts, changes, table, tried } = this;
    const K = table.count;
    for (let m = 0; m < tried.length; m++) {
      const d = counts![m]!;
      tried[m] = d.variable.values[d.offset]! + (changes[m * K + k - 1]! - changes[m * K + c - 1]!);
    }
    const memo = table.memo;
    const sweep = table.generation.sweep;
    let total = memo.find(tried, sweep);
    if (!Number.isNaN(total)) return total;
    const saved = this.saved;
    for (let m = 0; m < tried.length; m++) {
      const d = counts![m]!;
      saved[m] = d.variable.values[d.offset]!;
      d.variable.values[d.offset] = tried[m]!;
    }
    total = this.childrenLogDensity();
    for (let m = 0; m < tried.length; m++) {
      const d = counts![m]!;
      d.variable.values[d.offset] = saved[m]!;
    }
    memo.keep(tried, sweep, total);
    return total;
  }

  private childrenLogDensity(): number {
    const children = this.children;
    let total = 0;
    for (let j = 0; j < children.length; j++) total += nodeLogDensity(children[j]!);
    return Number.isNaN(total) ? Number.NEGATIVE_INFINITY : total;
  }
}

/** Whether an element never moves: data, or an observed stochastic node. */
function isFixed(graph: ModelGraph, variable: Variable, offset: number): boolean {
  const role = variable.role[offset];
  return role === Role.Data || (role === Role.Stochastic && graph.stochastic[variable.node[offset]!]!.observed);
}

/**
 * The elements `e` reads: a scalar expression's, or an array argument's (`phi[z[i], ]`, which the scalar compiler
 * refuses); undefined when neither reads it (the caller then refuses the plan).
 */
function readsOf(graph: ModelGraph, e: Expression, scope: LoopScope): Array<{ variable: Variable; offset: number }> | undefined {
  try {
    return graph.expressions.compile(e, scope).reads;
  } catch {
    try {
      return graph.expressions.array(e, scope).reads;
    } catch {
      return undefined;
    }
  }
}

/**
 * Whether `e` (known by `key` in its graph) reads an element of a row's own variables that moves. An expression that
 * reads many elements is shared by many rows (a count's neighbours, a child reading every count): its answer is kept,
 * so that asking it for every row costs its reads once, not once per row.
 */
function readsRow(graph: ModelGraph, key: string, e: Expression, scope: LoopScope, rowVariables: Set<Variable>): boolean {
  let kept = keptAnswers.get(graph);
  if (!kept) keptAnswers.set(graph, (kept = new Map()));
  const asked = `${key}|${[...rowVariables].map((v) => v.name).join(',')}`;
  const known = kept.get(asked);
  if (known !== undefined) return known;
  const reads = readsOf(graph, e, scope);
  if (!reads) return true;
  const answer = reads.some((r) => rowVariables.has(r.variable) && !isFixed(graph, r.variable, r.offset));
  if (reads.length > MANY_READS) kept.set(asked, answer);
  return answer;
}

/** Reads beyond which an expression's answer is kept (readsRow): a row's own nodes read a few elements. */
const MANY_READS = 32;
const keptAnswers = new WeakMap<ModelGraph, Map<string, boolean>>();

/**
 * How each count changes when z goes from 1 to k: count m's change at m·K + k − 1 (rows with the same changes share
 * a table); undefined when a change is not a whole number (then the count was not one). z and the counts are left as they were.
 */
function countChanges(graph: ModelGraph, node: StochasticNode, propagation: Propagation, counts: number[], count: number): number[] | undefined {
  const values = node.variable.values;
  const current = values[node.offset]!;
  const base: number[] = [];
  const parts: number[] = new Array<number>(counts.length * count);
  try {
    for (let k = 1; k <= count; k++) {
      values[node.offset] = k;
      propagation.run();
      for (let m = 0; m < counts.length; m++) {
        const d = graph.deterministic[counts[m]!]!;
        const v = d.variable.values[d.offset]!;
        if (k === 1) base.push(v);
        parts[m * count + k - 1] = v - base[m]!;
      }
    }
  } catch {
    // A value some dependent cannot take (an index past another array's end): enumeration weighs, and reports, it.
    return undefined;
  } finally {
    values[node.offset] = current;
    propagation.run();
  }
  return parts.every(Number.isInteger) ? parts : undefined;
}

/**
 * The children's log density by the counts' values, kept for a sweep: Eyes' indicators move a few times a sweep, and
 * each move made the table's entries be computed again although the counts go back and forth between a few values.
 * Direct-mapped: a slot holds the last counts that hashed to it, compared in full before its density is used.
 */
/** Slots of CountMemo: Eyes' counts take a few dozen values in a sweep. */
const SLOTS = 64;

class CountMemo {
  private width = -1;
  private keys = new Float64Array(0);
  private readonly densities = new Float64Array(SLOTS);
  /** The sweep each slot was kept in: current when it equals the generation's sweep. */
  private readonly stamps = new Float64Array(SLOTS).fill(-1);

  /** The density kept for these counts in this sweep, or NaN (a density is never NaN: −∞ stands for it). */
  find(counts: Float64Array, sweep: number): number {
    if (counts.length !== this.width) return Number.NaN;
    const slot = slotOf(counts);
    if (this.stamps[slot] !== sweep) return Number.NaN;
    const keys = this.keys;
    const at = slot * this.width;
    for (let m = 0; m < counts.length; m++) if (keys[at + m] !== counts[m]) return Number.NaN;
    return this.densities[slot]!;
  }

  keep(counts: Float64Array, sweep: number, density: number): void {
    if (counts.length !== this.width) {
      this.width = counts.length;
      this.keys = new Float64Array(SLOTS * counts.length);
      this.stamps.fill(-1);
    }
    const slot = slotOf(counts);
    this.keys.set(counts, slot * this.width);
    this.densities[slot] = density;
    this.stamps[slot] = sweep;
  }
}

function slotOf(counts: Float64Array): number {
  let h = 0;
  for (let m = 0; m < counts.length; m++) h = (Math.imul(h, 31) + (counts[m]! | 0)) | 0;
  return h & (SLOTS - 1);
}

/** One K × K table of the children's log densities, shared by the rows with the same signature. */
class CountTable {
  readonly memo = new CountMemo();
  readonly values: Float64Array;
  /** The generation each entry was computed in: current when it equals generation.value. */
  readonly stamps: Float64Array;

  private constructor(
    readonly count: number,
    readonly generation: Generation,
  ) {
    this.values = new Float64Array(count * count);
    this.stamps = new Float64Array(count * count).fill(-1);
  }

  static of(graph: ModelGraph, signature: string, count: number): CountTable {
    let tables = tablesOf.get(graph);
    if (!tables) tablesOf.set(graph, (tables = new Map()));
    let table = tables.get(signature);
    if (!table) tables.set(signature, (table = new CountTable(count, generationOf(graph))));
    return table;
  }
}

const tablesOf = new WeakMap<ModelGraph, Map<string, CountTable>>();
/** value: bumped when a table's entries go stale (an indicator moved); sweep: when the children's density at given counts may have changed too. */
interface Generation {
  value: number;
  sweep: number;
}

const generations = new WeakMap<ModelGraph, Generation>();

function generationOf(graph: ModelGraph): Generation {
  let generation = generations.get(graph);
  if (!generation) generations.set(graph, (generation = { value: 0, sweep: 0 }));
  return generation;
}
