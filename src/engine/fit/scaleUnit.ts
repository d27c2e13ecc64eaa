import gammaln from '@stdlib/math-base-special-gammaln';
import { logBesselK } from '../math/besselK';
import { currentParameters, propagate, type ModelGraph, type StochasticNode } from '../model/graph';
import type { LocalUnit } from './localPosteriors';

const LOG_2PI = Math.log(2 * Math.PI);

/**
 * The exact E-step of a latent scale s with a gamma (or exponential) prior
 * whose normal children have precision c_j·s (a gamma scale, as in
 * Student-t models) or c_j/s (a variance, as in the Laplace scale mixture of
 * the Bayesian lasso). Given the children, s is gamma, or generalized
 * inverse Gaussian GIG(p = a − m/2, α = 2r, β = Σ c_j d_j²) with density
 * ∝ s^(p−1)·exp(−(αs + β/s)/2). The children's log densities — all the
 * parameters' M-steps read — are linear in s (resp. 1/s) apart from a term
 * in log s that no parameter touches, so one point at E[s] (resp.
 * 1/E[1/s]) gives them exactly: E[1/s] = √(α/β)·K_{p−1}(ω)/K_p(ω),
 * ω = √(αβ); for the lasso (p = ½) that is λ/(√c·|w|), the lecture's
 * E-step. The log normaliser ∫ p(s) Π p(child | s) ds is in closed form.
 */
export class ScaleUnit implements LocalUnit {
  readonly kind = 'scale';
  readonly nodes: StochasticNode[];
  private point = 1;
  private mean = 1;
  private sd = 0;

  private constructor(
    private readonly graph: ModelGraph,
    private readonly node: StochasticNode,
    readonly children: StochasticNode[],
    /** +1: the children's precision is c·s; −1: c/s. */
    private readonly power: 1 | -1,
  ) {
    this.nodes = [node];
  }

  /** A unit for `node` when it is such a scale, else undefined. */
  static recognise(graph: ModelGraph, node: StochasticNode): ScaleUnit | undefined {
    if (node.statement.truncation || (node.distribution.name !== 'dgamma' && node.distribution.name !== 'dexp')) return undefined;
    const children = node.children.map((id) => graph.stochastic[id]!);
    if (children.length === 0 || children.some((c) => c.distribution.name !== 'dnorm' || c.statement.truncation)) return undefined;
    const saved = node.variable.values[node.offset]!;
    const at = (x: number): Float64Array[] => {
      node.variable.values[node.offset] = x;
      propagate(graph, node);
      return children.map((c) => Float64Array.from(currentParameters(c)));
    };
    const [one, two, four] = [at(1), at(2), at(4)];
    node.variable.values[node.offset] = saved;
    propagate(graph, node);
    let power: 1 | -1 | undefined;
    for (const e of [1, -1] as const) {
      const fits = children.every((_, j) =>
        one[j]![0] === two[j]![0] && one[j]![0] === four[j]![0] && close(two[j]![1]! / one[j]![1]!, 2 ** e) && close(four[j]![1]! / one[j]![1]!, 4 ** e));
      if (fits) power = e;
    }
    return power === undefined ? undefined : new ScaleUnit(graph, node, children, power);
  }

  pointCount(): number {
    return 1;
  }

  /** The prior's shape and rate, Σ ½log(c_j/2π) and Σ c_j d_j² at the current parameters. */
  private statistics(): { shape: number; rate: number; logConstant: number; squares: number } {
    const { node, children, graph } = this;
    const p = currentParameters(node);
    const shape = node.distribution.name === 'dexp' ? 1 : p[0]!;
    const rate = node.distribution.name === 'dexp' ? p[0]! : p[1]!;
    node.variable.values[node.offset] = 1;
    propagate(graph, node);
    let logConstant = 0;
    let squares = 0;
    for (const child of children) {
      const q = currentParameters(child);
      const d = child.variable.values[child.offset]! - q[0]!;
      logConstant += 0.5 * (Math.log(q[1]!) - LOG_2PI);
      squares += q[1]! * d * d;
    }
    return { shape, rate, logConstant, squares };
  }

  update(): number {
    const { shape, rate, logConstant, squares } = this.statistics();
    const m = this.children.length;
    const logPrior = shape * Math.log(rate) - gammaln(shape);
    let logNormaliser: number;
    if (this.power === 1) {
      const a = shape + m / 2;
      const b = rate + squares / 2;
      this.mean = this.point = a / b;
      this.sd = Math.sqrt(a) / b;
      logNormaliser = logPrior + logConstant + gammaln(a) - a * Math.log(b);
    } else {
      const p = shape - m / 2;
      const alpha = 2 * rate;
      // A child exactly at its mean (β = 0) would make E[1/s] infinite: the floor keeps it finite and huge.
      const beta = Math.max(squares, 1e-300);
      const omega = Math.sqrt(alpha * beta);
      const logK = logBesselK(p, omega);
      const ratio = (k: number): number => Math.exp(logBesselK(p + k, omega) - logK);
      const scale = Math.sqrt(beta / alpha);
      this.point = 1 / (ratio(-1) / scale);
      this.mean = scale * ratio(1);
      this.sd = Math.sqrt(Math.max(scale * scale * ratio(2) - this.mean * this.mean, 0));
      logNormaliser = logPrior + logConstant + Math.LN2 + logK + 0.5 * p * Math.log(beta / alpha);
    }
    this.setCentre();
    return logNormaliser;
  }

  setPoint(s: number): number {
    if (s >= 1) return 0;
    this.set(this.point);
    return 1;
  }

  setCentre(): void {
    this.set(this.mean);
  }

  summaries(): Array<{ mean: number; sd: number }> {
    return [{ mean: this.mean, sd: this.sd }];
  }

  private set(x: number): void {
    this.node.variable.values[this.node.offset] = x;
    propagate(this.graph, this.node);
  }
}

function close(a: number, b: number): boolean {
  return Math.abs(a - b) <= 1e-9 * Math.abs(b);
}
