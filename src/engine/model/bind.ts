import { depthFirst } from '../depthFirst';
import type { Block, Declaration, Document, Expression, IndexExpression, Statement } from '../language/ast';
import type { DataArray, NamedValues } from '../language/rvalues';
import { errorAt, ModelError, type Problem, type SourceRange } from '../language/source';
import { suggest } from '../language/check';
import { compileArrayValue } from './arrayValues';
import { ExpressionCompiler, type LoopScope } from './expressions';
import { ElementReads } from './elementReads';
import { NO_LOOPS, withLoopVariable } from './loopFrame';
import { UnrolledRows, type Relation } from './unrolledRows';
import { elementName, Role, type Variable } from './graph';
import { appendAll, exactly } from '../collections';

export type { BoundInstance, Relation } from './unrolledRows';

/** A model bound to its data: every variable with its dimensions, every relation unrolled and checked. */
export interface BoundModel {
  variables: Map<string, Variable>;
  /** Every relation unrolled, with the elements it defines. */
  rows: UnrolledRows;
  compiler: ExpressionCompiler;
}

/**
 * Binds a document's model to its data, as JAGS's compiler does before it
 * builds nodes: evaluates the `data { }` block, unrolls the loops, infers the
 * dimensions the data and `var` declarations do not give, and checks every
 * definition and reference — a node defined twice, an observed deterministic
 * node, an index out of range or with the wrong number of dimensions, a name
 * nothing defines, a directed cycle. Throws one ModelError listing all.
 */
export function bindModel(document: Document, data: NamedValues, memory?: GraphMemoryLimit): BoundModel {
  const model = document.model;
  if (!model) throw new ModelError([{ severity: 'error', message: "The document has no 'model { ... }' block.", range: zeroRange() }]);
  const variables = new Map<string, Variable>();
  const written = new Set(definedNames(document.data?.statements ?? []));
  for (const [name, value] of data) variables.set(name, dataVariable(name, value, written.has(name)));
  const modelNames = new Set([...definedNames(model.statements), ...definedNames(document.data?.statements ?? [])]);
  const compiler = new ExpressionCompiler(variables, modelNames, suggestionsAmong(variables, modelNames));
  const problems = new ProblemList();

  // Declarations first: a data block may fill a declared array by whole rows (var r[2, 3]; r[j, ] <- y[i, ]).
  declare(document.declarations, variables, compiler, problems);
  if (document.data) evaluateDataBlock(document.data, variables, compiler, problems);
  problems.throwIfAny();
  const unrolled = new UnrolledRows();
  unroll(model.statements, NO_LOOPS, unrolled, compiler, problems);
  problems.throwIfAny();
  if (memory) refuseOversizedGraph(unrolled.length, memory, model.range);
  inferDimensions(unrolled, variables, compiler, problems);
  problems.throwIfAny();

  const definedBy = new Map<Variable, Array<Relation | undefined>>();
  for (let k = 0; k < unrolled.length; k++) {
    const statement = unrolled.statement(k);
    problems.attempt(statement, () => {
      const variable = variables.get(statement.target.name)!;
      const offsets = offsetsOf(variable, targetBounds(statement, unrolled.scope(k), compiler), statement);
      let owners = definedBy.get(variable);
      if (!owners) definedBy.set(variable, (owners = new Array<Relation | undefined>(variable.values.length)));
      for (const offset of offsets) {
        // The name only for a message: one string per element was garbage for every row.
        if (owners[offset]) throw errorAt(statement.target.range, `${elementName(variable, offset)} is defined twice${owners[offset] === statement ? '' : ` (also at line ${owners[offset]!.range.start.line + 1})`}.`);
        owners[offset] = statement;
        if (statement.kind === 'deterministic' && variable.role[offset] === Role.Data && !Number.isNaN(variable.values[offset]!)) {
          throw errorAt(statement.target.range, `${elementName(variable, offset)} is given as data but defined here with '<-': a deterministic node cannot be observed.`);
        }
      }
      unrolled.place(k, variable, offsets);
    });
  }
  problems.throwIfAny();

  const references = new ReferenceChecker(variables, compiler, modelNames, new Set(definedNames(model.statements)));
  const reads = new ElementReads();
  for (let k = 0; k < unrolled.length; k++) {
    const statement = unrolled.statement(k);
    problems.attempt(statement, () => references.relation(statement, unrolled.scope(k), reads));
    reads.close();
  }
  problems.throwIfAny();
  rejectCycles(unrolled, reads);
  return { variables, rows: unrolled, compiler };
}

/**
 * The compiler's "did you mean" lookup. Made outside bindModel on purpose: a
 * closure made there shares bindModel's scope and would keep every unrolled
 * instance alive for as long as the compiled model keeps its compiler.
 */
function suggestionsAmong(variables: ReadonlyMap<string, Variable>, modelNames: ReadonlySet<string>): (name: string) => string {
  return (name) => suggest(name, [...variables.keys(), ...modelNames]);
}

/** Collects problems, one per statement: a statement in a loop fails the same way for every index. */
class ProblemList {
  private readonly problems: Problem[] = [];
  private readonly reported = new Set<Statement | Declaration>();

  attempt<T>(statement: Statement | Declaration, f: () => T): T | undefined {
    try {
      return f();
    } catch (e) {
      if (!(e instanceof ModelError)) throw e;
      if (!this.reported.has(statement)) {
        this.reported.add(statement);
        appendAll(this.problems, e.problems);
      }
      return undefined;
    }
  }

  throwIfAny(): void {
    if (this.problems.length) throw new ModelError([...this.problems].sort((a, b) => a.range.start.offset - b.range.start.offset));
  }
}

/** The memory one unrolled node takes in a compiled graph, about: 1.4 kB of live heap per stochastic node measured at 200,000 rows (issue 10), rounded up. */
export const GRAPH_BYTES_PER_NODE = 1536;

/** How much memory a run's graphs may take: `copies` graphs at once (one per chain worker). */
export interface GraphMemoryLimit {
  bytes: number;
  copies: number;
  /** What raises the limit, for the message. */
  raise: string;
}

/** Refuses, before any node is built, a model whose graphs would take more memory than the limit. */
function refuseOversizedGraph(nodes: number, memory: GraphMemoryLimit, at: SourceRange): void {
  const bytes = nodes * GRAPH_BYTES_PER_NODE * memory.copies;
  if (bytes <= memory.bytes) return;
  const size = (b: number): string => (b >= 1024 ** 3 ? `${(b / 1024 ** 3).toFixed(1)} GB` : `${Math.ceil(b / 1024 ** 2)} MB`);
  throw errorAt(
    at,
    `The model unrolls into ${nodes.toLocaleString('en')} nodes: its graph${memory.copies > 1 ? 's' : ''} would take about ${size(bytes)} (${nodes.toLocaleString('en')} nodes × ~1.5 kB${memory.copies > 1 ? ` × ${memory.copies} chains` : ''}), more than the limit of ${size(memory.bytes)}: ` +
      `use fewer rows of data${memory.copies > 1 ? ' or fewer chains' : ''}, or raise the limit (${memory.raise}).`,
  );
}

/** The most relations (nodes) a model unrolls into: at a few hundred bytes each, some gigabytes. */
export const MAX_UNROLLED_RELATIONS = 10_000_000;

function unroll(statements: Statement[], scope: LoopScope, out: UnrolledRows, compiler: ExpressionCompiler, problems: ProblemList): void {
  for (const s of statements) {
    if (s.kind === 'for') {
      const bounds = problems.attempt(s, () => [compiler.constant(s.from, scope, 'A loop bound'), compiler.constant(s.to, scope, 'A loop bound')]);
      if (!bounds) continue;
      const [from, to] = bounds as [number, number];
      if (!Number.isInteger(from) || !Number.isInteger(to)) {
        problems.attempt(s, () => {
          throw errorAt(rangeBetween(s.from.range, s.to.range), `Loop bounds must be whole numbers, got ${from}:${to}.`);
        });
        continue;
      }
      if (to < from - 1) {
        // JAGS runs 1:0 as an empty loop; a bound further below is a mistake in the data (N = -1), not a loop to skip.
        problems.attempt(s, () => {
          throw errorAt(rangeBetween(s.from.range, s.to.range), `The loop over ${s.variable} runs from ${from} to ${to}: its upper bound is below its lower bound (only ${from}:${from - 1}, an empty loop, may be); check the value that gives ${to}.`);
        });
        continue;
      }
      if (out.length + (to - from + 1) > MAX_UNROLLED_RELATIONS) {
        // Before unrolling, so that N = 1e12 is a message, not minutes of work and an out-of-memory crash.
        throw errorAt(
          rangeBetween(s.from.range, s.to.range),
          `The loop over ${s.variable} runs ${to - from + 1} times: the model would unroll into more than ${MAX_UNROLLED_RELATIONS.toLocaleString('en')} nodes, more than the engine holds; check the value that gives ${to}.`,
        );
      }
      for (let i = from; i <= to; i++) {
        unroll(s.body, withLoopVariable(scope, s.variable, i), out, compiler, problems);
      }
    } else {
      if (out.length >= MAX_UNROLLED_RELATIONS) {
        throw errorAt(s.range, `The model unrolls into more than ${MAX_UNROLLED_RELATIONS.toLocaleString('en')} nodes, more than the engine holds; its loops run too many times together.`);
      }
      out.add(s, scope);
    }
  }
}

/**
 * Per dimension of the target, the 1-based [from, to] it defines; `undefined` for an empty index (the whole extent).
 * Computed when asked, not kept: a list of pairs per row was about 120 bytes, 240 MB at a million rows.
 */
function targetBounds(statement: Relation, scope: LoopScope, compiler: ExpressionCompiler): Array<[number, number] | undefined> {
  return statement.target.indices.map((index) => {
    if (index.kind === 'empty') return undefined;
    const [from, to] =
      index.kind === 'at'
        ? [compiler.constant(index.value, scope, 'An index on the left-hand side'), compiler.constant(index.value, scope, 'An index on the left-hand side')]
        : [compiler.constant(index.from, scope, 'A range bound on the left-hand side'), compiler.constant(index.to, scope, 'A range bound on the left-hand side')];
    if (!Number.isInteger(from) || !Number.isInteger(to) || from < 1 || to < from) {
      throw errorAt(index.range, index.kind === 'at' ? `Index ${from} is not a positive whole number.` : `The range ${from}:${to} is not an increasing range of positive whole numbers.`);
    }
    return [from, to];
  });
}

/** Dimensions of the variables the data and `var` do not give: the largest index each dimension is defined at. */
function inferDimensions(unrolled: UnrolledRows, variables: Map<string, Variable>, compiler: ExpressionCompiler, problems: ProblemList): void {
  const dims = new Map<string, number[]>();
  for (let k = 0; k < unrolled.length; k++) {
    const statement = unrolled.statement(k);
    const name = statement.target.name;
    problems.attempt(statement, () => {
      const known = variables.get(name);
      const indexed = statement.target.indices.length;
      if (known) {
        if (indexed !== known.dims.length && !(known.dims.length <= 1 && indexed <= 1)) {
          throw errorAt(statement.target.range, `${name} has ${known.dims.length} dimension(s) but is indexed with ${indexed} here.`);
        }
        return;
      }
      const seen = dims.get(name);
      const bounds = targetBounds(statement, unrolled.scope(k), compiler);
      if (bounds.some((b) => b === undefined)) {
        throw errorAt(statement.target.range, `The size of ${name} is unknown, so ${name} cannot be defined with an empty index; give its size with 'var ${name}[...]' or as data.`);
      }
      const ends = bounds.map((b) => b![1]);
      if (!seen) dims.set(name, ends);
      else if (seen.length !== ends.length) throw errorAt(statement.target.range, `${name} is used with ${ends.length} index(es) here but ${seen.length} elsewhere.`);
      else ends.forEach((e, d) => (seen[d] = Math.max(seen[d]!, e)));
      rejectHugeVariable(name, dims.get(name)!, statement.target.range);
    });
  }
  // A variable too large to hold has its problem reported already: it is not allocated.
  for (const [name, d] of dims) if (d.reduce((a, b) => a * b, 1) <= MAX_UNROLLED_RELATIONS) variables.set(name, emptyVariable(name, d));
}

function offsetsOf(variable: Variable, bounds: Array<[number, number] | undefined>, statement: Relation): number[] {
  const dims = variable.dims.length === 0 ? [1] : variable.dims;
  const ranges = dims.map((size, d): [number, number] => bounds[d] ?? [1, size]);
  ranges.forEach(([from, to], d) => {
    if (to > dims[d]!) {
      throw errorAt(statement.target.range, `Index ${to} is out of range for ${variable.name}: dimension ${d + 1} runs from 1 to ${dims[d]}.`);
    }
    if (from < 1) throw errorAt(statement.target.range, `Index ${from} is out of range for ${variable.name}.`);
  });
  const offsets: number[] = [];
  const walk = (d: number, offset: number): void => {
    if (d === dims.length) {
      offsets.push(offset);
      return;
    }
    for (let i = ranges[d]![0]; i <= ranges[d]![1]; i++) walk(d + 1, offset * dims[d]! + (i - 1));
  };
  walk(0, 0);
  return exactly(offsets);
}

/** `var x[N, 2], y`: the dimensions of variables the data do not give. */
function declare(declarations: Declaration[], variables: Map<string, Variable>, compiler: ExpressionCompiler, problems: ProblemList): void {
  for (const d of declarations) {
    problems.attempt(d, () => {
      const dims = d.dims.map((e) => compiler.constant(e, new Map(), 'A declared dimension'));
      if (dims.some((n) => !Number.isInteger(n) || n < 1)) throw errorAt(d.range, `The dimensions of ${d.name} must be positive whole numbers, got [${dims.join(', ')}].`);
      const known = variables.get(d.name);
      if (known) {
        const same = known.dims.length === dims.length && known.dims.every((n, k) => n === dims[k]) || (known.values.length === 1 && dims.length === 0);
        if (!same) throw errorAt(d.range, `${d.name} is declared as [${dims.join(', ')}] but the data give it dimensions [${known.dims.join(', ')}].`);
        return;
      }
      rejectHugeVariable(d.name, dims, d.range);
      variables.set(d.name, emptyVariable(d.name, dims));
    });
  }
}

/**
 * JAGS's `data { }` block: relations evaluated once, before the model, whose
 * results become data (e.g. transformed covariates).
 */
function evaluateDataBlock(block: Block, variables: Map<string, Variable>, compiler: ExpressionCompiler, problems: ProblemList): void {
  const unrolled = new UnrolledRows();
  unroll(block.statements, NO_LOOPS, unrolled, compiler, problems);
  for (let k = 0; k < unrolled.length; k++) {
    const statement = unrolled.statement(k);
    if (statement.kind === 'stochastic') {
      problems.attempt(statement, () => {
        throw errorAt(statement.range, "Only '<-' relations are supported in a data block: simulating data with '~' there is not supported yet.");
      });
    }
  }
  inferDimensions(unrolled, variables, compiler, problems);
  for (let k = 0; k < unrolled.length; k++) {
    const statement = unrolled.statement(k);
    if (statement.kind !== 'deterministic') continue;
    const scope = unrolled.scope(k);
    problems.attempt(statement, () => {
      const variable = variables.get(statement.target.name);
      if (!variable) return; // its size could not be inferred: reported above
      const offsets = offsetsOf(variable, targetBounds(statement, scope, compiler), statement);
      const value = compileArrayValue(compiler, statement.value, scope);
      for (const r of value.reads) {
        if (r.variable.role[r.offset] !== Role.Data) {
          throw errorAt(statement.value.range, `A data block value must be fixed by the data, but it reads ${r.variable.name}, which is not given as data.`);
        }
      }
      const size = value.dims.reduce((a, b) => a * b, 1);
      if (size !== offsets.length) {
        throw errorAt(statement.range, `${statement.target.name} here has ${offsets.length} element(s) but the right-hand side gives ${value.dims.join(' × ')} = ${size}.`);
      }
      const out = new Float64Array(size);
      value.evaluate(out);
      offsets.forEach((offset, k) => {
        variable.values[offset] = out[k]!;
        variable.role[offset] = Role.Data;
      });
    });
  }
}

/** Checks every name and index a relation reads, and lists the elements of the relations' variables it may read. */
class ReferenceChecker {
  constructor(
    private readonly variables: Map<string, Variable>,
    private readonly compiler: ExpressionCompiler,
    private readonly modelNames: ReadonlySet<string>,
    /** Variables the model's relations define: only their elements can close a cycle (rejectCycles). */
    private readonly relationTargets: ReadonlySet<string>,
  ) {}

  relation(statement: Relation, scope: LoopScope, reads: ElementReads): void {
    const expressions = statement.kind === 'deterministic' ? [statement.value] : [...statement.args];
    if (statement.kind === 'stochastic' && statement.truncation?.lower) expressions.push(statement.truncation.lower);
    if (statement.kind === 'stochastic' && statement.truncation?.upper) expressions.push(statement.truncation.upper);
    for (const e of expressions) this.expression(e, scope, reads);
  }

  private expression(e: Expression, scope: LoopScope, reads: ElementReads): void {
    switch (e.kind) {
      case 'name':
        if (!scope.has(e.name)) this.reference(e.name, e.range, [], scope, reads);
        return;
      case 'index':
        this.reference(e.name, e.nameRange, e.indices, scope, reads);
        for (const i of e.indices) {
          if (i.kind === 'at') this.expression(i.value, scope, reads);
          if (i.kind === 'range') {
            this.expression(i.from, scope, reads);
            this.expression(i.to, scope, reads);
          }
        }
        return;
      case 'unary':
        this.expression(e.operand, scope, reads);
        return;
      case 'binary':
        this.expression(e.left, scope, reads);
        this.expression(e.right, scope, reads);
        return;
      case 'call':
        for (const a of e.args) this.expression(a.value, scope, reads);
        return;
      default:
        return;
    }
  }

  private reference(name: string, range: SourceRange, indices: IndexExpression[], scope: LoopScope, reads: ElementReads): void {
    const v = this.variables.get(name);
    if (!v) {
      if (this.modelNames.has(name)) return; // defined in the data block only through errors already reported
      throw errorAt(range, `Unknown name '${name}': it is neither data nor defined in the model.${suggest(name, [...this.variables.keys(), ...scope.keys()])}`);
    }
    const dims = v.dims.length === 0 ? [1] : v.dims;
    if (indices.length > 0 && indices.length !== dims.length) {
      throw errorAt(range, `${name} has ${v.dims.length} dimension(s) but is indexed with ${indices.length} here.`);
    }
    // Each dimension: the positions read, or undefined when an index depends on unobserved nodes (a mixture).
    const positions = dims.map((size, d): [number, number] | undefined => {
      const index = indices[d];
      if (!index || index.kind === 'empty') return [1, size];
      const from = this.compiler.tryConstant(index.kind === 'at' ? index.value : index.from, scope);
      const to = this.compiler.tryConstant(index.kind === 'at' ? index.value : index.to, scope);
      if (from === undefined || to === undefined) return undefined;
      if (!Number.isInteger(from) || !Number.isInteger(to) || from < 1 || to > size || from > to) {
        const shown = index.kind === 'at' ? `Index ${from}` : `The range ${from}:${to}`;
        throw errorAt(index.range, `${shown} is out of range for ${name}: dimension ${d + 1} runs from 1 to ${size}.`);
      }
      return [from, to];
    });
    // Reads of data no relation defines (a design matrix) are checked above but not kept: they cannot close a cycle,
    // and they were most of a regression's reads (3 of 4 per probit row, 15 MB at a million rows).
    if (!this.relationTargets.has(name)) return;
    const walk = (d: number, offset: number): void => {
      if (d === dims.length) {
        reads.add(v, offset);
        return;
      }
      const [from, to] = positions[d] ?? [1, dims[d]!];
      for (let i = from; i <= to; i++) walk(d + 1, offset * dims[d]! + (i - 1));
    };
    walk(0, 0);
  }
}

/** A directed cycle among the model's elements is an error (JAGS rejects it too). */
function rejectCycles(rows: UnrolledRows, reads: ElementReads): void {
  // Instance that defines each element, to turn "instance reads element" into instance → instance edges.
  const owner = new Map<Variable, Int32Array>();
  for (let k = 0; k < rows.length; k++) {
    const variable = rows.variable(k);
    let table = owner.get(variable);
    if (!table) owner.set(variable, (table = new Int32Array(variable.values.length).fill(-1)));
    rows.forEachOffset(k, (offset) => (table[offset] = k));
  }
  // Parents are listed when the search asks for them (once per instance), not kept for all at once.
  const parentsOf = (k: number): number[] => {
    const parents: number[] = [];
    reads.forEach(k, (v, offset) => {
      const p = owner.get(v)?.[offset] ?? -1;
      if (p >= 0) parents.push(p);
    });
    return parents;
  };
  depthFirst(rows.length, parentsOf, {
    cycle(k, p) {
      const name = elementName(rows.variable(k), rows.firstOffset(k));
      throw errorAt(rows.statement(k).range, `${name} depends on itself: the model has a directed cycle${p === k ? '' : ` through ${elementName(rows.variable(p), rows.firstOffset(p))}`}.`);
    },
  });
}

export function definedNames(statements: Statement[]): string[] {
  return statements.flatMap((s) => (s.kind === 'for' ? definedNames(s.body) : [s.target.name]));
}

/**
 * A variable given as data. Its values are the data's own array when no
 * element is missing and the data block does not write it: then nothing
 * writes them (an observed node is never drawn, a data element never
 * defined), and a copy would hold the data twice (24 MB for a million rows of
 * a three-column design). A missing element becomes a node's value, so a
 * variable with one is copied.
 */
function dataVariable(name: string, value: DataArray, written: boolean): Variable {
  const shared = !written && !value.values.some(Number.isNaN);
  return new DataVariable(name, [...value.dims], shared ? value.values : Float64Array.from(value.values));
}

/**
 * Its `node` table (an Int32Array as long as the values, all −1 until a
 * relation defines an element) is made when first asked for: a design matrix
 * no relation defines never needs it (12 MB for a million rows of three
 * columns).
 */
class DataVariable implements Variable {
  readonly role: Uint8Array;
  private table: Int32Array | undefined;

  constructor(
    readonly name: string,
    readonly dims: number[],
    readonly values: Float64Array,
  ) {
    this.role = new Uint8Array(values.length).fill(Role.Data);
  }

  get node(): Int32Array {
    return (this.table ??= new Int32Array(this.values.length).fill(-1));
  }
}

/** A variable too large to hold (an index of 1e308 in the model, a declared x[1e12]): refused before it is allocated. */
function rejectHugeVariable(name: string, dims: number[], range: SourceRange): void {
  const size = dims.reduce((a, b) => a * b, 1);
  if (size > MAX_UNROLLED_RELATIONS) {
    throw errorAt(range, `${name} would hold ${size < 1e15 ? size.toLocaleString('en') : size.toExponential(1)} elements (dimensions [${dims.join(', ')}]): more than ${MAX_UNROLLED_RELATIONS.toLocaleString('en')}, more than the engine holds; check the index or the size that gives it.`);
  }
}

function emptyVariable(name: string, dims: number[]): Variable {
  const size = dims.reduce((a, b) => a * b, 1);
  return { name, dims, values: new Float64Array(size).fill(Number.NaN), role: new Uint8Array(size), node: new Int32Array(size).fill(-1) };
}

function rangeBetween(a: SourceRange, b: SourceRange): SourceRange {
  return { start: a.start, end: b.end };
}

function zeroRange(): SourceRange {
  const p = { line: 0, column: 0, offset: 0 };
  return { start: p, end: p };
}
