import type { Expression } from '../language/ast';
import type { LoopScope } from '../model/expressions';
import { Role, type DeterministicNode, type ModelGraph, type StochasticNode } from '../model/graph';
import { CompiledDeterministicNode } from '../model/nodeRecords';
import type { StatementCode } from '../model/statementCode';
import { statementCompiler } from './graphCode';
import { Dependence, DependenceAnalysis } from './linearity';
import { MovingTerms } from './movingTerms';

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
  private constructor(
    private readonly others: MovingTerms,
    private readonly linked: StochasticNode[],
    private readonly kinds: Uint8Array,
    private readonly predictors: StatementCode[],
    private readonly scopes: LoopScope[],
  ) {}

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
      const predictor = reads[0]!.length === 1 && plainRead ? predictors.get(reads[0]![0]!) : undefined;
      // The size (a binomial's n) must not move with the node at all: its log C(n, x) is dropped.
      const fixedRest = child.statement.args.slice(1).every((e) => (analysis ??= new DependenceAnalysis(graph, node)).of(e, child.scope) === Dependence.Constant);
      if (!predictor || !fixedRest || child.lower || child.upper) return undefined;
      const kind = name === 'dbin' && predictor.link === 'logit' ? Linked.Binomial : name === 'dbern' && predictor.link === 'logit' ? Linked.Bernoulli : name === 'dpois' && predictor.link === 'log' ? Linked.Poisson : undefined;
      if (kind === undefined) return undefined;
      linked.push(child);
      kinds.push(kind);
      codes.push(predictor.code);
      scopes.push(predictor.d.scope);
    }
    if (linked.length === 0) return undefined;
    return new LinkedTerms(new MovingTerms(graph, node, others), linked, Uint8Array.from(kinds), codes, scopes);
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
