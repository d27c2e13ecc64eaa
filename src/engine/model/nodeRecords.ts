import type { Statement } from '../language/ast';
import type { LoopScope } from './expressions';
import { elementName, rangeName, type DeterministicNode, type Distribution, type Evaluator, type StochasticNode, type Variable } from './graph';

/*
 * Nodes as the compiler makes them. A node's name, and a scalar node's
 * one-element `offsets`, are computed when asked rather than kept: a string
 * and a typed-array view per node cost about 150 bytes, and a model with a
 * million rows has two million nodes. Names are asked for by messages,
 * monitors and summaries, never per sweep.
 */

export class CompiledStochasticNode implements StochasticNode {
  lower?: Evaluator;
  upper?: Evaluator;
  children: number[] = [];
  dependents: number[] = [];

  constructor(
    public id: number,
    public variable: Variable,
    public offset: number,
    /** A multivariate node's offsets; undefined for a scalar node (its only offset is `offset`). */
    private readonly elementOffsets: Int32Array | undefined,
    public side: number,
    public distribution: Distribution,
    public params: Evaluator[],
    public paramSizes: number[],
    public paramValues: Float64Array,
    public value: Float64Array,
    public observed: boolean,
    public statement: Extract<Statement, { kind: 'stochastic' }>,
    public scope: LoopScope,
  ) {}

  get name(): string {
    return this.elementOffsets ? rangeName(this.variable, this.elementOffsets) : elementName(this.variable, this.offset);
  }

  get offsets(): Int32Array {
    return this.elementOffsets ?? Int32Array.of(this.offset);
  }
}

export class CompiledDeterministicNode implements DeterministicNode {
  constructor(
    public id: number,
    public variable: Variable,
    public offset: number,
    public evaluate: Evaluator,
    public statement: Extract<Statement, { kind: 'deterministic' }>,
    public scope: LoopScope,
  ) {}

  get name(): string {
    return elementName(this.variable, this.offset);
  }
}
