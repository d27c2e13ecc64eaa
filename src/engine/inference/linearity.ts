import type { Expression } from '../language/ast';
import { Role, type ModelGraph, type StochasticNode } from '../model/graph';
import type { LoopScope } from '../model/expressions';

/**
 * How an expression depends on one node θ, as JAGS's linearity checks ask it:
 * not at all, as c·θ (a scale: what a precision or a rate must be for gamma
 * conjugacy), as a + b·θ (linear: what a normal mean must be), or otherwise.
 * Ordered so that the dependence of a combination is at least the maximum.
 */
export const enum Dependence {
  Constant = 0,
  Scale = 1,
  Linear = 2,
  Nonlinear = 3,
}

/** Answers dependence questions about one node, following deterministic nodes back to their definitions. */
export class DependenceAnalysis {
  private readonly dependents: Set<number>;
  private readonly cache = new Map<number, Dependence>();

  constructor(
    private readonly graph: ModelGraph,
    private readonly node: StochasticNode,
  ) {
    this.dependents = new Set(node.dependents);
  }

  of(e: Expression, scope: LoopScope): Dependence {
    switch (e.kind) {
      case 'number':
      case 'string':
        return Dependence.Constant;
      case 'name':
      case 'index':
        return this.reference(e, scope);
      case 'unary':
        return e.op === '!' ? this.nonlinearUnlessConstant([e.operand], scope) : this.of(e.operand, scope);
      case 'binary':
        return this.binary(e, scope);
      case 'call':
        if ((e.callee === 'sum' || e.callee === 'mean') && e.args.length > 0) return e.args.map((a) => this.array(a.value, scope)).reduce(add);
        return this.nonlinearUnlessConstant(e.args.map((a) => a.value), scope);
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
        if (left === Dependence.Constant) return right;
        if (right === Dependence.Constant) return left;
        return Dependence.Nonlinear;
      case '/':
        return right === Dependence.Constant ? left : Dependence.Nonlinear;
      default:
        return left === Dependence.Constant && right === Dependence.Constant ? Dependence.Constant : Dependence.Nonlinear;
    }
  }

  private nonlinearUnlessConstant(args: Expression[], scope: LoopScope): Dependence {
    return args.every((a) => this.array(a, scope) === Dependence.Constant) ? Dependence.Constant : Dependence.Nonlinear;
  }

  /** Dependence of an array argument (all its elements, as a sum would combine them). */
  private array(e: Expression, scope: LoopScope): Dependence {
    if ((e.kind === 'name' && !scope.has(e.name)) || (e.kind === 'index' && e.indices.some((i) => i.kind !== 'at'))) {
      const variable = this.graph.variables.get(e.name);
      if (!variable) return Dependence.Nonlinear;
      // The elements combine as a sum would: constants among them turn a scale into an affine term.
      let result = this.element(variable.name, 0);
      for (let offset = 1; offset < variable.values.length; offset++) result = add(result, this.element(variable.name, offset));
      return result;
    }
    return this.of(e, scope);
  }

  private reference(e: Extract<Expression, { kind: 'name' | 'index' }>, scope: LoopScope): Dependence {
    if (e.kind === 'name' && scope.has(e.name)) return Dependence.Constant;
    const variable = this.graph.variables.get(e.name);
    if (!variable) return Dependence.Nonlinear;
    const offset = e.kind === 'index' ? this.graph.expressions.offsetOf(variable, e.indices, scope, e.range) : 0;
    return this.element(variable.name, offset);
  }

  private element(name: string, offset: number): Dependence {
    const variable = this.graph.variables.get(name)!;
    const role = variable.role[offset];
    if (role === Role.Stochastic) return variable.node[offset] === this.node.id ? Dependence.Scale : Dependence.Constant;
    if (role !== Role.Deterministic) return Dependence.Constant;
    const id = variable.node[offset]!;
    if (!this.dependents.has(id)) return Dependence.Constant;
    const cached = this.cache.get(id);
    if (cached !== undefined) return cached;
    const d = this.graph.deterministic[id]!;
    const inner = this.of(d.statement.value, d.scope);
    const result = d.statement.target.link && inner !== Dependence.Constant ? Dependence.Nonlinear : inner;
    this.cache.set(id, result);
    return result;
  }
}

/** Dependence of a sum: c + c·θ is affine, not a scale; c·θ + d·θ stays a scale. */
function add(a: Dependence, b: Dependence): Dependence {
  if (a === b) return a;
  return Math.max(a, b, Dependence.Linear) as Dependence;
}
