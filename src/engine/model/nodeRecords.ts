import type { Statement } from '../language/ast';
import { NO_ITEMS } from '../collections';
import type { LoopScope } from './expressions';
import { frameParts, RowFrame, type LoopFrame } from './loopFrame';
import type { AffineRead, StatementCode } from './statementCode';
import { elementName, rangeName, type DeterministicNode, type Distribution, type Evaluator, type StochasticNode, type Variable } from './graph';

/*
 * Nodes as the compiler makes them. A node's name, and a scalar node's
 * one-element `offsets`, are computed when asked rather than kept: a string
 * and a typed-array view per node cost about 150 bytes, and a model with a
 * million rows has two million nodes. Names are asked for by messages,
 * monitors and summaries, never per sweep. What all the nodes of a relation
 * share (its statement, distribution and parameter sizes) is kept once per
 * relation, and a scalar node shares one shape: 8 bytes a field per node
 * adds up to 100 MB at a million rows.
 */

/** What every node of one relation (a statement, with the same parameter sizes) has in common. */
export interface RelationRecord {
  readonly statement: Extract<Statement, { kind: 'stochastic' }>;
  /** The variable the statement's target names (the same for every row). */
  readonly variable: Variable;
  readonly distribution: Distribution;
  readonly paramSizes: number[];
  /** The number of parameter elements, the sum of `paramSizes`. */
  readonly paramCount: number;
  /** Each parameter compiled once for the statement, when every one of them compiles; else each node keeps closures. */
  readonly code: StatementCode[] | undefined;
  /** Per parameter with `code`, the element it reads in place when it is such a read (affineRead), else undefined. */
  readonly reads: Array<AffineRead | undefined> | undefined;
  /** The statement's innermost loop variable (each node is that loop's frame), or undefined outside every loop. */
  readonly loopVariable: string | undefined;
}

/** A node's value layout: a multivariate node's offsets, side and gather scratch; one shared record for every scalar node. */
export interface NodeShape {
  /** A multivariate node's offsets; undefined for a scalar node (its only offset is `offset`). */
  readonly elementOffsets: Int32Array | undefined;
  readonly side: number;
  readonly value: Float64Array;
}

/** A scalar node has no multivariate value to gather: its `value` scratch is never written, so all share one. */
export const SCALAR_SHAPE: NodeShape = { elementOffsets: undefined, side: 1, value: new Float64Array(1) };

/**
 * A scalar node whose statement's parameters are compiled once for all its
 * rows: what nearly every row of a plate is. It keeps its id, offset,
 * relation, observed flag, lists and loop index, and nothing else. It is
 * its row's frame of the innermost loop (`scope` is the node itself), so
 * that a row has no frame object of its own (48 bytes). A
 * multivariate node's shape and an interpreted node's closures live in
 * InterpretedStochasticNode, so that two fields (16 bytes, 32 MB at a
 * million probit rows) are not carried by every row.
 */
export class CompiledStochasticNode extends RowFrame implements StochasticNode {
  // Declared, not initialised: only truncated nodes carry bounds, and an own field on every node would cost 16 bytes.
  declare lower?: Evaluator;
  declare upper?: Evaluator;
  /**
   * The children and dependents in one field: a lone child as its id, the
   * list of children, or both lists (NodeLinks) for a node with dependents.
   * The shared empty list until wiring sets each node's own: an empty [] per
   * list is 32 bytes, a one-element list 56, and a latent row (a probit's
   * z[i], whose only child is y[i] and which has no dependents) has one per
   * row; a second field for the dependents was 16 MB at a million rows.
   * `children` makes a lone child's list when first asked for; `childCount`
   * and `child` never do.
   */
  private links: number | number[] | NodeLinks = NO_ITEMS;
  /** Made when first asked for: samplers that evaluate `params` themselves (a probit's latent normals) never ask, and a view costs 96 bytes. */
  declare private scratch?: Float64Array;

  /**
   * The offset, bitwise negated (~offset, below zero) for an observed node:
   * one field for two, 16 MB at a million probit rows.
   */
  private readonly place: number;

  constructor(
    public id: number,
    offset: number,
    protected readonly relation: RelationRecord,
    observed: boolean,
    scope: LoopScope,
  ) {
    super(scope, relation.loopVariable);
    this.place = observed ? ~offset : offset;
    if (new.target === CompiledStochasticNode && frameParts(scope).outer) throw new Error('A node inside two loops keeps its enclosing frame: make it with stochasticNode.');
  }

  protected get rowLoop(): string | undefined {
    return this.relation.loopVariable;
  }

  /** None: this class serves statements in one loop or none (NestedStochasticNode keeps the frame of two loops or more). */
  get outer(): LoopFrame | undefined {
    return undefined;
  }

  get offset(): number {
    const place = this.place;
    return place < 0 ? ~place : place;
  }

  get observed(): boolean {
    return this.place < 0;
  }

  /** The children alone (a lone child as its id), wherever `links` keeps them. */
  private get childLinks(): number | number[] {
    const links = this.links;
    return links instanceof NodeLinks ? links.children : links;
  }

  private set childLinks(children: number | number[]) {
    const links = this.links;
    if (links instanceof NodeLinks) links.children = children;
    else this.links = children;
  }

  get children(): number[] {
    const children = this.childLinks;
    if (typeof children !== 'number') return children;
    const list = [children];
    this.childLinks = list;
    return list;
  }

  set children(list: number[]) {
    this.childLinks = list.length === 1 ? list[0]! : list;
  }

  get childCount(): number {
    const children = this.childLinks;
    return typeof children === 'number' ? 1 : children.length;
  }

  child(k: number): number {
    const children = this.childLinks;
    return typeof children === 'number' ? children : children[k]!;
  }

  /** Deterministic nodes to recompute, in order, after this node changes. */
  get dependents(): number[] {
    const links = this.links;
    return links instanceof NodeLinks ? links.dependents : NO_ITEMS;
  }

  set dependents(list: number[]) {
    const links = this.links;
    if (links instanceof NodeLinks) {
      if (list.length > 0) links.dependents = list;
      else this.links = links.children;
    } else if (list.length > 0) {
      this.links = new NodeLinks(links, list);
    }
  }

  parameter(k: number): number {
    const relation = this.relation;
    const read = relation.reads![k];
    if (!read) return relation.code![k]!(this.scope);
    const offset = read.base + (read.inner === 0 ? 0 : this.index * read.inner) + (read.outer === 0 ? 0 : this.outer!.index * read.outer);
    return read.values[offset]!;
  }

  /** Closures over the compiled code, made when first asked for (tests and rare analyses) and kept aside: samplers call `parameter`. */
  get params(): Evaluator[] {
    let own = askedParams.get(this);
    if (!own) askedParams.set(this, (own = this.relation.code!.map((code) => () => code(this.scope))));
    return own;
  }

  /** Whether the parameters run as the statement's compiled code (the differential tests ask). */
  get compiled(): boolean {
    return true;
  }

  get paramCount(): number {
    return this.relation.paramCount;
  }

  get paramValues(): Float64Array {
    return (this.scratch ??= parameterScratch(this.relation.paramCount));
  }

  get statement(): Extract<Statement, { kind: 'stochastic' }> {
    return this.relation.statement;
  }

  /** Kept once per relation: a field per node is 8 MB a million nodes. */
  get variable(): Variable {
    return this.relation.variable;
  }

  get distribution(): Distribution {
    return this.relation.distribution;
  }

  get paramSizes(): number[] {
    return this.relation.paramSizes;
  }

  get side(): number {
    return 1;
  }

  /** A scalar node has no multivariate value to gather: the shared scratch is never written. */
  get value(): Float64Array {
    return SCALAR_SHAPE.value;
  }

  get name(): string {
    return elementName(this.variable, this.offset);
  }

  get offsets(): Int32Array {
    return Int32Array.of(this.offset);
  }
}

/** A node's children (a lone child as its id) and its dependents, for a node that has dependents. */
class NodeLinks {
  constructor(
    public children: number | number[],
    public dependents: number[],
  ) {}
}

/** `params` of compiled nodes that were asked for them, kept beside the nodes rather than in a field of each. */
const askedParams = new WeakMap<CompiledStochasticNode, Evaluator[]>();

/** A compiled scalar node of a statement inside two loops or more: it keeps the enclosing loops' frame. */
class NestedStochasticNode extends CompiledStochasticNode {
  private readonly enclosing: LoopFrame | undefined;

  constructor(id: number, offset: number, relation: RelationRecord, observed: boolean, scope: LoopScope) {
    super(id, offset, relation, observed, scope);
    this.enclosing = frameParts(scope).outer;
  }

  override get outer(): LoopFrame | undefined {
    return this.enclosing;
  }
}

/** A compiled scalar node, with a field for its enclosing loops' frame only when its statement is inside two loops or more. */
export function stochasticNode(id: number, offset: number, relation: RelationRecord, observed: boolean, scope: LoopScope): CompiledStochasticNode {
  return frameParts(scope).outer ? new NestedStochasticNode(id, offset, relation, observed, scope) : new CompiledStochasticNode(id, offset, relation, observed, scope);
}

/** A node whose parameters run as the interpreter's closures (its statement does not compile), or a multivariate node. */
export class InterpretedStochasticNode extends CompiledStochasticNode {
  /** Kept whatever the depth: such nodes are few. */
  private readonly enclosing: LoopFrame | undefined;

  constructor(
    id: number,
    offset: number,
    private readonly shape: NodeShape,
    relation: RelationRecord,
    /** The interpreter's closures, for a statement that is not compiled. */
    private readonly evaluators: Evaluator[] | undefined,
    observed: boolean,
    scope: LoopScope,
  ) {
    super(id, offset, relation, observed, scope);
    this.enclosing = frameParts(scope).outer;
  }

  override get outer(): LoopFrame | undefined {
    return this.enclosing;
  }

  override parameter(k: number): number {
    const own = this.evaluators;
    return own ? own[k]!() : super.parameter(k);
  }

  override get params(): Evaluator[] {
    return this.evaluators ?? super.params;
  }

  override get compiled(): boolean {
    return this.evaluators === undefined;
  }

  override get side(): number {
    return this.shape.side;
  }

  override get value(): Float64Array {
    return this.shape.value;
  }

  override get name(): string {
    const offsets = this.shape.elementOffsets;
    return offsets ? rangeName(this.variable, offsets) : elementName(this.variable, this.offset);
  }

  override get offsets(): Int32Array {
    return this.shape.elementOffsets ?? Int32Array.of(this.offset);
  }
}

/** What every node of one deterministic statement has in common: its variable, statement and compiled code. */
export interface DefinitionRecord {
  readonly variable: Variable;
  readonly statement: Extract<Statement, { kind: 'deterministic' }>;
  /** The statement compiled once for all its rows, or undefined where it falls back to the interpreter. */
  readonly code: StatementCode | undefined;
  /** The statement's innermost loop variable (each node is that loop's frame), or undefined outside every loop. */
  readonly loopVariable: string | undefined;
}

/**
 * A deterministic node whose statement is compiled: its id, offset, shared
 * record and loop index, and like a stochastic node its row's innermost loop
 * frame (a regression's `mu[i]` is one per row).
 */
export class CompiledDeterministicNode extends RowFrame implements DeterministicNode {
  constructor(
    public id: number,
    public offset: number,
    protected readonly definition: DefinitionRecord,
    scope: LoopScope,
  ) {
    super(scope, definition.loopVariable);
    if (new.target === CompiledDeterministicNode && frameParts(scope).outer) throw new Error('A node inside two loops keeps its enclosing frame: make it with deterministicNode.');
  }

  protected get rowLoop(): string | undefined {
    return this.definition.loopVariable;
  }

  /** None: this class serves statements in one loop or none (NestedDeterministicNode keeps the frame of two loops or more). */
  get outer(): LoopFrame | undefined {
    return undefined;
  }

  evaluate(): number {
    return this.definition.code!(this.scope);
  }

  /** Whether the value runs as the statement's compiled code (the differential tests ask). */
  get compiled(): boolean {
    return true;
  }

  get variable(): Variable {
    return this.definition.variable;
  }

  get statement(): Extract<Statement, { kind: 'deterministic' }> {
    return this.definition.statement;
  }

  get name(): string {
    return elementName(this.variable, this.offset);
  }
}

/** A compiled deterministic node of a statement inside two loops or more: it keeps the enclosing loops' frame. */
class NestedDeterministicNode extends CompiledDeterministicNode {
  private readonly enclosing: LoopFrame | undefined;

  constructor(id: number, offset: number, definition: DefinitionRecord, scope: LoopScope) {
    super(id, offset, definition, scope);
    this.enclosing = frameParts(scope).outer;
  }

  override get outer(): LoopFrame | undefined {
    return this.enclosing;
  }
}

/** A compiled deterministic node, with a field for its enclosing loops' frame only when its statement is inside two loops or more. */
export function deterministicNode(id: number, offset: number, definition: DefinitionRecord, scope: LoopScope): CompiledDeterministicNode {
  return frameParts(scope).outer ? new NestedDeterministicNode(id, offset, definition, scope) : new CompiledDeterministicNode(id, offset, definition, scope);
}

/** A deterministic node computed by the interpreter's closure (a statement that does not compile, an element of an array value). */
export class InterpretedDeterministicNode extends CompiledDeterministicNode {
  /** Kept whatever the depth: such nodes are few. */
  private readonly enclosing: LoopFrame | undefined;

  constructor(
    id: number,
    offset: number,
    definition: DefinitionRecord,
    scope: LoopScope,
    private readonly own: Evaluator,
  ) {
    super(id, offset, definition, scope);
    this.enclosing = frameParts(scope).outer;
  }

  override get outer(): LoopFrame | undefined {
    return this.enclosing;
  }

  override evaluate(): number {
    return this.own();
  }

  override get compiled(): boolean {
    return false;
  }
}

/**
 * Parameter scratch carved as views out of shared blocks: a typed array of
 * its own costs about 250 bytes however short, a view about 96. The blocks
 * are shared by every graph of the thread; a view keeps its block alive.
 */
const BLOCK = 1 << 16;
let block = new Float64Array(BLOCK);
let used = 0;

function parameterScratch(n: number): Float64Array {
  if (n > BLOCK / 4) return new Float64Array(n);
  if (used + n > block.length) {
    block = new Float64Array(BLOCK);
    used = 0;
  }
  return block.subarray(used, (used += n));
}
