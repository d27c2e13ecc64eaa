import type { NamedValues } from '../language/rvalues';
import { errorAt, type SourceRange } from '../language/source';
import { intervalIndex } from '../model/distributions';
import { refreshDeterministic } from '../model/compile';
import { currentParameters, elementName, transientParameters, nodeLogDensity, propagate, Role, scatterValue, type ModelGraph, type StochasticNode } from '../model/graph';
import { cholesky, inverseFromCholesky } from '../math/linalg';
import { repairDiscreteStart } from './discreteStart';
import type { Random } from '../random/rng';
import { analyzeConditional, isNodeItself, setValue } from './conditionals';
import { meetObservedSums } from './sumSampler';
import { drawFromPrior } from './priorDraws';

/**
 * A value near the centre of a scalar node's prior given its parents'
 * values: what JAGS starts a chain from when no initial value is given.
 * Finite and inside the support, so every density is defined at the start.
 */
function typicalScalar(node: StochasticNode): number {
  const p = transientParameters(node);
  let x: number;
  switch (node.distribution.name) {
    case 'dnorm': case 'dt': case 'dlogis': case 'ddexp': x = p[0]!; break;
    case 'dgamma': x = p[0]! / p[1]!; break;
    case 'dexp': x = 1 / p[0]!; break;
    case 'dunif': x = 0.5 * (p[0]! + p[1]!); break;
    case 'dbeta': x = p[0]! / (p[0]! + p[1]!); break;
    case 'dlnorm': x = Math.exp(p[0]!); break;
    case 'dweib': x = Math.pow(Math.LN2 / p[1]!, 1 / p[0]!); break;
    case 'dchisqr': x = p[0]!; break;
    case 'dpar': x = p[1]! * Math.pow(2, 1 / p[0]!); break;
    case 'dpois': x = Math.round(p[0]!); break;
    case 'dbern': x = p[0]! >= 0.5 ? 1 : 0; break;
    case 'dbin': x = Math.round(p[0]! * p[1]!); break;
    case 'dnegbin': x = Math.round((p[1]! * (1 - p[0]!)) / p[0]!); break;
    case 'dcat': x = 1 + mode(p); break;
    case 'dinterval': x = intervalIndex(p); break;
    default: x = node.distribution.multivariate ? 0 : node.distribution.typical?.(p) ?? 0;
  }
  const lower = node.lower?.() ?? Number.NEGATIVE_INFINITY;
  const upper = node.upper?.() ?? Number.POSITIVE_INFINITY;
  if (x < lower || x > upper) {
    x = Number.isFinite(lower) && Number.isFinite(upper) ? 0.5 * (lower + upper) : Number.isFinite(lower) ? lower + 1 : upper - 1;
    if (node.distribution.discrete) x = Math.ceil(x);
  }
  return x;
}

function mode(p: Float64Array): number {
  let best = 0;
  for (let k = 1; k < p.length; k++) if (p[k]! > p[best]!) best = k;
  return best;
}

/** The typical value of a multivariate node (its prior mean), written into its elements; false when the parameters are not known yet. */
function setTypicalMultivariate(node: StochasticNode): boolean {
  const p = currentParameters(node);
  for (let k = 0; k < p.length; k++) if (Number.isNaN(p[k]!)) return false;
  const d = node.side;
  const x = node.value;
  switch (node.distribution.name) {
    case 'ddirch': {
      let total = 0;
      for (let k = 0; k < d; k++) total += p[k]!;
      for (let k = 0; k < d; k++) x[k] = p[k]! / total;
      break;
    }
    case 'dmulti': {
      let total = 0;
      for (let k = 0; k < d; k++) total += p[k]!;
      let left = p[d]!;
      for (let k = 0; k < d; k++) left -= x[k] = Math.floor((p[d]! * p[k]!) / total);
      x[mode(p.subarray(0, d))] += left;
      break;
    }
    case 'dmnorm':
    case 'dmnorm.vcov':
    case 'dmt':
      x.set(p.subarray(0, d));
      break;
    case 'dwish': {
      // E[X] = k·R⁻¹.
      const l = new Float64Array(d * d);
      if (!cholesky(p.subarray(0, d * d), l, d)) return false;
      inverseFromCholesky(l, x, d, new Float64Array(d));
      for (let k = 0; k < d * d; k++) x[k] = x[k]! * p[d * d]!;
      break;
    }
    default:
      return false;
  }
  scatterValue(node, x);
  return true;
}

function setTypical(node: StochasticNode): boolean {
  if (node.distribution.multivariate) return setTypicalMultivariate(node);
  const x = typicalScalar(node);
  if (Number.isNaN(x)) return false;
  node.variable.values[node.offset] = x;
  return true;
}

function readsUnset(node: StochasticNode): boolean {
  const p = transientParameters(node);
  for (let k = 0; k < p.length; k++) if (Number.isNaN(p[k]!)) return true;
  return false;
}

/**
 * Sets the unobserved nodes to the given initial values, and the rest to
 * typical values of their priors (chain 1, as JAGS does) or to draws from
 * their priors (with `random`, for the other chains, so that chains start
 * apart and R-hat can see a failure to mix). A drawn start the rest of the
 * model finds impossible falls back to the typical value. Checks that every
 * initial value names an unobserved node of the model and fits its shape,
 * and that the start has positive probability.
 */
export function setInitialValues(graph: ModelGraph, inits: NamedValues | undefined, initsRange: SourceRange, random?: Random): void {
  const given = new Set<StochasticNode>();
  for (const [name, value] of inits ?? []) {
    const variable = graph.variables.get(name);
    if (!variable) throw errorAt(initsRange, `The initial values name '${name}', which is not in the model.`);
    if (value.values.length !== variable.values.length) {
      throw errorAt(initsRange, `The initial value of ${name} has ${value.values.length} element(s) but ${name} has ${variable.values.length}.`);
    }
    for (let offset = 0; offset < value.values.length; offset++) {
      const x = value.values[offset]!;
      if (Number.isNaN(x)) continue;
      const node = variable.role[offset] === Role.Stochastic ? graph.stochastic[variable.node[offset]!] : undefined;
      if (!node || node.observed) {
        throw errorAt(initsRange, `${elementName(variable, offset)} is given an initial value but it is not an unobserved stochastic node (set it to NA there).`);
      }
      variable.values[offset] = x;
      given.add(node);
    }
  }
  for (const node of given) {
    for (const o of node.offsets) {
      if (Number.isNaN(node.variable.values[o]!)) {
        throw errorAt(initsRange, `${node.name} is a multivariate node: give all of its elements an initial value, or none.`);
      }
    }
  }
  // A node's start reads its parents, so fill in passes until every node is set.
  let pending = graph.unobserved.map((id) => graph.stochastic[id]!).filter((n) => !given.has(n));
  for (const n of pending) for (const o of n.offsets) n.variable.values[o] = Number.NaN;
  while (pending.length) {
    refreshDeterministic(graph);
    const next = pending.filter((n) => {
      if (readsUnset(n)) return true;
      if (random && drawFromPrior(n, random)) return false;
      return !setTypical(n);
    });
    if (next.length === pending.length) {
      const node = next[0]!;
      checkParameters(graph, node, given, initsRange);
      const missing = missingData(graph, node);
      if (missing) throw errorAt(node.statement.range, missingMessage(node, missing));
      throw errorAt(node.statement.range, `Cannot find a starting value for ${node.name}; give it one in 'inits list(...)'.`);
    }
    pending = next;
  }
  refreshDeterministic(graph);
  meetObservedSums(graph, (n) => given.has(n));
  repairStart(graph, given, random !== undefined);
  repairDiscreteStart(graph, given);
  checkStart(graph, given, initsRange);
}

/**
 * Starts that make some density zero are moved: a drawn start goes back to
 * the typical value, and a normal node that censored data constrain
 * (z[i] with y[i] ~ dinterval(z[i], 0)) goes inside the interval they allow.
 */
function repairStart(graph: ModelGraph, given: Set<StochasticNode>, drawn: boolean): void {
  const bounds = new Float64Array(4);
  for (const id of graph.unobserved) {
    const node = graph.stochastic[id]!;
    if (given.has(node)) continue;
    const involved = [node, ...node.children.map((c) => graph.stochastic[c]!)];
    const possible = (): boolean => involved.every((n) => Number.isFinite(nodeLogDensity(n)));
    if (possible()) continue;
    if (drawn && setTypical(node)) {
      propagate(graph, node);
      if (possible()) continue;
    }
    if (startAtRoundedValue(graph, node) && possible()) continue;
    const conditional = analyzeConditional(graph, node);
    if (conditional?.family !== 'normal') continue;
    conditional.parameters(bounds);
    const lower = bounds[2]!, upper = bounds[3]!;
    const x = node.variable.values[node.offset]!;
    if (x > lower && x <= upper) continue;
    const inside = Number.isFinite(lower) && Number.isFinite(upper) ? 0.5 * (lower + upper) : Number.isFinite(lower) ? lower + 1 : upper - 1;
    node.variable.values[node.offset] = inside;
    propagate(graph, node);
  }
}

/** A node recorded rounded (x ~ dround(node, d), observed) starts at the recorded value, which lies in its rounding interval. */
function startAtRoundedValue(graph: ModelGraph, node: StochasticNode): boolean {
  for (const id of node.children) {
    const child = graph.stochastic[id]!;
    if (child.observed && child.distribution.name === 'dround' && isNodeItself(graph, child, node)) {
      setValue(graph, node, child.variable.values[child.offset]!);
      return true;
    }
  }
  return false;
}

/** An element of the data, missing (NA), that a node's parameters read: an index or a covariate must be given. */
function missingData(graph: ModelGraph, node: StochasticNode): string | undefined {
  for (const arg of [...node.statement.args, ...(node.statement.truncation ? [node.statement.truncation.lower, node.statement.truncation.upper] : [])]) {
    if (!arg) continue;
    for (const r of graph.expressions.array(arg, node.scope).reads) {
      const role = r.variable.role[r.offset];
      if ((role === Role.Data || role === Role.Unused) && Number.isNaN(r.variable.values[r.offset]!)) return elementName(r.variable, r.offset);
    }
  }
  return undefined;
}

function missingMessage(node: StochasticNode, missing: string): string {
  return `${node.name} needs ${missing}, which is missing (NA) in the data: an index or a covariate cannot be missing. Give it a value, or model it with a distribution.`;
}

function parametersValid(node: StochasticNode): boolean {
  const p = transientParameters(node);
  for (let k = 0; k < p.length; k++) if (Number.isNaN(p[k]!)) return false;
  const d = node.distribution;
  return (d.multivariate ? d.checkParameters(p, node.side) : d.checkParameters(p)) === undefined;
}

/** Whether a node's parameters read only data and constants (no node the sampler moves). */
function fixedByData(graph: ModelGraph, node: StochasticNode): boolean {
  return node.statement.args.every((arg) => graph.expressions.array(arg, node.scope).reads.every((r) => r.variable.role[r.offset] === Role.Data));
}

/** A node whose parameters are outside their domain (a negative probability, a precision that is not positive definite). */
function checkParameters(graph: ModelGraph, node: StochasticNode, given: Set<StochasticNode>, initsRange: SourceRange): void {
  const p = transientParameters(node);
  let undefinedParameter = false;
  for (let k = 0; k < p.length; k++) if (Number.isNaN(p[k]!)) undefinedParameter = true;
  if (undefinedParameter) {
    const missing = missingData(graph, node);
    if (missing) throw errorAt(node.statement.range, missingMessage(node, missing));
    return;
  }
  const distribution = node.distribution;
  const problem = distribution.multivariate ? distribution.checkParameters(p, node.side) : distribution.checkParameters(p);
  if (!problem) return;
  if (fixedByData(graph, node)) throw errorAt(node.statement.range, `${node.name} cannot be used: for ${distribution.name}, ${problem}.`);
  const culprit = [...given].find((g) => node.statement.args.some((arg) => graph.expressions.array(arg, node.scope).reads.some((r) => r.variable === g.variable)));
  if (culprit) throw errorAt(initsRange, `The initial value of ${culprit.name} makes the parameters of ${node.name} invalid: for ${distribution.name}, ${problem}.`);
  throw errorAt(node.statement.range, `${node.name} cannot start: at the starting values, for ${distribution.name}, ${problem}.`);
}

/** Every node must have positive density at the start; otherwise the sampler could never move. */
function checkStart(graph: ModelGraph, given: Set<StochasticNode>, initsRange: SourceRange): void {
  for (const node of given) {
    if (!(nodeLogDensity(node) > Number.NEGATIVE_INFINITY) && parametersValid(node)) {
      throw errorAt(initsRange, `The initial value of ${node.name} is impossible: it lies outside the support of ${node.distribution.name}.`);
    }
  }
  for (const node of graph.stochastic) checkParameters(graph, node, given, initsRange);
  for (const node of graph.stochastic) {
    const density = nodeLogDensity(node);
    if (density > Number.NEGATIVE_INFINITY) continue;
    const culprit = [...given].find((g) => g === node || g.children.includes(node.id));
    if (culprit) {
      throw errorAt(initsRange, `The initial value of ${culprit.name} is impossible: ${node === culprit ? `it lies outside the support of ${node.distribution.name}` : `${node.name} has zero probability (or an undefined density) given it`}.`);
    }
    if (node.observed && node.offsets.some((o) => !Number.isFinite(node.variable.values[o]!))) {
      throw errorAt(node.statement.range, `The data ${node.name} hold a value that is not finite (Inf); give a finite number, or NA for a missing value.`);
    }
    const what = node.observed ? `the data ${node.name} have zero probability` : `${node.name} has zero probability`;
    throw errorAt(node.statement.range, `The model cannot start: ${what} at the starting values${Number.isNaN(density) ? ' (its density is undefined: check its parameters)' : ''}. Give initial values that are consistent with the data.`);
  }
}
