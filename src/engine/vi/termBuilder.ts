import type { Expression } from '../language/ast';
import { errorAt } from '../language/source';
import { choleskyInPlace, logDeterminantFromCholesky } from '../math/linalg';
import { currentParameters, nodeLogDensity, propagate, type ModelGraph, type StochasticNode } from '../model/graph';
import { isNodeItself } from '../inference/conditionals';
import { Dependence, DependenceAnalysis } from '../inference/linearity';
import { readsNow, referencesWhole } from '../inference/probe';
import { BilinearNormalTerm } from './bilinearTerm';
import { CategoricalFactor } from './categoricalFactor';
import { Configurations, MAX_CONFIGURATIONS } from './configurations';
import { BernoulliTerm, BetaTerm, CategoricalTerm, ConstantTerm, DirichletTerm, GammaTerm, PoissonTerm, WishartTerm, type CategoryShape, type ProbabilityShape, type ScaleShape } from './conjugateTerms';
import { DirichletFactor } from './dirichletFactor';
import type { Factor, Term } from './factor';
import { NormalFactor } from './normalFactor';
import { NormalTerm, type NormalPart, type NormalShape } from './normalTerm';
import { BetaFactor, GammaFactor } from './scalarFactors';
import { WishartFactor } from './wishartFactor';

/**
 * One term per stochastic node, for VI's plan: the conjugacy checks on the
 * node's arguments (by the linearity analysis, per family of the factors it
 * reads), then its structure read off the model in every configuration of
 * the discrete nodes it reads — residual coefficients, precision or rate
 * forms, which beta or Dirichlet factor a probability is. Where the
 * structure is not conjugate, a ModelError at the node's statement.
 */

export const SUPPORTED = 'VI treats dnorm, dmnorm, dgamma, dexp, dbeta, ddirch, dwish, dcat, dbern and dbin nodes';

type FamilySet = 'normal' | 'gamma' | 'beta' | 'dirichlet' | 'wishart';

/** Builds one term per stochastic node: its structure read off the model in every configuration of the discrete nodes it reads. */
export class TermBuilder {
  private readonly analyses = new Map<FamilySet, DependenceAnalysis>();
  private readonly familyOf = new Map<number, FamilySet>();
  /** The unobserved parents of the node whose term is being built. */
  private parents: StochasticNode[] = [];

  constructor(
    private readonly graph: ModelGraph,
    private readonly factorOf: Map<number, Factor>,
  ) {
    const sets: Record<FamilySet, StochasticNode[]> = { normal: [], gamma: [], beta: [], dirichlet: [], wishart: [] };
    for (const id of graph.unobserved) {
      const f = factorOf.get(id)!;
      const node = graph.stochastic[id]!;
      if (f instanceof NormalFactor) sets.normal.push(node);
      else if (f instanceof GammaFactor) sets.gamma.push(node);
      else if (f instanceof BetaFactor) sets.beta.push(node);
      else if (f instanceof DirichletFactor) sets.dirichlet.push(node);
      else if (f instanceof WishartFactor) sets.wishart.push(node);
    }
    for (const key of Object.keys(sets) as FamilySet[]) {
      this.analyses.set(key, new DependenceAnalysis(graph, sets[key]));
      for (const n of sets[key]) this.familyOf.set(n.id, key);
    }
  }

  /** How argument k of the node depends on the nodes of one family (an array argument: its worst element). */
  private dependence(node: StochasticNode, k: number, family: FamilySet): Dependence {
    const analysis = this.analyses.get(family)!;
    const arg = node.statement.args[k]!;
    const ranks = node.distribution.parameterRanks;
    if (ranks !== undefined && ranks[k] !== 0) return analysis.elements(arg, node.scope).reduce((a, b) => Math.max(a, b) as Dependence, Dependence.Constant);
    return analysis.of(arg, node.scope);
  }

  /** Checks that argument k depends on each family at most as `allowed` says (Constant when not listed). */
  private require(node: StochasticNode, k: number, allowed: Partial<Record<FamilySet, Dependence>>, what: string): void {
    // Only the families of the node's unobserved parents can appear in its arguments: the others need no analysis.
    const read = new Set(this.parents.map((p) => this.familyOf.get(p.id)));
    for (const family of this.analyses.keys()) {
      if (!read.has(family)) continue;
      const limit = allowed[family] ?? Dependence.Constant;
      if (this.dependence(node, k, family) > limit) {
        throw errorAt(node.statement.range, `VI cannot treat '${node.name}': its ${what} ${describe(family, limit)}, so the ${family} factors it reads have no conjugate update. Use Gibbs sampling for this model.`);
      }
    }
  }

  term(node: StochasticNode, parents: StochasticNode[]): Term {
    const { graph, factorOf } = this;
    const own = factorOf.get(node.id);
    if (!own && parents.length === 0) return new ConstantTerm(node, nodeLogDensity(node));
    this.parents = parents;
    if (node.statement.truncation) throw errorAt(node.statement.range, `VI does not treat truncated nodes (T(,)) that depend on unobserved nodes: '${node.name}'.`);
    const discrete = [...new Set([own, ...parents.map((p) => factorOf.get(p.id))].filter((f): f is CategoricalFactor => f instanceof CategoricalFactor))];
    const configurations = new Configurations(discrete);
    if (configurations.count > MAX_CONFIGURATIONS) throw errorAt(node.statement.range, `VI would enumerate ${configurations.count} joint values of the discrete nodes '${node.name}' reads; at most ${MAX_CONFIGURATIONS}.`);
    const each = <T>(shape: () => T): T[] => {
      const shapes: T[] = [];
      for (let c = 0; c < configurations.count; c++) {
        configurations.apply(graph, c);
        shapes.push(shape());
      }
      return shapes;
    };
    const name = node.distribution.name;
    switch (name) {
      case 'dnorm':
      case 'dmnorm': {
        const normalParents = [own, ...parents.map((p) => factorOf.get(p.id))].filter((f): f is NormalFactor => f instanceof NormalFactor);
        const factors = [...new Set(normalParents)];
        const bilinear = name === 'dnorm' && !own && factors.length === 2 && configurations.count === 1 ? this.bilinear(node, factors[0]!, factors[1]!, parents) : undefined;
        if (bilinear) return bilinear;
        this.require(node, 0, { normal: Dependence.Linear }, 'mean');
        this.require(node, 1, name === 'dnorm' ? { gamma: Dependence.Scale } : { wishart: Dependence.Scale }, 'precision');
        const shapes = each(() => this.normalShape(node, factors, parents));
        return new NormalTerm(node, configurations, shapes);
      }
      case 'dgamma':
      case 'dexp': {
        const rateIndex = name === 'dgamma' ? 1 : 0;
        if (name === 'dgamma') this.require(node, 0, {}, 'shape');
        this.require(node, rateIndex, { gamma: Dependence.Scale }, 'rate');
        const shapes = each(() => ({ shape: name === 'dgamma' ? currentParameters(node)[0]! : 1, rate: this.scaleShape(node, rateIndex, parents) }));
        if (own) for (const s of shapes) if (!(s.shape > 0 && s.rate.scale > 0)) throw improper(node);
        return new GammaTerm(node, configurations, shapes, own as GammaFactor | undefined);
      }
      case 'dpois': {
        if (own) break;
        this.require(node, 0, { gamma: Dependence.Scale }, 'mean');
        return new PoissonTerm(node, configurations, each(() => this.scaleShape(node, 0, parents)));
      }
      case 'dbeta': {
        if (!(own instanceof BetaFactor)) break;
        this.require(node, 0, {}, 'first shape');
        this.require(node, 1, {}, 'second shape');
        const [a, b] = currentParameters(node);
        if (!(a! > 0 && b! > 0)) throw improper(node);
        return new BetaTerm(node, own, a!, b!);
      }
      case 'dbern':
      case 'dbin': {
        this.require(node, 0, { beta: Dependence.Scale }, 'probability');
        if (name === 'dbin') this.require(node, 1, {}, 'size');
        return new BernoulliTerm(node, configurations, each(() => this.probabilityShape(node, parents)));
      }
      case 'dcat': {
        this.require(node, 0, { dirichlet: Dependence.Scale }, 'probability vector');
        return new CategoricalTerm(node, configurations, each(() => this.categoryShape(node, parents)));
      }
      case 'ddirch': {
        if (!(own instanceof DirichletFactor)) break;
        this.require(node, 0, {}, 'concentration');
        const alpha = Float64Array.from(currentParameters(node));
        if (!alpha.every((a) => a > 0)) throw improper(node);
        return new DirichletTerm(node, own, alpha);
      }
      case 'dwish': {
        if (!(own instanceof WishartFactor)) break;
        this.require(node, 0, {}, 'scale matrix');
        this.require(node, 1, {}, 'degrees of freedom');
        const d = node.side;
        const p = currentParameters(node);
        const R = Float64Array.from(p.subarray(0, d * d));
        const k = p[d * d]!;
        const chol = Float64Array.from(R);
        if (!(k > d - 1) || !choleskyInPlace(chol, d)) throw improper(node);
        return new WishartTerm(node, own, R, k, logDeterminantFromCholesky(chol, d));
      }
      case 'dinterval': {
        const target = parents.find((p) => factorOf.get(p.id)?.family === 'truncated normal' && isNodeItself(graph, node, p));
        if (target && parents.length === 1) return new ConstantTerm(node, 0);
        break;
      }
    }
    const blocking = own ? node : parents[0]!;
    throw errorAt(node.statement.range, `VI cannot treat '${node.name}' (${name}) ${own ? 'as an unobserved node' : `with unobserved parent '${blocking.name}'`}: no conjugate update passes through it. ${SUPPORTED}, with their usual conjugate children. Use Gibbs sampling for this model.`);
  }

  private readonly perFactor = new Map<NormalFactor, DependenceAnalysis>();

  /**
   * A dnorm node whose mean is not linear in the normal factors it reads but
   * linear in each of two of them given the other (checked symbolically, one
   * analysis per factor): c + aᵀCb, C and c read off by probing. Undefined
   * when the mean is linear (the usual term) or not of that form (the usual
   * check then names the problem).
   */
  private bilinear(node: StochasticNode, a: NormalFactor, b: NormalFactor, parents: StochasticNode[]): BilinearNormalTerm | undefined {
    if (this.dependence(node, 0, 'normal') <= Dependence.Linear) return undefined;
    const linearIn = (f: NormalFactor): boolean => {
      let analysis = this.perFactor.get(f);
      if (!analysis) this.perFactor.set(f, (analysis = new DependenceAnalysis(this.graph, f.nodes)));
      return analysis.of(node.statement.args[0]!, node.scope) <= Dependence.Linear;
    };
    if (!linearIn(a) || !linearIn(b)) return undefined;
    this.require(node, 1, { gamma: Dependence.Scale }, 'precision');
    const { graph } = this;
    const set = (f: NormalFactor, k: number, v: number): void => {
      const c = f.coordinates[k]!;
      c.node.variable.values[c.offset] = v;
      propagate(graph, c.node);
    };
    for (const f of [a, b]) for (let k = 0; k < f.d; k++) set(f, k, 0);
    const mean = (): number => currentParameters(node)[0]!;
    const intercept = mean();
    for (const f of [a, b]) {
      for (let k = 0; k < f.d; k++) {
        set(f, k, 1);
        const moved = mean();
        set(f, k, 0);
        if (moved !== intercept) throw errorAt(node.statement.range, `VI treats a mean that multiplies two normal nodes ('${node.name}': ${a.nodes[0]!.variable.name} and ${b.nodes[0]!.variable.name}) only as c + Σ a·b, without terms linear in either: write the linear terms with their own data coefficients, or use Gibbs sampling.`);
      }
    }
    const coefficients = new Float64Array(a.d * b.d);
    for (let k = 0; k < a.d; k++) {
      set(a, k, 1);
      for (let l = 0; l < b.d; l++) {
        set(b, l, 1);
        coefficients[k * b.d + l] = mean() - intercept;
        set(b, l, 0);
      }
      set(a, k, 0);
    }
    const rate = this.scaleShape(node, 1, parents);
    if (!rate.gamma && !(rate.scale > 0)) throw improper(node, 'precision');
    return new BilinearNormalTerm(node, a, b, coefficients, intercept, rate);
  }

  /** Intercept and coefficients of the residual x − μ by probing the model (exact: the residual is affine, checked symbolically), and the precision's form. */
  private normalShape(node: StochasticNode, factors: NormalFactor[], parents: StochasticNode[]): NormalShape {
    const { graph } = this;
    const m = node.side;
    const zero = (f: NormalFactor): void => {
      for (const c of f.coordinates) c.node.variable.values[c.offset] = 0;
      for (const n of f.nodes) propagate(graph, n);
    };
    factors.forEach(zero);
    const residual = (out: Float64Array): void => {
      const p = currentParameters(node);
      for (let i = 0; i < m; i++) out[i] = node.variable.values[node.offsets[i]!]! - p[i]!;
    };
    const intercept = new Float64Array(m);
    residual(intercept);
    const moved = new Float64Array(m);
    const parts: NormalPart[] = [];
    for (const f of factors) {
      const coefficients = new Float64Array(m * f.d);
      let any = false;
      f.coordinates.forEach((c, k) => {
        c.node.variable.values[c.offset] = 1;
        propagate(graph, c.node);
        residual(moved);
        for (let i = 0; i < m; i++) {
          const b = moved[i]! - intercept[i]!;
          coefficients[i * f.d + k] = b;
          if (b !== 0) any = true;
        }
        c.node.variable.values[c.offset] = 0;
        propagate(graph, c.node);
      });
      if (any) parts.push({ factor: f, coefficients });
    }
    if (node.distribution.name === 'dnorm') {
      const { scale, gamma } = this.scaleShape(node, 1, parents);
      if (!gamma && !(scale > 0)) throw improper(node, 'precision');
      return { intercept, parts, precision: Float64Array.of(scale), logDetPrecision: Math.log(scale), gamma, scale };
    }
    const wisharts = parents.filter((p) => this.factorOf.get(p.id) instanceof WishartFactor && readsNow(graph, p, node, 1));
    if (wisharts.length > 1) throw errorAt(node.statement.range, `VI cannot treat '${node.name}': its precision reads several Wishart nodes at once.`);
    if (wisharts.length === 1) {
      if (!referencesWhole(node, 1, wisharts[0]!)) throw errorAt(node.statement.range, `VI cannot treat '${node.name}': its precision must be the Wishart node '${wisharts[0]!.name}' itself.`);
      return { intercept, parts, logDetPrecision: 0, wishart: this.factorOf.get(wisharts[0]!.id) as WishartFactor, scale: 1 };
    }
    const p = currentParameters(node);
    const precision = Float64Array.from(p.subarray(m, m + m * m));
    const chol = Float64Array.from(precision);
    if (!choleskyInPlace(chol, m)) throw improper(node, 'precision');
    return { intercept, parts, precision, logDetPrecision: logDeterminantFromCholesky(chol, m), scale: 1 };
  }

  /** Parameter k as s·τ for the gamma factor τ it reads now (found by setting every gamma parent to 1, then each to 2), or the constant s. */
  private scaleShape(node: StochasticNode, k: number, parents: StochasticNode[]): ScaleShape {
    const { graph } = this;
    const gammas = parents.filter((p) => this.factorOf.get(p.id) instanceof GammaFactor);
    const set = (p: StochasticNode, v: number): void => {
      p.variable.values[p.offset] = v;
      propagate(graph, p);
    };
    for (const g of gammas) set(g, 1);
    const scale = currentParameters(node)[k]!;
    let found: GammaFactor | undefined;
    for (const g of gammas) {
      set(g, 2);
      const doubled = currentParameters(node)[k]!;
      set(g, 1);
      if (doubled === scale) continue;
      if (found || Math.abs(doubled - 2 * scale) > 1e-9 * Math.abs(scale)) throw errorAt(node.statement.range, `VI cannot treat '${node.name}': its ${k === 0 ? 'first' : 'second'} parameter is not a constant times one gamma node.`);
      found = this.factorOf.get(g.id) as GammaFactor;
    }
    return { scale, gamma: found };
  }

  private probabilityShape(node: StochasticNode, parents: StochasticNode[]): ProbabilityShape {
    const { graph } = this;
    const x = node.variable.values[node.offset]!;
    const n = node.distribution.name === 'dbin' ? currentParameters(node)[1]! : 1;
    for (const p of parents) {
      const f = this.factorOf.get(p.id);
      if (!(f instanceof BetaFactor)) continue;
      const saved = p.variable.values[p.offset]!;
      p.variable.values[p.offset] = PROBE;
      propagate(graph, p);
      const reads = currentParameters(node)[0] === PROBE;
      p.variable.values[p.offset] = saved;
      propagate(graph, p);
      if (reads) {
        if (!isReference(node.statement.args[0]!)) throw errorAt(node.statement.range, `VI cannot treat '${node.name}': its probability must be the beta node '${p.name}' itself.`);
        return { x, n, beta: f, p: Number.NaN };
      }
    }
    return { x, n, p: currentParameters(node)[0]! };
  }

  private categoryShape(node: StochasticNode, parents: StochasticNode[]): CategoryShape {
    const { graph } = this;
    const k = node.variable.values[node.offset]! - 1;
    for (const p of parents) {
      const f = this.factorOf.get(p.id);
      if (!(f instanceof DirichletFactor) || !readsNow(graph, p, node, 0)) continue;
      if (!referencesWhole(node, 0, p)) throw errorAt(node.statement.range, `VI cannot treat '${node.name}': its probability vector must be the Dirichlet node '${p.name}' itself.`);
      return { k, dirichlet: f, logProbability: Number.NaN };
    }
    const pi = currentParameters(node);
    let total = 0;
    for (let j = 0; j < node.paramSizes[0]!; j++) total += pi[j]!;
    return { k, logProbability: Math.log(pi[k]! / total) };
  }
}

/** A probability no other node holds by coincidence. */
const PROBE = 1 / Math.PI;

const isReference = (e: Expression): boolean => e.kind === 'name' || e.kind === 'index';

function describe(family: FamilySet, limit: Dependence): string {
  if (limit === Dependence.Constant) return `depends on ${family} nodes, which it must not`;
  if (limit === Dependence.Scale) return `is not a constant times one ${family} node`;
  return `is not linear in the ${family} nodes`;
}

function improper(node: StochasticNode, what = 'parameters'): Error {
  return errorAt(node.statement.range, `VI needs proper priors: the ${what} of '${node.name}' ${what === 'precision' ? 'must be positive' : 'must be positive (and a Wishart R positive definite with k ≥ its side)'}. An improper or flat prior has no variational factor.`);
}
