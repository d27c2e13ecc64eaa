import { propagate, type DeterministicNode, type ModelGraph, type StochasticNode } from '../model/graph';
import { componentOffset, resolveComponentRead, type ComponentRead } from './componentSelection';

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
    private readonly nodes: DeterministicNode[],
    /** Per node: the element it renames, or undefined to evaluate it. */
    private readonly reads: Array<ComponentRead | undefined>,
  ) {}

  /** Undefined when no node downstream is a renaming (plain `propagate` is then as fast). */
  static of(graph: ModelGraph, node: StochasticNode): RenamingPropagation | undefined {
    // Most nodes have no renaming downstream (a regression's coefficients feed a million linear predictors): look before making anything.
    if (!node.dependents.some((id) => isReference(graph.deterministic[id]!))) return undefined;
    const nodes = node.dependents.map((id) => graph.deterministic[id]!);
    const reads = nodes.map((d) => (isReference(d) ? resolveComponentRead(graph, d.statement.value, d.scope) : undefined));
    return reads.some((r) => r !== undefined) ? new RenamingPropagation(nodes, reads) : undefined;
  }

  run(): void {
    const { nodes, reads } = this;
    for (let k = 0; k < nodes.length; k++) {
      const d = nodes[k]!;
      const read = reads[k];
      if (read) {
        const selector = read.selector;
        const z = selector ? selector.variable.values[selector.offset]! : 1;
        // An index outside the components is the evaluator's to report.
        if (Number.isInteger(z) && z >= 1 && z <= read.count) {
          d.variable.values[d.offset] = read.values[componentOffset(read, z)]!;
          continue;
        }
      }
      d.variable.values[d.offset] = d.evaluate();
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
