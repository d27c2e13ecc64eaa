import type { StochasticNode } from '../model/graph';
import { logMultivariateGamma } from '../model/multivariate';
import type { Configurations } from './configurations';
import { DirichletFactor } from './dirichletFactor';
import type { Factor, Term } from './factor';
import { BetaFactor, GammaFactor } from './scalarFactors';
import { gammaln } from './special';
import { WishartFactor } from './wishartFactor';

/** A positive parameter (a rate, a Poisson mean) in one configuration: s·τ for a gamma factor τ, or the constant s. */
export interface ScaleShape {
  scale: number;
  gamma?: GammaFactor;
}

const meanOf = (s: ScaleShape): number => s.scale * (s.gamma ? s.gamma.mean : 1);
const meanLogOf = (s: ScaleShape): number => Math.log(s.scale) + (s.gamma ? s.gamma.meanLog : 0);

/** x·log p with 0·log 0 = 0. */
const times = (x: number, logP: number): number => (x === 0 ? 0 : x * logP);

/**
 * dgamma(a, b) or dexp(b) node x (a = 1), x observed or a gamma factor, b a
 * ScaleShape: E[log p] = a E[log b] − log Γ(a) + (a − 1) E[log x] − E[b] E[x].
 * Messages: to x's factor a − 1 on log x and −E[b] on x; to b's factor a on
 * log τ and −s E[x] on τ.
 */
export class GammaTerm implements Term {
  constructor(
    readonly node: StochasticNode,
    private readonly configurations: Configurations,
    private readonly shapes: Array<{ shape: number; rate: ScaleShape }>,
    private readonly own: GammaFactor | undefined,
  ) {}

  private x(): [number, number] {
    if (this.own) return [this.own.mean, this.own.meanLog];
    const y = this.node.variable.values[this.node.offset]!;
    return [y, Math.log(y)];
  }

  expected(): number {
    const [mx, lx] = this.x();
    let total = 0;
    for (let c = 0; c < this.configurations.count; c++) {
      const w = this.configurations.weight(c);
      if (w === 0) continue;
      const { shape: a, rate } = this.shapes[c]!;
      total += w * (a * meanLogOf(rate) - gammaln(a) + (a - 1) * lx - meanOf(rate) * mx);
    }
    return total;
  }

  send(factor: Factor): void {
    const [mx] = this.x();
    for (let c = 0; c < this.configurations.count; c++) {
      const { shape: a, rate } = this.shapes[c]!;
      const isOwn = factor === this.own;
      if (!isOwn && factor !== rate.gamma) continue;
      const w = this.configurations.weight(c);
      if (w === 0) continue;
      const g = factor as GammaFactor;
      if (isOwn) {
        g.logCoefficient += w * (a - 1);
        g.linearCoefficient -= w * meanOf(rate);
      } else {
        g.logCoefficient += w * a;
        g.linearCoefficient -= w * rate.scale * mx;
      }
    }
  }
}

/** Observed dpois(λ) with λ a ScaleShape: E[log p] = y E[log λ] − E[λ] − log y!. */
export class PoissonTerm implements Term {
  constructor(
    readonly node: StochasticNode,
    private readonly configurations: Configurations,
    private readonly shapes: ScaleShape[],
  ) {}

  expected(): number {
    const y = this.node.variable.values[this.node.offset]!;
    let total = 0;
    for (let c = 0; c < this.configurations.count; c++) {
      const w = this.configurations.weight(c);
      if (w !== 0) total += w * (times(y, meanLogOf(this.shapes[c]!)) - meanOf(this.shapes[c]!) - gammaln(y + 1));
    }
    return total;
  }

  send(factor: Factor): void {
    const y = this.node.variable.values[this.node.offset]!;
    for (let c = 0; c < this.configurations.count; c++) {
      const shape = this.shapes[c]!;
      if (factor !== shape.gamma) continue;
      const w = this.configurations.weight(c);
      shape.gamma.logCoefficient += w * y;
      shape.gamma.linearCoefficient -= w * shape.scale;
    }
  }
}

/** An unobserved dbeta(a, b) node with constant a, b: E[log p] = −log B(a, b) + (a − 1)E[log x] + (b − 1)E[log(1 − x)]. */
export class BetaTerm implements Term {
  constructor(
    readonly node: StochasticNode,
    private readonly own: BetaFactor,
    private readonly a: number,
    private readonly b: number,
  ) {}

  expected(): number {
    const { a, b, own } = this;
    return gammaln(a + b) - gammaln(a) - gammaln(b) + (a - 1) * own.meanLog + (b - 1) * own.meanLog1m;
  }

  send(factor: Factor): void {
    if (factor !== this.own) return;
    this.own.logCoefficient += this.a - 1;
    this.own.log1mCoefficient += this.b - 1;
  }
}

/** A probability in one configuration: a beta factor, or a constant. */
export interface ProbabilityShape {
  /** The node's value and, for dbin, its size. */
  x: number;
  n: number;
  beta?: BetaFactor;
  p: number;
}

/** dbern(p) or dbin(p, n): E[log p(x)] = log C(n, x) + x E[log p] + (n − x) E[log(1 − p)]; to a beta factor x on log p, n − x on log(1 − p). */
export class BernoulliTerm implements Term {
  constructor(
    readonly node: StochasticNode,
    private readonly configurations: Configurations,
    private readonly shapes: ProbabilityShape[],
  ) {}

  expected(): number {
    let total = 0;
    for (let c = 0; c < this.configurations.count; c++) {
      const w = this.configurations.weight(c);
      if (w === 0) continue;
      const { x, n, beta, p } = this.shapes[c]!;
      const logP = beta ? beta.meanLog : Math.log(p);
      const log1mP = beta ? beta.meanLog1m : Math.log1p(-p);
      total += w * (gammaln(n + 1) - gammaln(x + 1) - gammaln(n - x + 1) + times(x, logP) + times(n - x, log1mP));
    }
    return total;
  }

  send(factor: Factor): void {
    for (let c = 0; c < this.configurations.count; c++) {
      const { x, n, beta } = this.shapes[c]!;
      if (factor !== beta) continue;
      const w = this.configurations.weight(c);
      beta.logCoefficient += w * x;
      beta.log1mCoefficient += w * (n - x);
    }
  }
}

/** dcat(π) in one configuration: the value's index k (0-based) and π a Dirichlet factor or constant log-probabilities. */
export interface CategoryShape {
  k: number;
  dirichlet?: DirichletFactor;
  logProbability: number;
}

/** dcat(π): E[log π_x]; to a Dirichlet factor, 1 on log π_x. */
export class CategoricalTerm implements Term {
  constructor(
    readonly node: StochasticNode,
    private readonly configurations: Configurations,
    private readonly shapes: CategoryShape[],
  ) {}

  expected(): number {
    let total = 0;
    for (let c = 0; c < this.configurations.count; c++) {
      const w = this.configurations.weight(c);
      if (w === 0) continue;
      const { k, dirichlet, logProbability } = this.shapes[c]!;
      total += w * (dirichlet ? dirichlet.meanLog[k]! : logProbability);
    }
    return total;
  }

  send(factor: Factor): void {
    for (let c = 0; c < this.configurations.count; c++) {
      const { k, dirichlet } = this.shapes[c]!;
      if (factor !== dirichlet) continue;
      const w = this.configurations.weight(c);
      dirichlet.coefficients[k] = dirichlet.coefficients[k]! + w;
    }
  }
}

/** An unobserved ddirch(α) node, α constant: E[log p] = log Γ(Σα) − Σ log Γ(α_k) + Σ (α_k − 1) E[log π_k]. */
export class DirichletTerm implements Term {
  private readonly normaliser: number;

  constructor(
    readonly node: StochasticNode,
    private readonly own: DirichletFactor,
    private readonly alpha: Float64Array,
  ) {
    this.normaliser = gammaln(alpha.reduce((a, b) => a + b, 0)) - alpha.reduce((s, a) => s + gammaln(a), 0);
  }

  expected(): number {
    let total = this.normaliser;
    for (let k = 0; k < this.alpha.length; k++) total += (this.alpha[k]! - 1) * this.own.meanLog[k]!;
    return total;
  }

  send(factor: Factor): void {
    if (factor !== this.own) return;
    for (let k = 0; k < this.alpha.length; k++) this.own.coefficients[k] = this.own.coefficients[k]! + this.alpha[k]! - 1;
  }
}

/**
 * An unobserved dwish(R, k) node, R and k constant: E[log p] = (k/2) log|R|
 * − (kd/2) log 2 − log Γ_d(k/2) + ((k − d − 1)/2) E[log|Ω|] − ½ tr(R E[Ω]).
 */
export class WishartTerm implements Term {
  private readonly normaliser: number;

  constructor(
    readonly node: StochasticNode,
    private readonly own: WishartFactor,
    private readonly R: Float64Array,
    private readonly k: number,
    logDetR: number,
  ) {
    const d = own.d;
    this.normaliser = 0.5 * k * logDetR - 0.5 * k * d * Math.LN2 - logMultivariateGamma(0.5 * k, d);
  }

  expected(): number {
    const { own, R, k } = this;
    let trace = 0;
    for (let i = 0; i < R.length; i++) trace += R[i]! * own.mean[i]!;
    return this.normaliser + 0.5 * (k - own.d - 1) * own.meanLogDet - 0.5 * trace;
  }

  send(factor: Factor): void {
    if (factor !== this.own) return;
    const { scatter } = this.own;
    for (let i = 0; i < this.R.length; i++) scatter[i] = scatter[i]! + this.R[i]!;
    this.own.logDetCoefficient += 0.5 * (this.k - this.own.d - 1);
  }
}

/** A node whose log density q does not change: observed, with no unobserved parent (or a dinterval whose interval the truncated factor enforces). */
export class ConstantTerm implements Term {
  constructor(
    readonly node: StochasticNode,
    private readonly value: number,
  ) {}

  expected(): number {
    return this.value;
  }

  send(): void {}
}
