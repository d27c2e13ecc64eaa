import type { Expression } from '../language/ast';
import type { LoopScope } from './expressions';
import type { Variable } from './graph';
import { LoopFrame } from './loopFrame';
import { affineRead, type AffineRead } from './statementCode';

/**
 * Per graph (its variables) and per expression, the element the expression
 * reads in place (affineRead), worked out once for every row of its
 * statement: asking `graph.expressions.array` row by row builds its reads,
 * plans and offsets for each of a million rows, about 300 bytes of garbage a
 * row in sampler assignment.
 */
const reads = new WeakMap<ReadonlyMap<string, Variable>, WeakMap<Expression, InPlace>>();

/** The read, and the loop variables it was worked out for (an expression is one statement's, but the check is cheap). */
interface InPlace {
  read: AffineRead | undefined;
  inner: string | undefined;
  outer: string | undefined;
}

const loopVariable = (scope: LoopScope | undefined): string | undefined => (scope instanceof LoopFrame ? scope.loopVariable : undefined);

/**
 * The element `e` reads at the row `scope` as its statement's in-place read
 * (worked out once per expression), or undefined when the expression is not
 * such a read (a range, a stochastic index, a scope that is not a chain of
 * loop frames): the caller then asks the interpreter. `offset` is valid
 * until the next call.
 */
export function elementReadAt(variables: ReadonlyMap<string, Variable>, e: Expression, scope: LoopScope): { values: Float64Array; offset: number } | undefined {
  if (e.kind !== 'name' && e.kind !== 'index') return undefined;
  let byExpression = reads.get(variables);
  if (!byExpression) reads.set(variables, (byExpression = new WeakMap()));
  let known = byExpression.get(e);
  const inner = loopVariable(scope), outer = scope instanceof LoopFrame ? loopVariable(scope.outer) : undefined;
  if (!known || known.inner !== inner || known.outer !== outer) byExpression.set(e, (known = { read: affineRead(e, scope, variables), inner, outer }));
  const read = known.read;
  if (!read) return undefined;
  let at = read.base;
  if (read.inner !== 0 || read.outer !== 0) {
    if (!(scope instanceof LoopFrame)) return undefined;
    if (read.inner !== 0) at += scope.index * read.inner;
    if (read.outer !== 0) {
      if (!scope.outer) return undefined;
      at += scope.outer.index * read.outer;
    }
  }
  found.values = read.values;
  found.offset = at;
  return found;
}

/** The one answer of elementReadAt, reused: it is asked for every row of a plate. */
const found: { values: Float64Array; offset: number } = { values: new Float64Array(0), offset: 0 };

/** Whether `e`, at the row `scope`, reads exactly element `offset` of `values`; undefined as for elementReadAt. */
export function readsElement(variables: ReadonlyMap<string, Variable>, e: Expression, scope: LoopScope, values: Float64Array, offset: number): boolean | undefined {
  const read = elementReadAt(variables, e, scope);
  return read && read.values === values && read.offset === offset;
}
