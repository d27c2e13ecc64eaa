import { elementName, propagate, type ModelGraph, type StochasticNode } from '../model/graph';
import type { VariationalNode } from '../output/fitOutput';
import { FactorError, NodeFactor } from './factor';
import { betaQuantile, digamma, gammaln, gammaQuantile } from './special';

/**
 * A gamma factor q(θ) = Gamma(shape, rate) for a dgamma or dexp node (a
 * precision, a rate). Messages add to the coefficients of log θ (`logCoefficient`)
 * and of θ (`linearCoefficient`): shape = 1 + the first, rate = −the second.
 */
export class GammaFactor extends NodeFactor {
  readonly family = 'gamma';
  logCoefficient = 0;
  linearCoefficient = 0;
  shape = Number.NaN;
  rate = Number.NaN;
  /** E[θ] and E[log θ]; a point mass at the start value until the first update. */
  mean = Number.NaN;
  meanLog = Number.NaN;

  constructor(graph: ModelGraph, node: StochasticNode) {
    super(graph, node);
    this.start();
  }

  start(): void {
    this.mean = this.node.variable.values[this.node.offset]!;
    this.meanLog = Math.log(this.mean);
  }

  protected clearMessages(): void {
    this.logCoefficient = 0;
    this.linearCoefficient = 0;
  }

  protected finish(): void {
    const shape = this.logCoefficient + 1;
    const rate = -this.linearCoefficient;
    if (!(shape > 0 && rate > 0 && Number.isFinite(rate))) {
      throw new FactorError(this.node, `The variational factor of '${this.node.name}' is not a proper gamma (shape ${shape}, rate ${rate}): its prior is improper and the data do not make up for it. Give it a proper prior, e.g. dgamma(0.001, 0.001).`);
    }
    this.shape = shape;
    this.rate = rate;
    this.mean = shape / rate;
    this.meanLog = digamma(shape) - Math.log(rate);
  }

  entropy(): number {
    const a = this.shape;
    return a - Math.log(this.rate) + gammaln(a) + (1 - a) * digamma(a);
  }

  writeMeans(): void {
    this.node.variable.values[this.node.offset] = this.mean;
    propagate(this.graph, this.node);
  }

  summaries(): VariationalNode[] {
    const { shape, rate, mean } = this;
    return [{
      name: elementName(this.node.variable, this.node.offset), family: 'gamma', mean, sd: Math.sqrt(shape) / rate,
      lower: gammaQuantile(0.025, shape, rate), upper: gammaQuantile(0.975, shape, rate), parameters: { shape, rate },
    }];
  }
}

/** A beta factor q(θ) = Beta(a, b) for a dbeta node: messages add to the coefficients of log θ and log(1 − θ). */
export class BetaFactor extends NodeFactor {
  readonly family = 'beta';
  logCoefficient = 0;
  log1mCoefficient = 0;
  a = Number.NaN;
  b = Number.NaN;
  meanLog = Number.NaN;
  meanLog1m = Number.NaN;

  constructor(graph: ModelGraph, node: StochasticNode) {
    super(graph, node);
    this.start();
  }

  start(): void {
    const v = this.node.variable.values[this.node.offset]!;
    this.meanLog = Math.log(v);
    this.meanLog1m = Math.log1p(-v);
  }

  protected clearMessages(): void {
    this.logCoefficient = 0;
    this.log1mCoefficient = 0;
  }

  protected finish(): void {
    const a = this.logCoefficient + 1;
    const b = this.log1mCoefficient + 1;
    if (!(a > 0 && b > 0)) throw new FactorError(this.node, `The variational factor of '${this.node.name}' is not a proper beta (a = ${a}, b = ${b}): give it a proper prior.`);
    this.a = a;
    this.b = b;
    const total = digamma(a + b);
    this.meanLog = digamma(a) - total;
    this.meanLog1m = digamma(b) - total;
  }

  entropy(): number {
    const { a, b } = this;
    return gammaln(a) + gammaln(b) - gammaln(a + b) - (a - 1) * digamma(a) - (b - 1) * digamma(b) + (a + b - 2) * digamma(a + b);
  }

  writeMeans(): void {
    this.node.variable.values[this.node.offset] = this.a / (this.a + this.b);
    propagate(this.graph, this.node);
  }

  summaries(): VariationalNode[] {
    const { a, b } = this;
    return [betaSummary(elementName(this.node.variable, this.node.offset), 'beta', a, b, { a, b })];
  }
}

/** The summary of a Beta(a, b) marginal (a beta factor, or one element of a Dirichlet). */
export function betaSummary(name: string, family: string, a: number, b: number, parameters: VariationalNode['parameters']): VariationalNode {
  const n = a + b;
  return {
    name, family, mean: a / n, sd: Math.sqrt((a * b) / (n * n * (n + 1))),
    lower: betaQuantile(0.025, a, b), upper: betaQuantile(0.975, a, b), parameters,
  };
}
