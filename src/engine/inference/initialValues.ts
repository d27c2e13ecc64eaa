import type { NamedValues } from '../language/rvalues';
import { errorAt, type SourceRange } from '../language/source';
import { refreshDeterministic } from '../model/compile';
import { currentParameters, elementName, Role, type ModelGraph, type StochasticNode } from '../model/graph';

/**
 * A value near the centre of a node's prior given its parents' values: what
 * JAGS starts a chain from when no initial value is given. Finite and inside
 * the support, so every density is defined at the start.
 */
function typicalValue(node: StochasticNode): number {
  const p = currentParameters(node);
  let x: number;
  switch (node.distribution.name) {
    case 'dnorm': x = p[0]!; break;
    case 'dgamma': x = p[0]! / p[1]!; break;
    case 'dexp': x = 1 / p[0]!; break;
    case 'dunif': x = 0.5 * (p[0]! + p[1]!); break;
    case 'dbeta': x = p[0]! / (p[0]! + p[1]!); break;
    case 'dlnorm': x = Math.exp(p[0]!); break;
    case 'dpois': x = Math.round(p[0]!); break;
    case 'dbern': x = p[0]! >= 0.5 ? 1 : 0; break;
    case 'dbin': x = Math.round(p[0]! * p[1]!); break;
    default: x = 0;
  }
  const lower = node.lower?.() ?? Number.NEGATIVE_INFINITY;
  const upper = node.upper?.() ?? Number.POSITIVE_INFINITY;
  if (x < lower || x > upper) {
    x = Number.isFinite(lower) && Number.isFinite(upper) ? 0.5 * (lower + upper) : Number.isFinite(lower) ? lower + 1 : upper - 1;
  }
  return x;
}

/**
 * Sets the unobserved nodes to the given initial values, and the rest to
 * typical values of their priors; checks that every initial value names an
 * unobserved node of the model and fits its shape.
 */
export function setInitialValues(graph: ModelGraph, inits: NamedValues | undefined, initsRange: SourceRange): void {
  const given = new Set<StochasticNode>();
  for (const [name, value] of inits ?? []) {
    const variable = graph.variables.get(name);
    if (!variable) throw errorAt(initsRange, `The initial values name '${name}', which is not in the model.`);
    if (value.values.length !== variable.values.length) {
      throw errorAt(initsRange, `The initial value of ${name} has ${value.values.length} element(s) but ${name} has ${variable.values.length}.`);
    }
    for (let offset = 0; offset < value.values.length; offset++) {
      const x = value.values[offset]!;
      if (Number.isNaN(x)) continue;
      const node = variable.role[offset] === Role.Stochastic ? graph.stochastic[variable.node[offset]!] : undefined;
      if (!node || node.observed) {
        throw errorAt(initsRange, `${elementName(variable, offset)} is given an initial value but it is not an unobserved stochastic node (set it to NA there).`);
      }
      variable.values[offset] = x;
      given.add(node);
    }
  }
  // A node's typical value reads its parents, so fill in passes until every node is set.
  let pending = graph.unobserved.map((id) => graph.stochastic[id]!).filter((n) => !given.has(n));
  for (const n of pending) n.variable.values[n.offset] = Number.NaN;
  while (pending.length) {
    refreshDeterministic(graph);
    const next = pending.filter((n) => {
      const x = typicalValue(n);
      if (Number.isNaN(x)) return true;
      n.variable.values[n.offset] = x;
      return false;
    });
    if (next.length === pending.length) {
      throw errorAt(next[0]!.statement.range, `Cannot find a starting value for ${next[0]!.name}; give it one in 'inits list(...)'.`);
    }
    pending = next;
  }
  refreshDeterministic(graph);
}
