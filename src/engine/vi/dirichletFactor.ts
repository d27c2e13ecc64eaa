import { elementName, propagate, type ModelGraph, type StochasticNode } from '../model/graph';
import type { VariationalNode } from '../output/fitOutput';
import { FactorError, NodeFactor } from './factor';
import { betaSummary } from './scalarFactors';
import { digamma, gammaln } from './special';

/** A Dirichlet factor q(π) = Dirichlet(α) for a ddirch node: messages add to the coefficients of log π_k (α_k − 1). */
export class DirichletFactor extends NodeFactor {
  readonly family = 'dirichlet';
  readonly coefficients: Float64Array;
  readonly alpha: Float64Array;
  /** E[log π_k]; the log of the start value until the first update. */
  readonly meanLog: Float64Array;

  constructor(graph: ModelGraph, node: StochasticNode) {
    super(graph, node);
    const K = node.offsets.length;
    this.coefficients = new Float64Array(K);
    this.alpha = new Float64Array(K);
    this.meanLog = new Float64Array(K);
    this.start();
  }

  start(): void {
    this.node.offsets.forEach((o, k) => (this.meanLog[k] = Math.log(this.node.variable.values[o]!)));
  }

  protected clearMessages(): void {
    this.coefficients.fill(0);
  }

  protected finish(): void {
    const { alpha, meanLog, coefficients } = this;
    let total = 0;
    for (let k = 0; k < alpha.length; k++) {
      const a = coefficients[k]! + 1;
      if (!(a > 0)) throw new FactorError(this.node, `The variational factor of '${this.node.name}' is not a proper Dirichlet (α[${k + 1}] = ${a}): give it a proper prior (every α > 0).`);
      alpha[k] = a;
      total += a;
    }
    const shift = digamma(total);
    for (let k = 0; k < alpha.length; k++) meanLog[k] = digamma(alpha[k]!) - shift;
  }

  entropy(): number {
    const { alpha } = this;
    let total = 0;
    let h = 0;
    for (let k = 0; k < alpha.length; k++) {
      total += alpha[k]!;
      h += gammaln(alpha[k]!) - (alpha[k]! - 1) * digamma(alpha[k]!);
    }
    return h - gammaln(total) + (total - alpha.length) * digamma(total);
  }

  writeMeans(): void {
    const total = this.alpha.reduce((a, b) => a + b, 0);
    this.node.offsets.forEach((o, k) => (this.node.variable.values[o] = this.alpha[k]! / total));
    propagate(this.graph, this.node);
  }

  summaries(): VariationalNode[] {
    const total = this.alpha.reduce((a, b) => a + b, 0);
    const alpha = Array.from(this.alpha);
    return Array.from(this.node.offsets, (o, k) => betaSummary(elementName(this.node.variable, o), 'dirichlet', this.alpha[k]!, total - this.alpha[k]!, { alpha }));
  }
}
