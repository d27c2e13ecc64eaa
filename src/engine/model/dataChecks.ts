import { definedNodes, usedNames } from '../language/symbols';
import type { Document, Expression, IndexExpression, Statement } from '../language/ast';
import { DISTRIBUTION_CATALOG } from '../language/catalog';
import type { DataArray, NamedValues } from '../language/rvalues';
import { ModelError, type Problem, type SourceRange } from '../language/source';
import type { ScalarDistribution } from './distributions';
import { nodeLogDensity, transientParameters, Role, type ModelGraph, type StochasticNode, type Variable } from './graph';
import { elementReadAt } from './elementRead';

/**
 * Checks of the data against the model, beyond what binding checks on its
 * own: where the data came from is what these messages add ("the data give Y
 * as a 30 × 5 array", "j runs from 1 to 6 in 'for (j in 1:T)'", "whose
 * support is x = 0, 1, 2, …").
 */

// ---- shapes ---------------------------------------------------------------

type ForStatement = Extract<Statement, { kind: 'for' }>;

/** A loop whose bounds the data fix, while walking the model's text. */
interface Loop {
  variable: string;
  from: number;
  to: number;
  statement: ForStatement;
}

/** Loop variables in scope: undefined for a loop whose bounds are not known from the data alone. */
type Loops = ReadonlyMap<string, Loop | undefined>;

/**
 * Data arrays whose shape disagrees with how the model indexes them: a data
 * vector indexed as a matrix, or a loop that runs past the end of a data
 * array (data Y is 30 × 5 but `for (j in 1:6)` reads Y[i, j]). The message
 * names the variable, the dimension, the data's shape and the loop. Throws
 * ModelError listing every such reference; a reference whose indices depend
 * on model nodes is left to binding.
 */
export function checkDataShapes(document: Document, data: NamedValues): void {
  if (data.size === 0) return;
  const checker = new ShapeChecker(data);
  if (document.data) checker.statements(document.data.statements, new Map());
  if (document.model) checker.statements(document.model.statements, new Map());
  if (checker.problems.length) throw new ModelError(checker.problems.sort((a, b) => a.range.start.offset - b.range.start.offset));
}

interface Interval {
  lo: number;
  hi: number;
  /** The loop the index runs over, when it is a loop variable (plus or minus a constant). */
  loop?: Loop;
}

class ShapeChecker {
  readonly problems: Problem[] = [];

  constructor(private readonly data: NamedValues) {}

  statements(statements: Statement[], loops: Loops): void {
    for (const s of statements) {
      if (s.kind === 'for') {
        this.expression(s.from, loops);
        this.expression(s.to, loops);
        const from = this.constant(s.from, loops);
        const to = this.constant(s.to, loops);
        const known = from !== undefined && to !== undefined && Number.isInteger(from) && Number.isInteger(to);
        // A loop that never runs reads nothing.
        if (known && from > to) continue;
        const inner = new Map(loops);
        inner.set(s.variable, known ? { variable: s.variable, from, to, statement: s } : undefined);
        this.statements(s.body, inner);
        continue;
      }
      this.reference(s.target.name, s.target.indices, s.target.range, loops);
      this.indices(s.target.indices, loops);
      if (s.kind === 'deterministic') {
        this.expression(s.value, loops);
      } else {
        for (const a of s.args) this.expression(a, loops);
        if (s.truncation?.lower) this.expression(s.truncation.lower, loops);
        if (s.truncation?.upper) this.expression(s.truncation.upper, loops);
      }
    }
  }

  private expression(e: Expression, loops: Loops): void {
    switch (e.kind) {
      case 'index':
        this.reference(e.name, e.indices, e.range, loops);
        this.indices(e.indices, loops);
        return;
      case 'call':
        for (const a of e.args) this.expression(a.value, loops);
        return;
      case 'unary':
        this.expression(e.operand, loops);
        return;
      case 'binary':
        this.expression(e.left, loops);
        this.expression(e.right, loops);
        return;
      default:
        return;
    }
  }

  private indices(indices: IndexExpression[], loops: Loops): void {
    for (const i of indices) {
      if (i.kind === 'at') this.expression(i.value, loops);
      if (i.kind === 'range') {
        this.expression(i.from, loops);
        this.expression(i.to, loops);
      }
    }
  }

  /** `name[indices]` where name is data: the number of indices, and each index's reach over its loop. */
  private reference(name: string, indices: IndexExpression[], range: SourceRange, loops: Loops): void {
    const value = this.data.get(name);
    if (!value || indices.length === 0 || loops.has(name)) return;
    const dims = value.dims.length === 0 ? [1] : value.dims;
    if (indices.length !== dims.length) {
      this.report(range, `${name} has ${value.dims.length} dimension(s) but is indexed with ${indices.length} here: the data give ${name} as ${shapeOf(value)}.`);
      return;
    }
    for (let d = 0; d < dims.length; d++) {
      const index = indices[d]!;
      if (index.kind === 'empty') continue;
      const reach = index.kind === 'at' ? this.interval(index.value, loops) : this.span(index.from, index.to, loops);
      if (!reach || reach.lo > reach.hi) continue;
      const size = dims[d]!;
      const bad = reach.hi > size ? reach.hi : reach.lo < 1 ? reach.lo : undefined;
      if (bad === undefined || !Number.isInteger(bad)) continue;
      let why = '';
      if (reach.loop) {
        const { variable, from, to, statement } = reach.loop;
        why = `; ${variable} runs from ${from} to ${to} in 'for (${variable} in ${show(statement.from)}:${show(statement.to)})' (line ${statement.range.start.line + 1})`;
        const shown = index.kind === 'at' ? show(index.value) : undefined;
        if (shown !== undefined && shown !== variable) why += `, so ${shown} reaches ${bad}`;
      }
      this.report(index.range, `Index ${bad} is out of range for ${name}: dimension ${d + 1} runs from 1 to ${size}, as the data give ${name} as ${shapeOf(value)}${why}.`);
      return;
    }
  }

  /** The values an index takes: a constant, a loop variable, or a loop variable plus or minus a constant. */
  private interval(e: Expression, loops: Loops): Interval | undefined {
    const c = this.constant(e, loops);
    if (c !== undefined) return { lo: c, hi: c };
    if (e.kind === 'name' && loops.has(e.name)) {
      const loop = loops.get(e.name);
      return loop ? { lo: loop.from, hi: loop.to, loop } : undefined;
    }
    if (e.kind === 'binary' && (e.op === '+' || e.op === '-')) {
      const left = this.interval(e.left, loops);
      const right = this.interval(e.right, loops);
      if (!left || !right || (left.loop && right.loop)) return undefined;
      const loop = left.loop ?? right.loop;
      const sum = e.op === '+' ? { lo: left.lo + right.lo, hi: left.hi + right.hi } : { lo: left.lo - right.hi, hi: left.hi - right.lo };
      return loop ? { ...sum, loop } : sum;
    }
    return undefined;
  }

  /** The positions `from:to` covers over every pass of the loops. */
  private span(from: Expression, to: Expression, loops: Loops): Interval | undefined {
    const a = this.interval(from, loops);
    const b = this.interval(to, loops);
    if (!a || !b) return undefined;
    const loop = a.loop ?? b.loop;
    return loop ? { lo: a.lo, hi: b.hi, loop } : { lo: a.lo, hi: b.hi };
  }

  /** The value of an expression fixed by the data alone (no loop variable, no model node), else undefined. */
  private constant(e: Expression, loops: Loops): number | undefined {
    switch (e.kind) {
      case 'number':
        return e.value;
      case 'name': {
        if (loops.has(e.name)) return undefined;
        const v = this.data.get(e.name);
        return v && v.values.length === 1 && !Number.isNaN(v.values[0]!) ? v.values[0] : undefined;
      }
      case 'index': {
        const v = this.data.get(e.name);
        if (!v || loops.has(e.name)) return undefined;
        const dims = v.dims.length === 0 ? [1] : v.dims;
        if (e.indices.length !== dims.length) return undefined;
        let offset = 0;
        for (let d = 0; d < dims.length; d++) {
          const index = e.indices[d]!;
          const at = index.kind === 'at' ? this.constant(index.value, loops) : undefined;
          if (at === undefined || !Number.isInteger(at) || at < 1 || at > dims[d]!) return undefined;
          offset = offset * dims[d]! + (at - 1);
        }
        const x = v.values[offset]!;
        return Number.isNaN(x) ? undefined : x;
      }
      case 'unary': {
        const x = this.constant(e.operand, loops);
        return x === undefined || e.op === '!' ? undefined : e.op === '-' ? -x : x;
      }
      case 'binary': {
        const a = this.constant(e.left, loops);
        const b = this.constant(e.right, loops);
        if (a === undefined || b === undefined) return undefined;
        switch (e.op) {
          case '+': return a + b;
          case '-': return a - b;
          case '*': return a * b;
          case '/': return a / b;
          default: return undefined;
        }
      }
      default:
        return undefined;
    }
  }

  private report(range: SourceRange, message: string): void {
    this.problems.push({ severity: 'error', message, range });
  }
}

function shapeOf(value: DataArray): string {
  if (value.dims.length === 0) return 'a single value';
  if (value.dims.length === 1) return `a vector of ${value.dims[0]} value${value.dims[0] === 1 ? '' : 's'}`;
  return `a ${value.dims.join(' × ')} array`;
}

/** An expression as one line of text, for messages: `1:N`, `j + 1`, `n[i]`. */
export function show(e: Expression): string {
  const operand = (x: Expression): string => (x.kind === 'binary' ? `(${show(x)})` : show(x));
  switch (e.kind) {
    case 'number':
      return String(e.value);
    case 'string':
      return JSON.stringify(e.value);
    case 'name':
      return e.name;
    case 'index':
      return `${e.name}[${e.indices.map((i) => (i.kind === 'empty' ? '' : i.kind === 'range' ? `${show(i.from)}:${show(i.to)}` : show(i.value))).join(', ')}]`;
    case 'call':
      return `${e.callee}(${e.args.map((a) => (a.name !== undefined ? `${a.name} = ${show(a.value)}` : show(a.value))).join(', ')})`;
    case 'unary':
      return `${e.op}${operand(e.operand)}`;
    case 'binary':
      return e.op === ':' ? `${operand(e.left)}:${operand(e.right)}` : `${operand(e.left)} ${e.op} ${operand(e.right)}`;
  }
}

// ---- support --------------------------------------------------------------

/**
 * Every observed stochastic node's value must lie in its distribution's
 * support: a whole number for a discrete distribution, 0 or 1 for dbern, ≥ 0
 * for dpois, at most n for dbin(p, n) and within dunif's bounds when the data
 * fix n and the bounds, and within a truncation T(lower, upper) the data fix.
 * One problem per relation, at the relation, naming the first element outside
 * the support. Throws ModelError listing them.
 */
export function checkObservedSupport(graph: ModelGraph): void {
  // No list of the observed nodes: at a million probit rows it was 18 MB of garbage at the compiler's peak.
  if (graph.unobserved.length === graph.stochastic.length) return;
  // What the sampler changes: deterministic nodes downstream of an unobserved node, and the nodes whose parameters read them.
  // Marks, not sets: a set of every observed child is about 40 bytes an element, 40 MB at a million probit rows.
  const moving = new Uint8Array(graph.deterministic.length);
  const uncertain = new Uint8Array(graph.stochastic.length);
  for (const id of graph.unobserved) {
    const node = graph.stochastic[id]!;
    for (const d of node.dependents) moving[d] = 1;
    for (let k = 0; k < node.childCount; k++) uncertain[node.child(k)] = 1;
  }
  const fixedElement = (v: Variable, offset: number): boolean => {
    if (Number.isNaN(v.values[offset]!)) return false;
    switch (v.role[offset]) {
      case Role.Data: return true;
      case Role.Stochastic: return graph.stochastic[v.node[offset]!]!.observed;
      case Role.Deterministic: return !moving[v.node[offset]!];
      default: return false;
    }
  };
  // A written number (a censoring cut point) reads nothing, and an in-place read (dinterval's z[i]) reads its one element:
  // neither is compiled again for every row (the interpreter's reads were 60 MB of garbage at a million probit rows).
  const variableOf = new Map<Float64Array, Variable>();
  for (const v of graph.variables.values()) variableOf.set(v.values, v);
  const fixed = (node: StochasticNode, e: Expression): boolean => {
    if (!uncertain[node.id] || e.kind === 'number') return true;
    const read = elementReadAt(graph.variables, e, node.scope);
    const variable = read && variableOf.get(read.values);
    if (read && variable) return fixedElement(variable, read.offset);
    return graph.expressions.array(e, node.scope).reads.every((r) => fixedElement(r.variable, r.offset));
  };

  const byRelation = new Map<Statement, { message: string; variable: string; more: number }>();
  for (const node of graph.stochastic) {
    if (!node.observed) continue;
    const message = supportViolation(node, fixed);
    if (message === undefined) continue;
    const seen = byRelation.get(node.statement);
    if (seen) seen.more++;
    else byRelation.set(node.statement, { message, variable: node.variable.name, more: 0 });
  }
  if (byRelation.size === 0) return;
  const problems = [...byRelation].map(([statement, { message, variable, more }]): Problem => ({
    severity: 'error',
    message: more ? `${message} (${more} more element(s) of ${variable} in this relation are outside it too.)` : message,
    range: statement.range,
  }));
  throw new ModelError(problems.sort((a, b) => a.range.start.offset - b.range.start.offset));
}

const supportScratch: Float64Array[] = [];

function supportViolation(node: StochasticNode, fixed: (node: StochasticNode, e: Expression) => boolean): string | undefined {
  const distribution = node.distribution;
  if (distribution.multivariate) {
    if (!node.statement.args.every((arg) => fixed(node, arg))) return undefined;
    const density = nodeLogDensity(node);
    return density === Number.NEGATIVE_INFINITY ? `${node.name} is data for ${distribution.name} but lies outside its support (or has zero probability under the given parameters).` : undefined;
  }
  const x = node.variable.values[node.offset]!;
  // A copy in scratch shared by the nodes with as many parameters (used here only): a typed array per row was garbage.
  const p = (supportScratch[node.paramCount] ??= new Float64Array(node.paramCount));
  p.set(transientParameters(node));
  const args = node.statement.args;
  for (let k = 0, start = 0; k < args.length; k++) {
    const size = node.paramSizes[k]!;
    if (!fixed(node, args[k]!)) p.fill(Number.NaN, start, start + size);
    start += size;
  }
  let outside = (distribution.discrete && !Number.isInteger(x)) || (distribution.support === 'binary' && x !== 0 && x !== 1);
  if (!outside) {
    // Bounds that depend on unknown parameters are NaN, and no comparison with NaN holds.
    const [lo, hi] = distribution.bounds(p);
    outside = x < lo || x > hi;
  }
  if (outside) return `${node.name} = ${x} is data for ${distribution.name}, whose support is ${supportText(distribution, p)}.`;

  const t = node.statement.truncation;
  const lower = t?.lower && node.lower && fixed(node, t.lower) ? node.lower() : Number.NaN;
  const upper = t?.upper && node.upper && fixed(node, t.upper) ? node.upper() : Number.NaN;
  if (x < lower || x > upper) {
    return `${node.name} = ${x} is data for ${distribution.name} truncated to T(${t?.lower ? lower : ''}, ${t?.upper ? upper : ''}), outside the truncation.`;
  }
  return undefined;
}

const FALLBACK_SUPPORT: Record<ScalarDistribution['support'], string> = {
  real: 'x real',
  positive: 'x ≥ 0',
  unit: '0 ≤ x ≤ 1',
  bounded: 'lower ≤ x ≤ upper',
  count: 'x = 0, 1, 2, …',
  binary: 'x = 0 or 1',
  categorical: 'x = 1, 2, …',
};

/** The catalog's support text, with the values of the parameters it names: "x = 0, 1, …, n (here n = 10)". */
function supportText(distribution: ScalarDistribution, p: Float64Array): string {
  const info = DISTRIBUTION_CATALOG.get(distribution.name);
  if (!info) return FALLBACK_SUPPORT[distribution.support];
  const named = info.parameters.flatMap((q, k) => {
    const mentioned = new RegExp(`(^|[^A-Za-z0-9_.])${q.name.replace(/\./g, '\\.')}($|[^A-Za-z0-9_.])`).test(info.support);
    return mentioned && k < p.length && !Number.isNaN(p[k]!) ? [`${q.name} = ${p[k]}`] : [];
  });
  return named.length ? `${info.support} (here ${named.join(', ')})` : info.support;
}

// ---- unused data ------------------------------------------------------------

/** Where a data name came from: the range in the cell, and the file when it was read from one. */
export interface DataOrigin {
  range: SourceRange;
  file?: string;
}

/**
 * A warning for every data name the model (and its data block) never
 * mentions, as rjags warns "Unused variable in data": usually a typo or a
 * column the model does not need.
 */
export function unusedDataWarnings(document: Document, origins: ReadonlyMap<string, DataOrigin>): Problem[] {
  if (!document.model) return [];
  // Read anywhere, or defined (an observed node's data are used by its relation).
  const used = new Set([...usedNames(document), ...definedNodes(document).keys()]);
  const warnings: Problem[] = [];
  for (const [name, origin] of origins) {
    if (used.has(name)) continue;
    warnings.push({ severity: 'warning', message: `'${name}' is given as data${origin.file ? ` (from ${origin.file})` : ''} but the model never uses it.`, range: origin.range });
  }
  return warnings;
}


/**
 * Drops every initial value whose name the model never mentions (a `tau`
 * left over from another version of the model) and returns a warning for
 * each, as JAGS warns "Unused variable(s) in initial value table" and goes
 * on. Names the model does mention stay: a value for data or a deterministic
 * node is still an error where the values are set.
 */
export function dropUnusedInits(document: Document, inits: NamedValues, origins: ReadonlyMap<string, DataOrigin>): Problem[] {
  if (!document.model) return [];
  const used = new Set([...usedNames(document), ...definedNodes(document).keys()]);
  const warnings: Problem[] = [];
  for (const name of [...inits.keys()]) {
    if (used.has(name)) continue;
    inits.delete(name);
    const origin = origins.get(name);
    warnings.push({
      severity: 'warning',
      message: `'${name}' is given an initial value${origin?.file ? ` (in ${origin.file})` : ''} but the model has no such variable; it is ignored.`,
      range: origin?.range ?? document.model.range,
    });
  }
  return warnings;
}
