import { Role, type ModelGraph, type Variable } from '../model/graph';

/**
 * The stochastic nodes whose values a set of read elements depends on: a
 * stochastic element's own node, and for a deterministic element the
 * stochastic nodes its relation reads, directly or through other
 * deterministic nodes. A monitor of `alpha0 <- alpha.c - beta.c * xbar`
 * reads alpha.c and beta.c. Returned as a mark per stochastic id.
 *
 * The deterministic reads are resolved from the relation's source (a
 * dynamic index reads every element it may pick), so the answer can be a
 * superset, never a subset. `visit` calls `read(variable, offset)` for each
 * element read.
 */
export function stochasticAncestors(graph: ModelGraph, visit: (read: (variable: Variable, offset: number) => void) => void): Uint8Array {
  const marked = new Uint8Array(graph.stochastic.length);
  const seen = new Uint8Array(graph.deterministic.length);
  const pending: number[] = [];
  const read = (variable: Variable, offset: number): void => {
    const role = variable.role[offset];
    if (role === Role.Stochastic) marked[variable.node[offset]!] = 1;
    else if (role === Role.Deterministic && !seen[variable.node[offset]!]) {
      seen[variable.node[offset]!] = 1;
      pending.push(variable.node[offset]!);
    }
  };
  visit(read);
  while (pending.length) {
    const d = graph.deterministic[pending.pop()!]!;
    for (const r of graph.expressions.array(d.statement.value, d.scope).reads) read(r.variable, r.offset);
  }
  return marked;
}
