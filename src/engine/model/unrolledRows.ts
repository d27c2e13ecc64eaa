import { grownTypedArray, internedIndex } from '../collections';
import type { Statement } from '../language/ast';
import type { LoopScope } from './expressions';
import type { Variable } from './graph';
import { Frame, LoopFrame } from './loopFrame';

export type Relation = Extract<Statement, { kind: 'stochastic' | 'deterministic' }>;

/** One unrolled relation: a statement with its loop variables fixed, and the elements it defines. */
export interface BoundInstance {
  statement: Relation;
  scope: LoopScope;
  variable: Variable;
  /** Row-major offsets of the defined elements: one for `x[i]`, several for `x[1:K]` or `x[]`. */
  offsets: number[];
}

/**
 * The unrolled relations of a model, one row per instance, as parallel
 * lists: the statement's index, the innermost loop's index, and the defined
 * offsets in compressed rows; the enclosing loops' frames are kept once per
 * run of rows that share them. An object per row with a list of offsets was
 * about 110 bytes (220 MB at a million probit rows, all alive while the
 * compiler defines the nodes), and a frame per row 48 more; a row here is
 * 16. `instance(k)` makes the record of one row, and its frame, when it is
 * defined: garbage as soon as its node is made (the node is its own frame).
 */
export class UnrolledRows {
  private readonly relations: Relation[] = [];
  private readonly relationIndex = new Map<Relation, number>();
  /** Per relation, the variable its target names, once the dimensions are known. */
  private readonly targets: Variable[] = [];
  /** Per relation, its innermost loop's variable; undefined for a relation outside every loop. */
  private readonly loopVariables: Array<string | undefined> = [];
  private relationOf = new Int32Array(1024);
  /** Row k's innermost loop index (0 outside every loop). */
  private loopIndex = new Int32Array(1024);
  /** Runs of rows with the same enclosing scope: the frame outside the innermost loop (the whole scope outside every loop) from row `runStart[r]` on. */
  private runScopes: Array<LoopScope | undefined> = [];
  private runStart = new Int32Array(16);
  /** The run the last `scope` call found: rows are asked for in order. */
  private lastRun = 0;
  /** Row k's offsets are `offsetList[offsetEnds[k - 1] .. offsetEnds[k]]` (from 0 for the first row). */
  private offsetEnds = new Int32Array(1024);
  private offsetList = new Int32Array(1024);
  private offsetCount = 0;
  /** Rows whose offsets are set, in row order; a row skipped (its relation failed) has none. */
  private placed = 0;
  length = 0;

  add(statement: Relation, scope: LoopScope): void {
    const r = internedIndex(this.relations, this.relationIndex, statement);
    const frame = scope instanceof LoopFrame ? scope : undefined;
    // Integers from the loops' bounds; the binder makes a frame only for an index it has checked is whole.
    if (frame && frame.index !== (frame.index | 0)) throw new Error(`A loop index of ${statement.target.name} is not a 32-bit integer.`);
    this.loopVariables[r] = frame?.loopVariable;
    const enclosing = frame ? frame.outer : scope;
    const runs = this.runScopes.length;
    if (runs === 0 || this.runScopes[runs - 1] !== enclosing) {
      if (runs === this.runStart.length) this.runStart = grownTypedArray(this.runStart);
      this.runStart[runs] = this.length;
      this.runScopes.push(enclosing);
    }
    if (this.length === this.relationOf.length) {
      this.relationOf = grownTypedArray(this.relationOf);
      this.loopIndex = grownTypedArray(this.loopIndex);
    }
    this.loopIndex[this.length] = frame ? frame.index : 0;
    this.relationOf[this.length++] = r;
  }

  /** The number of rows of relations of one kind. */
  count(kind: Relation['kind']): number {
    let n = 0;
    for (let k = 0; k < this.length; k++) if (this.relations[this.relationOf[k]!]!.kind === kind) n++;
    return n;
  }

  statement(k: number): Relation {
    return this.relations[this.relationOf[k]!]!;
  }

  /** Row k's scope: a frame made per call for a row in a loop. */
  scope(k: number): LoopScope {
    const enclosing = this.runScopes[this.runOf(k)];
    const variable = this.loopVariables[this.relationOf[k]!];
    return variable === undefined ? enclosing! : new Frame(enclosing as LoopFrame | undefined, variable, this.loopIndex[k]!);
  }

  private runOf(k: number): number {
    const starts = this.runStart;
    const runs = this.runScopes.length;
    // The binder and the compiler ask for the rows in order: the last run found, or the next.
    for (let r = this.lastRun; r < runs && r <= this.lastRun + 1; r++) {
      if (starts[r]! <= k && (r + 1 === runs || starts[r + 1]! > k)) return (this.lastRun = r);
    }
    let low = 0;
    let high = runs - 1;
    while (low < high) {
      const middle = (low + high + 1) >> 1;
      if (starts[middle]! <= k) low = middle;
      else high = middle - 1;
    }
    return (this.lastRun = low);
  }

  /** Sets row k's variable and offsets: rows in increasing order, each at most once. */
  place(k: number, variable: Variable, offsets: readonly number[]): void {
    this.targets[this.relationOf[k]!] = variable;
    while (this.placed < k) this.close();
    if (this.offsetCount + offsets.length > this.offsetList.length) this.offsetList = grownTypedArray(this.offsetList, this.offsetCount + offsets.length);
    for (const o of offsets) this.offsetList[this.offsetCount++] = o;
    this.close();
  }

  private close(): void {
    if (this.placed === this.offsetEnds.length) this.offsetEnds = grownTypedArray(this.offsetEnds);
    this.offsetEnds[this.placed++] = this.offsetCount;
  }

  variable(k: number): Variable {
    return this.targets[this.relationOf[k]!]!;
  }

  /** Calls `visit` with each offset row k defines. */
  forEachOffset(k: number, visit: (offset: number) => void): void {
    const end = k < this.placed ? this.offsetEnds[k]! : 0;
    for (let j = k > 0 ? this.offsetEnds[k - 1]! : 0; j < end; j++) visit(this.offsetList[j]!);
  }

  firstOffset(k: number): number {
    return this.offsetList[k > 0 ? this.offsetEnds[k - 1]! : 0]!;
  }

  /** Row k as a record of its own (made per call). */
  instance(k: number): BoundInstance {
    const offsets: number[] = [];
    this.forEachOffset(k, (o) => offsets.push(o));
    return { statement: this.statement(k), scope: this.scope(k), variable: this.variable(k), offsets };
  }

  /** Lets go of the rows once every node is defined (the frames stay with their nodes). */
  release(): void {
    this.runScopes = [];
    this.runStart = new Int32Array(0);
    this.lastRun = 0;
    this.loopIndex = new Int32Array(0);
    this.relationOf = new Int32Array(0);
    this.offsetEnds = new Int32Array(0);
    this.offsetList = new Int32Array(0);
    this.length = this.placed = this.offsetCount = 0;
  }
}
