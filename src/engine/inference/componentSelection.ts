import type { Expression } from '../language/ast';
import type { LoopScope } from '../model/expressions';
import { Role, type ModelGraph, type StochasticNode, type Variable } from '../model/graph';

/**
 * A scalar parameter of a mixture's child, read straight from the model's
 * arrays: `values[base + (z − 1)·stride]`, where z is the value of the
 * indicator node the reference selects with (`lambda[T[i]]`, `mu[T[i], j]`)
 * and stride 0 means a fixed element (`tau`, a literal). Deterministic nodes
 * that only rename an element (`mu[i] <- lambda[T[i]]`) are followed, since
 * their value is the element's. Samplers then weigh a component, or read a
 * child's mean, without recomputing the renaming nodes or evaluating closures.
 */
export interface ComponentRead {
  values: Float64Array;
  /** The variable read (none for a literal). */
  variable?: Variable;
  base: number;
  stride: number;
  /** The indicator that selects (stride > 0): its element in its variable. */
  selector?: StochasticNode;
  /** The selectable elements: z from 1 to `count`. */
  count: number;
}

/** Follows at most this many renaming deterministic nodes (a chain `a[i] <- b[i]`, `b[i] <- c[T[i]]`). */
const MAX_RENAMES = 8;

/** Resolves `e` (in `scope`) to a ComponentRead, or undefined when it is not a plain (possibly selected) element. */
export function resolveComponentRead(graph: ModelGraph, e: Expression, scope: LoopScope): ComponentRead | undefined {
  return resolve(graph, e, scope, 0);
}

function resolve(graph: ModelGraph, e: Expression, scope: LoopScope, depth: number): ComponentRead | undefined {
  if (e.kind === 'number') return { values: Float64Array.of(e.value), base: 0, stride: 0, count: 1 };
  if (e.kind !== 'name' && e.kind !== 'index') return undefined;
  if (e.kind === 'name' && scope.has(e.name)) return undefined;
  const variable = graph.variables.get(e.name);
  if (!variable) return undefined;
  const dims = variable.dims;
  if (e.kind === 'name') return dims.every((size) => size === 1) ? element(graph, variable.name, 0, depth) : undefined;
  if (e.indices.length !== dims.length) return undefined;
  // Each index fixed (a constant, a loop variable, data such as T[1]), or at most one an indicator's value.
  let base = 0;
  let stride = 0;
  let count = 0;
  let selector: StochasticNode | undefined;
  let step = 1;
  for (let d = dims.length - 1; d >= 0; d--) {
    const index = e.indices[d]!;
    if (index.kind !== 'at') return undefined;
    const at = graph.expressions.tryConstant(index.value, scope) ?? dataAt(graph, index.value, scope);
    if (at !== undefined) {
      if (!(Number.isInteger(at) && at >= 1 && at <= dims[d]!)) return undefined;
      base += (at - 1) * step;
    } else {
      if (selector) return undefined;
      selector = indicatorAt(graph, index.value, scope);
      if (!selector) return undefined;
      stride = step;
      count = dims[d]!;
    }
    step *= dims[d]!;
  }
  if (!selector) return element(graph, variable.name, base, depth);
  for (let k = 0; k < count; k++) {
    const role = variable.role[base + k * stride];
    if (role !== Role.Data && role !== Role.Stochastic && role !== Role.Deterministic) return undefined;
  }
  return { values: variable.values, variable, base, stride, selector, count };
}

/** One element; a deterministic node whose definition is itself a plain reference is read through. */
function element(graph: ModelGraph, name: string, offset: number, depth: number): ComponentRead | undefined {
  const variable = graph.variables.get(name)!;
  const role = variable.role[offset];
  if (role === Role.Deterministic && depth < MAX_RENAMES) {
    const d = graph.deterministic[variable.node[offset]!]!;
    const value = d.statement.value;
    if (!d.statement.target.link && (value.kind === 'name' || value.kind === 'index')) {
      const through = resolve(graph, value, d.scope, depth + 1);
      if (through) return through;
    }
  }
  if (role !== Role.Data && role !== Role.Stochastic && role !== Role.Deterministic) return undefined;
  return { values: variable.values, variable, base: offset, stride: 0, count: 1 };
}

/** The value of an index that is data (`T[1]` where T[1] is given: a data element or an observed node), else undefined. */
function dataAt(graph: ModelGraph, e: Expression, scope: LoopScope): number | undefined {
  if (e.kind !== 'name' && e.kind !== 'index') return undefined;
  const read = resolve(graph, e, scope, MAX_RENAMES);
  if (!read?.variable || read.stride !== 0) return undefined;
  const { role, node } = read.variable;
  const given = role[read.base] === Role.Data || (role[read.base] === Role.Stochastic && graph.stochastic[node[read.base]!]!.observed);
  return given ? read.values[read.base] : undefined;
}

/** The unobserved scalar stochastic node an index expression (`T[i]`) reads, if it is one. */
function indicatorAt(graph: ModelGraph, e: Expression, scope: LoopScope): StochasticNode | undefined {
  if (e.kind !== 'name' && e.kind !== 'index') return undefined;
  if (e.kind === 'index' && !e.indices.every((index) => index.kind === 'at' && graph.expressions.tryConstant(index.value, scope) !== undefined)) return undefined;
  const variable = graph.variables.get(e.name);
  if (!variable) return undefined;
  const direct = graph.expressions.array(e, scope).direct;
  if (!direct || direct.offsets.length !== 1 || direct.values !== variable.values) return undefined;
  const offset = direct.offsets[0]!;
  if (variable.role[offset] !== Role.Stochastic) return undefined;
  const node = graph.stochastic[variable.node[offset]!]!;
  return node.observed || node.distribution.multivariate || node.offset !== offset ? undefined : node;
}

/** The offset a read takes when its indicator has the value z (1-based); a fixed read ignores z. */
export function componentOffset(read: ComponentRead, z: number): number {
  return read.base + (z - 1) * read.stride;
}

/** Whether the read's elements (every selectable one) do not depend on `node`: neither it nor a node downstream of it. */
export function readIsFreeOf(read: ComponentRead, node: StochasticNode, dependents: Set<number>): boolean {
  for (let k = 0; k < read.count; k++) {
    const offset = read.base + k * read.stride;
    if (read.values === node.variable.values && node.offsets.includes(offset)) return false;
    const owner = read.variable;
    if (owner && owner.role[offset] === Role.Deterministic && dependents.has(owner.node[offset]!)) return false;
  }
  return true;
}
