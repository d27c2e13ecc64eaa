import { grownTypedArray, internedIndex } from '../collections';
import type { Variable } from './graph';

/**
 * The elements each of a list of relations (or nodes) reads, two integers per
 * read in growable typed arrays; relation k's reads are added, then closed,
 * before relation k + 1's. A model with a million rows reads several million
 * elements: a pair object per read and a list per relation were most of the
 * compiler's memory and garbage-collection time.
 */
export class ElementReads {
  private readonly variables: Variable[] = [];
  private readonly variableIndex = new Map<Variable, number>();
  /**
   * Each read's variable, as its index in `variables`: one byte while a model
   * has at most 256 variables (nearly every model), four after. A million
   * probit rows make 4 million reads, and the table doubles as it grows: four
   * bytes a read were 24 MB more at the compiler's peak.
   */
  private readVariable: Uint8Array<ArrayBuffer> | Int32Array<ArrayBuffer> = new Uint8Array(1024);
  private readOffset = new Int32Array(1024);
  private count = 0;
  /** Relation k's reads are `ends[k - 1]` (0 for the first) up to `ends[k]`. */
  private ends = new Int32Array(1024);
  private relations = 0;

  add(variable: Variable, offset: number): void {
    const v = internedIndex(this.variables, this.variableIndex, variable);
    if (v > 255 && this.readVariable instanceof Uint8Array) this.readVariable = Int32Array.from(this.readVariable);
    if (this.count === this.readOffset.length) {
      this.readVariable = grownTypedArray(this.readVariable);
      this.readOffset = grownTypedArray(this.readOffset);
    }
    this.readVariable[this.count] = v;
    this.readOffset[this.count++] = offset;
  }

  /** Ends the current relation's reads. */
  close(): void {
    if (this.relations === this.ends.length) this.ends = grownTypedArray(this.ends);
    this.ends[this.relations++] = this.count;
  }

  /** Lets go of the reads (a million probit rows' are about 30 MB), once the graph is wired. */
  release(): void {
    this.readVariable = new Uint8Array(0);
    this.readOffset = new Int32Array(0);
    this.ends = new Int32Array(0);
    this.count = this.relations = 0;
  }

  forEach(relation: number, visit: (variable: Variable, offset: number) => void): void {
    const end = relation < this.relations ? this.ends[relation]! : 0;
    for (let r = relation > 0 ? this.ends[relation - 1]! : 0; r < end; r++) visit(this.variables[this.readVariable[r]!]!, this.readOffset[r]!);
  }
}
