import { Role, type DeterministicNode, type ModelGraph, type StochasticNode, type Variable } from '../model/graph';
import { INVERSE_LINKS } from '../model/functions';
import { CompiledDeterministicNode } from '../model/nodeRecords';
import type { StatementStore } from '../model/statementCode';
import { statementCompiler } from './graphCode';
import { topologicalPositions } from './linearity';

/**
 * Deterministic functions whose value is always 0 or 1: a sum of them is a
 * count, exact in floating point at any order of summation.
 */
const INDICATOR_FUNCTIONS = new Set(['equals', 'step']);

/** A dependent `s <- sum(x[...])` that the propagation keeps current by differences. */
interface CountPlan {
  /** Positions, in the node's dependents, of the summed elements that the node moves. */
  moved: Int32Array;
}

/**
 * Recomputes the deterministic nodes downstream of one stochastic node, as
 * `propagate` does, except that a count over a plate — `tot[j] <-
 * sum(in.group[, j])` with `in.group[i, j] <- equals(T[i], j)`, the
 * constraint of a mixture kept non-empty — is updated by the change of the
 * few elements this node moves instead of summed again over every row. Each
 * indicator's update otherwise costs O(N) per value tried, and a sweep of N
 * indicators O(N²).
 *
 * Only counts qualify: every summed element is an indicator function, data
 * or a discrete node, so the sum is a whole number and the difference gives
 * exactly the value the full sum would (same draws, bit for bit). Anything
 * else — a sum of real values, whose rounding depends on the order — is
 * recomputed in full.
 */
export class Propagation {
  private static readonly made = new WeakMap<StochasticNode, Propagation>();

  /** The propagation of `node` in `graph`, made once per node. */
  static of(graph: ModelGraph, node: StochasticNode): Propagation {
    let found = Propagation.made.get(node);
    if (!found || found.graph !== graph) {
      found = new Propagation(graph, [node], node.dependents, false);
      Propagation.made.set(node, found);
    }
    return found;
  }

  /**
   * The propagation of `node` for the points a slice step only tries: a power in a dependent's definition is
   * computed by trialPower (StatementCompiler.trialStore), the rest as `of` computes it; undefined when no
   * dependent has a power, so `of` serves. The values differ in the last bits from the exact ones, so the
   * sampler runs `of` at the point it keeps.
   */
  static trialOf(graph: ModelGraph, node: StochasticNode): Propagation | undefined {
    const compiler = statementCompiler(graph);
    const approximated = node.dependents.some((id) => {
      const d = graph.deterministic[id]!;
      return d instanceof CompiledDeterministicNode && d.compiled && compiler.trialStore(d.statement.value, d.scope, inverseLink(d)) !== undefined;
    });
    return approximated ? new Propagation(graph, [node], node.dependents, true) : undefined;
  }

  /**
   * One propagation after several nodes moved together (a Gaussian block's
   * members): every dependent of any of them recomputed once, in topological
   * order, where propagating each node in turn recomputes the shared ones
   * (every mu[i, j] of Rats' alpha[i] and beta[i]) once per node. The values
   * are the same: each dependent is computed from the final values of all.
   */
  static ofNodes(graph: ModelGraph, nodes: StochasticNode[]): Propagation {
    if (nodes.length === 1) return Propagation.of(graph, nodes[0]!);
    const rank = topologicalPositions(graph);
    const union = [...new Set(nodes.flatMap((n) => n.dependents))].sort((a, b) => rank[a]! - rank[b]!);
    return new Propagation(graph, nodes, union, false);
  }

  private readonly dependents: DeterministicNode[];
  /** Per dependent, its compiled statement writing its value in place (no boxed result), or undefined to call `evaluate`. */
  private readonly stores: Array<StatementStore | undefined>;
  /** Per dependent position, the count kept by differences there, if any. */
  private readonly counts: Array<CountPlan | undefined>;
  /** Values of the moved elements before this propagation recomputed them. */
  private readonly before: Float64Array;
  /** Whether any dependent is a count: otherwise `run` is `propagate`. */
  readonly incremental: boolean;

  private constructor(
    private readonly graph: ModelGraph,
    nodes: StochasticNode[],
    dependents: number[],
    trial: boolean,
  ) {
    this.dependents = dependents.map((id) => graph.deterministic[id]!);
    this.stores = this.dependents.map((d) => (trial && trialStoreOf(graph, d)) || storeOf(graph, d));
    this.counts = this.dependents.map((d, k) => countPlan(graph, nodes, this.dependents, k, d));
    this.before = new Float64Array(this.dependents.length);
    this.incremental = this.counts.some((c) => c !== undefined);
  }

  /** How many deterministic nodes a run recomputes. */
  get size(): number {
    return this.dependents.length;
  }

  /** Recomputes the nodes' dependents after their values changed. */
  run(): void {
    const { dependents, counts, before, stores } = this;
    if (!this.incremental) {
      for (let k = 0; k < dependents.length; k++) {
        const d = dependents[k]!;
        const store = stores[k];
        if (store) store(d.scope, d.variable.values, d.offset);
        else d.variable.values[d.offset] = d.evaluate();
      }
      return;
    }
    for (let k = 0; k < dependents.length; k++) {
      const d = dependents[k]!;
      const values = d.variable.values;
      const old = values[d.offset]!;
      before[k] = old;
      const count = counts[k];
      if (count === undefined) {
        const store = stores[k];
        if (store) store(d.scope, values, d.offset);
        else values[d.offset] = d.evaluate();
        continue;
      }
      let s = old;
      const moved = count.moved;
      for (let m = 0; m < moved.length; m++) {
        const e = dependents[moved[m]!]!;
        s += e.variable.values[e.offset]! - before[moved[m]!]!;
      }
      // A non-finite element (or a count that was not current) leaves the difference meaningless: sum again.
      values[d.offset] = Number.isFinite(s) && Math.abs(s) < MAX_EXACT ? s : d.evaluate();
    }
  }
}

/**
 * The store of a node whose value runs as its statement's compiled code:
 * the same generated expression, so the same value bit for bit. The
 * interpreter's nodes (a reduction, an array value) keep `evaluate`.
 */
function storeOf(graph: ModelGraph, d: DeterministicNode): StatementStore | undefined {
  if (!(d instanceof CompiledDeterministicNode) || !d.compiled) return undefined;
  return statementCompiler(graph).store(d.statement.value, d.scope, inverseLink(d));
}

/** The store of a compiled node for points only tried (StatementCompiler.trialStore), where it differs from storeOf's. */
function trialStoreOf(graph: ModelGraph, d: DeterministicNode): StatementStore | undefined {
  if (!(d instanceof CompiledDeterministicNode) || !d.compiled) return undefined;
  return statementCompiler(graph).trialStore(d.statement.value, d.scope, inverseLink(d));
}

function inverseLink(d: DeterministicNode): ((x: number) => number) | undefined {
  const link = d.statement.target.link;
  return link ? INVERSE_LINKS[link] : undefined;
}

/** Whole numbers up to this size are exact in a double, and so are their sums. */
const MAX_EXACT = 2 ** 52;

/**
 * The count plan of dependent `k` (`d`), or undefined when it is not a sum
 * of whole-number elements read in place, or when a moved node itself is
 * summed (its old value is gone by the time the propagation runs).
 */
function countPlan(graph: ModelGraph, nodes: StochasticNode[], dependents: DeterministicNode[], k: number, d: DeterministicNode): CountPlan | undefined {
  const count = summedCount(graph, d);
  if (!count) return undefined;
  const { variable, summed } = count;
  if (nodes.some((node) => node.variable === variable && Array.from(node.offsets).some((o) => summed.has(o)))) return undefined;
  const moved: number[] = [];
  for (let j = 0; j < k; j++) {
    const e = dependents[j]!;
    if (e.variable === variable && summed.has(e.offset)) moved.push(j);
  }
  return { moved: Int32Array.from(moved) };
}

/**
 * Per count `s <- sum(x[...])` of a graph: the variable and the offsets it sums when every one is a whole
 * number, else null; worked out once per count, not once per node that moves it (each of Eyes' indicators
 * moves both counts over every row: a list and a check per row per indicator, O(N²) in all).
 */
const summedCounts = new WeakMap<ModelGraph, Map<number, { variable: Variable; summed: Set<number> } | null>>();

/** Whether `d` is a count `s <- sum(x[...])` of whole-number elements, which a propagation keeps by differences. */
export function isCount(graph: ModelGraph, d: DeterministicNode): boolean {
  return summedCount(graph, d) !== null;
}

function summedCount(graph: ModelGraph, d: DeterministicNode): { variable: Variable; summed: Set<number> } | null {
  let known = summedCounts.get(graph);
  if (!known) summedCounts.set(graph, (known = new Map()));
  let found = known.get(d.id);
  if (found === undefined) known.set(d.id, (found = findSummedCount(graph, d)));
  return found;
}

function findSummedCount(graph: ModelGraph, d: DeterministicNode): { variable: Variable; summed: Set<number> } | null {
  const value = d.statement.value;
  if (d.statement.target.link || value.kind !== 'call' || value.callee !== 'sum' || value.args.length !== 1) return null;
  const argument = value.args[0]!.value;
  if (argument.kind !== 'index' && argument.kind !== 'name') return null;
  const { direct } = graph.expressions.array(argument, d.scope);
  if (!direct || direct.offsets.length === 0) return null;
  const variable = graph.variables.get(argument.name);
  if (!variable || variable.values !== direct.values) return null;
  const summed = new Set<number>();
  for (const o of direct.offsets) {
    if (!isWholeNumberElement(graph, variable, o)) return null;
    summed.add(o);
  }
  return { variable, summed };
}

/** Whether an element is always a whole number: an indicator function's value, whole-number data, or a discrete node. */
function isWholeNumberElement(graph: ModelGraph, variable: Variable, offset: number): boolean {
  switch (variable.role[offset]) {
    case Role.Data:
      return Number.isInteger(variable.values[offset]);
    case Role.Stochastic: {
      const distribution = graph.stochastic[variable.node[offset]!]!.distribution;
      return !distribution.multivariate && distribution.discrete;
    }
    case Role.Deterministic: {
      const statement = graph.deterministic[variable.node[offset]!]!.statement;
      return !statement.target.link && statement.value.kind === 'call' && INDICATOR_FUNCTIONS.has(statement.value.callee);
    }
    default:
      return false;
  }
}
