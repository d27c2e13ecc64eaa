import type { Document, Expression, Statement } from '../language/ast';
import { suggest } from '../language/check';
import type { NamedValues } from '../language/rvalues';
import { errorAt, ModelError, type Problem } from '../language/source';
import { bindModel, type BoundInstance } from './bind';
import { checkDataShapes, checkObservedSupport } from './dataChecks';
import { SCALAR_DISTRIBUTIONS } from './distributions';
import { MULTIVARIATE_DISTRIBUTIONS } from './multivariate';
import type { ElementRef, ExpressionCompiler } from './expressions';
import { INVERSE_LINKS } from './functions';
import { elementName, rangeName, Role, type DeterministicNode, type Distribution, type Evaluator, type ModelGraph, type StochasticNode } from './graph';
import { appendAll } from '../collections';

const DISTRIBUTIONS: Record<string, Distribution> = { ...SCALAR_DISTRIBUTIONS, ...MULTIVARIATE_DISTRIBUTIONS };

/**
 * Compiles a parsed document and its data into a model graph: unrolls the
 * loops, infers the dimensions of the variables the data do not give, and
 * wires each node to its parents and children. Throws ModelError with the
 * source ranges of every problem it finds.
 */
export function compileModel(document: Document, data: NamedValues): ModelGraph {
  checkDataShapes(document, data);
  const unsupported = unsupportedDistributions(document.model?.statements ?? []);
  let bound;
  try {
    bound = bindModel(document, data);
  } catch (e) {
    if (e instanceof ModelError) throw new ModelError([...unsupported, ...e.problems].sort((a, b) => a.range.start.offset - b.range.start.offset));
    throw e;
  }
  if (unsupported.length) throw new ModelError(unsupported);
  const { variables, instances, compiler } = bound;
  const problems: Problem[] = [];
  const reported = new Set<Statement>();
  const report = (statement: Statement, e: unknown): void => {
    if (!(e instanceof ModelError)) throw e;
    if (reported.has(statement)) return;
    reported.add(statement);
    appendAll(problems, e.problems);
  };

  const stochastic: StochasticNode[] = [];
  const deterministic: DeterministicNode[] = [];
  const readsOf = new Map<StochasticNode | DeterministicNode, ElementRef[]>();
  for (const instance of instances) {
    try {
      const node = defineNode(instance, compiler, stochastic, deterministic);
      readsOf.set(node.node, node.reads);
    } catch (e) {
      report(instance.statement, e);
    }
  }
  if (problems.length) throw new ModelError(problems);

  const order = deterministicOrder(deterministic, readsOf);
  const sinks = wireChildren(stochastic, deterministic, readsOf, order);
  rejectStochasticCycles(stochastic);
  const unobserved = stochastic.filter((n) => !n.observed).map((n) => n.id);
  const graph: ModelGraph = { variables, stochastic, deterministic, deterministicOrder: order, sinks, unobserved, modelRange: document.model!.range, expressions: compiler };
  refreshDeterministic(graph);
  checkObservedSupport(graph);
  return graph;
}

function defineNode(
  instance: BoundInstance,
  compiler: ExpressionCompiler,
  stochastic: StochasticNode[],
  deterministic: DeterministicNode[],
): { node: StochasticNode | DeterministicNode; reads: ElementRef[] } {
  const { statement, scope, variable } = instance;
  const target = statement.target;

  if (statement.kind === 'deterministic') {
    if (instance.offsets.length !== 1) {
      throw errorAt(target.range, `${target.name} is defined as a whole vector or matrix here; vector-valued deterministic nodes are not supported yet. Define it element by element in a loop.`);
    }
    const offset = instance.offsets[0]!;
    const compiled = compiler.compile(statement.value, scope);
    const inverse = target.link ? INVERSE_LINKS[target.link] : undefined;
    const evaluate = inverse ? () => inverse(compiled.evaluate()) : compiled.evaluate;
    const node: DeterministicNode = { id: deterministic.length, name: elementName(variable, offset), variable, offset, evaluate, statement, scope };
    deterministic.push(node);
    variable.role[offset] = Role.Deterministic;
    variable.node[offset] = node.id;
    return { node, reads: compiled.reads };
  }

  const distribution = DISTRIBUTIONS[statement.distribution];
  if (!distribution) {
    const close = suggest(statement.distribution, Object.keys(DISTRIBUTIONS));
    throw errorAt(statement.distributionRange, `Unknown or not yet supported distribution '${statement.distribution}'.${close}`);
  }
  if (statement.args.length !== distribution.parameters.length) {
    throw errorAt(statement.range, `${distribution.name} takes ${distribution.parameters.length} argument(s) (${distribution.parameters.join(', ')}), got ${statement.args.length}.`);
  }
  const ranks = distribution.parameterRanks ?? distribution.parameters.map(() => 0);
  const reads: ElementRef[] = [];
  const params: Evaluator[] = [];
  const paramSizes: number[] = [];
  const paramDims: number[][] = [];
  statement.args.forEach((a, k) => {
    if (ranks[k] === 0) {
      const c = compiler.compile(a, scope);
      appendAll(reads, c.reads);
      params.push(c.evaluate);
      paramSizes.push(1);
      paramDims.push([]);
      return;
    }
    const c = compiler.array(a, scope);
    appendAll(reads, c.reads);
    appendAll(params, c.evaluators);
    paramSizes.push(c.evaluators.length);
    paramDims.push(c.dims.length > 1 ? c.dims.filter((n) => n !== 1) : c.dims);
  });

  let side = 1;
  if (distribution.multivariate) {
    const found = distribution.valueSide(paramDims);
    if (typeof found === 'string') throw errorAt(statement.range, `${distribution.name}: ${found}.`);
    side = found;
    const expected = distribution.valueRank === 2 ? side * side : side;
    if (instance.offsets.length !== expected) {
      const shape = distribution.valueRank === 2 ? `a ${side} × ${side} matrix` : `a vector of ${side}`;
      throw errorAt(target.range, `${target.name} must be ${shape} for ${distribution.name} here, but the target has ${instance.offsets.length} element(s); index it as in ${target.name}[${distribution.valueRank === 2 ? `1:${side}, 1:${side}` : `1:${side}`}].`);
    }
  } else if (instance.offsets.length !== 1) {
    throw errorAt(target.range, `${target.name} is a whole vector or matrix here, but ${distribution.name} is a distribution of a single value: define one element at a time, as in ${target.name}[i] ~ ${distribution.name}(...).`);
  }
  const offsets = Int32Array.from(instance.offsets);
  const offset = offsets[0]!;
  const name = distribution.multivariate ? rangeName(variable, offsets) : elementName(variable, offset);
  let observed = true;
  let missing = 0;
  for (const o of offsets) {
    const given = variable.role[o] === Role.Data && !Number.isNaN(variable.values[o]!);
    observed &&= given;
    if (!given) missing++;
  }
  if (distribution.multivariate && missing > 0 && missing < offsets.length) {
    throw errorAt(target.range, `${name} is partly observed (${missing} of ${offsets.length} elements are missing); a multivariate node must be fully observed or fully missing.`);
  }
  const node: StochasticNode = {
    id: stochastic.length, name, variable, offset, offsets, side, distribution, params, paramSizes,
    paramValues: new Float64Array(params.length), value: new Float64Array(offsets.length),
    observed, statement, scope, children: [], dependents: [],
  };
  if (statement.truncation) {
    if (distribution.multivariate) throw errorAt(statement.truncation.range, `${distribution.name} cannot be truncated: T(,) applies to scalar distributions.`);
    const t = statement.truncation;
    if (t.lower) {
      const c = compiler.compile(t.lower, scope);
      appendAll(reads, c.reads);
      node.lower = c.evaluate;
    }
    if (t.upper) {
      const c = compiler.compile(t.upper, scope);
      appendAll(reads, c.reads);
      node.upper = c.evaluate;
    }
  }
  stochastic.push(node);
  for (const o of offsets) {
    variable.role[o] = Role.Stochastic;
    variable.node[o] = node.id;
  }
  return { node, reads };
}

/** Distributions the sampler cannot handle yet, or called with the wrong number of arguments. */
function unsupportedDistributions(statements: Statement[]): Problem[] {
  return statements.flatMap((s): Problem[] => {
    if (s.kind === 'for') return unsupportedDistributions(s.body);
    if (s.kind !== 'stochastic') return [];
    const d = DISTRIBUTIONS[s.distribution];
    if (!d) {
      const message = `Unknown or not yet supported distribution '${s.distribution}'.${suggest(s.distribution, Object.keys(DISTRIBUTIONS))}`;
      return [{ severity: 'error', message, range: s.distributionRange }];
    }
    if (s.args.length !== d.parameters.length) {
      const message = `${d.name} takes ${d.parameters.length} argument(s) (${d.parameters.join(', ')}), got ${s.args.length}.`;
      return [{ severity: 'error', message, range: s.range }];
    }
    return [];
  });
}

/**
 * Topological order of the deterministic nodes; a directed cycle is an error, and so is a chain
 * of definitions too deep for the analyses that follow definitions back (linearity, linear
 * forms, conjugacy), which recurse once per definition and per level of its expression.
 * Iterative: a chain such as c[i] <- c[i-1] + 1 may be as long as the data.
 */
function deterministicOrder(deterministic: DeterministicNode[], readsOf: Map<StochasticNode | DeterministicNode, ElementRef[]>): number[] {
  const state = new Uint8Array(deterministic.length); // 0 new, 1 visiting, 2 done
  const order: number[] = [];
  const parents = (node: DeterministicNode): DeterministicNode[] =>
    (readsOf.get(node) ?? []).filter((r) => r.variable.role[r.offset] === Role.Deterministic).map((r) => deterministic[r.variable.node[r.offset]!]!);
  for (const root of deterministic) {
    if (state[root.id] === 2) continue;
    const stack: Array<{ node: DeterministicNode; parents: DeterministicNode[]; next: number }> = [{ node: root, parents: parents(root), next: 0 }];
    state[root.id] = 1;
    while (stack.length) {
      const top = stack[stack.length - 1]!;
      if (top.next === top.parents.length) {
        state[top.node.id] = 2;
        order.push(top.node.id);
        stack.pop();
        continue;
      }
      const parent = top.parents[top.next++]!;
      if (state[parent.id] === 1) throw errorAt(parent.statement.range, `${parent.name} depends on itself through a cycle of '<-' relations.`);
      if (state[parent.id] === 0) {
        state[parent.id] = 1;
        stack.push({ node: parent, parents: parents(parent), next: 0 });
      }
    }
  }
  rejectDeepDefinitions(deterministic, order, parents);
  return order;
}

/** The deepest chain of definitions accepted, counted in expression levels (c[i] <- c[i-1] + 1 counts 2 per element). */
export const MAX_DEFINITION_DEPTH = 2000;

function rejectDeepDefinitions(deterministic: DeterministicNode[], order: number[], parents: (node: DeterministicNode) => DeterministicNode[]): void {
  const depth = new Float64Array(deterministic.length);
  const heights = new Map<Expression, number>();
  for (const id of order) {
    const node = deterministic[id]!;
    let height = heights.get(node.statement.value);
    if (height === undefined) heights.set(node.statement.value, (height = expressionHeight(node.statement.value)));
    let deepest = 0;
    for (const p of parents(node)) deepest = Math.max(deepest, depth[p.id]!);
    depth[id] = deepest + height;
    if (depth[id]! > MAX_DEFINITION_DEPTH) {
      throw errorAt(
        node.statement.range,
        `${node.name} ends a chain of '<-' definitions more than ${MAX_DEFINITION_DEPTH} expression levels deep, each reading the one before: ` +
          'the samplers follow such chains back one level at a time. Make the chain shorter, or give the recursion a little noise (a stochastic node, ~) so that it breaks.',
      );
    }
  }
}

/** How deep an expression nests (a name or number is 1), without recursion. */
function expressionHeight(e: Expression): number {
  let deepest = 0;
  const stack: Array<[Expression, number]> = [[e, 1]];
  while (stack.length) {
    const [x, level] = stack.pop()!;
    deepest = Math.max(deepest, level);
    const next = level + 1;
    switch (x.kind) {
      case 'unary':
        stack.push([x.operand, next]);
        break;
      case 'binary':
        stack.push([x.left, next], [x.right, next]);
        break;
      case 'call':
        for (const a of x.args) stack.push([a.value, next]);
        break;
      case 'index':
        for (const i of x.indices) {
          if (i.kind === 'at') stack.push([i.value, next]);
          else if (i.kind === 'range') stack.push([i.from, next], [i.to, next]);
        }
        break;
      default:
        break;
    }
  }
  return deepest;
}

/** A stochastic node may not depend on itself, directly or through other nodes (JAGS rejects such graphs too). */
function rejectStochasticCycles(stochastic: StochasticNode[]): void {
  const state = new Uint8Array(stochastic.length); // 0 new, 1 on the current path, 2 done
  for (const root of stochastic) {
    if (state[root.id]) continue;
    // Iterative depth-first search: models can be deep enough to overflow recursion.
    const stack: Array<[StochasticNode, number]> = [[root, 0]];
    state[root.id] = 1;
    while (stack.length) {
      const top = stack[stack.length - 1]!;
      const [node, next] = top;
      if (next >= node.children.length) {
        state[node.id] = 2;
        stack.pop();
        continue;
      }
      top[1]++;
      const child = stochastic[node.children[next]!]!;
      if (state[child.id] === 1) {
        throw errorAt(child.statement.range, `${child.name} depends on itself: the model has a directed cycle through ${node === child ? 'its own parameters' : node.name}.`);
      }
      if (state[child.id] === 0) {
        state[child.id] = 1;
        stack.push([child, 0]);
      }
    }
  }
}

/** Wires each stochastic node to its stochastic children and the deterministic nodes between; returns the deterministic sinks in order. */
function wireChildren(
  stochastic: StochasticNode[],
  deterministic: DeterministicNode[],
  readsOf: Map<StochasticNode | DeterministicNode, ElementRef[]>,
  order: number[],
): number[] {
  // Reverse edges: for each node, the nodes that read it directly.
  const stochasticReaders = new Map<number, Set<number>>();
  const deterministicReaders = new Map<number, Set<number>>();
  const key = (r: ElementRef): number | undefined => {
    const role = r.variable.role[r.offset];
    if (role === Role.Stochastic) return r.variable.node[r.offset]!;
    if (role === Role.Deterministic) return -1 - r.variable.node[r.offset]!;
    return undefined;
  };
  for (const [node, reads] of readsOf) {
    const isStochastic = 'distribution' in node;
    for (const r of reads) {
      const k = key(r);
      if (k === undefined) continue;
      const readers = isStochastic ? stochasticReaders : deterministicReaders;
      let set = readers.get(k);
      if (!set) readers.set(k, (set = new Set()));
      set.add(node.id);
    }
  }
  const position = new Int32Array(deterministic.length);
  order.forEach((id, k) => (position[id] = k));
  // A deterministic node no stochastic node reads, even indirectly (a prediction, a summary such as
  // an RMSE), need not follow every update: it is recomputed only when draws are recorded.
  const feedsStochastic = new Uint8Array(deterministic.length);
  for (let k = order.length - 1; k >= 0; k--) {
    const id = order[k]!;
    if ((stochasticReaders.get(-1 - id)?.size ?? 0) > 0) feedsStochastic[id] = 1;
    else for (const d of deterministicReaders.get(-1 - id) ?? []) if (feedsStochastic[d]) feedsStochastic[id] = 1;
  }
  for (const node of stochastic) {
    const children = new Set(stochasticReaders.get(node.id) ?? []);
    const dependents = new Set<number>();
    const pending = [...(deterministicReaders.get(node.id) ?? [])];
    while (pending.length) {
      const d = pending.pop()!;
      if (dependents.has(d) || !feedsStochastic[d]) continue;
      dependents.add(d);
      for (const c of stochasticReaders.get(-1 - d) ?? []) children.add(c);
      appendAll(pending, (deterministicReaders.get(-1 - d) ?? []));
    }
    node.children = [...children].sort((a, b) => a - b);
    node.dependents = [...dependents].sort((a, b) => position[a]! - position[b]!);
  }
  return order.filter((id) => !feedsStochastic[id]);
}

/** Recomputes the deterministic nodes no stochastic node reads (predictions, summaries): before draws are recorded. */
export function refreshSinks(graph: ModelGraph): void {
  for (const id of graph.sinks) {
    const d = graph.deterministic[id]!;
    d.variable.values[d.offset] = d.evaluate();
  }
}

/** Recomputes every deterministic node in topological order, e.g. after initial values are set. */
export function refreshDeterministic(graph: ModelGraph): void {
  for (const id of graph.deterministicOrder) {
    const d = graph.deterministic[id]!;
    d.variable.values[d.offset] = d.evaluate();
  }
}




