import { grownTypedArray, internedIndex } from '../collections';
import type { Statement } from '../language/ast';
import type { LoopScope } from './expressions';
import type { Variable } from './graph';

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
 * lists: the statement's index, the loop frame, and the defined offsets in
 * compressed rows. An object per row with a list of offsets was about 110
 * bytes (220 MB at a million probit rows, all alive while the compiler
 * defines the nodes); a row here is 20. `instance(k)` makes the record of
 * one row when it is defined, garbage as soon as its node is made.
 */
export class UnrolledRows {
  private readonly relations: Relation[] = [];
  private readonly relationIndex = new Map<Relation, number>();
  /** Per relation, the variable its target names, once the dimensions are known. */
  private readonly targets: Variable[] = [];
  private relationOf = new Int32Array(1024);
  private scopes: LoopScope[] = [];
  /** Row k's offsets are `offsetList[offsetEnds[k - 1] .. offsetEnds[k]]` (from 0 for the first row). */
  private offsetEnds = new Int32Array(1024);
  private offsetList = new Int32Array(1024);
  private offsetCount = 0;
  /** Rows whose offsets are set, in row order; a row skipped (its relation failed) has none. */
  private placed = 0;
  length = 0;

  add(statement: Relation, scope: LoopScope): void {
    const r = internedIndex(this.relations, this.relationIndex, statement);
    if (this.length === this.relationOf.length) this.relationOf = grownTypedArray(this.relationOf);
    this.relationOf[this.length++] = r;
    this.scopes.push(scope);
  }

  statement(k: number): Relation {
    return this.relations[this.relationOf[k]!]!;
  }

  scope(k: number): LoopScope {
    return this.scopes[k]!;
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
    this.scopes = [];
    this.relationOf = new Int32Array(0);
    this.offsetEnds = new Int32Array(0);
    this.offsetList = new Int32Array(0);
    this.length = this.placed = this.offsetCount = 0;
  }
}
