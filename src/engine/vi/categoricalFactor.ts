import { elementName, propagate, type ModelGraph, type StochasticNode } from '../model/graph';
import type { VariationalNode } from '../output/fitOutput';
import { NodeFactor } from './factor';

/**
 * A categorical factor over the finite support of a dcat, dbern or dbin
 * node. Its update needs no natural parameters: log q(v) is, up to a
 * constant, the sum of the terms that read the node, each evaluated with the
 * node clamped to v (the terms enumerate the node under q, so clamping is q
 * set to one value).
 */
export class CategoricalFactor extends NodeFactor {
  readonly family = 'categorical';
  /** The support's values, in order, and q over them. */
  readonly values: Float64Array;
  readonly probabilities: Float64Array;
  private readonly logWeights: Float64Array;
  /** Deterministic annealing (annealing.ts): q ∝ exp(β·E[log p]); 1 outside annealing. */
  private beta = 1;

  constructor(graph: ModelGraph, node: StochasticNode, lower: number, upper: number) {
    super(graph, node);
    const count = upper - lower + 1;
    this.values = Float64Array.from({ length: count }, (_, k) => lower + k);
    this.probabilities = new Float64Array(count);
    this.logWeights = new Float64Array(count);
    this.start();
  }

  temper(beta: number): void {
    this.beta = beta;
  }

  start(): void {
    const at = this.values.indexOf(this.node.variable.values[this.node.offset]!);
    this.probabilities.fill(0);
    this.probabilities[at >= 0 ? at : 0] = 1;
  }

  protected clearMessages(): void {}
  protected finish(): void {}

  override update(): void {
    const { probabilities, logWeights, terms } = this;
    const count = probabilities.length;
    let top = Number.NEGATIVE_INFINITY;
    for (let v = 0; v < count; v++) {
      probabilities.fill(0);
      probabilities[v] = 1;
      let total = 0;
      for (let t = 0; t < terms.length; t++) total += terms[t]!.expected();
      logWeights[v] = Number.isNaN(total) ? Number.NEGATIVE_INFINITY : total;
      if (logWeights[v]! > top) top = logWeights[v]!;
    }
    let sum = 0;
    const beta = this.beta;
    for (let v = 0; v < count; v++) sum += probabilities[v] = Math.exp(beta * (logWeights[v]! - top));
    for (let v = 0; v < count; v++) probabilities[v] = probabilities[v]! / sum;
  }

  /** Sets q directly (a start's responsibilities). */
  startFrom(probabilities: ArrayLike<number>): void {
    for (let v = 0; v < this.probabilities.length; v++) this.probabilities[v] = probabilities[v]!;
  }

  entropy(): number {
    let h = 0;
    for (const p of this.probabilities) if (p > 0) h -= p * Math.log(p);
    return h;
  }

  /** The most probable value (a hard assignment). */
  mode(): number {
    let best = 0;
    for (let v = 1; v < this.probabilities.length; v++) if (this.probabilities[v]! > this.probabilities[best]!) best = v;
    return this.values[best]!;
  }

  writeMeans(): void {
    // A discrete node shows its most probable value: its mean may not be in the support (an index must be).
    this.node.variable.values[this.node.offset] = this.mode();
    propagate(this.graph, this.node);
  }

  summaries(): VariationalNode[] {
    const { values, probabilities } = this;
    let mean = 0;
    let second = 0;
    for (let v = 0; v < values.length; v++) {
      mean += probabilities[v]! * values[v]!;
      second += probabilities[v]! * values[v]! * values[v]!;
    }
    const quantile = (p: number): number => {
      let c = 0;
      for (let v = 0; v < values.length; v++) if ((c += probabilities[v]!) >= p) return values[v]!;
      return values[values.length - 1]!;
    };
    return [{
      name: elementName(this.node.variable, this.node.offset), family: 'categorical', mean, sd: Math.sqrt(Math.max(second - mean * mean, 0)),
      lower: quantile(0.025), upper: quantile(0.975), parameters: { values: Array.from(values), probabilities: Array.from(probabilities) },
    }];
  }
}
