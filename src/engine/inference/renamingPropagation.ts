import { propagate, type DeterministicNode, type ModelGraph, type StochasticNode } from '../model/graph';
import { resolveComponentRead, type ComponentRead } from './componentSelection';

/**
 * Recomputes the deterministic nodes downstream of a node as `propagate`
 * does, but a node that only renames an element (`mu[i] <- lambda[T[i]]`)
 * copies the element it names, found by its indicator's current value,
 * instead of evaluating its index expression: after a mixture component
 * moves, every row's renaming node is refreshed by one array read.
 * The nodes are visited in the same (topological) order, so a renamed
 * element that is itself downstream (`lambda[2] <- lambda[1] + theta`) is
 * current before it is copied.
 */
export class RenamingPropagation {
  private constructor(
    /** In topological order: consecutive renamings of one array into another as one run of copies, any other node alone. */
    private readonly steps: Array<Copies | Evaluation>,
  ) {}

  /** Undefined when no node downstream is a renaming (plain `propagate` is then as fast). */
  static of(graph: ModelGraph, node: StochasticNode): RenamingPropagation | undefined {
    // Most nodes have no renaming downstream (a regression's coefficients feed a million linear predictors): look before making anything.
    if (!node.dependents.some((id) => isReference(graph.deterministic[id]!))) return undefined;
    const steps: Array<Copies | Evaluation> = [];
    let renames = false;
    for (const id of node.dependents) {
      const d = graph.deterministic[id]!;
      const read = isReference(d) ? resolveComponentRead(graph, d.statement.value, d.scope) : undefined;
      if (!read) {
        steps.push(new Evaluation(d));
        continue;
      }
      renames = true;
      const last = steps[steps.length - 1];
      if (!(last instanceof Copies && last.accepts(d, read))) steps.push(new Copies(d, read));
      else last.add(d, read);
    }
    return renames ? new RenamingPropagation(steps.map((s) => (s instanceof Copies ? s.done() : s))) : undefined;
  }

  run(): void {
    const steps = this.steps;
    for (let k = 0; k < steps.length; k++) steps[k]!.run();
  }
}

/** A node that is not a renaming: evaluated. */
class Evaluation {
  constructor(private readonly node: DeterministicNode) {}

  run(): void {
    const d = this.node;
    d.variable.values[d.offset] = d.evaluate();
  }
}

/** A fixed element (no indicator) reads as the one component of an indicator that is always 1. */
const ALWAYS_FIRST = Float64Array.of(1);

/**
 * Consecutive renaming nodes that write one array from one array of components, selected by elements of one
 * indicator array with one stride and count (every mu[i] <- lambda[T[i]] of Eyes): a loop over offsets in typed
 * arrays, where a node at a time reads its read's fields through objects of several shapes.
 */
class Copies {
  private readonly target: Float64Array;
  private readonly source: Float64Array;
  private readonly selector: Float64Array;
  private readonly stride: number;
  private readonly count: number;
  private readonly nodes: DeterministicNode[] = [];
  private targetList: number[] = [];
  private sourceList: number[] = [];
  private selectorList: number[] = [];
  private targetAt = new Int32Array(0);
  private sourceAt = new Int32Array(0);
  private selectorAt = new Int32Array(0);

  constructor(d: DeterministicNode, read: ComponentRead) {
    this.target = d.variable.values;
    this.source = read.values;
    this.selector = read.selector ? read.selector.variable.values : ALWAYS_FIRST;
    this.stride = read.stride;
    this.count = read.count;
    this.add(d, read);
  }

  accepts(d: DeterministicNode, read: ComponentRead): boolean {
    const selector = read.selector ? read.selector.variable.values : ALWAYS_FIRST;
    return d.variable.values === this.target && read.values === this.source && selector === this.selector && read.stride === this.stride && read.count === this.count;
  }

  add(d: DeterministicNode, read: ComponentRead): void {
    this.nodes.push(d);
    this.targetList.push(d.offset);
    this.sourceList.push(read.base);
    this.selectorList.push(read.selector ? read.selector.offset : 0);
  }

  /** Fixes the offsets into typed arrays once every node is added. */
  done(): this {
    this.targetAt = Int32Array.from(this.targetList);
    this.sourceAt = Int32Array.from(this.sourceList);
    this.selectorAt = Int32Array.from(this.selectorList);
    this.targetList = this.sourceList = this.selectorList = [];
    return this;
  }

  run(): void {
    const { target, source, selector, stride, count, targetAt, sourceAt, selectorAt } = this;
    for (let k = 0; k < targetAt.length; k++) {
      const z = selector[selectorAt[k]!]!;
      // An index outside the components is the evaluator's to report.
      if (Number.isInteger(z) && z >= 1 && z <= count) {
        target[targetAt[k]!] = source[sourceAt[k]! + (z - 1) * stride]!;
      } else {
        const d = this.nodes[k]!;
        target[d.offset] = d.evaluate();
      }
    }
  }
}

function isReference(d: DeterministicNode): boolean {
  const value = d.statement.value;
  return !d.statement.target.link && (value.kind === 'name' || value.kind === 'index');
}

/** Propagates from `node` through `propagation` when there is one, else as usual. */
export function propagateFrom(graph: ModelGraph, node: StochasticNode, propagation: RenamingPropagation | undefined): void {
  if (propagation) propagation.run();
  else propagate(graph, node);
}
