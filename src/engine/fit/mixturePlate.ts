import type { Document, Expression, IndexExpression, Statement } from '../language/ast';
import type { NamedValues } from '../language/rvalues';
import type { SourceRange } from '../language/source';
import type { GaussianParameters, MixtureProblem } from '../em/types';
import { cholesky, inverseFromCholesky } from '../math/linalg';
import { elementName } from '../model/graph';
import type { FitParameter } from '../output/fitOutput';

/**
 * A finite Gaussian mixture recognised in the model's plates (its loops of
 * relations), whatever the names:
 *
 *   for (i in 1:N) { z[i] ~ dcat(w[]);  x[i, 1:D] ~ dmnorm(mu[z[i], ], Omega[, , z[i]]) }
 *   for (k in 1:K) { mu[k, 1:D] ~ dmnorm(m0[], P0[, ]);  Omega[1:D, 1:D, k] ~ dwish(R[, ], nu) }
 *   w[1:K] ~ ddirch(alpha[])
 *
 * with the data x fully observed and the priors' arguments given as data.
 * The plate is matched before the model is unrolled, so a mixture of
 * 100,000 rows goes to the vectorised kernels of src/engine/em without
 * building 100,000 graph nodes; anything else is fitted from the graph.
 */
export interface MixturePlate {
  problem: MixtureProblem;
  /** Starting values from the inits (weights, means, covariances = inverse precisions), when all three are given. */
  given?: GaussianParameters;
  /** The components' starting values (mu and Omega from the inits), with w's when given, else weights 1/K. */
  givenComponents?: GaussianParameters;
  latent: string;
  parameterNames: string[];
  columns: string[];
  /** The fitted parameters, named as JAGS names the model's elements. */
  parameters(fit: GaussianParameters): FitParameter[];
  /** JAGS's names of the elements (0-based component k, coordinates j, a, b). */
  names: { weight(k: number): string; mean(k: number, j: number): string; precision(k: number, a: number, b: number): string };
  /** Where the weights', the means' and the precisions' priors are written (for messages about them). */
  ranges: { weights: SourceRange; means: SourceRange; precisions: SourceRange };
}

interface Relation {
  range: SourceRange;
  target: string;
  indices: IndexExpression[];
  distribution: string;
  args: Expression[];
}

export function findMixturePlate(document: Document, data: NamedValues, inits: NamedValues | undefined): MixturePlate | undefined {
  if (!document.model || document.data) return undefined;
  const top = document.model.statements;
  const loops = top.filter((s): s is Extract<Statement, { kind: 'for' }> => s.kind === 'for');
  const singles = top.filter((s) => s.kind !== 'for');
  if (singles.some((s) => s.kind !== 'stochastic') || loops.some((l) => l.body.some((s) => s.kind !== 'stochastic'))) return undefined;
  const relation = (s: Statement): Relation => {
    const r = s as Extract<Statement, { kind: 'stochastic' }>;
    return { range: r.range, target: r.target.name, indices: r.target.indices, distribution: r.distribution, args: r.args };
  };
  if ([...singles, ...loops.flatMap((l) => l.body)].some((s) => s.kind === 'stochastic' && s.truncation)) return undefined;

  // The observation plate: z[i] ~ dcat(w[]) and x[i, ] ~ dmnorm(mu[z[i], ], Omega[.., z[i], ..]).
  const observation = loops.find((l) => l.body.length === 2 && l.body.some((s) => s.kind === 'stochastic' && s.distribution === 'dcat'));
  if (!observation) return undefined;
  const i = observation.variable;
  const categorical = relation(observation.body.find((s) => s.kind === 'stochastic' && s.distribution === 'dcat')!);
  const normal = relation(observation.body.find((s) => s.kind === 'stochastic' && s.distribution === 'dmnorm') ?? observation.body[0]!);
  if (normal.distribution !== 'dmnorm' || !indexedBy(categorical.indices, i, 0, 1)) return undefined;
  if (!indexedBy(normal.indices, i, 0, 2)) return undefined;
  const z = categorical.target;
  const w = wholeReference(categorical.args[0]!);
  const meanSlot = componentSlot(normal.args[0]!, z, i);
  const precisionSlot = componentSlot(normal.args[1]!, z, i);
  if (!w || !meanSlot || !precisionSlot || meanSlot.rank !== 2 || precisionSlot.rank !== 3) return undefined;

  const x = data.get(normal.target);
  const n = constant(observation.to, data);
  if (!x || x.dims.length !== 2 || constant(observation.from, data) !== 1 || n !== x.dims[0]) return undefined;
  const D = x.dims[1]!;
  const columnsRange = normal.indices[1]!;
  if (columnsRange.kind === 'range' && (constant(columnsRange.from, data) !== 1 || constant(columnsRange.to, data) !== D)) return undefined;
  for (let k = 0; k < x.values.length; k++) if (!Number.isFinite(x.values[k]!)) return undefined;
  if (data.has(z) || data.has(w) || data.has(meanSlot.name) || data.has(precisionSlot.name)) return undefined;

  // The weights' Dirichlet, and the component plate(s).
  const weightsRelation = singles.map(relation).find((r) => r.target === w && r.distribution === 'ddirch');
  if (!weightsRelation || singles.length !== 1) return undefined;
  const alpha = dataArgument(weightsRelation.args[0]!, data);
  if (!alpha) return undefined;
  const K = alpha.values.length;
  const componentLoops = loops.filter((l) => l !== observation);
  const components = componentLoops.flatMap((l) => l.body.map((s) => ({ loop: l, relation: relation(s) })));
  if (components.length !== 2 || componentLoops.some((l) => constant(l.from, data) !== 1 || constant(l.to, data) !== K)) return undefined;
  const meanPrior = components.find((c) => c.relation.target === meanSlot.name && c.relation.distribution === 'dmnorm');
  const precisionPrior = components.find((c) => c.relation.target === precisionSlot.name && c.relation.distribution === 'dwish');
  if (!meanPrior || !precisionPrior) return undefined;
  if (!indexedBy(meanPrior.relation.indices, meanPrior.loop.variable, meanSlot.at, 2)) return undefined;
  if (!indexedBy(precisionPrior.relation.indices, precisionPrior.loop.variable, precisionSlot.at, 3)) return undefined;
  const m0 = dataArgument(meanPrior.relation.args[0]!, data);
  const p0 = dataArgument(meanPrior.relation.args[1]!, data);
  const r = dataArgument(precisionPrior.relation.args[0]!, data);
  const nu = dataArgument(precisionPrior.relation.args[1]!, data);
  if (!m0 || !p0 || !r || !nu || m0.values.length !== D || p0.values.length !== D * D || r.values.length !== D * D || nu.values.length !== 1) return undefined;

  const problem: MixtureProblem = {
    data: x.values, rows: n, columns: D, components: K,
    family: {
      kind: 'gaussian',
      meanPrior: { mean: Float64Array.from(m0.values), precision: Float64Array.from(p0.values) },
      precisionPrior: { scale: Float64Array.from(r.values), df: nu.values[0]! },
    },
    weightsPrior: { concentration: Float64Array.from(alpha.values) },
  };
  // Element (k, j) of mu and (a, b, k) of Omega, wherever the component index sits.
  const meanDims = meanSlot.at === 0 ? [K, D] : [D, K];
  const meanOffset = (k: number, j: number): number => (meanSlot.at === 0 ? k * D + j : j * K + k);
  const precisionDims = [D, D, D].map((d, p) => (p === precisionSlot.at ? K : d));
  const precisionOffset = (k: number, a: number, b: number): number => {
    const index = precisionSlot.at === 0 ? [k, a, b] : precisionSlot.at === 1 ? [a, k, b] : [a, b, k];
    return (index[0]! * precisionDims[1]! + index[1]!) * precisionDims[2]! + index[2]!;
  };
  const name = (variable: string, dims: number[], offset: number): string => elementName({ name: variable, dims }, offset);

  const componentsFromInits = (muValues: Float64Array, omegaValues: Float64Array, weights?: Float64Array): GaussianParameters | undefined => {
    if (muValues.length !== K * D || omegaValues.length !== K * D * D || (weights && weights.length !== K)) return undefined;
    const means = new Float64Array(K * D);
    const covariances = new Float64Array(K * D * D);
    const precision = new Float64Array(D * D);
    const factor = new Float64Array(D * D);
    for (let k = 0; k < K; k++) {
      for (let j = 0; j < D; j++) means[k * D + j] = muValues[meanOffset(k, j)]!;
      for (let a = 0; a < D; a++) for (let b = 0; b < D; b++) precision[a * D + b] = omegaValues[precisionOffset(k, a, b)]!;
      if (!cholesky(precision, factor, D)) return undefined;
      inverseFromCholesky(factor, covariances.subarray(k * D * D, (k + 1) * D * D), D, new Float64Array(D));
    }
    return { kind: 'gaussian', weights: weights ? Float64Array.from(weights) : new Float64Array(K).fill(1 / K), means, covariances };
  };
  const wi = inits?.get(w), mi = inits?.get(meanSlot.name), oi = inits?.get(precisionSlot.name);
  const given = wi && mi && oi ? componentsFromInits(mi.values, oi.values, wi.values) : undefined;
  const givenComponents = given ?? (mi && oi && !wi ? componentsFromInits(mi.values, oi.values) : undefined);

  return {
    problem, given, givenComponents, latent: z,
    names: {
      weight: (k) => `${w}[${k + 1}]`,
      mean: (k, j) => name(meanSlot.name, meanDims, meanOffset(k, j)),
      precision: (k, a, b) => name(precisionSlot.name, precisionDims, precisionOffset(k, a, b)),
    },
    ranges: { weights: weightsRelation.range, means: meanPrior.relation.range, precisions: precisionPrior.relation.range },
    parameterNames: [meanSlot.name, precisionSlot.name, w],
    columns: Array.from({ length: D }, (_, j) => `${normal.target}[, ${j + 1}]`),
    parameters(fit) {
      const out: FitParameter[] = [];
      const factor = new Float64Array(D * D);
      const precision = new Float64Array(D * D);
      const column = new Float64Array(D);
      const meanValues = new Float64Array(K * D);
      const precisionValues = new Float64Array(K * D * D);
      for (let k = 0; k < K; k++) {
        for (let j = 0; j < D; j++) meanValues[meanOffset(k, j)] = fit.means[k * D + j]!;
        if (!cholesky(fit.covariances.subarray(k * D * D, (k + 1) * D * D), factor, D)) precision.fill(Number.NaN);
        else inverseFromCholesky(factor, precision, D, column);
        for (let a = 0; a < D; a++) for (let b = 0; b < D; b++) precisionValues[precisionOffset(k, a, b)] = precision[a * D + b]!;
      }
      meanValues.forEach((v, o) => out.push({ name: name(meanSlot.name, meanDims, o), value: v }));
      precisionValues.forEach((v, o) => out.push({ name: name(precisionSlot.name, precisionDims, o), value: v }));
      fit.weights.forEach((v, k) => out.push({ name: `${w}[${k + 1}]`, value: v }));
      return out;
    },
  };
}

/** `x[i, ]`, `x[i, 1:D]`, `mu[k, ]`: the loop variable at position `at`, whole ranges elsewhere, `rank` indices. */
function indexedBy(indices: IndexExpression[], variable: string, at: number, rank: number): boolean {
  if (indices.length !== rank) return false;
  return indices.every((index, d) => (d === at ? index.kind === 'at' && index.value.kind === 'name' && index.value.name === variable : index.kind !== 'at'));
}

/** `mu[z[i], ]` or `Omega[, , z[i]]`: the variable, where z[i] sits, and how many indices. */
function componentSlot(e: Expression, z: string, i: string): { name: string; at: number; rank: number } | undefined {
  if (e.kind !== 'index') return undefined;
  const at = e.indices.findIndex((index) => index.kind === 'at');
  if (at < 0 || e.indices.some((index, d) => d !== at && index.kind === 'at')) return undefined;
  const index = e.indices[at]!;
  if (index.kind !== 'at' || index.value.kind !== 'index' || index.value.name !== z) return undefined;
  const inner = index.value.indices;
  if (inner.length !== 1 || inner[0]!.kind !== 'at' || inner[0]!.value.kind !== 'name' || inner[0]!.value.name !== i) return undefined;
  return { name: e.name, at, rank: e.indices.length };
}

/** `w`, `w[]` or `w[1:K]`: a whole variable. */
function wholeReference(e: Expression): string | undefined {
  if (e.kind === 'name') return e.name;
  if (e.kind === 'index' && e.indices.every((index) => index.kind !== 'at')) return e.name;
  return undefined;
}

function dataArgument(e: Expression, data: NamedValues): { values: Float64Array } | undefined {
  if (e.kind === 'number') return { values: Float64Array.of(e.value) };
  const name = wholeReference(e);
  const value = name === undefined ? undefined : data.get(name);
  if (!value) return undefined;
  for (const v of value.values) if (!Number.isFinite(v)) return undefined;
  return value;
}

function constant(e: Expression, data: NamedValues): number | undefined {
  if (e.kind === 'number') return e.value;
  if (e.kind === 'name') {
    const v = data.get(e.name);
    return v && v.values.length === 1 ? v.values[0] : undefined;
  }
  return undefined;
}
