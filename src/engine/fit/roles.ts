import type { Expression, Statement } from '../language/ast';
import { errorAt, type SourceRange } from '../language/source';
import type { ModelGraph, StochasticNode } from '../model/graph';

/** EM's split of the unobserved nodes: latent (posterior in the E-step) and parameters (point estimates in the M-step). */
export interface Roles {
  latent: StochasticNode[];
  parameters: StochasticNode[];
  /**
   * The sample size (of BIC and the per-sample log-likelihood): the rows of
   * the outermost observation loop — y[i, 1:2] or y[i, j] in a loop over j
   * is one row i — or the observed nodes when no loop indexes them.
   */
  observations: number;
  /** Latent nodes outside the observation loops (a latent regression's weights, local scales): their posterior is reported. */
  globalLatent: StochasticNode[];
}

/**
 * By default a node is latent when its relation sits in an observation loop
 * — a `for` loop over which observed nodes are indexed — and its target is
 * indexed by that loop's variable (z[i] in `for (i in 1:N) { z[i] ~ …;
 * y[i] ~ … }`), or when it is a local scale: one per element of another
 * unobserved node, read only by that node's variance or precision (s2[d] in
 * `w[d] ~ dnorm(0, 1/s2[d]); s2[d] ~ dexp(g*g/2)`) — as a parameter its
 * joint mode with w[d] collapses to s2[d] = w[d] = 0. Every other unobserved
 * node is a parameter. `latentNames` overrides this: exactly the nodes of
 * those variables are latent; `parameterNames` makes nodes parameters.
 */
export function classifyNodes(graph: ModelGraph, statements: Statement[], latentNames: string[] | undefined, range: SourceRange, parameterNames: string[] = []): Roles {
  const unobserved = graph.unobserved.map((id) => graph.stochastic[id]!);
  if (latentNames) {
    for (const name of latentNames) {
      if (!graph.variables.has(name)) throw errorAt(range, `latent = c(...) names '${name}', which is not a variable of the model.`);
      if (!unobserved.some((n) => n.variable.name === name)) throw errorAt(range, `latent = c(...) names '${name}', but ${name} has no unobserved stochastic node.`);
    }
  }
  const enclosing = enclosingLoops(statements);
  const observationLoops = new Set<Statement>();
  for (const node of graph.stochastic) {
    if (!node.observed) continue;
    for (const loop of enclosing.get(node.statement) ?? []) {
      if (loop.kind === 'for' && targetUses(node.statement, loop.variable)) observationLoops.add(loop);
    }
  }
  const observations = countRows(graph, enclosing, observationLoops);
  const perRow = (n: StochasticNode): boolean =>
    (enclosing.get(n.statement) ?? []).some((loop) => loop.kind === 'for' && observationLoops.has(loop) && targetUses(n.statement, loop.variable));
  const split = (latent: StochasticNode[], parameters: StochasticNode[]): Roles => ({ latent, parameters, observations, globalLatent: latent.filter((n) => !perRow(n)) });
  if (latentNames) {
    const wanted = new Set(latentNames);
    return split(unobserved.filter((n) => wanted.has(n.variable.name)), unobserved.filter((n) => !wanted.has(n.variable.name)));
  }
  for (const name of parameterNames) {
    if (!unobserved.some((n) => n.variable.name === name)) throw errorAt(range, `parameters = c(...) names '${name}', which has no unobserved stochastic node.`);
  }
  const forced = new Set(parameterNames);
  const isLatent = (n: StochasticNode): boolean => !forced.has(n.variable.name) && (perRow(n) || isLocalScale(graph, n, enclosing));
  return split(unobserved.filter(isLatent), unobserved.filter((n) => !isLatent(n)));
}

/**
 * One per element of another unobserved node (its relation indexed by an
 * enclosing loop, its only child unobserved) and read by that child's
 * precision or variance only: its second argument mentions it, its first
 * (the mean) does not.
 */
function isLocalScale(graph: ModelGraph, n: StochasticNode, enclosing: Map<Statement, Statement[]>): boolean {
  if (n.children.length !== 1 || n.distribution.multivariate || n.distribution.discrete) return false;
  if (!(enclosing.get(n.statement) ?? []).some((loop) => loop.kind === 'for' && targetUses(n.statement, loop.variable))) return false;
  const child = graph.stochastic[n.children[0]!]!;
  if (child.observed || child.distribution.name !== 'dnorm') return false;
  const [mean, precision] = child.statement.args;
  return !!mean && !!precision && !mentions(mean, n.variable.name) && mentions(precision, n.variable.name);
}

function countRows(graph: ModelGraph, enclosing: Map<Statement, Statement[]>, observationLoops: Set<Statement>): number {
  const rows = new Set<string>();
  let loose = 0;
  const ids = new Map<Statement, number>();
  for (const node of graph.stochastic) {
    if (!node.observed) continue;
    const outer = (enclosing.get(node.statement) ?? []).find((loop) => observationLoops.has(loop));
    if (!outer || outer.kind !== 'for') {
      loose++;
      continue;
    }
    if (!ids.has(outer)) ids.set(outer, ids.size);
    rows.add(`${ids.get(outer)}:${node.scope.get(outer.variable)}`);
  }
  return rows.size + loose;
}

/** For each relation, the `for` statements around it, outermost first. */
function enclosingLoops(statements: Statement[]): Map<Statement, Statement[]> {
  const result = new Map<Statement, Statement[]>();
  const walk = (list: Statement[], loops: Statement[]): void => {
    for (const s of list) {
      if (s.kind === 'for') walk(s.body, [...loops, s]);
      else result.set(s, loops);
    }
  };
  walk(statements, []);
  return result;
}

function targetUses(statement: Statement, variable: string): boolean {
  if (statement.kind === 'for') return false;
  return statement.target.indices.some((index) => {
    if (index.kind === 'at') return mentions(index.value, variable);
    if (index.kind === 'range') return mentions(index.from, variable) || mentions(index.to, variable);
    return false;
  });
}

function mentions(e: Expression, name: string): boolean {
  switch (e.kind) {
    case 'name': return e.name === name;
    case 'number': case 'string': return false;
    case 'index': return e.name === name || e.indices.some((i) => (i.kind === 'at' ? mentions(i.value, name) : i.kind === 'range' ? mentions(i.from, name) || mentions(i.to, name) : false));
    case 'unary': return mentions(e.operand, name);
    case 'binary': return mentions(e.left, name) || mentions(e.right, name);
    case 'call': return e.args.some((a) => mentions(a.value, name));
  }
}
