import type { Expression, Statement } from '../language/ast';
import { currentParameters, propagate, type ModelGraph, type StochasticNode } from '../model/graph';
import type { Random } from '../random/rng';
import { readsLoopVariable, readsVariable, sumTerms } from './factorRows';
import type { Sampler, SamplerFactory } from './samplers';

/**
 * The ratings of one matrix-factorisation statement,
 * `r[n] ~ dnorm(a + inprod(U[i[n], ], V[j[n], ]), tau)`, in typed arrays:
 * per rating its value and where its two factor rows start. Built once per
 * statement and shared by the samplers of its global mean and precision.
 */
interface RatingsPlan {
  count: number;
  d: number;
  ratingValues: Float64Array;
  ratingOffsets: Int32Array;
  leftValues: Float64Array;
  leftStart: Int32Array;
  leftStride: number;
  rightValues: Float64Array;
  rightStart: Int32Array;
  rightStride: number;
}

/** A factor row's elements must be evenly spaced (a row or a column of a matrix): its stride, or undefined. */
function strideOf(offsets: Int32Array): number | undefined {
  const stride = offsets.length > 1 ? offsets[1]! - offsets[0]! : 1;
  for (let k = 2; k < offsets.length; k++) if (offsets[k]! - offsets[k - 1]! !== stride) return undefined;
  return stride;
}

function planRatings(graph: ModelGraph, node: StochasticNode, product: Expression & { kind: 'call' }): RatingsPlan | undefined {
  const count = node.children.length;
  const ratingOffsets = new Int32Array(count);
  const leftStart = new Int32Array(count);
  const rightStart = new Int32Array(count);
  let plan: Omit<RatingsPlan, 'ratingOffsets' | 'leftStart' | 'rightStart'> | undefined;
  for (let n = 0; n < count; n++) {
    const child = graph.stochastic[node.children[n]!]!;
    // A missing rating is a node to sample, not a value to read.
    if (!child.observed) return undefined;
    const left = graph.expressions.array(product.args[0]!.value, child.scope).direct;
    const right = graph.expressions.array(product.args[1]!.value, child.scope).direct;
    if (!left || !right || left.offsets.length !== right.offsets.length || left.offsets.length === 0) return undefined;
    const leftStride = strideOf(left.offsets), rightStride = strideOf(right.offsets);
    plan ??= leftStride === undefined || rightStride === undefined ? undefined : {
      count, d: left.offsets.length, ratingValues: child.variable.values,
      leftValues: left.values, leftStride, rightValues: right.values, rightStride,
    };
    if (!plan || plan.d !== left.offsets.length || plan.leftStride !== leftStride || plan.rightStride !== rightStride) return undefined;
    if (plan.leftValues !== left.values || plan.rightValues !== right.values || plan.ratingValues !== child.variable.values) return undefined;
    ratingOffsets[n] = child.offset;
    leftStart[n] = left.offsets[0]!;
    rightStart[n] = right.offsets[0]!;
  }
  return plan && { ...plan, ratingOffsets, leftStart, rightStart };
}

/**
 * Σ_n e_n and Σ_n e_n² for the residuals e_n = r_n − c − u_{i[n]}·v_{j[n]}
 * of every rating (c the part of the mean that is the same for all ratings),
 * in one pass over typed arrays.
 */
function residualSums(plan: RatingsPlan, c: number, into: Float64Array): void {
  const { count, d, ratingValues, ratingOffsets, leftValues, leftStart, leftStride, rightValues, rightStart, rightStride } = plan;
  let sum = 0, squares = 0;
  for (let n = 0; n < count; n++) {
    let dot = 0;
    for (let k = 0, a = leftStart[n]!, b = rightStart[n]!; k < d; k++, a += leftStride, b += rightStride) dot += leftValues[a]! * rightValues[b]!;
    const e = ratingValues[ratingOffsets[n]!]! - c - dot;
    sum += e;
    squares += e * e;
  }
  into[0] = sum;
  into[1] = squares;
}

/** How the scalar enters its ratings: as a term of every mean (a global mean) or as the precision. */
type Part = 'offset' | 'precision';

/**
 * The global mean or the rating precision of a matrix factorisation, drawn
 * from its conjugate conditional (normal or gamma) with the residual sums
 * computed in one pass over the ratings and their factor rows — not by
 * evaluating 100,000 children's means through the interpreter, which the
 * generic conjugate sampler does.
 */
export class RatingScalarSampler implements Sampler {
  readonly label: string;
  readonly nodes: StochasticNode[];
  private readonly sums = new Float64Array(2);

  constructor(
    private readonly graph: ModelGraph,
    node: StochasticNode,
    private readonly part: Part,
    private readonly plan: RatingsPlan,
    /** The rest of the mean (offset part: without the scalar itself), the same for every rating. */
    private readonly rest: () => number,
    /** The precision (offset part only). */
    private readonly precision: () => number,
  ) {
    this.nodes = [node];
    this.label = part === 'offset' ? 'conjugate normal (factor ratings)' : 'conjugate gamma (factor ratings)';
  }

  update(random: Random): void {
    const node = this.nodes[0]!;
    const prior = currentParameters(node);
    const { sums, plan } = this;
    residualSums(plan, this.rest(), sums);
    let x: number;
    if (this.part === 'offset') {
      const tau = this.precision();
      const precision = prior[1]! + tau * plan.count;
      x = (prior[0]! * prior[1]! + tau * sums[0]!) / precision + random.normal() / Math.sqrt(precision);
    } else {
      x = random.gamma(prior[0]! + plan.count / 2) / (prior[1]! + sums[1]! / 2);
    }
    if (!Number.isFinite(x)) return;
    node.variable.values[node.offset] = x;
    propagate(this.graph, node);
  }
}

const isName = (e: Expression, name: string): boolean => e.kind === 'name' && e.name === name;

/** Evaluates the sum of `terms` in one child's scope; they read no loop variable, so any child serves. */
function sumOf(graph: ModelGraph, child: StochasticNode, terms: Expression[]): () => number {
  const evaluators = terms.map((e) => graph.expressions.compile(e, child.scope).evaluate);
  if (evaluators.length === 0) return () => 0;
  if (evaluators.length === 1) return evaluators[0]!;
  return () => {
    let s = 0;
    for (const t of evaluators) s += t();
    return s;
  };
}

const plansByGraph = new WeakMap<ModelGraph, Map<Statement, RatingsPlan | null>>();

/**
 * Claims a scalar `dnorm` node that is a term of the mean of every one of its
 * children, or a scalar `dgamma` node that is their precision, when the
 * children are the ratings of one matrix-factorisation statement: normal,
 * mean `terms + inprod(row, row)` with the factor rows read directly from two
 * other variables, everything but the rows the same for every rating.
 */
export const ratingScalarFactory: SamplerFactory = {
  name: 'factor ratings',
  claim(graph, node) {
    const family = node.distribution.name;
    if ((family !== 'dnorm' && family !== 'dgamma') || node.side !== 1 || node.statement.truncation || node.childCount < 2) return undefined;
    if (node.variable.values.length !== 1) return undefined;
    const first = graph.stochastic[node.children[0]!]!;
    const statement = first.statement;
    if (first.distribution.name !== 'dnorm' || statement.truncation) return undefined;
    // By index: run once, a for-of makes an iterator result per element.
    for (let k = 0; k < node.childCount; k++) if (graph.stochastic[node.child(k)]!.statement !== statement) return undefined;
    const name = node.variable.name;
    const terms = sumTerms(statement.args[0]!, []);
    const products = terms.filter((t) => t.kind === 'call' && t.callee === 'inprod' && t.args.length === 2);
    if (products.length !== 1) return undefined;
    const product = products[0] as Expression & { kind: 'call' };
    const others = terms.filter((t) => t !== product);
    const precisionExpression = statement.args[1]!;
    let part: Part;
    let rest: Expression[];
    if (family === 'dnorm' && others.filter((t) => isName(t, name)).length === 1) {
      part = 'offset';
      rest = others.filter((t) => !isName(t, name));
      if (readsVariable(graph, precisionExpression, first.scope, node.variable, new Map())) return undefined;
    } else if (family === 'dgamma' && isName(precisionExpression, name)) {
      part = 'precision';
      rest = others;
    } else {
      return undefined;
    }
    // Everything but the rows is one value for all ratings, and the scalar enters nowhere else.
    const known = new Map<number, boolean>();
    for (const e of [...rest, precisionExpression, product]) {
      if (e !== product && readsLoopVariable(e, first.scope)) return undefined;
      if (e !== precisionExpression && readsVariable(graph, e, first.scope, node.variable, known)) return undefined;
    }
    let plans = plansByGraph.get(graph);
    if (!plans) plansByGraph.set(graph, (plans = new Map()));
    let plan = plans.get(statement);
    if (plan === undefined) {
      plan = planRatings(graph, node, product) ?? null;
      plans.set(statement, plan);
    }
    // The scalar is read without a loop variable, so its children are every instance of the statement: the plan's ratings.
    if (!plan || plan.count !== node.children.length) return undefined;
    return [new RatingScalarSampler(graph, node, part, plan, sumOf(graph, first, rest), graph.expressions.compile(precisionExpression, first.scope).evaluate)];
  },
};
