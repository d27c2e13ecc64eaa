/**
 * The checks as you type that need the data's shapes: a data variable indexed
 * with more or fewer indices than it has dimensions, and an index that runs
 * past a dimension (a loop `for (i in 1:N)` over `y[i]` when y has fewer than
 * N values). Loop bounds are followed where they are constants: numbers, data
 * scalars, `length(x)`, and sums and differences of those. What cannot be
 * worked out here is left to the compiler, which checks every element.
 */
import type { Document, Expression, IndexExpression, Statement, Target } from './ast';
import type { Problem, SourceRange } from './source';

/** A data variable's dimensions and values (a scalar: dims [1]). */
export interface DataShape {
  dims: number[];
  values: ArrayLike<number>;
}

type Interval = [number, number];

export function shapeProblems(document: Document, data: ReadonlyMap<string, DataShape>): Problem[] {
  const problems: Problem[] = [];
  const check = new ShapeCheck(data, problems);
  check.statements(document.model?.statements ?? [], new Map());
  return problems;
}

class ShapeCheck {
  constructor(
    private readonly data: ReadonlyMap<string, DataShape>,
    private readonly problems: Problem[],
  ) {}

  statements(list: Statement[], loops: ReadonlyMap<string, Interval>): void {
    for (const s of list) {
      if (s.kind === 'for') {
        const from = this.bound(s.from, loops);
        const to = this.bound(s.to, loops);
        this.expression(s.from, loops);
        this.expression(s.to, loops);
        const inner = new Map(loops);
        if (from && to) inner.set(s.variable, [from[0], to[1]]);
        else inner.delete(s.variable);
        this.statements(s.body, inner);
        continue;
      }
      this.reference(s.target, loops);
      if (s.kind === 'deterministic') this.expression(s.value, loops);
      else {
        s.args.forEach((a) => this.expression(a, loops));
        if (s.truncation?.lower) this.expression(s.truncation.lower, loops);
        if (s.truncation?.upper) this.expression(s.truncation.upper, loops);
      }
    }
  }

  private expression(e: Expression, loops: ReadonlyMap<string, Interval>): void {
    if (e.kind === 'index') this.reference(e, loops);
    for (const child of childExpressions(e)) this.expression(child, loops);
  }

  /** `name[indices]` against the data's shape of `name`, if it is data. */
  private reference(ref: Target | Extract<Expression, { kind: 'index' }>, loops: ReadonlyMap<string, Interval>): void {
    const shape = this.data.get(ref.name);
    if (!shape || ref.indices.length === 0) return;
    const { dims } = shape;
    const count = ref.indices.length;
    if (count !== dims.length && !(dims.length === 1 && dims[0] === 1 && count === 1)) {
      this.problem(ref.range, `'${ref.name}' has ${dims.length} dimension${dims.length === 1 ? '' : 's'} in the data (${dims.join(' × ')}), but is indexed here with ${count}.`);
      return;
    }
    ref.indices.forEach((index, k) => {
      const reach = this.indexReach(index, loops);
      if (!reach) return;
      const size = dims[k]!;
      if (reach[1] <= size && reach[0] >= 1) return;
      const where = dims.length > 1 ? `its dimension ${k + 1} has ${size} (the data's ${ref.name} is ${dims.join(' × ')})` : `the data give ${size} value${size === 1 ? '' : 's'}`;
      const bad = reach[1] > size ? `reaches ${reach[1]}` : `starts at ${reach[0]}`;
      this.problem(index.range, `Index out of range: this index of '${ref.name}' ${bad}, but ${where}.`);
    });
  }

  private indexReach(index: IndexExpression, loops: ReadonlyMap<string, Interval>): Interval | undefined {
    if (index.kind === 'empty') return undefined;
    if (index.kind === 'at') return this.bound(index.value, loops);
    const from = this.bound(index.from, loops);
    const to = this.bound(index.to, loops);
    return from && to ? [from[0], to[1]] : undefined;
  }

  /** The values an expression can take, where they are known without running the model. */
  private bound(e: Expression, loops: ReadonlyMap<string, Interval>): Interval | undefined {
    switch (e.kind) {
      case 'number':
        return [e.value, e.value];
      case 'name': {
        const loop = loops.get(e.name);
        if (loop) return loop;
        const shape = this.data.get(e.name);
        return shape && shape.values.length === 1 ? [shape.values[0]!, shape.values[0]!] : undefined;
      }
      case 'call': {
        const arg = e.args[0]?.value;
        if (e.callee !== 'length' || e.args.length !== 1 || arg?.kind !== 'name') return undefined;
        const shape = this.data.get(arg.name);
        if (!shape) return undefined;
        const n = shape.dims.reduce((a, b) => a * b, 1);
        return [n, n];
      }
      case 'binary': {
        if (e.op !== '+' && e.op !== '-') return undefined;
        const a = this.bound(e.left, loops);
        const b = this.bound(e.right, loops);
        if (!a || !b) return undefined;
        return e.op === '+' ? [a[0] + b[0], a[1] + b[1]] : [a[0] - b[1], a[1] - b[0]];
      }
      default:
        return undefined;
    }
  }

  private problem(range: SourceRange, message: string): void {
    this.problems.push({ severity: 'error', message, range });
  }
}

/** The expressions directly inside `e`: operands, arguments, and the indices' values and bounds. */
function childExpressions(e: Expression): Expression[] {
  switch (e.kind) {
    case 'index':
      return e.indices.flatMap((i) => (i.kind === 'at' ? [i.value] : i.kind === 'range' ? [i.from, i.to] : []));
    case 'call':
      return e.args.map((a) => a.value);
    case 'unary':
      return [e.operand];
    case 'binary':
      return [e.left, e.right];
    default:
      return [];
  }
}
