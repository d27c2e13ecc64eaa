import type { Document, Statement, Target } from '../language/ast';
import type { DataArray, NamedValues } from '../language/rvalues';
import { errorAt, ModelError, type Problem, type SourceRange } from '../language/source';
import { SCALAR_DISTRIBUTIONS } from './distributions';
import { editDistance, ExpressionCompiler, type ElementRef, type LoopScope } from './expressions';
import { INVERSE_LINKS } from './functions';
import { elementName, Role, type DeterministicNode, type ModelGraph, type StochasticNode, type Variable } from './graph';

type StochasticStatement = Extract<Statement, { kind: 'stochastic' }>;
type DeterministicStatement = Extract<Statement, { kind: 'deterministic' }>;

/** One unrolled relation: a statement with its loop variables fixed. */
interface Instance {
  statement: StochasticStatement | DeterministicStatement;
  scope: LoopScope;
  /** The index of each dimension of the target, 1-based; empty for a scalar. */
  index: number[];
}

/**
 * Compiles a parsed document and its data into a model graph: unrolls the
 * loops, infers the dimensions of the variables the data do not give, and
 * wires each node to its parents and children. Throws ModelError with the
 * source ranges of every problem it finds.
 */
export function compileModel(document: Document, data: NamedValues): ModelGraph {
  const model = document.model;
  if (!model) throw new ModelError([{ severity: 'error', message: "The document has no 'model { ... }' block.", range: emptyRange() }]);
  if (document.data) throw errorAt(document.data.range, "'data { }' blocks (data transformations) are not supported yet; give the data with a 'data list(...)' directive.");

  const variables = new Map<string, Variable>();
  for (const [name, value] of data) variables.set(name, dataVariable(name, value));
  const modelNames = definedNames(model.statements);
  const compiler = new ExpressionCompiler(variables, new Set(modelNames), (name) => suggestion(name, [...variables.keys(), ...modelNames]));

  const instances: Instance[] = [];
  const problems: Problem[] = [];
  // A statement inside a loop fails the same way for every index: report it once.
  const reported = new Set<Statement>();
  const report = (statement: Statement, e: unknown): void => {
    if (!(e instanceof ModelError)) throw e;
    if (reported.has(statement)) return;
    reported.add(statement);
    problems.push(...e.problems);
  };
  unroll(model.statements, new Map(), instances, compiler, report);
  if (problems.length) throw new ModelError(problems);

  declareDefinedVariables(instances, variables);

  const stochastic: StochasticNode[] = [];
  const deterministic: DeterministicNode[] = [];
  const readsOf = new Map<StochasticNode | DeterministicNode, ElementRef[]>();
  for (const instance of instances) {
    try {
      const node = defineNode(instance, variables, compiler, stochastic, deterministic);
      readsOf.set(node.node, node.reads);
    } catch (e) {
      report(instance.statement, e);
    }
  }
  if (problems.length) throw new ModelError(problems);

  const order = deterministicOrder(deterministic, readsOf);
  wireChildren(stochastic, deterministic, readsOf, order);
  rejectStochasticCycles(stochastic);
  const unobserved = stochastic.filter((n) => !n.observed).map((n) => n.id);
  const graph: ModelGraph = { variables, stochastic, deterministic, deterministicOrder: order, unobserved, modelRange: model.range, expressions: compiler };
  refreshDeterministic(graph);
  return graph;
}

function unroll(statements: Statement[], scope: Map<string, number>, out: Instance[], compiler: ExpressionCompiler, report: (s: Statement, e: unknown) => void): void {
  for (const s of statements) {
    try {
      if (s.kind === 'for') {
        const from = compiler.constant(s.from, scope, 'A loop bound');
        const to = compiler.constant(s.to, scope, 'A loop bound');
        for (let i = from; i <= to; i++) {
          const inner = new Map(scope);
          inner.set(s.variable, i);
          unroll(s.body, inner, out, compiler, report);
        }
      } else {
        out.push({ statement: s, scope, index: targetIndex(s.target, scope, compiler) });
      }
    } catch (e) {
      report(s, e);
    }
  }
}

function targetIndex(target: Target, scope: LoopScope, compiler: ExpressionCompiler): number[] {
  return target.indices.map((index) => {
    if (index.kind !== 'at') throw errorAt(index.range, 'Only single elements can be defined here; ranges on the left of ~ or <- are not supported yet.');
    const at = compiler.constant(index.value, scope, 'An index on the left-hand side');
    if (!Number.isInteger(at) || at < 1) throw errorAt(index.range, `Index ${at} is not a positive whole number.`);
    return at;
  });
}

function declareDefinedVariables(instances: Instance[], variables: Map<string, Variable>): void {
  const dims = new Map<string, { dims: number[]; range: SourceRange }>();
  for (const { statement, index } of instances) {
    const name = statement.target.name;
    if (variables.has(name)) continue;
    const known = dims.get(name);
    if (!known) {
      dims.set(name, { dims: [...index], range: statement.target.range });
    } else if (known.dims.length !== index.length) {
      throw errorAt(statement.target.range, `${name} is used with ${index.length} index(es) here but ${known.dims.length} elsewhere.`);
    } else {
      for (let d = 0; d < index.length; d++) known.dims[d] = Math.max(known.dims[d]!, index[d]!);
    }
  }
  for (const [name, { dims: d }] of dims) {
    const size = d.reduce((a, b) => a * b, 1);
    variables.set(name, { name, dims: d, values: new Float64Array(size).fill(Number.NaN), role: new Uint8Array(size), node: new Int32Array(size).fill(-1) });
  }
}

function defineNode(
  instance: Instance,
  variables: Map<string, Variable>,
  compiler: ExpressionCompiler,
  stochastic: StochasticNode[],
  deterministic: DeterministicNode[],
): { node: StochasticNode | DeterministicNode; reads: ElementRef[] } {
  const { statement, scope } = instance;
  const target = statement.target;
  const variable = variables.get(target.name)!;
  const offset = compiler.offsetOf(variable, target.indices, scope, target.range);
  const name = elementName(variable, offset);
  if (variable.node[offset]! >= 0) throw errorAt(target.range, `${name} is defined twice.`);

  if (statement.kind === 'deterministic') {
    if (variable.role[offset] === Role.Data && !Number.isNaN(variable.values[offset]!)) {
      throw errorAt(target.range, `${name} is given as data but defined here with '<-': a deterministic node cannot be observed.`);
    }
    const compiled = compiler.compile(statement.value, scope);
    const inverse = target.link ? INVERSE_LINKS[target.link] : undefined;
    const evaluate = inverse ? () => inverse(compiled.evaluate()) : compiled.evaluate;
    const node: DeterministicNode = { id: deterministic.length, name, variable, offset, evaluate, statement, scope };
    deterministic.push(node);
    variable.role[offset] = Role.Deterministic;
    variable.node[offset] = node.id;
    return { node, reads: compiled.reads };
  }

  const distribution = SCALAR_DISTRIBUTIONS[statement.distribution];
  if (!distribution) {
    const close = suggestion(statement.distribution, Object.keys(SCALAR_DISTRIBUTIONS));
    throw errorAt(statement.distributionRange, `Unknown or not yet supported distribution '${statement.distribution}'.${close}`);
  }
  if (statement.args.length !== distribution.parameters.length) {
    throw errorAt(statement.range, `${distribution.name} takes ${distribution.parameters.length} argument(s) (${distribution.parameters.join(', ')}), got ${statement.args.length}.`);
  }
  const reads: ElementRef[] = [];
  const params = statement.args.map((a) => {
    const c = compiler.compile(a, scope);
    reads.push(...c.reads);
    return c.evaluate;
  });
  const observed = variable.role[offset] === Role.Data && !Number.isNaN(variable.values[offset]!);
  const node: StochasticNode = {
    id: stochastic.length, name, variable, offset, distribution, params,
    paramValues: new Float64Array(params.length), observed, statement, scope, children: [], dependents: [],
  };
  if (statement.truncation) {
    const t = statement.truncation;
    if (t.lower) {
      const c = compiler.compile(t.lower, scope);
      reads.push(...c.reads);
      node.lower = c.evaluate;
    }
    if (t.upper) {
      const c = compiler.compile(t.upper, scope);
      reads.push(...c.reads);
      node.upper = c.evaluate;
    }
  }
  if (observed && distribution.discrete && !Number.isInteger(variable.values[offset]!)) {
    throw errorAt(target.range, `${name} = ${variable.values[offset]} is data for ${distribution.name}, which takes whole numbers only.`);
  }
  stochastic.push(node);
  variable.role[offset] = Role.Stochastic;
  variable.node[offset] = node.id;
  return { node, reads };
}

/** Topological order of the deterministic nodes; a directed cycle is an error. */
function deterministicOrder(deterministic: DeterministicNode[], readsOf: Map<StochasticNode | DeterministicNode, ElementRef[]>): number[] {
  const state = new Uint8Array(deterministic.length); // 0 new, 1 visiting, 2 done
  const order: number[] = [];
  const visit = (node: DeterministicNode): void => {
    if (state[node.id] === 2) return;
    if (state[node.id] === 1) throw errorAt(node.statement.range, `${node.name} depends on itself through a cycle of '<-' relations.`);
    state[node.id] = 1;
    for (const r of readsOf.get(node) ?? []) {
      if (r.variable.role[r.offset] === Role.Deterministic) visit(deterministic[r.variable.node[r.offset]!]!);
    }
    state[node.id] = 2;
    order.push(node.id);
  };
  for (const node of deterministic) visit(node);
  return order;
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

function wireChildren(
  stochastic: StochasticNode[],
  deterministic: DeterministicNode[],
  readsOf: Map<StochasticNode | DeterministicNode, ElementRef[]>,
  order: number[],
): void {
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
  for (const node of stochastic) {
    const children = new Set(stochasticReaders.get(node.id) ?? []);
    const dependents = new Set<number>();
    const pending = [...(deterministicReaders.get(node.id) ?? [])];
    while (pending.length) {
      const d = pending.pop()!;
      if (dependents.has(d)) continue;
      dependents.add(d);
      for (const c of stochasticReaders.get(-1 - d) ?? []) children.add(c);
      pending.push(...(deterministicReaders.get(-1 - d) ?? []));
    }
    node.children = [...children].sort((a, b) => a - b);
    node.dependents = [...dependents].sort((a, b) => position[a]! - position[b]!);
  }
}

/** Recomputes every deterministic node in topological order, e.g. after initial values are set. */
export function refreshDeterministic(graph: ModelGraph): void {
  for (const id of graph.deterministicOrder) {
    const d = graph.deterministic[id]!;
    d.variable.values[d.offset] = d.evaluate();
  }
}

function dataVariable(name: string, value: DataArray): Variable {
  const size = value.values.length;
  return { name, dims: [...value.dims], values: Float64Array.from(value.values), role: new Uint8Array(size).fill(Role.Data), node: new Int32Array(size).fill(-1) };
}

function definedNames(statements: Statement[]): string[] {
  return statements.flatMap((s) => (s.kind === 'for' ? [s.variable, ...definedNames(s.body)] : [s.target.name]));
}

function suggestion(name: string, candidates: string[]): string {
  let best: string | undefined;
  let bestDistance = Number.POSITIVE_INFINITY;
  for (const c of new Set(candidates)) {
    const d = editDistance(name.toLowerCase(), c.toLowerCase());
    if (d < bestDistance) {
      best = c;
      bestDistance = d;
    }
  }
  return best !== undefined && bestDistance <= Math.max(1, Math.floor(name.length / 3)) ? ` Did you mean '${best}'?` : '';
}

function emptyRange(): SourceRange {
  const p = { line: 0, column: 0, offset: 0 };
  return { start: p, end: p };
}
