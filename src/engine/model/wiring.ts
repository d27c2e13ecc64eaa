import { NO_ITEMS } from '../collections';
import { depthFirst } from '../depthFirst';
import { ElementReads } from './elementReads';
import { errorAt } from '../language/source';
import type { ElementRef } from './expressions';
import { Role, type DeterministicNode, type StochasticNode } from './graph';

/**
 * The elements each node's relation reads, kept compactly (ElementReads, one
 * table per kind of node, in id order) until every node is defined and the
 * reads can be resolved to the nodes that define them.
 */
export class ReadTable {
  private readonly stochastic = new ElementReads();
  private readonly deterministic = new ElementReads();

  /**
   * `defined` names the variables the model's relations define: reads of any
   * other variable (a design matrix given as data) are never a node's and are
   * not kept, half of a regression's reads.
   */
  constructor(private readonly defined: ReadonlySet<string>) {}

  /** Nodes of each kind are added in id order, each once. */
  add(node: StochasticNode | DeterministicNode, reads: readonly ElementRef[]): void {
    const table = 'distribution' in node ? this.stochastic : this.deterministic;
    for (const r of reads) if (this.defined.has(r.variable.name)) table.add(r.variable, r.offset);
    table.close();
  }

  /** Lets go of every read: the table answers nothing after this. */
  release(): void {
    this.stochastic.release();
    this.deterministic.release();
  }

  /**
   * Calls `visit` with each node a node reads: a stochastic node as its id,
   * a deterministic node as −1 − its id; data and unused elements are skipped.
   */
  forEachParent(kind: 'stochastic' | 'deterministic', id: number, visit: (key: number) => void): void {
    (kind === 'stochastic' ? this.stochastic : this.deterministic).forEach(id, (variable, offset) => {
      const role = variable.role[offset];
      if (role === Role.Stochastic) visit(variable.node[offset]!);
      else if (role === Role.Deterministic) visit(-1 - variable.node[offset]!);
    });
  }
}

/** Topological order of the deterministic nodes; a directed cycle is an error. */
export function deterministicOrder(deterministic: DeterministicNode[], reads: ReadTable): number[] {
  const order: number[] = [];
  depthFirst(deterministic.length, (id) => deterministicParents(reads, id), {
    cycle(_, parent) {
      const node = deterministic[parent]!;
      throw errorAt(node.statement.range, `${node.name} depends on itself through a cycle of '<-' relations.`);
    },
    finished: (id) => order.push(id),
  });
  return order;
}

/** The ids of the deterministic nodes a deterministic node reads directly. */
export function deterministicParents(reads: ReadTable, id: number): number[] {
  const parents: number[] = [];
  reads.forEachParent('deterministic', id, (key) => {
    if (key < 0) parents.push(-1 - key);
  });
  return parents;
}

/**
 * Reverse edges in compressed rows: for each source (stochastic id s, or
 * deterministic id d as stochasticCount + d), the ids of the stochastic and
 * of the deterministic nodes that read it directly (with repeats).
 */
class Readers {
  readonly start: Int32Array;
  readonly ids: Int32Array;

  /** `each` lists the edges (source, reader); it is called twice, to count and then to fill. */
  constructor(sources: number, each: (add: (source: number, reader: number) => void) => void) {
    const counts = new Int32Array(sources + 1);
    each((source) => counts[source + 1]!++);
    for (let k = 0; k < sources; k++) counts[k + 1]! += counts[k]!;
    this.start = counts;
    this.ids = new Int32Array(counts[sources]!);
    // Filled through the starts themselves, each moved on to its row's end, then shifted back: a copy to fill through
    // was 8 MB more at a million probit rows.
    each((source, reader) => (this.ids[counts[source]!++] = reader));
    for (let k = sources; k > 0; k--) counts[k] = counts[k - 1]!;
    counts[0] = 0;
  }
}

/**
 * The first `count` ids of a scratch array as a list: `previous` itself when it holds the same ids (the shared empty
 * list for none), else a list of their own. Consecutive nodes with the same children share one list: a regression's
 * coefficients beta[1..D] each read every row, and D lists of a million ids were 8 MB each; so do the D elements of
 * a matrix factorisation's row, which all read that row's ratings. Nothing changes a node's list in place (a node
 * given other children gets a new list), so sharing one is safe.
 */
function listOf(scratch: Int32Array, count: number, previous: number[]): number[] {
  if (count === 0) return NO_ITEMS;
  if (previous.length === count) {
    let same = true;
    for (let k = 0; k < count && same; k++) same = previous[k] === scratch[k];
    if (same) return previous;
  }
  const list = new Array<number>(count);
  for (let k = 0; k < count; k++) list[k] = scratch[k]!;
  return list;
}

/** Wires each stochastic node to its stochastic children and the deterministic nodes between; returns the deterministic sinks in order. */
export function wireChildren(stochastic: StochasticNode[], deterministic: DeterministicNode[], reads: ReadTable, order: number[]): number[] {
  const nS = stochastic.length;
  const sources = nS + deterministic.length;
  const source = (key: number): number => (key >= 0 ? key : nS + (-1 - key));
  const stochasticReaders = new Readers(sources, (add) => {
    for (let id = 0; id < nS; id++) reads.forEachParent('stochastic', id, (key) => add(source(key), id));
  });
  const deterministicReaders = new Readers(sources, (add) => {
    for (let id = 0; id < deterministic.length; id++) reads.forEachParent('deterministic', id, (key) => add(source(key), id));
  });
  const position = new Int32Array(deterministic.length);
  order.forEach((id, k) => (position[id] = k));
  // A deterministic node no stochastic node reads, even indirectly (a prediction, a summary such as
  // an RMSE), need not follow every update: it is recomputed only when draws are recorded.
  const feedsStochastic = new Uint8Array(deterministic.length);
  for (let k = order.length - 1; k >= 0; k--) {
    const id = order[k]!;
    const s = nS + id;
    if (stochasticReaders.start[s + 1]! > stochasticReaders.start[s]!) {
      feedsStochastic[id] = 1;
      continue;
    }
    for (let r = deterministicReaders.start[s]!; r < deterministicReaders.start[s + 1]!; r++) {
      if (feedsStochastic[deterministicReaders.ids[r]!]) feedsStochastic[id] = 1;
    }
  }
  // Marks stamped with the current node's id + 1, so no set is built per node; the lists are scratch reused for every
  // node (a node keeps an exact copy): two lists and two closures per node were 350 MB of garbage at 200,000 rows.
  // The scratch are typed arrays as long as the most a node can have: a list grown by push for every node with a
  // million children (a probit's coefficients) left each growth's copy behind, 70 MB at a million rows.
  const childMark = new Int32Array(nS);
  const dependentMark = new Int32Array(deterministic.length);
  const pending: number[] = [];
  const children = new Int32Array(nS);
  const dependents = new Int32Array(deterministic.length);
  const lone = [0];
  let childCount = 0;
  let dependentCount = 0;
  let stamp = 0;
  const addChildrenOf = (s: number): void => {
    for (let r = stochasticReaders.start[s]!; r < stochasticReaders.start[s + 1]!; r++) {
      const c = stochasticReaders.ids[r]!;
      if (childMark[c] === stamp) continue;
      childMark[c] = stamp;
      children[childCount++] = c;
    }
  };
  const queueDependentsOf = (s: number): void => {
    for (let r = deterministicReaders.start[s]!; r < deterministicReaders.start[s + 1]!; r++) pending.push(deterministicReaders.ids[r]!);
  };
  const byPosition = (a: number, b: number): number => position[a]! - position[b]!;
  let lastChildren: number[] = NO_ITEMS;
  let lastDependents: number[] = NO_ITEMS;
  for (const node of stochastic) {
    stamp = node.id + 1;
    childCount = 0;
    dependentCount = 0;
    addChildrenOf(node.id);
    queueDependentsOf(node.id);
    while (pending.length) {
      const d = pending.pop()!;
      if (dependentMark[d] === stamp || !feedsStochastic[d]) continue;
      dependentMark[d] = stamp;
      dependents[dependentCount++] = d;
      addChildrenOf(nS + d);
      queueDependentsOf(nS + d);
    }
    // A typed array sorts numerically.
    if (childCount > 1) children.subarray(0, childCount).sort();
    if (dependentCount > 1) dependents.subarray(0, dependentCount).sort(byPosition);
    // A lone child is kept as its id (nodeRecords.ts): a list of its own would be garbage.
    if (childCount === 1) {
      lone[0] = children[0]!;
      node.children = lone;
    } else {
      node.children = lastChildren = listOf(children, childCount, lastChildren);
    }
    node.dependents = lastDependents = listOf(dependents, dependentCount, lastDependents);
  }
  return order.filter((id) => !feedsStochastic[id]);
}
