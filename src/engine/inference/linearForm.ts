import type { Expression } from '../language/ast';
import { contiguousStart, type ArrayArgument, type LoopScope } from '../model/expressions';
import { Role, type Evaluator, type ModelGraph, type StochasticNode } from '../model/graph';
import { statementCompiler } from './graphCode';
import { Dependence, DependenceAnalysis } from './linearity';

/**
 * An affine expression a + Σ_k b_k·θ_k of some coordinates θ, evaluated at
 * the current values of everything else without moving θ: `term(s, out)`
 * adds s·b into `out` (one slot per coordinate) and returns s·a. Gibbs and
 * EM then read a child's intercept and coefficients in one pass, instead of
 * evaluating the child d + 1 times with θ set to 0 and to each unit vector.
 */
export type LinearTerm = (scale: number, out: Float64Array) => number;

/**
 * Compiles `e` (in `scope`) into a LinearTerm over `coordinates` — each the
 * element offset of a member node in its variable, in block order — or
 * returns undefined when the expression is not affine in them in a form
 * this compiler knows (a stochastic index, a function of θ): the caller then
 * probes by evaluation.
 */
export function compileLinearTerm(
  graph: ModelGraph,
  members: StochasticNode[],
  e: Expression,
  scope: LoopScope,
): LinearTerm | undefined {
  return linearTermCompiler(graph, members)(e, scope);
}

/**
 * compileLinearTerm for many expressions over the same coordinates (the
 * children of one block): the dependence analysis and the coordinate map are
 * built once, not once per child, and the terms share them.
 */
export function linearTermCompiler(
  graph: ModelGraph,
  members: StochasticNode[],
  /** Free factors' powers by trialPower (statementCode.ts): for a design read at every update, never written into the model. */
  trialPowers = false,
): (e: Expression, scope: LoopScope) => LinearTerm | undefined {
  const analysis = new DependenceAnalysis(graph, members);
  const coordinate = new Map<string, Map<number, number>>();
  let k = 0;
  for (const node of members) {
    let map = coordinate.get(node.variable.name);
    if (!map) coordinate.set(node.variable.name, (map = new Map()));
    for (const o of node.offsets) map.set(o, k++);
  }
  const dependents = new Set(members.flatMap((n) => n.dependents));
  const cache = new Map<number, LinearTerm | undefined>();
  // One child's expression asks for the same array argument (X[i, ]) several times: compile it once per scope.
  let arraysScope: LoopScope | undefined;
  const arrays = new Map<Expression, ArrayArgument>();
  let sharedSlots: Int32Array | undefined;
  const arrayOf = (x: Expression, s: LoopScope): ArrayArgument => {
    if (s !== arraysScope) {
      arrays.clear();
      arraysScope = s;
    }
    let found = arrays.get(x);
    if (!found) arrays.set(x, (found = graph.expressions.array(x, s)));
    return found;
  };

  // A free factor (Dugongs' pow(gamma, x[i]), read at every update while gamma moves) runs as compiled code where its
  // statement compiles, with the interpreter's values; else as the interpreter's closures.
  const compiler = statementCompiler(graph);
  const constant = (x: Expression, s: LoopScope): Evaluator => {
    const code = (trialPowers ? compiler.trialCode(x, s) : undefined) ?? compiler.code(x, s);
    return code ? () => code(s) : graph.expressions.compile(x, s).evaluate;
  };
  const free = (x: Expression, s: LoopScope): boolean => {
    analysis.selects = false;
    // An array argument (X[i, ]) is free when every element is.
    const constant = x.kind === 'name' || x.kind === 'index' ? analysis.elements(x, s).every((d) => d === Dependence.Constant) : analysis.of(x, s) === Dependence.Constant;
    return constant && !analysis.selects;
  };

  const compile = (x: Expression, s: LoopScope): LinearTerm | undefined => {
    if (free(x, s) && !isArray(x, s)) {
      const f = constant(x, s);
      return (scale) => scale * f();
    }
    switch (x.kind) {
      case 'name':
      case 'index':
        return reference(x, s);
      case 'unary': {
        if (x.op !== '-') return x.op === '+' ? compile(x.operand, s) : undefined;
        const inner = compile(x.operand, s);
        return inner && ((scale, out) => inner(-scale, out));
      }
      case 'binary': {
        if (x.op === '+' || x.op === '-') {
          const a = compile(x.left, s);
          const b = compile(x.right, s);
          if (!a || !b) return undefined;
          return x.op === '+' ? (scale, out) => a(scale, out) + b(scale, out) : (scale, out) => a(scale, out) + b(-scale, out);
        }
        if (x.op === '*') {
          if (free(x.left, s)) return scaled(constant(x.left, s), compile(x.right, s));
          if (free(x.right, s)) return scaled(constant(x.right, s), compile(x.left, s));
          return undefined;
        }
        if (x.op === '/' && free(x.right, s)) {
          const f = constant(x.right, s);
          return scaled(() => 1 / f(), compile(x.left, s));
        }
        return undefined;
      }
      case 'call':
        if (x.callee === 'inprod' && x.args.length === 2) return innerProduct(x.args[0]!.value, x.args[1]!.value, s);
        if ((x.callee === 'sum' || x.callee === 'mean') && x.args.length === 1) {
          const terms = elementTerms(x.args[0]!.value, s);
          if (!terms) return undefined;
          const factor = x.callee === 'mean' ? 1 / terms.length : 1;
          return (scale, out) => {
            let a = 0;
            for (let j = 0; j < terms.length; j++) a += terms[j]!(scale * factor, out);
            return a;
          };
        }
        return undefined;
      default:
        return undefined;
    }
  };

  const isArray = (x: Expression, s: LoopScope): boolean => (x.kind === 'name' || x.kind === 'index') && arrayOf(x, s).evaluators.length !== 1;
  const scaled = (f: Evaluator, inner: LinearTerm | undefined): LinearTerm | undefined => inner && ((scale, out) => inner(scale * f(), out));

  /** A reference to one element: a coordinate, a deterministic node affine in θ, or something free of θ. */
  const reference = (x: Extract<Expression, { kind: 'name' | 'index' }>, s: LoopScope): LinearTerm | undefined => {
    const direct = arrayOf(x, s).direct;
    if (!direct || direct.offsets.length !== 1) return undefined;
    const variable = graph.variables.get(x.name)!;
    return element(variable.name, direct.offsets[0]!);
  };

  const element = (name: string, offset: number): LinearTerm | undefined => {
    const slot = coordinate.get(name)?.get(offset);
    if (slot !== undefined) {
      return (scale, out) => {
        out[slot] = out[slot]! + scale;
        return 0;
      };
    }
    const variable = graph.variables.get(name)!;
    if (variable.role[offset] === Role.Deterministic && dependents.has(variable.node[offset]!)) {
      const id = variable.node[offset]!;
      if (!cache.has(id)) {
        const d = graph.deterministic[id]!;
        cache.set(id, d.statement.target.link ? undefined : compile(d.statement.value, d.scope));
      }
      return cache.get(id);
    }
    const values = variable.values;
    return (scale) => scale * values[offset]!;
  };

  /** The elements of an array argument as linear terms, or undefined (a stochastic index, an unknown form). */
  const elementTerms = (x: Expression, s: LoopScope): LinearTerm[] | undefined => {
    if (x.kind !== 'name' && x.kind !== 'index') {
      const t = compile(x, s);
      return t && [t];
    }
    const direct = arrayOf(x, s).direct;
    if (!direct) return undefined;
    const terms: LinearTerm[] = [];
    for (const o of direct.offsets) {
      const t = element(x.name, o);
      if (!t) return undefined;
      terms.push(t);
    }
    return terms;
  };

  const innerProduct = (left: Expression, right: Expression, s: LoopScope): LinearTerm | undefined => {
    const leftFree = free(left, s);
    const rightFree = free(right, s);
    if (!leftFree && !rightFree) return undefined;
    const values = arrayOf(leftFree ? left : right, s);
    const fused = fusedInnerProduct(values.direct, leftFree ? right : left, s);
    if (fused) return fused;
    const terms = elementTerms(leftFree ? right : left, s);
    if (!terms || terms.length !== values.evaluators.length) return undefined;
    const weights = values.evaluators;
    return (scale, out) => {
      let a = 0;
      for (let j = 0; j < terms.length; j++) a += terms[j]!(scale * weights[j]!(), out);
      return a;
    };
  };

  /**
   * inprod(w, θ-side) with both sides plain arrays and every θ-side element a
   * coordinate or a value free of θ (U[u, ] against V[i, ] in a matrix
   * factorisation): one loop over typed arrays, no closure per element.
   */
  const fusedInnerProduct = (weights: { values: Float64Array; offsets: Int32Array } | undefined, x: Expression, s: LoopScope): LinearTerm | undefined => {
    if (!weights || (x.kind !== 'name' && x.kind !== 'index')) return undefined;
    const direct = arrayOf(x, s).direct;
    if (!direct || direct.offsets.length !== weights.offsets.length) return undefined;
    const variable = graph.variables.get(x.name)!;
    let slots: Int32Array = new Int32Array(direct.offsets.length);
    for (let j = 0; j < slots.length; j++) {
      const o = direct.offsets[j]!;
      const slot = coordinate.get(x.name)?.get(o);
      if (slot !== undefined) slots[j] = slot;
      else if (variable.role[o] === Role.Deterministic && dependents.has(variable.node[o]!)) return undefined;
      else slots[j] = -1;
    }
    // The children of a block (every row of a regression) mostly share their slots: one array serves them all.
    if (sharedSlots && sharedSlots.length === slots.length && sharedSlots.every((x, j) => x === slots[j])) slots = sharedSlots;
    else sharedSlots = slots;
    const wv = weights.values, wo = weights.offsets, xv = direct.values, xo = direct.offsets;
    const [w0, x0] = [contiguousStart(wo), contiguousStart(xo)];
    if (w0 >= 0 && x0 >= 0) return contiguousInnerProductTerm(wv, w0, xv, x0, slots);
    const n = slots.length;
    return (scale, out) => {
      let a = 0;
      for (let j = 0; j < n; j++) {
        const w = scale * wv[wo[j]!]!;
        const slot = slots[j]!;
        if (slot >= 0) out[slot] = out[slot]! + w;
        else a += w * xv[xo[j]!]!;
      }
      return a;
    };
  };

  return compile;
}

/**
 * The fused term of inprod(X[i, ], θ[]) when both sides are contiguous runs:
 * it keeps two start positions, not two offset views per row (a regression's
 * block keeps one such term per row for the life of the chain).
 */
function contiguousInnerProductTerm(wv: Float64Array, w0: number, xv: Float64Array, x0: number, slots: Int32Array): LinearTerm {
  const n = slots.length;
  return (scale, out) => {
    let a = 0;
    for (let j = 0; j < n; j++) {
      const w = scale * wv[w0 + j]!;
      const slot = slots[j]!;
      if (slot >= 0) out[slot] = out[slot]! + w;
      else a += w * xv[x0 + j]!;
    }
    return a;
  };
}
