import type { Expression, IndexExpression } from '../language/ast';
import { Role, type ModelGraph, type StochasticNode, type Variable } from '../model/graph';
import type { LoopScope } from '../model/expressions';

/**
 * How an expression depends on a set of nodes θ (one node, or a block), as
 * JAGS's linearity checks ask it: not at all, as c·θ (a scale: what a
 * precision or a rate must be for gamma conjugacy), as a + bᵀθ (linear: what
 * a normal mean must be), or otherwise. Ordered so that the dependence of a
 * combination is at least the maximum.
 */
export const enum Dependence {
  Constant = 0,
  Scale = 1,
  Linear = 2,
  Nonlinear = 3,
}

/**
 * Answers dependence questions about a set of nodes, following deterministic
 * nodes back to their definitions. A stochastic index (`lambda[T[i]]`)
 * selects one of several elements at run time; its dependence is that of the
 * elements that depend on θ, and `selects` records that some child may, at a
 * given moment, not depend on θ at all (the conditionals check which at run
 * time).
 */
export class DependenceAnalysis {
  private readonly members: Set<number>;
  private readonly dependents: Set<number>;
  /** Per deterministic node: its dependence, and whether its definition selects θ through a stochastic index. */
  private readonly cache = new Map<number, { dependence: Dependence; selects: boolean }>();
  private warmedUp = false;
  /** Set when an analysed expression selected θ through a stochastic index. */
  selects = false;

  constructor(
    private readonly graph: ModelGraph,
    nodes: StochasticNode | StochasticNode[],
  ) {
    const list = Array.isArray(nodes) ? nodes : [nodes];
    this.members = new Set(list.map((n) => n.id));
    this.dependents = new Set(list.flatMap((n) => n.dependents));
  }

  of(e: Expression, scope: LoopScope): Dependence {
    switch (e.kind) {
      case 'number':
      case 'string':
        return Dependence.Constant;
      case 'name':
      case 'index': {
        const elements = this.elements(e, scope);
        if (elements.length !== 1) return Dependence.Nonlinear;
        return elements[0]!;
      }
      case 'unary':
        return e.op === '!' ? this.nonlinearUnlessConstant([e.operand], scope) : this.of(e.operand, scope);
      case 'binary':
        return this.binary(e, scope);
      case 'call': {
        if ((e.callee === 'sum' || e.callee === 'mean') && e.args.length > 0) {
          return e.args.flatMap((a) => this.elements(a.value, scope)).reduce(add);
        }
        if (e.callee === 'inprod' && e.args.length === 2) {
          const a = this.elements(e.args[0]!.value, scope);
          const b = this.elements(e.args[1]!.value, scope);
          if (a.length !== b.length) return Dependence.Nonlinear;
          if (a.length === 0) return Dependence.Constant;
          let sum = multiply(a[0]!, b[0]!);
          for (let k = 1; k < a.length; k++) sum = add(sum, multiply(a[k]!, b[k]!));
          return sum;
        }
        return this.nonlinearUnlessConstant(e.args.map((a) => a.value), scope);
      }
    }
  }

  private binary(e: Extract<Expression, { kind: 'binary' }>, scope: LoopScope): Dependence {
    const left = this.of(e.left, scope);
    const right = this.of(e.right, scope);
    switch (e.op) {
      case '+':
      case '-':
        return add(left, right);
      case '*':
        return multiply(left, right);
      case '/':
        return right === Dependence.Constant ? left : Dependence.Nonlinear;
      default:
        return left === Dependence.Constant && right === Dependence.Constant ? Dependence.Constant : Dependence.Nonlinear;
    }
  }

  private nonlinearUnlessConstant(args: Expression[], scope: LoopScope): Dependence {
    return args.every((a) => this.elements(a, scope).every((d) => d === Dependence.Constant)) ? Dependence.Constant : Dependence.Nonlinear;
  }

  /** The dependence of each element an expression denotes (one for a scalar expression), row-major. */
  elements(e: Expression, scope: LoopScope): Dependence[] {
    if (e.kind === 'name' && scope.has(e.name)) return [Dependence.Constant];
    if (e.kind !== 'name' && e.kind !== 'index') return [this.of(e, scope)];
    const variable = this.graph.variables.get(e.name);
    if (!variable) return [Dependence.Nonlinear];
    const dims = variable.dims.length === 0 ? [1] : variable.dims;
    // One element at positions fixed in this scope (Y[i, j], mu[i], tau): its offset directly, without the walk's lists.
    if (e.kind === 'name' ? variable.values.length === 1 : e.indices.length === dims.length && e.indices.every((ix) => ix.kind === 'at')) {
      const single = this.singleElement(e, dims, scope);
      if (single !== undefined) return [this.element(variable, single)];
    }
    // At most one range and no stochastic index (X[i, ], beta[]): a block's every child asks, and the general walk's
    // lists and closures were about 2 KB of garbage a child, 2 GB for a probit's million rows.
    const alongOneRange = this.alongOneRange(e, variable, dims, scope);
    if (alongOneRange) return alongOneRange;
    const indices: Array<IndexExpression | undefined> = e.kind === 'index' ? e.indices : dims.map(() => undefined);
    // Each dimension: the positions from..to an element may take, and whether they are alternatives (a stochastic index) or a range.
    const choices: Choice[] = [];
    for (let d = 0; d < dims.length; d++) {
      const index = indices[d];
      const size = dims[d]!;
      if (!index || index.kind === 'empty') {
        choices.push({ from: 1, to: size, selected: false });
      } else if (index.kind === 'range') {
        const from = this.graph.expressions.tryConstant(index.from, scope);
        const to = this.graph.expressions.tryConstant(index.to, scope);
        if (from === undefined || to === undefined) return [Dependence.Nonlinear];
        choices.push({ from: Math.max(1, from), to: Math.min(size, to), selected: false });
      } else {
        const at = this.graph.expressions.tryConstant(index.value, scope);
        if (at !== undefined) {
          choices.push({ from: at, to: at, selected: false });
          continue;
        }
        if (this.of(index.value, scope) !== Dependence.Constant) return [Dependence.Nonlinear];
        choices.push({ from: 1, to: size, selected: true });
      }
    }
    const strides = dims.map((_, d) => dims.slice(d + 1).reduce((a, b) => a * b, 1));
    return this.walkAll(choices, strides, variable);
  }

  /**
   * The elements of a reference whose positions are fixed in this scope but for at most one range, in order; undefined
   * for any other (a second range, a stochastic index, a range whose ends are not fixed), which the general walk takes.
   */
  private alongOneRange(e: Expression & { kind: 'name' | 'index' }, variable: Variable, dims: number[], scope: LoopScope): Dependence[] | undefined {
    let base = 0;
    let stride = 1;
    let ranges = 0;
    let from = 1;
    let to = 0;
    let rangeStride = 1;
    for (let d = dims.length - 1; d >= 0; d--) {
      const index = e.kind === 'index' ? e.indices[d] : undefined;
      const size = dims[d]!;
      if (index?.kind === 'at') {
        const at = this.graph.expressions.tryConstant(index.value, scope);
        if (at === undefined) return undefined;
        base += (at - 1) * stride;
      } else {
        if (++ranges > 1) return undefined;
        from = 1;
        to = size;
        if (index?.kind === 'range') {
          const lo = this.graph.expressions.tryConstant(index.from, scope);
          const hi = this.graph.expressions.tryConstant(index.to, scope);
          if (lo === undefined || hi === undefined) return undefined;
          from = Math.max(1, lo);
          to = Math.min(size, hi);
        }
        rangeStride = stride;
      }
      stride *= size;
    }
    const out: Dependence[] = [];
    if (ranges === 0) out.push(this.element(variable, base));
    else for (let p = from; p <= to; p++) out.push(this.element(variable, base + (p - 1) * rangeStride));
    return out;
  }

  /** The offset of the one element a reference with fixed positions reads in this scope, or undefined when a position is not fixed. */
  private singleElement(e: Expression & { kind: 'name' | 'index' }, dims: number[], scope: LoopScope): number | undefined {
    if (e.kind === 'name') return 0;
    let offset = 0;
    let stride = 1;
    for (let d = dims.length - 1; d >= 0; d--) {
      const index = e.indices[d]!;
      if (index.kind !== 'at') return undefined;
      const at = this.graph.expressions.tryConstant(index.value, scope);
      if (at === undefined) return undefined;
      offset += (at - 1) * stride;
      stride *= dims[d]!;
    }
    return offset;
  }

  /**
   * Enumerates output elements (one per combination of range positions), each
   * folding the alternatives of the stochastic indices; row-major. Costs one
   * step per element read: a fixed index (X[i, ]) never lists its dimension.
   */
  private walkAll(choices: Choice[], strides: number[], variable: Variable): Dependence[] {
    const outputs: Dependence[] = [];
    const rangeDims: number[] = [];
    const selectedDims: number[] = [];
    choices.forEach((c, d) => (c.selected ? selectedDims : rangeDims).push(d));
    const overSelected = (s: number, offset: number, folded: Dependence | undefined): Dependence | undefined => {
      if (s === selectedDims.length) {
        const x = this.element(variable, offset);
        return folded === undefined ? x : this.select(folded, x);
      }
      const d = selectedDims[s]!;
      const { from, to } = choices[d]!;
      for (let p = from; p <= to; p++) folded = overSelected(s + 1, offset + (p - 1) * strides[d]!, folded);
      return folded;
    };
    const overRanges = (k: number, offset: number): void => {
      if (k === rangeDims.length) {
        outputs.push(overSelected(0, offset, undefined) ?? Dependence.Constant);
        return;
      }
      const d = rangeDims[k]!;
      const { from, to } = choices[d]!;
      for (let p = from; p <= to; p++) overRanges(k + 1, offset + (p - 1) * strides[d]!);
    };
    overRanges(0, 0);
    return outputs;
  }

  /** One of two alternatives, chosen at run time: if only one depends on θ, it's that one's dependence (or none at all). */
  private select(a: Dependence, b: Dependence): Dependence {
    if (a === b) return a;
    if (a === Dependence.Constant || b === Dependence.Constant) {
      this.selects = true;
      return a === Dependence.Constant ? b : a;
    }
    return add(a, b);
  }

  private element(variable: Variable, offset: number): Dependence {
    const role = variable.role[offset];
    if (role === Role.Stochastic) return this.members.has(variable.node[offset]!) ? Dependence.Scale : Dependence.Constant;
    if (role !== Role.Deterministic) return Dependence.Constant;
    const id = variable.node[offset]!;
    if (!this.dependents.has(id)) return Dependence.Constant;
    if (!this.warmedUp && this.dependents.size > WARM_UP_ABOVE) this.warmUp();
    return this.deterministic(id);
  }

  private deterministic(id: number): Dependence {
    const cached = this.cache.get(id);
    if (cached !== undefined) {
      if (cached.selects) this.selects = true;
      return cached.dependence;
    }
    const outer = this.selects;
    this.selects = false;
    const d = this.graph.deterministic[id]!;
    const inner = this.of(d.statement.value, d.scope);
    const dependence = d.statement.target.link && inner !== Dependence.Constant ? Dependence.Nonlinear : inner;
    const selects = this.selects;
    this.cache.set(id, { dependence, selects });
    this.selects = outer || selects;
    return dependence;
  }

  /**
   * Analyses every deterministic dependent of θ, parents before children, so that following
   * a definition back never recurses further than one expression deep: a chain such as
   * c[i] <- c[i-1] + 1 over 100,000 elements would otherwise recurse 100,000 definitions deep.
   */
  private warmUp(): void {
    this.warmedUp = true;
    const position = topologicalPositions(this.graph);
    const outer = this.selects;
    for (const id of [...this.dependents].sort((a, b) => position[a]! - position[b]!)) this.deterministic(id);
    this.selects = outer;
  }
}

/** Past this many deterministic dependents, a chain of definitions may be deep: they are analysed in order first. */
const WARM_UP_ABOVE = 256;

const positions = new WeakMap<ModelGraph, Int32Array>();

/** Each deterministic node's place in the graph's topological order, computed once per graph. */
export function topologicalPositions(graph: ModelGraph): Int32Array {
  let position = positions.get(graph);
  if (!position) {
    position = new Int32Array(graph.deterministic.length);
    graph.deterministicOrder.forEach((id, k) => (position![id] = k));
    positions.set(graph, position);
  }
  return position;
}

/** The positions one index may take: a range, or the alternatives of a stochastic index. */
interface Choice {
  from: number;
  to: number;
  selected: boolean;
}

/** Dependence of a sum: c + c·θ is affine, not a scale; c·θ + d·θ stays a scale. */
function add(a: Dependence, b: Dependence): Dependence {
  if (a === b) return a;
  return Math.max(a, b, Dependence.Linear) as Dependence;
}

function multiply(a: Dependence, b: Dependence): Dependence {
  if (a === Dependence.Constant) return b;
  if (b === Dependence.Constant) return a;
  return Dependence.Nonlinear;
}
