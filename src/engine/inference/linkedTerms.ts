import type { Expression } from '../language/ast';
import type { LoopScope } from '../model/expressions';
import { Role, type DeterministicNode, type ModelGraph, type StochasticNode } from '../model/graph';
import { CompiledDeterministicNode } from '../model/nodeRecords';
import type { StatementCode } from '../model/statementCode';
import { statementCompiler } from './graphCode';
import { linearTermCompiler } from './linearForm';
import { Dependence, DependenceAnalysis } from './linearity';
import { MovingTerms } from './movingTerms';
import { ChildReads } from './parameterReads';

/** A child whose probability or rate is a linked definition of the node: how its term is computed from the linear predictor η. */
const enum Linked {
  /** dbin(p, n) with logit(p) <- η: x·η − n·log(1 + e^η). */
  Binomial,
  /** dbern(p) with logit(p) <- η: x·η − log(1 + e^η). */
  Bernoulli,
  /** dpois(λ) with log(λ) <- η: x·η − e^η. */
  Poisson,
}

/**
 * A slice sampler's log conditional for a node of a generalised linear
 * model — Seeds' b[i] and alpha's, with `logit(p[i]) <- alpha0 + … + b[i]`
 * and `r[i] ~ dbin(p[i], n[i])` — evaluated from each child's linear
 * predictor η, without computing the definitions downstream (`p[i]`) at the
 * points a slice step tries:
 *   binomial x·log p + (n − x)·log(1 − p) = x·η − n·log(1 + e^η),
 *   Poisson  x·log λ − λ = x·η − e^η,
 * one exponential and one logarithm per child where the definition's inverse
 * link and the density took an exponential and two logarithms. The caller
 * propagates once, at the value the step keeps. Up to the constants
 * MovingTerms drops too, this is the same log conditional (more accurate
 * where p rounds to 0 or 1), so the step's law is unchanged.
 *
 * Applies only when every definition the node moves is such a linked
 * predictor read by nothing but the node's children as their probability or
 * rate, and each predictor reads no other definition; else `of` gives
 * undefined and the sampler propagates at every point.
 */
export class LinkedTerms {
  /*
   * The affine form of one update (prepare), the moving children (b_j ≠ 0) first, in order: η_j(x) = η0_j + b_j·(x − x0),
   * so a point costs, per child, n_j·log(1 + e^η0_j·e^(b_j·(x − x0))) — one logarithm, the exponential shared by
   * consecutive children with the same b_j (Seeds' alpha0 has b_j = 1 for all 21) — or, for a Poisson child, e^η0_j·e^(b_j·(x − x0)) with
   * no logarithm at all; children with b_j = 0 do not move and drop out, and Σ x_j·η_j becomes
   * slope·(x − x0) plus a constant, dropped.
   */
  private readonly eta0: Float64Array;
  private readonly slopes: Float64Array;
  private readonly exps: Float64Array;
  /** n_j for a binomial child, 1 for a Bernoulli, −1 for a Poisson (no logarithm). */
  private readonly sizes: Float64Array;
  private count = 0;
  private slope = 0;
  private x0 = 0;

  private constructor(
    private readonly node: StochasticNode,
    private readonly others: MovingTerms,
    private readonly linked: StochasticNode[],
    private readonly kinds: Uint8Array,
    private readonly predictors: StatementCode[],
    private readonly scopes: LoopScope[],
    /** Whether every predictor is affine in the node (linearity.ts), so `prepare` may give the affine form. */
    private readonly affine: boolean,
    /** Each predictor's coefficient of the node where every one is fixed for the chain's life (fixedSlopes), else undefined: `prepare` probes them. */
    private readonly fixedSlopes: Float64Array | undefined,
    /** The children's values and binomial sizes, read in place where they can be (parameterReads.ts). */
    private readonly values: ChildReads,
    private readonly binomialSizes: ChildReads,
  ) {
    const n = linked.length;
    this.eta0 = new Float64Array(n);
    this.slopes = new Float64Array(n);
    this.exps = new Float64Array(n);
    this.sizes = new Float64Array(n);
  }

  static of(graph: ModelGraph, node: StochasticNode, children: StochasticNode[]): LinkedTerms | undefined {
    if (node.dependents.length === 0) return undefined;
    const compiler = statementCompiler(graph);
    const predictors = new Map<number, { code: StatementCode; link: string; d: DeterministicNode }>();
    for (const id of node.dependents) {
      const d = graph.deterministic[id]!;
      const link = d.statement.target.link;
      if ((link !== 'logit' && link !== 'log') || !(d instanceof CompiledDeterministicNode) || !d.compiled) return undefined;
      const code = compiler.code(d.statement.value, d.scope);
      if (!code) return undefined;
      // η must be computed from the node and fixed values alone, not from another definition (it would be stale).
      if (graph.expressions.compile(d.statement.value, d.scope).reads.some((r) => r.variable.role[r.offset] === Role.Deterministic)) return undefined;
      predictors.set(id, { code, link, d });
    }
    let analysis: DependenceAnalysis | undefined;
    const others: StochasticNode[] = [];
    const linked: StochasticNode[] = [];
    const kinds: number[] = [];
    const codes: StatementCode[] = [];
    const scopes: LoopScope[] = [];
    const read: number[] = [];
    for (const child of children) {
      const reads = child.statement.args.map((e) => readDefinitions(graph, e, child.scope, predictors));
      if (reads.every((r) => r.length === 0)) {
        others.push(child);
        continue;
      }
      // The definition read must be the probability or rate itself, read as a plain element, and nothing else may read one.
      const name = child.distribution.name;
      const first = child.statement.args[0]!;
      const plainRead = (first.kind === 'name' || first.kind === 'index') && graph.expressions.array(first, child.scope).direct?.offsets.length === 1;
      const id = reads[0]!.length === 1 && plainRead ? reads[0]![0]! : -1;
      const predictor = predictors.get(id);
      // The size (a binomial's n) must not move with the node at all: its log C(n, x) is dropped.
      const fixedRest = child.statement.args.slice(1).every((e) => (analysis ??= new DependenceAnalysis(graph, node)).of(e, child.scope) === Dependence.Constant);
      if (!predictor || !fixedRest || child.lower || child.upper) return undefined;
      const kind = name === 'dbin' && predictor.link === 'logit' ? Linked.Binomial : name === 'dbern' && predictor.link === 'logit' ? Linked.Bernoulli : name === 'dpois' && predictor.link === 'log' ? Linked.Poisson : undefined;
      if (kind === undefined) return undefined;
      linked.push(child);
      kinds.push(kind);
      codes.push(predictor.code);
      scopes.push(predictor.d.scope);
      read.push(id);
    }
    if (linked.length === 0) return undefined;
    analysis ??= new DependenceAnalysis(graph, node);
    const affine = [...predictors.values()].every(({ d }) => analysis!.of(d.statement.value, d.scope) <= Dependence.Linear);
    const slopes = affine ? fixedSlopes(graph, node, read, predictors) : undefined;
    const sizes = ChildReads.parameters(graph, linked, (_, j) => (kinds[j] === Linked.Binomial ? 1 : -1));
    return new LinkedTerms(node, new MovingTerms(graph, node, others), linked, Uint8Array.from(kinds), codes, scopes, affine, slopes, ChildReads.values(linked), sizes);
  }

  /** Whether the predictors' coefficients of the node were read once (fixedSlopes) rather than probed at every update. */
  get slopesFixed(): boolean {
    return this.fixedSlopes !== undefined;
  }

  /** The other terms' hold and release (MovingTerms.hold): the node's own prior read once per update. */
  hold(): void {
    const { others } = this;
    others.hold();
    this.normalPrior = others.heldNormal;
    this.priorMean = others.heldMean;
    this.priorPrecision = others.heldPrecision;
    this.otherChildren = others.hasChildren;
  }

  release(): void {
    this.others.release();
    this.normalPrior = false;
  }

  /** While held, a normal prior's mean and precision weighed here (MovingTerms.heldNormal): a GLM's coefficients and random effects have one, and its two calls per point cost more than its term. */
  private normalPrior = false;
  private priorMean = 0;
  private priorPrecision = 0;
  private otherChildren = true;

  /**
   * Prepares the affine form for the points one update tries around the node's current value x0: each
   * predictor read at x0, and its coefficient b_j as η(1) − η(0) (the predictor is affine in the node, checked
   * symbolically). False where it does not apply: a predictor that is not affine, a value or a coefficient that
   * is not finite, a child's value outside its support; the caller then evaluates `logDensity` at each point.
   */
  prepare(): boolean {
    if (!this.affine) return false;
    const { node, linked, kinds, predictors, scopes, eta0, slopes, exps, sizes, fixedSlopes, values, binomialSizes } = this;
    const nodeValues = node.variable.values;
    const x0 = nodeValues[node.offset]!;
    if (!Number.isFinite(x0)) return false;
    if (fixedSlopes) {
      // One evaluation per moving child: a child whose predictor never reads the node keeps its term constant.
      for (let j = 0; j < linked.length; j++) {
        const b = fixedSlopes[j]!;
        slopes[j] = b;
        eta0[j] = b === 0 ? 0 : predictors[j]!(scopes[j]!);
      }
    } else {
      for (let j = 0; j < linked.length; j++) eta0[j] = predictors[j]!(scopes[j]!);
      nodeValues[node.offset] = 0;
      for (let j = 0; j < linked.length; j++) slopes[j] = -predictors[j]!(scopes[j]!);
      nodeValues[node.offset] = 1;
      for (let j = 0; j < linked.length; j++) slopes[j] += predictors[j]!(scopes[j]!);
      nodeValues[node.offset] = x0;
    }
    let count = 0;
    let slope = 0;
    for (let j = 0; j < linked.length; j++) {
      const b = slopes[j]!, eta = eta0[j]!;
      if (!Number.isFinite(b) || !Number.isFinite(eta)) return false;
      const x = values.arrays[j]![values.offsets[j]!]!;
      const kind = kinds[j]!;
      const at = binomialSizes.offsets[j]!;
      const size = kind === Linked.Binomial ? (at >= 0 ? binomialSizes.arrays[j]![at]! : linked[j]!.parameter(1)) : kind === Linked.Bernoulli ? 1 : -1;
      if (!(x >= 0 && Number.isInteger(x)) || (size >= 0 && x > size)) return false;
      if (b === 0) continue;
      slope += x * b;
      sizes[count] = size;
      exps[count] = Math.exp(eta);
      slopes[count] = b;
      eta0[count] = eta;
      count++;
    }
    this.count = count;
    this.slope = slope;
    this.x0 = x0;
    return true;
  }

  /**
   * The log conditional at the node's current value x, by the affine form `prepare` made (its definitions
   * downstream not recomputed), up to a constant of the update: the same values as `logDensity` up to rounding
   * in the last bits; −∞ as soon as a term is.
   */
  affineLogDensity(x: number): number {
    let total: number;
    if (this.normalPrior) {
      const d = x - this.priorMean;
      total = -0.5 * this.priorPrecision * d * d;
      if (this.otherChildren) total = this.others.childrenLogDensity(total);
    } else {
      total = this.others.logDensity();
    }
    if (total === Number.NEGATIVE_INFINITY) return total;
    const { count, slopes, exps, sizes, eta0 } = this;
    const dx = x - this.x0;
    total += this.slope * dx;
    let b = Number.NaN;
    let e = 0;
    for (let k = 0; k < count; k++) {
      if (slopes[k] !== b) {
        b = slopes[k]!;
        // At the step's start (dx = 0) e^(b·0) is exactly 1: one exponential fewer per update of a random effect.
        e = dx === 0 ? 1 : Math.exp(b * dx);
      }
      const q = exps[k]! * e;
      const size = sizes[k]!;
      if (size < 0) total -= q;
      // e^η overflows (η above 709): log(1 + e^η) = η + log(1 + e^−η).
      else total -= size * (q < Number.POSITIVE_INFINITY ? Math.log(1 + q) : softplus(eta0[k]! + b * dx));
    }
    return total === total ? total : Number.NEGATIVE_INFINITY;
  }

  /** The log conditional at the node's current value, its definitions downstream not recomputed; −∞ as soon as a term is. */
  logDensity(): number {
    let total = this.others.logDensity();
    if (total === Number.NEGATIVE_INFINITY) return total;
    const { linked, kinds, predictors, scopes } = this;
    for (let j = 0; j < linked.length; j++) {
      total += linkedTerm(linked[j]!, kinds[j]!, predictors[j]!(scopes[j]!));
      if (total === Number.NEGATIVE_INFINITY || Number.isNaN(total)) return Number.NEGATIVE_INFINITY;
    }
    return total;
  }
}

/**
 * Each linked child's coefficient of the node, when every predictor's is
 * fixed for the chain's life: the predictor is affine in all the model's
 * unobserved nodes together (Seeds' alpha0 + alpha1·x1[i] + … + b[i]), so no
 * coefficient is itself moved by another node, and the coefficients are read
 * once here from the predictors' linear forms (linearForm.ts). Else
 * undefined: `prepare` probes them at every update. The affine form they give
 * is the predictor up to rounding, as the probed one is.
 */
function fixedSlopes(
  graph: ModelGraph,
  node: StochasticNode,
  /** Per linked child, the id of the predictor it reads. */
  read: number[],
  predictors: ReadonlyMap<number, { d: DeterministicNode }>,
): Float64Array | undefined {
  const everything = allUnobserved(graph);
  const definitions = [...predictors.values()];
  if (definitions.some(({ d }) => everything.of(d.statement.value, d.scope) > Dependence.Linear)) return undefined;
  const compile = linearTermCompiler(graph, [node]);
  const slopeOf = new Map<number, number>();
  for (const [id, { d }] of predictors) {
    const term = compile(d.statement.value, d.scope);
    if (!term) return undefined;
    const out = new Float64Array(1);
    term(1, out);
    if (!Number.isFinite(out[0]!)) return undefined;
    slopeOf.set(id, out[0]!);
  }
  return Float64Array.from(read, (id) => slopeOf.get(id)!);
}

/** The dependence analysis over every unobserved node of a graph, made once per graph: what is affine in it has fixed coefficients. */
const analyses = new WeakMap<ModelGraph, DependenceAnalysis>();

function allUnobserved(graph: ModelGraph): DependenceAnalysis {
  let found = analyses.get(graph);
  if (!found) analyses.set(graph, (found = new DependenceAnalysis(graph, graph.unobserved.map((id) => graph.stochastic[id]!))));
  return found;
}

/** The ids of the predictors in `predictors` that an argument reads directly. */
function readDefinitions(graph: ModelGraph, e: Expression, scope: LoopScope, predictors: ReadonlyMap<number, unknown>): number[] {
  const ids: number[] = [];
  for (const r of graph.expressions.array(e, scope).reads) {
    if (r.variable.role[r.offset] !== Role.Deterministic) continue;
    const id = r.variable.node[r.offset]!;
    if (predictors.has(id)) ids.push(id);
  }
  return ids;
}

/**
 * log(1 + e^η) without overflow. log(1 + y) rather than log1p(y): its error
 * is about 1e-16 in absolute terms, all a sum of log densities can resolve,
 * and in V8 it is about a third faster.
 */
function softplus(eta: number): number {
  return eta > 0 ? eta + Math.log(1 + Math.exp(-eta)) : Math.log(1 + Math.exp(eta));
}

function linkedTerm(child: StochasticNode, kind: number, eta: number): number {
  const x = child.variable.values[child.offset]!;
  if (Number.isNaN(eta)) return Number.NEGATIVE_INFINITY;
  switch (kind) {
    case Linked.Binomial: {
      const n = child.parameter(1);
      if (!(x >= 0 && Number.isInteger(x)) || x > n) return Number.NEGATIVE_INFINITY;
      // p = 0 or 1 exactly: only x = 0 or x = n is possible.
      if (eta === Number.NEGATIVE_INFINITY) return x === 0 ? 0 : Number.NEGATIVE_INFINITY;
      if (eta === Number.POSITIVE_INFINITY) return x === n ? 0 : Number.NEGATIVE_INFINITY;
      return x * eta - n * softplus(eta);
    }
    case Linked.Bernoulli:
      if (x !== 0 && x !== 1) return Number.NEGATIVE_INFINITY;
      if (eta === Number.NEGATIVE_INFINITY) return x === 0 ? 0 : Number.NEGATIVE_INFINITY;
      if (eta === Number.POSITIVE_INFINITY) return x === 1 ? 0 : Number.NEGATIVE_INFINITY;
      return x * eta - softplus(eta);
    default: {
      if (!(x >= 0 && Number.isInteger(x))) return Number.NEGATIVE_INFINITY;
      if (eta === Number.NEGATIVE_INFINITY) return x === 0 ? 0 : Number.NEGATIVE_INFINITY;
      return x * eta - Math.exp(eta);
    }
  }
}
