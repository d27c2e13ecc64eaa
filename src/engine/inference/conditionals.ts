import { readsElement } from '../model/elementRead';
import { roundingInterval } from '../model/observationDevices';
import type { Expression } from '../language/ast';
import { currentParameters, propagate, transientParameters, type ModelGraph, type StochasticNode } from '../model/graph';
import { ChildReads } from './parameterReads';
import { ComponentTerms } from './componentTerms';
import { linearTermCompiler, type LinearTerm } from './linearForm';
import { Dependence, DependenceAnalysis } from './linearity';

/**
 * The complete conditional p(θ | everything else) of one scalar node when it
 * is in closed form. Gibbs draws from it; EM takes its mode; VI its
 * expectations. `parameters` writes the conditional's parameters at the
 * current values of the rest of the model into `out`, without allocating.
 */
export interface Conditional {
  family: 'normal' | 'gamma' | 'beta';
  node: StochasticNode;
  /**
   * The same in parts, for EM's expected statistics: the prior's share
   * (none for maximum likelihood), then the children's at the current state,
   * weighted per child id; `parameters` is prior + accumulate (+ finish).
   */
  prior(out: Float64Array, withPrior: boolean): void;
  /** Adds w × (the prior's share − the flat share `prior(out, false)` set): EM weighs a prior that reads a latent node by that node's posterior. */
  addPrior(out: Float64Array, w: number): void;
  /**
   * With `refreshDependents` false the node's value is put back without
   * recomputing its dependents, for a caller that writes a new value and
   * propagates next (a sampler): it must propagate even when it keeps the value.
   */
  accumulate(out: Float64Array, weight?: Float64Array, refreshDependents?: boolean): void;
  /**
   * normal: [mean, precision, lower, upper] (the bounds come from a
   * truncation, a uniform prior or interval-censored children; ±Infinity
   * when absent; precision 0 means flat between the bounds);
   * gamma: [shape, rate]; beta: [a, b].
   */
  parameters(out: Float64Array, refreshDependents?: boolean): void;
}

/** Puts θ back after probing: with its dependents recomputed, or (see Conditional.accumulate) the value alone. */
function restoreValue(graph: ModelGraph, node: StochasticNode, saved: number, refreshDependents: boolean): void {
  if (refreshDependents) setValue(graph, node, saved);
  else node.variable.values[node.offset] = saved;
}

/** A child of θ as a conditional sees it: which parameters depend on θ, and whether a stochastic index may make it not depend on θ right now. */
interface ChildUse {
  child: StochasticNode;
  dependence: (k: number) => Dependence;
  selects: boolean;
}

/** Returns the node's complete conditional if local conjugacy gives one, else undefined. */
export function analyzeConditional(graph: ModelGraph, node: StochasticNode): Conditional | undefined {
  if (node.observed || node.distribution.multivariate) return undefined;
  // Only these priors have a closed form here: any other (a mixture's dcat indicator) is refused before its children
  // are analysed — a count over every row among them made that O(rows) per indicator.
  if (!CONJUGATE_PRIORS.has(node.distribution.name)) return undefined;
  const children = node.children.map((id) => graph.stochastic[id]!);
  if (children.some((c) => c.statement.truncation)) return undefined;
  const analysis = new DependenceAnalysis(graph, node);
  const uses: ChildUse[] = children.map((child) => {
    const cache = new Map<number, Dependence>();
    analysis.selects = false;
    child.statement.args.forEach((arg, k) => cache.set(k, isArrayParameter(child, k) ? arrayDependence(analysis, arg, child) : analysis.of(arg, child.scope)));
    return { child, dependence: (k) => cache.get(k)!, selects: analysis.selects };
  });
  const truncated = node.statement.truncation !== undefined;

  switch (node.distribution.name) {
    case 'dnorm':
    case 'dunif': {
      const ok = uses.every(({ child, dependence }) => {
        if (child.distribution.name === 'dnorm') return dependence(0) !== Dependence.Nonlinear && dependence(1) === Dependence.Constant;
        if (child.distribution.name === 'dinterval' || child.distribution.name === 'dround') return child.observed && dependence(0) !== Dependence.Nonlinear && dependence(1) === Dependence.Constant;
        return false;
      });
      if (!ok) return undefined;
      // A uniform prior with no normal child would be drawn uniformly: leave that to the slice sampler.
      if (node.distribution.name === 'dunif' && !children.some((c) => c.distribution.name === 'dnorm')) return undefined;
      return new NormalConditional(graph, node, children);
    }
    case 'dgamma':
    case 'dexp': {
      if (truncated) return undefined;
      const ok = uses.every(({ child, dependence }) => {
        const rateIndex = GAMMA_CHILD_RATE[child.distribution.name];
        if (rateIndex === undefined) return false;
        return child.statement.args.every((_, k) => (k === rateIndex ? dependence(k) === Dependence.Scale : dependence(k) === Dependence.Constant));
      });
      return ok ? new GammaConditional(graph, node, uses) : undefined;
    }
    case 'dbeta': {
      if (truncated) return undefined;
      // The child's probability must be θ itself (or, through a stochastic index, θ or another node).
      const ok = uses.every(({ child, dependence }) =>
        (child.distribution.name === 'dbern' || child.distribution.name === 'dbin') &&
        isReference(child.statement.args[0]!) && dependence(0) === Dependence.Scale &&
        child.statement.args.every((_, k) => k === 0 || dependence(k) === Dependence.Constant));
      return ok ? new BetaConditional(graph, node, uses) : undefined;
    }
    default:
      return undefined;
  }
}

/** The priors analyzeConditional's switch handles. */
const CONJUGATE_PRIORS = new Set(['dnorm', 'dunif', 'dgamma', 'dexp', 'dbeta']);

function isArrayParameter(child: StochasticNode, k: number): boolean {
  const ranks = child.distribution.parameterRanks;
  return ranks !== undefined && ranks[k] !== 0;
}

function arrayDependence(analysis: DependenceAnalysis, arg: Expression, child: StochasticNode): Dependence {
  return analysis.elements(arg, child.scope).reduce((a, b) => Math.max(a, b) as Dependence, Dependence.Constant);
}

const isReference = (e: Expression): boolean => e.kind === 'name' || e.kind === 'index';

/** For each child family a gamma node can be conjugate to: which parameter must be c·θ. */
const GAMMA_CHILD_RATE: Record<string, number> = { dnorm: 1, dpois: 0, dexp: 0, dgamma: 1, dlnorm: 1, dweib: 1 };

const enum GammaChild {
  Other = 0,
  Normal = 1,
  LogNormal = 2,
  Poisson = 3,
  Exponential = 4,
  Gamma = 5,
  Weibull = 6,
}

const GAMMA_CHILD_KIND: Record<string, GammaChild> = {
  dnorm: GammaChild.Normal, dlnorm: GammaChild.LogNormal, dpois: GammaChild.Poisson, dexp: GammaChild.Exponential, dgamma: GammaChild.Gamma, dweib: GammaChild.Weibull,
};

/** Writes a value to the node and refreshes what depends on it. */
export function setValue(graph: ModelGraph, node: StochasticNode, x: number): void {
  node.variable.values[node.offset] = x;
  propagate(graph, node);
}

/**
 * Normal (or flat, from dunif) prior, normal children whose means are
 * a_j + b_j·θ, and interval-censored children dinterval(a_j + b_j·θ, c) or dround(a_j + b_j·θ, d):
 * the conditional is normal, truncated to the prior's bounds and to the
 * intervals the censored children's data imply.
 */
class NormalConditional implements Conditional {
  readonly family = 'normal';
  private readonly intercepts: Float64Array;
  private readonly flat: boolean;
  /** Children whose first argument is the node itself (b = 1, a = 0: no evaluation needed). */
  private readonly direct: Uint8Array;
  private readonly terms: Array<LinearTerm | undefined>;
  /** Children whose mean is a plain element, fixed or a mixture component selected by an indicator: their use in `components`, else -1. */
  private readonly selected: Int32Array;
  private readonly components: ComponentTerms | undefined;
  /** Children that are normal (the others are censoring devices), read once: a child's distribution is looked up through its statement. */
  private readonly normal: Uint8Array;
  /** Selected normal children whose shares come from their component's sums (ComponentTerms.addPooled), not one by one. */
  private readonly pooled: Uint8Array;
  /** Whether every child's coefficient is known without probing (the node itself, a compiled linear term, a selected component). */
  private readonly allDirect: boolean;
  private readonly slope = new Float64Array(1);
  /** The children's values and normal precisions, read in place where they can be (parameterReads.ts). */
  private readonly values: ChildReads;
  private readonly precisions: ChildReads;

  constructor(
    private readonly graph: ModelGraph,
    readonly node: StochasticNode,
    private readonly children: StochasticNode[],
  ) {
    this.intercepts = new Float64Array(children.length);
    this.flat = node.distribution.name === 'dunif';
    this.direct = Uint8Array.from(children.map((c) => (isNodeItself(graph, c, node) ? 1 : 0)));
    // Other children's a + b·θ read off compiled linear terms where they compile; then nothing is probed.
    // Made only when a child needs it: a latent normal read directly by its children (probit's z[i]) needs none.
    let compileTerm: ReturnType<typeof linearTermCompiler> | undefined;
    this.terms = children.map((c, j) => (this.direct[j] ? undefined : (compileTerm ??= linearTermCompiler(graph, [node]))(c.statement.args[0]!, c.scope)));
    this.normal = Uint8Array.from(children.map((c) => (c.distribution.name === 'dnorm' ? 1 : 0)));
    this.selected = new Int32Array(children.length).fill(-1);
    this.pooled = new Uint8Array(children.length);
    if (compileTerm && this.terms.some((t, j) => !t && !this.direct[j])) {
      const components = new ComponentTerms(graph, node, compileTerm);
      children.forEach((c, j) => {
        if (this.direct[j] || this.terms[j]) return;
        this.selected[j] = components.add(c.statement.args[0]!, c.scope);
        if (this.selected[j]! >= 0 && this.normal[j] && components.pool(c, this.selected[j]!)) this.pooled[j] = 1;
      });
      this.components = components.size > 0 ? components : undefined;
    }
    this.allDirect = this.direct.every((x, j) => x === 1 || this.terms[j] !== undefined || this.selected[j]! >= 0);
    this.values = ChildReads.values(children);
    this.precisions = ChildReads.parameters(graph, children, (c) => (c.distribution.name === 'dnorm' ? 1 : -1));
    this.sharedPrecision = sharedPrecisionOfDirect(this.direct, this.normal, this.precisions);
    this.priorMean = ChildReads.parameters(graph, [node], () => (this.flat ? -1 : 0));
    this.priorPrecision = ChildReads.parameters(graph, [node], () => (this.flat ? -1 : 1));
  }

  /**
   * A normal prior's mean and precision, read in place where they are plain elements (Dyes' mu[i] ~ dnorm(theta,
   * tau.between)): its parameters evaluated into a scratch took a tenth of Dyes' sweep.
   */
  private readonly priorMean: ChildReads;
  private readonly priorPrecision: ChildReads;

  /**
   * Whether every child is a normal whose mean is θ itself and whose precision is one shared element (Dyes'
   * y[i, j] ~ dnorm(mu[i], tau.within), Rats' alpha[i] ~ dnorm(alpha.c, tau.alpha)): then the children's share is
   * n·τ and τ·Σ y_j, one multiply-add per child instead of three.
   */
  private readonly sharedPrecision: boolean;

  parameters(out: Float64Array, refreshDependents = true): void {
    this.prior(out, true);
    if (this.sharedPrecision) this.addShared(out);
    else this.accumulate(out, undefined, refreshDependents);
    this.finish(out);
  }

  /** The children's share when they share one precision (`sharedPrecision`): τ factored out of the sums. */
  private addShared(out: Float64Array): void {
    const { values, precisions } = this;
    const n = values.offsets.length;
    const offsets = values.offsets, single = values.single;
    let sum = 0;
    if (single) for (let j = 0; j < n; j++) sum += single[offsets[j]!]!;
    else for (let j = 0; j < n; j++) sum += values.arrays[j]![offsets[j]!]!;
    const tau = precisions.arrays[0]![precisions.offsets[0]!]!;
    out[0] = out[0]! + tau * sum;
    out[1] = out[1]! + n * tau;
  }

  /**
   * The prior's share in natural form: out = [precision·mean, precision,
   * lower, upper]; without `withPrior` (maximum likelihood) a normal prior
   * adds nothing but its truncation still bounds θ.
   */
  prior(out: Float64Array, withPrior: boolean): void {
    const { node } = this;
    out[0] = 0;
    out[1] = 0;
    out[2] = node.lower ? node.lower() : Number.NEGATIVE_INFINITY;
    out[3] = node.upper ? node.upper() : Number.POSITIVE_INFINITY;
    if (this.flat) {
      const p = currentParameters(node);
      out[2] = Math.max(out[2]!, p[0]!);
      out[3] = Math.min(out[3]!, p[1]!);
    } else if (withPrior) {
      const { priorMean, priorPrecision } = this;
      const m = priorMean.offsets[0]!, t = priorPrecision.offsets[0]!;
      const precision = t >= 0 ? priorPrecision.arrays[0]![t]! : node.parameter(1);
      out[0] = (m >= 0 ? priorMean.arrays[0]![m]! : node.parameter(0)) * precision;
      out[1] = precision;
    }
  }

  addPrior(out: Float64Array, w: number): void {
    if (this.flat || w === 0) return;
    const p = currentParameters(this.node);
    out[0] = out[0]! + w * p[0]! * p[1]!;
    out[1] = out[1]! + w * p[1]!;
  }

  /** Adds the children's shares at the current state, each multiplied by weight[child id] when weights are given (EM's expected statistics). */
  accumulate(out: Float64Array, weight?: Float64Array, refreshDependents = true): void {
    const { graph, node, children, intercepts, direct } = this;
    const saved = node.variable.values[node.offset]!;
    let weighted = out[0]!;
    let precision = out[1]!;
    let lower = out[2]!;
    let upper = out[3]!;
    // The coefficients follow from two evaluations; linearity was checked symbolically.
    if (!this.allDirect) {
      setValue(graph, node, 0);
      for (let j = 0; j < children.length; j++) intercepts[j] = direct[j] || this.terms[j] ? 0 : children[j]!.parameter(0);
      setValue(graph, node, 1);
    }
    const { terms, slope, selected, components, normal, pooled, values, precisions } = this;
    components?.refresh();
    for (let j = 0; j < children.length; j++) {
      if (pooled[j]) continue;
      const child = children[j]!;
      const w = weight ? weight[child.id]! : 1;
      if (w === 0) continue;
      let a: number, b: number;
      if (direct[j]) {
        a = 0;
        b = 1;
      } else if (selected[j]! >= 0) {
        components!.select(selected[j]!);
        a = components!.intercept;
        b = components!.slope;
      } else if (terms[j]) {
        slope[0] = 0;
        a = terms[j]!(1, slope);
        b = slope[0]!;
      } else {
        a = intercepts[j]!;
        b = child.parameter(0) - a;
      }
      if (b === 0) continue;
      if (normal[j]) {
        const at = precisions.offsets[j]!;
        const tau = w * (at >= 0 ? precisions.arrays[j]![at]! : child.parameter(1));
        precision += tau * b * b;
        weighted += tau * b * (values.arrays[j]![values.offsets[j]!]! - a);
        continue;
      }
      const [from, to] = censoringInterval(child);
      const lo = ((b > 0 ? from : to) - a) / b;
      const hi = ((b > 0 ? to : from) - a) / b;
      if (lo > lower) lower = lo;
      if (hi < upper) upper = hi;
    }
    if (!this.allDirect) restoreValue(graph, node, saved, refreshDependents);
    out[0] = weighted;
    out[1] = precision;
    out[2] = lower;
    out[3] = upper;
    components?.addPooled(out, weight);
  }

  /** Natural form to [mean, precision, lower, upper]. */
  finish(out: Float64Array): void {
    out[0] = out[1]! > 0 ? out[0]! / out[1]! : 0;
  }
}

/** Whether every child is direct, normal, and reads its precision in place from one element shared by all. */
function sharedPrecisionOfDirect(direct: Uint8Array, normal: Uint8Array, precisions: ChildReads): boolean {
  const n = direct.length;
  if (n === 0) return false;
  const array = precisions.arrays[0]!, offset = precisions.offsets[0]!;
  for (let j = 0; j < n; j++) {
    if (!direct[j] || !normal[j] || precisions.offsets[j] !== offset || precisions.arrays[j] !== array || offset < 0) return false;
  }
  return true;
}

/**
 * The interval an observed censoring child says its first argument lies in:
 * dinterval's (c_k, c_{k+1}] for the data's k, dround's [x − h, x + h) for
 * the recorded x (h = half a unit of the last decimal place).
 */
function censoringInterval(child: StochasticNode): [number, number] {
  // The shared scratch: a million censored rows would otherwise make a scratch each.
  const cuts = transientParameters(child);
  const k = child.variable.values[child.offset]!;
  if (child.distribution.name === 'dround') return roundingInterval(k, cuts[1]!);
  return [k >= 1 ? cuts[k]! : Number.NEGATIVE_INFINITY, k + 1 < cuts.length ? cuts[k + 1]! : Number.POSITIVE_INFINITY];
}

/** Whether the child's first argument (or argument `argument`) is a plain reference to the node's own element. */
export function isNodeItself(graph: ModelGraph, child: StochasticNode, node: StochasticNode, argument = 0): boolean {
  const arg = child.statement.args[argument];
  if (!arg || (arg.kind !== 'name' && arg.kind !== 'index')) return false;
  const inPlace = readsElement(graph.variables, arg, child.scope, node.variable.values, node.offset);
  if (inPlace !== undefined) return inPlace;
  const direct = graph.expressions.array(arg, child.scope).direct;
  return direct !== undefined && direct.values === node.variable.values && direct.offsets.length === 1 && direct.offsets[0] === node.offset;
}

/** Gamma (or exponential) prior, children with a rate or precision c_j·θ: the conditional is gamma. */
class GammaConditional implements Conditional {
  readonly family = 'gamma';
  private readonly children: StochasticNode[];
  private readonly selects: Uint8Array;
  private readonly anySelects: boolean;
  /** Each child's family as a small number (GAMMA_CHILD_KIND), read once rather than by name per update. */
  private readonly kinds: Uint8Array;
  /** Children whose rate or precision is the node itself (Rats' Y[i, j] ~ dnorm(mu[i, j], tau.c)): c_j = 1 without evaluating it. */
  private readonly rateIsNode: Uint8Array;
  /** Whether θ is set to 1 to read the other children's c_j (and to 0 for the selecting ones); otherwise it is not moved at all. */
  private readonly probes: boolean;
  /** Whether every child is a normal whose precision is θ itself, none selecting it (addNormalsOfNode). */
  private readonly normalsOfNode: boolean;
  /** The children's values, first parameters and rates or precisions c_j, read in place where they can be (parameterReads.ts). */
  private readonly values: ChildReads;
  private readonly firsts: ChildReads;
  private readonly rates: ChildReads;

  constructor(
    private readonly graph: ModelGraph,
    readonly node: StochasticNode,
    uses: ChildUse[],
  ) {
    this.children = uses.map((u) => u.child);
    this.selects = Uint8Array.from(uses.map((u) => (u.selects ? 1 : 0)));
    this.anySelects = this.selects.includes(1);
    this.kinds = Uint8Array.from(this.children, (c) => GAMMA_CHILD_KIND[c.distribution.name] ?? 0);
    this.rateIsNode = Uint8Array.from(this.children, (c) => {
      const rate = GAMMA_CHILD_RATE[c.distribution.name];
      return rate !== undefined && isNodeItself(graph, c, node, rate) ? 1 : 0;
    });
    this.probes = this.anySelects || this.rateIsNode.includes(0);
    this.normalsOfNode = !this.probes && this.kinds.every((k) => k === GammaChild.Normal);
    this.values = ChildReads.values(this.children);
    this.firsts = ChildReads.parameters(graph, this.children, (c) => (usesFirst(GAMMA_CHILD_KIND[c.distribution.name] ?? GammaChild.Other) ? 0 : -1));
    this.rates = ChildReads.parameters(graph, this.children, (c) => GAMMA_CHILD_RATE[c.distribution.name] ?? -1);
    this.exponentialPrior = node.distribution.name === 'dexp';
    this.priorShape = ChildReads.parameters(graph, [node], () => (this.exponentialPrior ? -1 : 0));
    this.priorRate = ChildReads.parameters(graph, [node], () => (this.exponentialPrior ? 0 : 1));
  }

  /** The prior's shape (none for dexp) and rate, read in place where they are plain elements (Pump's theta[i] ~ dgamma(alpha, beta)). */
  private readonly exponentialPrior: boolean;
  private readonly priorShape: ChildReads;
  private readonly priorRate: ChildReads;

  parameters(out: Float64Array, refreshDependents = true): void {
    this.prior(out, true);
    if (this.normalsOfNode) this.addNormalsOfNode(out);
    else this.accumulate(out, undefined, refreshDependents);
  }

  /**
   * The children's share when each is a normal whose precision is the node itself and none selects it (Rats'
   * tau.c, Dyes' tau.within, a regression's residual precision): n/2 and ½Σ(y − μ)², the half taken once.
   */
  private addNormalsOfNode(out: Float64Array): void {
    const { children, values, firsts } = this;
    let squares = 0;
    const y = values.single, mean = firsts.single;
    if (y && mean) {
      // Every child's value in one array and every mean in one array (Rats' Y and mu): the same sum, two loads fewer a child.
      const yAt = values.offsets, meanAt = firsts.offsets;
      for (let j = 0; j < children.length; j++) {
        const d = y[yAt[j]!]! - mean[meanAt[j]!]!;
        squares += d * d;
      }
    } else {
      for (let j = 0; j < children.length; j++) {
        const at = firsts.offsets[j]!;
        const d = values.arrays[j]![values.offsets[j]!]! - (at >= 0 ? firsts.arrays[j]![at]! : children[j]!.parameter(0));
        squares += d * d;
      }
    }
    out[0] = out[0]! + 0.5 * children.length;
    out[1] = out[1]! + 0.5 * squares;
  }

  /** The prior's [shape, rate]; without `withPrior` the flat [1, 0], so the mode is the likelihood's maximum. */
  prior(out: Float64Array, withPrior: boolean): void {
    const { node } = this;
    if (out.length > 2) out[2] = 0;
    const { priorShape, priorRate } = this;
    const r = priorRate.offsets[0]!;
    if (!withPrior) {
      out[0] = 1;
      out[1] = 0;
    } else if (this.exponentialPrior) {
      out[0] = 1;
      out[1] = r >= 0 ? priorRate.arrays[0]![r]! : node.parameter(0);
    } else {
      const a = priorShape.offsets[0]!;
      out[0] = a >= 0 ? priorShape.arrays[0]![a]! : node.parameter(0);
      out[1] = r >= 0 ? priorRate.arrays[0]![r]! : node.parameter(1);
    }
  }

  addPrior(out: Float64Array, w: number): void {
    if (w === 0) return;
    const { node } = this;
    if (node.distribution.name === 'dexp') {
      out[1] = out[1]! + w * node.parameter(0);
    } else {
      out[0] = out[0]! + w * (node.parameter(0) - 1);
      out[1] = out[1]! + w * node.parameter(1);
    }
  }

  /** Adds the children's shares at the current state, each multiplied by weight[child id] when weights are given. */
  accumulate(out: Float64Array, weight?: Float64Array, refreshDependents = true): void {
    const { graph, node, children, selects } = this;
    const saved = node.variable.values[node.offset]!;
    let shape = out[0]!;
    let rate = out[1]!;
    // The children's scale ½Σ w·c·y², beside [shape, rate] (EM compares the rate with it to see a collapsed variance).
    let scale = out.length > 2 ? out[2]! : 0;
    // A child that selects θ through a stochastic index and currently selects another node has a rate that is not 0 at θ = 0.
    let active: Uint8Array | undefined;
    if (this.anySelects) {
      active = ACTIVE.length >= children.length ? ACTIVE : (ACTIVE = new Uint8Array(children.length));
      setValue(graph, node, 0);
      for (let j = 0; j < children.length; j++) {
        const child = children[j]!;
        active[j] = !selects[j] || child.parameter(GAMMA_CHILD_RATE[child.distribution.name]!) === 0 ? 1 : 0;
      }
    }
    const { kinds, rateIsNode, probes, values, firsts, rates } = this;
    // c_j read at θ = 1; a child whose rate is θ itself has c_j = 1 (the same product, exactly) without it.
    if (probes) setValue(graph, node, 1);
    for (let j = 0; j < children.length; j++) {
      if (active && !active[j]) continue;
      const child = children[j]!;
      const w = weight ? weight[child.id]! : 1;
      if (w === 0) continue;
      const y = values.arrays[j]![values.offsets[j]!]!;
      const kind = kinds[j]!;
      // The first parameter (a normal's mean, a gamma's shape) and c_j, in place where they are plain elements.
      const at = firsts.offsets[j]!;
      const first = at >= 0 ? firsts.arrays[j]![at]! : usesFirst(kind) ? child.parameter(0) : 0;
      const rateAt = rates.offsets[j]!;
      const c = rateIsNode[j] ? 1 : rateAt >= 0 ? rates.arrays[j]![rateAt]! : kind === GammaChild.Other ? 0 : child.parameter(GAMMA_CHILD_RATE[child.distribution.name]!);
      switch (kind) {
        case GammaChild.Normal: {
          const d = y - first;
          shape += 0.5 * w;
          rate += 0.5 * w * c * d * d;
          scale += 0.5 * w * c * y * y;
          break;
        }
        case GammaChild.LogNormal: {
          const d = Math.log(y) - first;
          shape += 0.5 * w;
          rate += 0.5 * w * c * d * d;
          break;
        }
        case GammaChild.Poisson:
          shape += w * y;
          rate += w * c;
          break;
        case GammaChild.Exponential:
          shape += w;
          rate += w * c * y;
          break;
        case GammaChild.Gamma:
          shape += w * first;
          rate += w * c * y;
          break;
        case GammaChild.Weibull:
          shape += w;
          rate += w * c * Math.pow(y, first);
          break;
      }
    }
    if (probes) restoreValue(graph, node, saved, refreshDependents);
    out[0] = shape;
    out[1] = rate;
    if (out.length > 2) out[2] = scale;
  }
}

let ACTIVE = new Uint8Array(64);

/** Whether a child's share needs its first parameter besides c_j (for a Poisson or an exponential child the first is c_j). */
function usesFirst(kind: GammaChild): boolean {
  return kind === GammaChild.Normal || kind === GammaChild.LogNormal || kind === GammaChild.Gamma || kind === GammaChild.Weibull;
}

/** A probability no other node will hold by coincidence (not a typical value such as 0.25 or 0.5). */
const PROBE = 1 / Math.PI;

/** Beta prior, Bernoulli or binomial children whose probability is θ: the conditional is beta. */
class BetaConditional implements Conditional {
  readonly family = 'beta';
  private readonly children: StochasticNode[];
  private readonly selects: boolean;

  constructor(
    private readonly graph: ModelGraph,
    readonly node: StochasticNode,
    uses: ChildUse[],
  ) {
    this.children = uses.map((u) => u.child);
    this.selects = uses.some((u) => u.selects);
  }

  parameters(out: Float64Array, refreshDependents = true): void {
    this.prior(out, true);
    this.accumulate(out, undefined, refreshDependents);
  }

  /** The prior's [a, b]; without `withPrior` the flat [1, 1]. */
  prior(out: Float64Array, withPrior: boolean): void {
    out[0] = withPrior ? this.node.parameter(0) : 1;
    out[1] = withPrior ? this.node.parameter(1) : 1;
  }

  addPrior(out: Float64Array, w: number): void {
    if (w === 0) return;
    out[0] = out[0]! + w * (this.node.parameter(0) - 1);
    out[1] = out[1]! + w * (this.node.parameter(1) - 1);
  }

  accumulate(out: Float64Array, weight?: Float64Array, refreshDependents = true): void {
    const { graph, node, children } = this;
    const saved = node.variable.values[node.offset]!;
    let a = out[0]!;
    let b = out[1]!;
    // A probability read through a stochastic index is θ exactly when it changes with θ.
    if (this.selects) setValue(graph, node, PROBE);
    for (let j = 0; j < children.length; j++) {
      const child = children[j]!;
      if (this.selects && child.parameter(0) !== PROBE) continue;
      const w = weight ? weight[child.id]! : 1;
      const y = child.variable.values[child.offset]!;
      const n = child.distribution.name === 'dbern' ? 1 : child.parameter(1);
      a += w * y;
      b += w * (n - y);
    }
    if (this.selects) restoreValue(graph, node, saved, refreshDependents);
    out[0] = a;
    out[1] = b;
  }
}
