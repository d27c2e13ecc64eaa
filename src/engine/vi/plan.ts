import { errorAt } from '../language/source';
import { refreshDeterministic } from '../model/compile';
import { currentParameters, type ModelGraph, type StochasticNode } from '../model/graph';
import { isNodeItself } from '../inference/conditionals';
import { finiteSupport } from '../inference/finiteSampler';
import { CategoricalFactor } from './categoricalFactor';
import { DirichletFactor } from './dirichletFactor';
import { subscribe, type Factor, type Term } from './factor';
import { NormalFactor } from './normalFactor';
import { BetaFactor, GammaFactor } from './scalarFactors';
import { SUPPORTED, TermBuilder } from './termBuilder';
import { WishartFactor } from './wishartFactor';

/** The mean-field factorisation of a model and the terms of its bound, built once before the coordinate ascent. */
export interface VariationalPlan {
  graph: ModelGraph;
  /** The continuous factors in statement order, then the discrete ones. */
  factors: Factor[];
  /** The update order: `factors`, or the discrete factors first when the run starts from given values of the others (an E-step first, as EM and BayesPy do). */
  order: Factor[];
  terms: Term[];
}

/** The largest block of scalar normal nodes given one joint Gaussian factor (the update costs its cube). */
const MAX_BLOCK = 64;
/** The largest finite support enumerated. */
const MAX_SUPPORT = 1000;

/**
 * Builds q's factors (one per unobserved node, a joint Gaussian for scalar
 * normal nodes that share their children) and one term per stochastic node,
 * each reading its parents' factors through the structure the conjugacy
 * analysis guarantees. Where it does not hold, a ModelError names the node
 * and points at its statement: VI never runs on an update it cannot do
 * exactly. The model's values are left as they were.
 */
export function planVariational(graph: ModelGraph): VariationalPlan {
  const saved = graph.unobserved.map((id) => Float64Array.from(graph.stochastic[id]!.offsets, (o) => graph.stochastic[id]!.variable.values[o]!));
  const factorOf = makeFactors(graph);
  const parents = parentsOf(graph);
  const builder = new TermBuilder(graph, factorOf);
  const terms = graph.stochastic.map((node) => builder.term(node, parents.get(node.id) ?? []));
  graph.unobserved.forEach((id, j) => graph.stochastic[id]!.offsets.forEach((o, k) => (graph.stochastic[id]!.variable.values[o] = saved[j]![k]!)));
  refreshDeterministic(graph);
  const all = [...new Set(graph.unobserved.map((id) => factorOf.get(id)!))];
  for (const f of all) f.start();
  for (const term of terms) {
    for (const f of readers(term, factorOf, parents.get(term.node.id) ?? [])) subscribe(f, term);
  }
  const factors = [...all.filter((f) => f.family !== 'categorical'), ...all.filter((f) => f.family === 'categorical')];
  return { graph, factors, terms, order: factors };
}

function readers(term: Term, factorOf: Map<number, Factor>, parents: StochasticNode[]): Set<Factor> {
  const set = new Set<Factor>();
  const own = factorOf.get(term.node.id);
  if (own) set.add(own);
  for (const p of parents) set.add(factorOf.get(p.id)!);
  return set;
}

/** The unobserved nodes each stochastic node reads, directly or through deterministic nodes. */
function parentsOf(graph: ModelGraph): Map<number, StochasticNode[]> {
  const parents = new Map<number, StochasticNode[]>();
  for (const id of graph.unobserved) {
    const node = graph.stochastic[id]!;
    for (const child of node.children) {
      const list = parents.get(child);
      if (list) list.push(node);
      else parents.set(child, [node]);
    }
  }
  return parents;
}

function makeFactors(graph: ModelGraph): Map<number, Factor> {
  const factorOf = new Map<number, Factor>();
  const scalarNormals = new Map<string, StochasticNode[]>();
  for (const id of graph.unobserved) {
    const node = graph.stochastic[id]!;
    const name = node.distribution.name;
    if (node.statement.truncation) throw errorAt(node.statement.range, `VI does not treat truncated priors (T(,)) yet: '${node.name}'. Censor through dinterval instead, or use Gibbs.`);
    switch (name) {
      case 'dnorm': {
        const bounds = intervalBounds(graph, node);
        if (bounds) factorOf.set(id, new NormalFactor(graph, [node], bounds[0], bounds[1]));
        else {
          const key = node.children.join(',');
          const list = scalarNormals.get(key);
          if (list) list.push(node);
          else scalarNormals.set(key, [node]);
        }
        break;
      }
      case 'dmnorm':
        factorOf.set(id, new NormalFactor(graph, [node]));
        break;
      case 'dgamma':
      case 'dexp':
        factorOf.set(id, new GammaFactor(graph, node));
        break;
      case 'dbeta':
        factorOf.set(id, new BetaFactor(graph, node));
        break;
      case 'ddirch':
        factorOf.set(id, new DirichletFactor(graph, node));
        break;
      case 'dwish':
        factorOf.set(id, new WishartFactor(graph, node));
        break;
      case 'dcat':
      case 'dbern':
      case 'dbin': {
        const [lower, upper] = finiteSupport(node);
        if (!(upper - lower + 1 <= MAX_SUPPORT)) throw errorAt(node.statement.range, `VI enumerates '${node.name}' (${name}), but its support has ${upper - lower + 1} values; at most ${MAX_SUPPORT}.`);
        factorOf.set(id, new CategoricalFactor(graph, node, lower, upper));
        break;
      }
      default:
        throw errorAt(node.statement.range, `VI has no variational factor for the ${name} node '${node.name}': ${SUPPORTED} (each in the family of its complete conditional). Use Gibbs sampling for this model.`);
    }
  }
  // Scalar normal nodes with the same children share one joint Gaussian factor: their posterior correlation is kept.
  for (const group of scalarNormals.values()) {
    const blocks = group.length >= 2 && group.length <= MAX_BLOCK && group[0]!.children.length > 0 ? [group] : group.map((n) => [n]);
    for (const members of blocks) {
      const factor = new NormalFactor(graph, members);
      for (const m of members) factorOf.set(m.id, factor);
    }
  }
  return factorOf;
}

/**
 * The interval a normal node's dinterval children confine it to (probit
 * augmentation: y[i] ~ dinterval(z[i], 0)), or undefined when it has none.
 * The cut points must be data: the interval is then fixed.
 */
function intervalBounds(graph: ModelGraph, node: StochasticNode): [number, number] | undefined {
  let lower = Number.NEGATIVE_INFINITY;
  let upper = Number.POSITIVE_INFINITY;
  let any = false;
  for (const id of node.children) {
    const child = graph.stochastic[id]!;
    if (child.distribution.name !== 'dinterval') continue;
    any = true;
    if (!child.observed || !isNodeItself(graph, child, node)) {
      throw errorAt(child.statement.range, `VI censors a normal node through dinterval only when the node itself is the first argument and the interval is observed: '${child.name}'.`);
    }
    const cuts = currentParameters(child);
    const k = child.variable.values[child.offset]!;
    if (k >= 1) lower = Math.max(lower, cuts[k]!);
    if (k + 1 < cuts.length) upper = Math.min(upper, cuts[k + 1]!);
  }
  if (any && !(lower < upper)) throw errorAt(node.statement.range, `The dinterval children of '${node.name}' leave it no interval (${lower} to ${upper}).`);
  return any ? [lower, upper] : undefined;
}
