import type { Expression, Statement } from '../language/ast';
import type { LoopScope } from '../model/expressions';
import { currentParameters, propagate, Role, type Evaluator, type ModelGraph, type StochasticNode, type Variable } from '../model/graph';
import { choleskyInPlace, solveWithCholeskyInPlace } from '../math/linalg';
import { drawMultivariateNormalFromPrecision } from '../random/draws';
import type { Random } from '../random/rng';
import type { Sampler, SamplerFactory } from './samplers';

/**
 * The rows of a factor matrix in a matrix factorisation (Salakhutdinov & Mnih's
 * BPMF): `U[i, 1:D] ~ dmnorm(muU[], LambdaU[, ])` with normal children
 * `r[n] ~ dnorm(a[n] + inprod(U[user[n], ], V[item[n], ]), tau)`, where the
 * offset a[n] and the precision do not read U. Given the rest, the rows are
 * independent, each drawn from N(Λ⁻¹η, Λ⁻¹) with
 *   Λ = Λ₀ + Σ_n τ_n v_n v_nᵀ,   η = Λ₀μ₀ + Σ_n τ_n v_n (r_n − a_n),
 * the sums over the row's own ratings (v_n the partner row). One sampler holds
 * every row of the matrix in compressed arrays built once — per row its
 * ratings, per rating where its partner row lives — so an update allocates
 * nothing and evaluates no child's mean through the interpreter, except for an
 * offset a[n] when the mean has one. The generic Gaussian block would do the
 * same algebra with d + 1 probes per child and one object per row.
 *
 * A row is one `dmnorm` node, or D scalar normal nodes with the same children
 * (`U[i, k] ~ dnorm(m[k], p[k])`, as the classic BMF writes it): given the
 * rest their conditional is the same joint Gaussian with a diagonal prior
 * precision, so they are drawn together as one block.
 */
export interface FactorRow {
  /** Where the row's elements are in its variable, in the order the inner product reads them. */
  offsets: Int32Array;
  /** The ratings (shared by every member). */
  children: number[];
  /** The dmnorm node, or the scalar normal nodes in the order of `offsets`. */
  members: StochasticNode[];
}

/** Rows of D scalar normals: prior precision diagonal, from each member's own mean and precision. */
const isScalarRow = (row: FactorRow): boolean => row.members.length > 1 || row.members[0]!.side === 1;

export class FactorRowsSampler implements Sampler {
  readonly label: string;
  private readonly d: number;
  private readonly lambda: Float64Array;
  private readonly eta: Float64Array;
  private readonly partnerRow: Float64Array;
  private readonly draw: Float64Array;
  private readonly current: Float64Array;
  /** Per shared group, its precision and offset at the start of this update. */
  private readonly shared: Float64Array;

  readonly nodes: StochasticNode[];
  private readonly scalar: boolean;
  /** A scalar row's prior: means then the D × D precision, as a dmnorm node's parameters. */
  private readonly scalarPrior: Float64Array;

  constructor(
    private readonly graph: ModelGraph,
    private readonly rows: FactorRow[],
    private readonly plan: FactorRowsPlan,
  ) {
    const d = (this.d = rows[0]!.offsets.length);
    this.nodes = rows.flatMap((row) => row.members);
    this.scalar = isScalarRow(rows[0]!);
    this.scalarPrior = new Float64Array(this.scalar ? d + d * d : 0);
    this.label = `block normal (factor rows, ${d})`;
    this.lambda = new Float64Array(d * d);
    this.eta = new Float64Array(d);
    this.partnerRow = new Float64Array(d);
    this.draw = new Float64Array(d);
    this.current = new Float64Array(d);
    this.shared = new Float64Array(2 * plan.shared.length);
  }

  update(random: Random): void {
    const { plan, shared } = this;
    // What reads no loop variable is the same for every rating of its statement (and no row moves it): evaluated once here.
    for (let g = 0; g < plan.shared.length; g++) {
      const { precision, offset } = plan.shared[g]!;
      shared[2 * g] = precision();
      shared[2 * g + 1] = offset ? offset() : 0;
    }
    const prior = plan.sharedPrior ? this.prior(this.rows[0]!) : undefined;
    for (let r = 0; r < this.rows.length; r++) this.updateRow(r, random, prior ?? this.prior(this.rows[r]!));
  }

  /** The row's prior mean and precision, laid out as a dmnorm node's parameters. */
  private prior(row: FactorRow): Float64Array {
    if (!this.scalar) return currentParameters(row.members[0]!);
    const { d, scalarPrior: p } = this;
    for (let k = 0; k < d; k++) {
      const q = currentParameters(row.members[k]!);
      p[k] = q[0]!;
      p[d + k * d + k] = q[1]!;
    }
    return p;
  }

  private updateRow(r: number, random: Random, p: Float64Array): void {
    const { d, lambda, eta, partnerRow: v, draw, current: u, plan, shared } = this;
    const { childStart, children, partnerOffsets, partnerValues, group, ratingValues, ratingOffsets } = plan;
    const row = this.rows[r]!;
    const values = row.members[0]!.variable.values;
    const offsets = row.offsets;
    for (let k = 0; k < d; k++) u[k] = values[offsets[k]!]!;
    // The prior: Λ₀ (whole) and η = Λ₀μ₀.
    for (let k = 0; k < d; k++) {
      let s = 0;
      for (let l = 0; l < d; l++) {
        const q = p[d + k * d + l]!;
        lambda[k * d + l] = q;
        s += q * p[l]!;
      }
      eta[k] = s;
    }
    // The ratings: only the lower triangle of Λ is accumulated, then mirrored.
    for (let j = childStart[r]!, end = childStart[r + 1]!; j < end; j++) {
      const base = j * d;
      for (let k = 0; k < d; k++) v[k] = partnerValues[partnerOffsets[base + k]!]!;
      const g = group[j]!;
      let tau: number;
      let residual = ratingValues[ratingOffsets[j]!]!;
      if (g >= 0) {
        tau = shared[2 * g]!;
        residual -= shared[2 * g + 1]!;
      } else {
        // A rating whose offset or precision varies along its loop (a user's bias b[user[n]]): its own evaluators.
        const child = children[j]!;
        tau = child.parameter(1);
        let dot = 0;
        for (let k = 0; k < d; k++) dot += u[k]! * v[k]!;
        residual -= child.parameter(0) - dot;
      }
      for (let k = 0; k < d; k++) {
        const tv = tau * v[k]!;
        eta[k] = eta[k]! + tv * residual;
        const rowK = k * d;
        for (let l = 0; l < k; l++) lambda[rowK + l] = lambda[rowK + l]! + tv * v[l]!;
        lambda[rowK + k] = lambda[rowK + k]! + tv * v[k]!;
      }
    }
    for (let k = 0; k < d; k++) for (let l = 0; l < k; l++) lambda[l * d + k] = lambda[k * d + l]!;
    // Not positive definite (an improper prior without ratings): the row keeps its values.
    if (!choleskyInPlace(lambda, d)) return;
    solveWithCholeskyInPlace(lambda, eta, d);
    drawMultivariateNormalFromPrecision(random, eta, lambda, draw, d);
    for (let k = 0; k < d; k++) values[offsets[k]!] = draw[k]!;
    for (const member of row.members) propagate(this.graph, member);
  }
}

/** Where each row's ratings and their partner rows are, in compressed rows. */
export interface FactorRowsPlan {
  /** Row r's ratings are children[childStart[r] .. childStart[r + 1]). */
  childStart: Int32Array;
  children: StochasticNode[];
  /** Rating j's partner row: elements at partnerOffsets[j·d .. j·d + d) of partnerValues. */
  partnerOffsets: Int32Array;
  partnerValues: Float64Array;
  /** Rating j's value: ratingValues[ratingOffsets[j]]. */
  ratingValues: Float64Array;
  ratingOffsets: Int32Array;
  /** Rating j's shared group (its precision and offset read no loop variable), or -1: evaluate its own. */
  group: Int32Array;
  shared: Array<{ precision: Evaluator; offset: Evaluator | undefined }>;
  /** Whether every row has the same prior (one statement whose arguments read no loop variable). */
  sharedPrior: boolean;
}

/** A normal child's mean split as Σ others + inprod(left, right), with the factor on side `side`. */
interface MeanShape {
  product: Expression & { kind: 'call' };
  side: 0 | 1;
  others: Expression[];
}

/** The terms of a sum `a + b + c` (any grouping). */
export function sumTerms(e: Expression, into: Expression[]): Expression[] {
  if (e.kind === 'binary' && e.op === '+') {
    sumTerms(e.left, into);
    sumTerms(e.right, into);
  } else {
    into.push(e);
  }
  return into;
}

const namesVariable = (e: Expression, name: string): boolean => (e.kind === 'index' || e.kind === 'name') && e.name === name;

/** The shape of a statement's mean when it is an inner product with the factor `name` plus other terms; undefined otherwise. */
function meanShape(mean: Expression, name: string): MeanShape | undefined {
  const terms = sumTerms(mean, []);
  let found: MeanShape | undefined;
  const others: Expression[] = [];
  for (const t of terms) {
    if (t.kind === 'call' && t.callee === 'inprod' && t.args.length === 2) {
      const left = namesVariable(t.args[0]!.value, name), right = namesVariable(t.args[1]!.value, name);
      if (left !== right) {
        if (found) return undefined;
        found = { product: t, side: left ? 0 : 1, others };
        continue;
      }
    }
    others.push(t);
  }
  return found;
}

/**
 * Whether an expression reads an element of `variable`, directly or through
 * deterministic nodes (`known` caches the answer per deterministic node).
 */
export function readsVariable(graph: ModelGraph, e: Expression, scope: LoopScope, variable: Variable, known: Map<number, boolean>): boolean {
  for (const r of graph.expressions.compile(e, scope).reads) {
    if (r.variable === variable) return true;
    if (r.variable.role[r.offset] !== Role.Deterministic) continue;
    const id = r.variable.node[r.offset]!;
    let reads = known.get(id);
    if (reads === undefined) {
      known.set(id, false);
      const node = graph.deterministic[id]!;
      reads = readsVariable(graph, node.statement.value, node.scope, variable, known);
      known.set(id, reads);
    }
    if (reads) return true;
  }
  return false;
}

/**
 * The plan for drawing `rows` (the unobserved dmnorm rows of one variable) as
 * factor rows, or undefined when some row's children are not all normal with
 * a mean `offset + inprod(row, partner row)` of the required kind.
 */
export function planFactorRows(graph: ModelGraph, rows: FactorRow[]): FactorRowsPlan | undefined {
  if (rows.length === 0) return undefined;
  const variable = rows[0]!.members[0]!.variable;
  const d = rows[0]!.offsets.length;
  const shapes = new Map<Statement, MeanShape | null>();
  const known = new Map<number, boolean>();
  const childStart = new Int32Array(rows.length + 1);
  let total = 0;
  for (let r = 0; r < rows.length; r++) {
    const row = rows[r]!;
    if (row.offsets.length !== d || row.members.some((m) => m.statement.truncation)) return undefined;
    total += row.children.length;
    childStart[r + 1] = total;
  }
  const children: StochasticNode[] = new Array(total);
  const partnerOffsets = new Int32Array(total * d);
  const ratingOffsets = new Int32Array(total);
  const group = new Int32Array(total);
  const shared: FactorRowsPlan['shared'] = [];
  const groupOf = new Map<Statement, number>();
  let partnerValues: Float64Array | undefined;
  let ratingValues: Float64Array | undefined;
  for (let r = 0; r < rows.length; r++) {
    const row = rows[r]!;
    for (let c = 0; c < row.children.length; c++) {
      const j = childStart[r]! + c;
      const child = graph.stochastic[row.children[c]!]!;
      if (child.distribution.name !== 'dnorm' || child.statement.truncation) return undefined;
      let shape = shapes.get(child.statement);
      if (shape === undefined) {
        shape = meanShape(child.statement.args[0]!, variable.name) ?? null;
        shapes.set(child.statement, shape);
      }
      if (!shape) return undefined;
      const own = graph.expressions.array(shape.product.args[shape.side]!.value, child.scope).direct;
      const partner = graph.expressions.array(shape.product.args[1 - shape.side]!.value, child.scope).direct;
      if (!own || !partner || own.values !== variable.values || partner.values === variable.values) return undefined;
      if (own.offsets.length !== d || partner.offsets.length !== d) return undefined;
      for (let k = 0; k < d; k++) if (own.offsets[k] !== row.offsets[k]) return undefined;
      if (partnerValues && partner.values !== partnerValues) return undefined;
      partnerValues = partner.values;
      partnerOffsets.set(partner.offsets, j * d);
      // The row must enter the child only through the inner product: not through an offset or the precision.
      if (readsVariable(graph, child.statement.args[1]!, child.scope, variable, known)) return undefined;
      for (const other of shape.others) if (readsVariable(graph, other, child.scope, variable, known)) return undefined;
      if (ratingValues && child.variable.values !== ratingValues) return undefined;
      ratingValues = child.variable.values;
      ratingOffsets[j] = child.offset;
      let g = groupOf.get(child.statement);
      if (g === undefined) {
        const invariant = [child.statement.args[1]!, ...shape.others].every((e) => !readsLoopVariable(e, child.scope));
        g = invariant ? shared.length : -1;
        if (invariant) shared.push(sharedEvaluators(graph, child, shape));
        groupOf.set(child.statement, g);
      }
      group[j] = g;
      children[j] = child;
    }
  }
  // A row without ratings would be drawn from its prior, which is right, but then a partner array is needed all the same.
  if (!partnerValues || !ratingValues) return undefined;
  const first = rows[0]!.members[0]!;
  const members = rows.flatMap((row) => row.members);
  const sharedPrior = members.every((m) => m.statement === first.statement) && first.statement.args.every((e) => !readsLoopVariable(e, first.scope));
  return { childStart, children, partnerOffsets, partnerValues, ratingValues, ratingOffsets, group, shared, sharedPrior };
}

/** The precision and the sum of the offset terms of a rating, compiled once for its whole statement. */
function sharedEvaluators(graph: ModelGraph, child: StochasticNode, shape: MeanShape): FactorRowsPlan['shared'][number] {
  const precision = graph.expressions.compile(child.statement.args[1]!, child.scope).evaluate;
  const terms = shape.others.map((e) => graph.expressions.compile(e, child.scope).evaluate);
  const offset = terms.length === 0 ? undefined : terms.length === 1 ? terms[0] : (): number => {
    let s = 0;
    for (const t of terms) s += t();
    return s;
  };
  return { precision, offset };
}

/** Whether an expression names a loop variable of its scope (then it may differ from one instance of its statement to the next). */
export function readsLoopVariable(e: Expression, scope: LoopScope): boolean {
  switch (e.kind) {
    case 'number':
    case 'string':
      return false;
    case 'name':
      return scope.has(e.name);
    case 'index':
      return e.indices.some((i) => (i.kind === 'at' ? readsLoopVariable(i.value, scope) : i.kind === 'range' ? readsLoopVariable(i.from, scope) || readsLoopVariable(i.to, scope) : false));
    case 'unary':
      return readsLoopVariable(e.operand, scope);
    case 'binary':
      return readsLoopVariable(e.left, scope) || readsLoopVariable(e.right, scope);
    case 'call':
      return e.args.some((a) => readsLoopVariable(a.value, scope));
  }
}

const analysedByGraph = new WeakMap<ModelGraph, Set<Variable>>();

/** Every free unobserved dmnorm node of the variable, each a row. */
function vectorRows(graph: ModelGraph, variable: Variable, free: (n: StochasticNode) => boolean): FactorRow[] {
  const rows: FactorRow[] = [];
  // By index: run once, a for-of makes an iterator result per element.
  for (let k = 0; k < graph.unobserved.length; k++) {
    const n = graph.stochastic[graph.unobserved[k]!]!;
    if (n.variable === variable && n.distribution.name === 'dmnorm' && free(n)) rows.push({ offsets: n.offsets, children: n.children, members: [n] });
  }
  return rows;
}

const sameChildren = (a: number[], b: number[]): boolean => a.length === b.length && a.every((c, k) => c === b[k]);

/** The free unobserved scalar normals of the variable grouped by their children (the same ratings: one row), each group in offset order. */
function scalarRows(graph: ModelGraph, variable: Variable, free: (n: StochasticNode) => boolean): FactorRow[] {
  const byFirstChild = new Map<number, StochasticNode[][]>();
  const groups: StochasticNode[][] = [];
  // By index: run once, a for-of makes an iterator result per element.
  for (let k = 0; k < graph.unobserved.length; k++) {
    const n = graph.stochastic[graph.unobserved[k]!]!;
    if (n.variable !== variable || n.distribution.name !== 'dnorm' || n.children.length === 0 || !free(n)) continue;
    let candidates = byFirstChild.get(n.children[0]!);
    if (!candidates) byFirstChild.set(n.children[0]!, (candidates = []));
    const group = candidates.find((g) => sameChildren(g[0]!.children, n.children));
    if (group) {
      group.push(n);
    } else {
      candidates.push([n]);
      groups.push(candidates[candidates.length - 1]!);
    }
  }
  return groups.map((members) => {
    members.sort((a, b) => a.offset - b.offset);
    return { offsets: Int32Array.from(members, (m) => m.offset), children: members[0]!.children, members };
  });
}

/**
 * Claims, at its first row, every row of a variable whose children make it a
 * factor matrix (see FactorRowsSampler): its free unobserved dmnorm nodes, or
 * its free unobserved scalar normals grouped by their children. Each variable
 * is analysed once, so the other rows cost nothing.
 */
export const factorRowsFactory: SamplerFactory = {
  name: 'factor rows',
  claim(graph, node, free) {
    const family = node.distribution.name;
    // childCount and child, not `children`: a node keeping a lone child as its id would make its list (nodeRecords.ts).
    if ((family !== 'dmnorm' && family !== 'dnorm') || node.observed || node.childCount === 0) return undefined;
    let analysed = analysedByGraph.get(graph);
    if (!analysed) analysedByGraph.set(graph, (analysed = new Set()));
    if (analysed.has(node.variable)) return undefined;
    analysed.add(node.variable);
    // Cheap first: the node's first child must be a rating of the required shape, before any row is gathered (a probit's
    // 200,000 latent normals, whose children are dinterval, are not grouped only to be declined).
    const child = graph.stochastic[node.child(0)]!;
    if (child.distribution.name !== 'dnorm' || !meanShape(child.statement.args[0]!, node.variable.name)) return undefined;
    const rows = family === 'dmnorm' ? vectorRows(graph, node.variable, free) : scalarRows(graph, node.variable, free);
    if (rows.length < 2) return undefined;
    const plan = planFactorRows(graph, rows);
    return plan ? [new FactorRowsSampler(graph, rows, plan)] : undefined;
  },
};
