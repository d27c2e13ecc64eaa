import type { Expression } from '../language/ast';
import { analyzeConditional, type Conditional } from '../inference/conditionals';
import { analyzeDirichlet, type DirichletConditional } from '../inference/dirichletConditional';
import { GaussianBlock, gaussianBlockChildren } from '../inference/gaussianBlock';
import { analyzeWishart, type WishartConditional } from '../inference/wishartConditional';
import { cholesky, inverseFromCholesky, solveWithCholeskyInPlace } from '../math/linalg';
import { currentParameters, nodeLogDensity, propagate, scatterValue, type ModelGraph, type StochasticNode } from '../model/graph';

/**
 * The M-step for one parameter (or a Gaussian block of them): the mode of
 * its complete conditional with the expected statistics of the E-step —
 * `begin` the prior's share (none for maximum likelihood), `accumulate` the
 * children's at each weighted point of the latent posterior, `apply` the
 * mode. Conjugate families only; `NumericUpdate` covers the rest.
 */
export interface ParameterUpdate {
  readonly nodes: StochasticNode[];
  readonly label: string;
  /** Starts from the flat share (maximum likelihood's). */
  begin(): void;
  /** Adds the prior's share (weighted by weight[node id]: a prior may read a latent node) and the children's. */
  accumulate(weight: Float64Array, withPrior: boolean): void;
  /** Moves the nodes to the mode; returns a problem when there is none (e.g. a singular covariance), leaving them where they were. */
  apply(regCovar: number): string | undefined;
}

/** A conditional whose statistics live in one array: flat share, weighted prior, weighted children. */
interface StatisticsConditional {
  readonly node: StochasticNode;
  prior(out: Float64Array, withPrior: boolean): void;
  addPrior(out: Float64Array, w: number): void;
  accumulate(out: Float64Array, weight?: Float64Array): void;
}

/** The M-step of a conditional with array statistics; subclasses turn the statistics into the mode. */
abstract class StatisticsUpdate<C extends StatisticsConditional> implements ParameterUpdate {
  readonly nodes: StochasticNode[];
  abstract readonly label: string;

  constructor(
    protected readonly graph: ModelGraph,
    protected readonly conditional: C,
    protected readonly stats: Float64Array,
  ) {
    this.nodes = [conditional.node];
  }

  begin(): void {
    this.conditional.prior(this.stats, false);
  }

  accumulate(weight: Float64Array, withPrior: boolean): void {
    if (withPrior) this.conditional.addPrior(this.stats, weight[this.conditional.node.id]!);
    this.conditional.accumulate(this.stats, weight);
  }

  abstract apply(regCovar: number): string | undefined;
}

class ScalarUpdate extends StatisticsUpdate<Conditional> {
  readonly label: string;

  constructor(graph: ModelGraph, conditional: Conditional) {
    super(graph, conditional, new Float64Array(4));
    this.label = `${conditional.family} mode`;
  }

  apply(): string | undefined {
    const s = this.stats;
    const node = this.conditional.node;
    let x: number;
    switch (this.conditional.family) {
      case 'normal':
        if (!(s[1]! > 0)) return `${node.name}: the data do not determine it (no information in the likelihood); give it a prior and fit by MAP.`;
        x = Math.min(Math.max(s[0]! / s[1]!, s[2]!), s[3]!);
        break;
      case 'gamma': {
        // s[2] is the children's scale (½Σ w·c·y²): a rate below 1e-12 of it means the variance collapsed onto identical values.
        let rate = s[1]!;
        let collapsed: string | undefined;
        if (s[2]! > 0 && !(rate >= 1e-12 * s[2]!)) {
          rate = 1e-12 * s[2]!;
          collapsed = `${node.name}: the variance it describes collapsed to 0 (the values it governs are all equal), where the likelihood is unbounded; kept at a relative variance of 1e-12. Give it a prior and fit by MAP, or use fewer components.`;
        }
        if (!(rate > 0)) return `${node.name}: its rate has no information (zero expected sufficient statistic).`;
        x = Math.max(s[0]! - 1, 0) / rate;
        if (x === 0) return `${node.name}: the maximum is at 0, on the boundary of its support.`;
        node.variable.values[node.offset] = x;
        propagate(this.graph, node);
        return collapsed;
      }
      case 'beta': {
        const a = s[0]!, b = s[1]!;
        x = a + b > 2 ? Math.min(Math.max((a - 1) / (a + b - 2), 0), 1) : a / (a + b);
        break;
      }
    }
    node.variable.values[node.offset] = x;
    propagate(this.graph, node);
    return undefined;
  }
}

class DirichletUpdate extends StatisticsUpdate<DirichletConditional> {
  readonly label = 'dirichlet mode';
  private readonly value: Float64Array;

  constructor(graph: ModelGraph, conditional: DirichletConditional) {
    super(graph, conditional, new Float64Array(conditional.node.side));
    this.value = new Float64Array(conditional.node.side);
  }

  apply(): string | undefined {
    const { stats, value } = this;
    const d = stats.length;
    let total = 0;
    for (let k = 0; k < d; k++) total += value[k] = Math.max(stats[k]! - 1, 0);
    // Every concentration at or below 1: the mode is on the boundary; take the mean instead.
    if (total === 0) for (let k = 0; k < d; k++) total += value[k] = stats[k]!;
    for (let k = 0; k < d; k++) value[k] = value[k]! / total;
    scatterValue(this.conditional.node, value);
    propagate(this.graph, this.conditional.node);
    return undefined;
  }
}

/** JAGS's dwish(R, k) on a precision Ω: the mode (k − d − 1)·R⁻¹, with the ridge added to the covariance R/(k − d − 1). */
class WishartUpdate implements ParameterUpdate {
  readonly nodes: StochasticNode[];
  readonly label = 'wishart mode';
  private readonly stats: Float64Array;
  private readonly factor: Float64Array;
  private readonly value: Float64Array;
  private readonly column: Float64Array;
  private k = 0;

  constructor(
    private readonly graph: ModelGraph,
    private readonly conditional: WishartConditional,
  ) {
    const d = conditional.node.side;
    this.nodes = [conditional.node];
    this.stats = new Float64Array(d * d);
    this.factor = new Float64Array(d * d);
    this.value = new Float64Array(d * d);
    this.column = new Float64Array(d);
  }

  begin(): void {
    this.k = this.conditional.prior(this.stats, false);
  }

  accumulate(weight: Float64Array, withPrior: boolean): void {
    if (withPrior) this.k = this.conditional.addPrior(this.stats, this.k, weight[this.conditional.node.id]!);
    // The children's weights add to k.
    this.k = this.conditional.accumulate(this.stats, this.k, weight);
  }

  apply(regCovar: number): string | undefined {
    const node = this.conditional.node;
    const d = node.side;
    const excess = this.k - d - 1;
    if (!(excess > 0)) return `${node.name}: too little data for a precision matrix (the component is empty or nearly so).`;
    const covariance = this.stats;
    for (let i = 0; i < d * d; i++) covariance[i] = covariance[i]! / excess;
    for (let i = 0; i < d; i++) covariance[i * d + i] = covariance[i * d + i]! + regCovar;
    if (!cholesky(covariance, this.factor, d)) return `${node.name}: the covariance is singular; increase reg.covar.`;
    inverseFromCholesky(this.factor, this.value, d, this.column);
    scatterValue(node, this.value);
    propagate(this.graph, node);
    return undefined;
  }
}

class BlockUpdate implements ParameterUpdate {
  readonly nodes: StochasticNode[];
  readonly label: string;
  private readonly lambda: Float64Array;
  private readonly eta: Float64Array;
  private readonly factor: Float64Array;

  constructor(private readonly block: GaussianBlock) {
    this.nodes = block.members;
    this.label = block.members.length === 1 ? 'multivariate normal mode' : `normal block mode (${block.d})`;
    this.lambda = new Float64Array(block.d * block.d);
    this.eta = new Float64Array(block.d);
    this.factor = new Float64Array(block.d * block.d);
  }

  begin(): void {
    this.lambda.fill(0);
    this.eta.fill(0);
  }

  accumulate(weight: Float64Array, withPrior: boolean): void {
    if (withPrior) this.block.addPriorWeighted(this.lambda, this.eta, weight);
    this.block.accumulateWeighted(this.lambda, this.eta, weight);
  }

  apply(): string | undefined {
    const d = this.block.d;
    if (!cholesky(this.lambda, this.factor, d)) return `${this.nodes.map((n) => n.name).join(', ')}: the data do not determine these jointly (singular information matrix); give them priors and fit by MAP.`;
    solveWithCholeskyInPlace(this.factor, this.eta, d);
    this.block.setAll(this.eta);
    return undefined;
  }
}

/**
 * Generalized EM for a continuous scalar parameter without a conjugate
 * structure: a one-dimensional maximisation of the expected complete-data
 * log density (golden-section search over a bracket found by stepping out,
 * on the log scale for positive parameters). The engine gives the objective
 * through `expected`; the step is kept only if it does not decrease it.
 */
export class NumericUpdate implements ParameterUpdate {
  readonly nodes: StochasticNode[];
  readonly label = 'numerical maximisation';

  constructor(
    private readonly graph: ModelGraph,
    private readonly node: StochasticNode,
    private readonly expected: () => number,
  ) {
    this.nodes = [node];
  }

  begin(): void {}

  accumulate(): void {}

  apply(): string | undefined {
    const { node, graph } = this;
    const values = node.variable.values;
    const start = values[node.offset]!;
    const positive = start > 0 && !node.distribution.multivariate && node.distribution.bounds(currentParameters(node))[0] >= 0;
    const toX = (u: number): number => (positive ? Math.exp(u) : u);
    const objective = (u: number): number => {
      values[node.offset] = toX(u);
      propagate(graph, node);
      const v = this.expected();
      return Number.isNaN(v) ? Number.NEGATIVE_INFINITY : v;
    };
    const u0 = positive ? Math.log(start) : start;
    const f0 = objective(u0);
    // Bracket by doubling steps both ways from the current value.
    let step = positive ? 0.5 : Math.max(Math.abs(u0) * 0.1, 0.1);
    let lo = u0 - step, hi = u0 + step;
    for (let k = 0; k < 40 && objective(lo) > f0; k++) lo -= (step *= 2);
    step = positive ? 0.5 : Math.max(Math.abs(u0) * 0.1, 0.1);
    for (let k = 0; k < 40 && objective(hi) > f0; k++) hi += (step *= 2);
    const ratio = (Math.sqrt(5) - 1) / 2;
    let a = lo, b = hi;
    let c = b - ratio * (b - a), d = a + ratio * (b - a);
    let fc = objective(c), fd = objective(d);
    for (let k = 0; k < 80 && b - a > 1e-10 * (1 + Math.abs(a) + Math.abs(b)); k++) {
      if (fc > fd) {
        b = d; d = c; fd = fc; c = b - ratio * (b - a); fc = objective(c);
      } else {
        a = c; c = d; fc = fd; d = a + ratio * (b - a); fd = objective(d);
      }
    }
    const best = fc > fd ? c : d;
    if (Math.max(fc, fd) >= f0) objective(best);
    else objective(u0);
    return undefined;
  }
}

/**
 * The M-step updates for the parameters, in the order of their relations
 * (so an update sees the ones before it: ECM): Gaussian blocks of parameters
 * that share their children, then conjugate families; other continuous
 * scalars get a numerical update over `expected`.
 */
export function buildParameterUpdates(
  graph: ModelGraph,
  parameters: StochasticNode[],
  expected: (node: StochasticNode) => () => number,
): { updates: ParameterUpdate[] } | { reason: string; node: StochasticNode } {
  const updates: ParameterUpdate[] = [];
  const taken = new Set<number>();
  const free = parameters.filter((n) => !n.observed);
  const normalScalar = (n: StochasticNode): boolean => n.distribution.name === 'dnorm' && !n.statement.truncation && n.children.length > 0;
  // Scalar normal parameters by their exact children, grouped once: scanning every parameter for each made this quadratic.
  const byChildren = new Map<string, StochasticNode[]>();
  for (const n of free) {
    if (!normalScalar(n)) continue;
    const key = n.children.join(',');
    const list = byChildren.get(key);
    if (list) list.push(n);
    else byChildren.set(key, [n]);
  }
  for (const node of free) {
    if (taken.has(node.id)) continue;
    let update: ParameterUpdate | undefined;
    if (normalScalar(node)) {
      const group = byChildren.get(node.children.join(','))!.filter((n) => !taken.has(n.id));
      // Mixture means read through z[i] share every child but are separate problems: as a block, one empty component would stall them all.
      const children = group.length > 1 && !selectsThroughIndex(graph, group) ? gaussianBlockChildren(graph, group) : undefined;
      if (children) update = new BlockUpdate(new GaussianBlock(graph, group, children));
    }
    if (!update && node.distribution.name === 'dmnorm') {
      const children = gaussianBlockChildren(graph, [node]);
      if (children) update = new BlockUpdate(new GaussianBlock(graph, [node], children));
    }
    if (!update) {
      const scalar = analyzeConditional(graph, node);
      if (scalar) update = new ScalarUpdate(graph, scalar);
    }
    if (!update) {
      const dirichlet = analyzeDirichlet(graph, node);
      if (dirichlet) update = new DirichletUpdate(graph, dirichlet);
    }
    if (!update) {
      const wishart = analyzeWishart(graph, node);
      if (wishart) update = new WishartUpdate(graph, wishart);
    }
    if (!update && !node.distribution.multivariate && !node.distribution.discrete) update = new NumericUpdate(graph, node, expected(node));
    if (!update) return { reason: `${node.name} (${node.distribution.name}) has no M-step: a discrete or non-conjugate multivariate parameter. Make it latent (latent = c(...)) or give it as data.`, node };
    for (const n of update.nodes) taken.add(n.id);
    updates.push(update);
  }
  return { updates };
}

function selectsThroughIndex(graph: ModelGraph, group: StochasticNode[]): boolean {
  const names = new Set(group.map((n) => n.variable.name));
  const dynamic = (e: Expression, scope: StochasticNode['scope']): boolean => {
    switch (e.kind) {
      case 'index':
        if (names.has(e.name) && e.indices.some((i) => i.kind === 'at' && graph.expressions.tryConstant(i.value, scope) === undefined)) return true;
        return e.indices.some((i) => (i.kind === 'at' ? dynamic(i.value, scope) : false));
      case 'unary': return dynamic(e.operand, scope);
      case 'binary': return dynamic(e.left, scope) || dynamic(e.right, scope);
      case 'call': return e.args.some((a) => dynamic(a.value, scope));
      default: return false;
    }
  };
  for (const id of new Set(group.flatMap((n) => n.children))) {
    const child = graph.stochastic[id]!;
    if (child.statement.args.some((arg) => dynamic(arg, child.scope))) return true;
  }
  return false;
}

/** The log density of a node (its prior weighted like a child: it may read a latent node) and its children at the current state, for the numerical M-step. */
export function localLogDensity(graph: ModelGraph, node: StochasticNode, withPrior: boolean, weight: Float64Array): number {
  const w = weight[node.id]!;
  let total = withPrior && w !== 0 ? w * nodeLogDensity(node) : 0;
  for (const id of node.children) {
    const w = weight[id]!;
    if (w !== 0) total += w * nodeLogDensity(graph.stochastic[id]!);
  }
  return total;
}
