import { collectAfterLargePhase } from '../fullCollection';
import type { Document, Expression, Statement } from '../language/ast';
import { suggest } from '../language/check';
import type { NamedValues } from '../language/rvalues';
import { errorAt, ModelError, type Problem } from '../language/source';
import { defineArrayNodes } from './arrayNodes';
import { bindModel, definedNames, type BoundInstance, type GraphMemoryLimit } from './bind';
import { checkDataShapes, checkObservedSupport } from './dataChecks';
import { SCALAR_DISTRIBUTIONS } from './distributions';
import { MORE_SCALAR_DISTRIBUTIONS } from './moreDistributions';
import { MORE_MULTIVARIATE_DISTRIBUTIONS } from './moreMultivariate';
import { OBSERVATION_DEVICES } from './observationDevices';
import { MULTIVARIATE_DISTRIBUTIONS } from './multivariate';
import type { ElementRef, ExpressionCompiler, LoopScope } from './expressions';
import { StatementCompiler, type StatementCode } from './statementCode';
import { INVERSE_LINKS } from './functions';
import { ReadTable, deterministicOrder, deterministicParents, wireChildren } from './wiring';
import { rangeName, Role, type DeterministicNode, type Distribution, type Evaluator, type ModelGraph, type StochasticNode, type Variable } from './graph';
import { appendAll, exactly } from '../collections';
import { frameParts } from './loopFrame';
import { deterministicNode, InterpretedDeterministicNode, InterpretedStochasticNode, SCALAR_SHAPE, stochasticNode, type DefinitionRecord, type NodeShape, type RelationRecord } from './nodeRecords';

const DISTRIBUTIONS: Record<string, Distribution> = { ...SCALAR_DISTRIBUTIONS, ...MORE_SCALAR_DISTRIBUTIONS, ...OBSERVATION_DEVICES, ...MULTIVARIATE_DISTRIBUTIONS, ...MORE_MULTIVARIATE_DISTRIBUTIONS };

/**
 * Compiles a parsed document and its data into a model graph: unrolls the
 * loops, infers the dimensions of the variables the data do not give, and
 * wires each node to its parents and children. Throws ModelError with the
 * source ranges of every problem it finds.
 */
export function compileModel(document: Document, data: NamedValues, memory?: GraphMemoryLimit): ModelGraph {
  checkDataShapes(document, data);
  const unsupported = unsupportedDistributions(document.model?.statements ?? []);
  let bound;
  try {
    bound = bindModel(document, data, memory);
  } catch (e) {
    if (e instanceof ModelError) throw new ModelError([...unsupported, ...e.problems].sort((a, b) => a.range.start.offset - b.range.start.offset));
    throw e;
  }
  if (unsupported.length) throw new ModelError(unsupported);
  const { variables, rows, compiler } = bound;
  const problems: Problem[] = [];
  const reported = new Set<Statement>();
  const report = (statement: Statement, e: unknown): void => {
    if (!(e instanceof ModelError)) throw e;
    if (reported.has(statement)) return;
    reported.add(statement);
    appendAll(problems, e.problems);
  };

  // Sized once: grown a push at a time, a million rows' list had up to half again its length spare (8 MB), and two
  // copies of it at each growth.
  const stochastic = new NodeList<StochasticNode>(rows.count('stochastic'));
  const deterministic: DeterministicNode[] = [];
  const reads = new ReadTable(new Set(definedNames(document.model!.statements)));
  const scratch = new ScratchPool();
  const statements = new StatementCompiler(variables);
  for (let k = 0; k < rows.length; k++) {
    const instance = rows.instance(k);
    try {
      const vector = instance.statement.kind === 'deterministic' && instance.offsets.length !== 1;
      const defined = vector ? defineArrayNodes(instance, compiler, deterministic) : [defineNode(instance, compiler, statements, stochastic, deterministic, scratch)];
      for (const d of defined) reads.add(d.node, d.reads);
    } catch (e) {
      report(instance.statement, e);
    }
  }
  rows.release();
  if (problems.length) throw new ModelError(problems);
  // The unrolled rows and the binder's reads are garbage now, and wiring is about to allocate its tables.
  collectAfterLargePhase(stochastic.length);
  const stochasticNodes = stochastic.done();

  const order = deterministicOrder(deterministic, reads);
  rejectDeepDefinitions(deterministic, order, (node) => deterministicParents(reads, node.id).map((id) => deterministic[id]!));
  const sinks = wireChildren(stochasticNodes, deterministic, reads, order);
  // The reads, and wiring's tables of readers, are garbage now: freed before the graph's last lists are made.
  reads.release();
  collectAfterLargePhase(stochasticNodes.length);
  rejectStochasticCycles(stochasticNodes);
  const unobserved = unobservedIds(stochasticNodes);
  const graph: ModelGraph = { variables, stochastic: stochasticNodes, deterministic, deterministicOrder: order, sinks, unobserved, modelRange: document.model!.range, expressions: compiler };
  refreshDeterministic(graph);
  checkObservedSupport(graph);
  compiler.forgetIdentities();
  collectAfterLargePhase(stochasticNodes.length);
  return graph;
}

function defineNode(
  instance: BoundInstance,
  compiler: ExpressionCompiler,
  statements: StatementCompiler,
  stochastic: NodeList<StochasticNode>,
  deterministic: DeterministicNode[],
  scratch: ScratchPool,
): { node: StochasticNode | DeterministicNode; reads: ElementRef[] } {
  const { statement, scope, variable } = instance;
  const target = statement.target;

  if (statement.kind === 'deterministic') {
    const offset = instance.offsets[0]! | 0;
    // The interpreter still checks the expression and lists what it reads (the graph's edges) for every row.
    const compiled = compiler.compile(statement.value, scope);
    const inverse = target.link ? INVERSE_LINKS[target.link] : undefined;
    const code = statements.code(statement.value, scope, inverse);
    const definition = scratch.definition(statement, variable, code, frameParts(scope).loopVariable);
    const node: DeterministicNode = code
      ? deterministicNode(deterministic.length, offset, definition, scope)
      : new InterpretedDeterministicNode(deterministic.length, offset, definition, scope, inverse ? () => inverse(compiled.evaluate()) : compiled.evaluate);
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
  if (!arityFits(distribution, statement.args.length)) {
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
  const offsets = instance.offsets;
  // `| 0`: offsets come from data-derived arithmetic as heap numbers, and a node would keep a 16-byte box for its field.
  const offset = offsets[0]! | 0;
  const elementOffsets = distribution.multivariate ? scratch.offsets(offsets) : undefined;
  let observed = true;
  let missing = 0;
  for (const o of offsets) {
    const given = variable.role[o] === Role.Data && !Number.isNaN(variable.values[o]!);
    observed &&= given;
    if (!given) missing++;
  }
  if (distribution.multivariate && missing > 0 && missing < offsets.length) {
    throw errorAt(target.range, `${rangeName(variable, offsets)} is partly observed (${missing} of ${offsets.length} elements are missing); a multivariate node must be fully observed or fully missing.`);
  }
  const shape: NodeShape = elementOffsets ? { elementOffsets, side, value: new Float64Array(offsets.length) } : SCALAR_SHAPE;
  const relation = scratch.relation(statement, variable, distribution, paramSizes, frameParts(scope).loopVariable, () => compiledParameters(statement, statements, scope));
  const node: StochasticNode =
    relation.code && shape === SCALAR_SHAPE
      ? stochasticNode(stochastic.length, offset, relation, observed, scope)
      : new InterpretedStochasticNode(stochastic.length, offset, shape, relation, relation.code ? undefined : exactly(params), observed, scope);
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

/** The ids of the unobserved nodes, in order, without a filtered copy of the nodes first (8 MB of garbage a million rows), in a list of their size. */
function unobservedIds(stochastic: readonly StochasticNode[]): number[] {
  // By index: run once, a for-of makes an iterator result per element.
  let count = 0;
  for (let k = 0; k < stochastic.length; k++) if (!stochastic[k]!.observed) count++;
  const ids = new NodeList<number>(count);
  for (let k = 0; k < stochastic.length; k++) if (!stochastic[k]!.observed) ids.push(stochastic[k]!.id);
  return ids.done();
}

/** A list made at its final size and filled in order (a list grown by push keeps spare room, and copies itself as it grows). */
class NodeList<T> {
  private readonly items: T[];
  length = 0;

  constructor(size: number) {
    this.items = new Array<T>(size);
  }

  push(item: T): void {
    this.items[this.length++] = item;
  }

  /** The list; shortened to the items pushed when fewer came (rows that failed, which end the compile with a message). */
  done(): T[] {
    if (this.length < this.items.length) this.items.length = this.length;
    return this.items;
  }
}

/**
 * Per-compile records nodes share (relations) and a multivariate node's
 * offsets, carved as views out of shared blocks: a typed array of its own
 * costs about 250 bytes of memory however short, a view about 90, and a
 * model with a million rows has two million nodes.
 */
class ScratchPool {
  private static readonly BLOCK = 1 << 16;
  private offsetBlock = new Int32Array(ScratchPool.BLOCK);
  private offsetUsed = 0;

  private readonly relations = new Map<Statement, RelationRecord[]>();
  private readonly definitions = new Map<Statement, DefinitionRecord[]>();

  /** The record the nodes of a deterministic statement share (one per compiled code, in practice one per statement). */
  definition(statement: Extract<Statement, { kind: 'deterministic' }>, variable: Variable, code: StatementCode | undefined, loopVariable: string | undefined): DefinitionRecord {
    let records = this.definitions.get(statement);
    if (!records) this.definitions.set(statement, (records = []));
    let found = records.find((r) => r.code === code && r.variable === variable);
    if (!found) records.push((found = { variable, statement, code, loopVariable }));
    return found;
  }

  /** The record a node shares with the other nodes of its statement whose parameters have the same sizes (nearly always all of them). */
  relation(
    statement: Extract<Statement, { kind: 'stochastic' }>,
    variable: Variable,
    distribution: Distribution,
    paramSizes: number[],
    loopVariable: string | undefined,
    code: () => Pick<RelationRecord, 'code' | 'reads'>,
  ): RelationRecord {
    let records = this.relations.get(statement);
    if (!records) this.relations.set(statement, (records = []));
    const found = records.find((r) => r.paramSizes.length === paramSizes.length && r.paramSizes.every((n, k) => n === paramSizes[k]));
    if (found) return found;
    const record: RelationRecord = { statement, variable, distribution, paramSizes, paramCount: paramSizes.reduce((a, b) => a + b, 0), loopVariable, ...code() };
    records.push(record);
    return record;
  }

  offsets(from: readonly number[]): Int32Array {
    const n = from.length;
    if (n > ScratchPool.BLOCK / 4) return Int32Array.from(from);
    if (this.offsetUsed + n > this.offsetBlock.length) {
      this.offsetBlock = new Int32Array(ScratchPool.BLOCK);
      this.offsetUsed = 0;
    }
    const view = this.offsetBlock.subarray(this.offsetUsed, (this.offsetUsed += n));
    for (let k = 0; k < n; k++) view[k] = from[k]!;
    return view;
  }
}

/** A stochastic statement's parameters compiled once for all its rows, when all are scalars that compile. */
function compiledParameters(
  statement: Extract<Statement, { kind: 'stochastic' }>,
  statements: StatementCompiler,
  scope: LoopScope,
): Pick<RelationRecord, 'code' | 'reads'> {
  const code: StatementCode[] = [];
  for (let k = 0; k < statement.args.length; k++) {
    // An array parameter given one scalar (dinterval's cutpoint 0) compiles as a scalar; the writer refuses any array value.
    const compiled = statements.code(statement.args[k]!, scope);
    if (!compiled) return { code: undefined, reads: undefined };
    code.push(compiled);
  }
  return { code, reads: statement.args.map((a) => statements.read(a, scope)) };
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
    if (!arityFits(d, s.args.length)) {
      const message = `${d.name} takes ${d.parameters.length} argument(s) (${d.parameters.join(', ')}), got ${s.args.length}.`;
      return [{ severity: 'error', message, range: s.range }];
    }
    return [];
  });
}

function arityFits(d: Distribution, count: number): boolean {
  return !d.multivariate && d.variadic ? count >= d.parameters.length : count === d.parameters.length;
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
  // Iterative depth-first search (models can be deep enough to overflow recursion), its path in two lists of numbers
  // that grow with its depth: a pair per node visited was garbage for every node, and typed arrays as long as all the
  // nodes 16 MB at the compile's end for a probit's million rows, whose paths are two nodes deep.
  const path: number[] = [];
  const nextChild: number[] = [];
  // By index: run once, a for-of makes an iterator result per element.
  for (let r = 0; r < stochastic.length; r++) {
    const root = stochastic[r]!;
    if (state[root.id]) continue;
    let depth = 0;
    path[0] = root.id;
    nextChild[0] = 0;
    state[root.id] = 1;
    while (depth >= 0) {
      const node = stochastic[path[depth]!]!;
      const next = nextChild[depth]!;
      if (next >= node.childCount) {
        state[node.id] = 2;
        depth--;
        continue;
      }
      nextChild[depth] = next + 1;
      const child = stochastic[node.child(next)]!;
      if (state[child.id] === 1) {
        throw errorAt(child.statement.range, `${child.name} depends on itself: the model has a directed cycle through ${node === child ? 'its own parameters' : node.name}.`);
      }
      if (state[child.id] === 0) {
        state[child.id] = 1;
        path[++depth] = child.id;
        nextChild[depth] = 0;
      }
    }
  }
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




