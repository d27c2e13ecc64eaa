import type { Expression } from '../language/ast';
import type { ModelGraph, StochasticNode } from '../model/graph';
import { LoopFrame } from '../model/loopFrame';
import { affineOffset, affineRead, type AffineRead } from '../model/statementCode';

/**
 * Where each child's parameter (or value) lives, for a conditional that sums
 * over its children at every update: where the parameter is a plain element
 * read in place (`tau.within`, `mu[i]`, `mu[i, j]`: affineRead), the array
 * and the offset, fixed for the chain's life; else offset −1 and the caller
 * asks `parameter(k)`. A child's `parameter(k)` goes through its relation's
 * read table and loop frame, and in a loop over children of several
 * statements it is not inlined: Dyes' and Rats' conjugate updates spent most
 * of their time there.
 */
export class ChildReads {
  /**
   * The one array every child reads in place, when they all read the same one (Rats' Y[i, j] and mu[i, j],
   * Dyes' y[i, j]): a loop over the children then reads `single[offsets[j]]`, without loading each child's array
   * from `arrays` first. Undefined when any child reads another array or is not read in place.
   */
  readonly single: Float64Array | undefined;

  private constructor(
    readonly arrays: Float64Array[],
    /** −1 where the child's parameter is not read in place. */
    readonly offsets: Int32Array,
  ) {
    this.single = oneArray(arrays, offsets);
  }

  /** Each child's own value. */
  static values(children: readonly StochasticNode[]): ChildReads {
    return new ChildReads(children.map((c) => c.variable.values), Int32Array.from(children, (c) => c.offset));
  }

  /** Each child's parameter `parameterOf(child, j)` (a scalar parameter; −1 for none), in place where it is such a read. */
  static parameters(graph: ModelGraph, children: readonly StochasticNode[], parameterOf: (child: StochasticNode, j: number) => number): ChildReads {
    const arrays: Float64Array[] = [];
    const offsets = new Int32Array(children.length).fill(-1);
    // An expression is one statement's, so its read is worked out once for all its rows (the loop variables are checked).
    const known = new Map<Expression, { read: AffineRead | undefined; inner: string | undefined; outer: string | undefined }>();
    children.forEach((child, j) => {
      arrays.push(NONE);
      const k = parameterOf(child, j);
      // Parameter k is argument k only while every parameter before it is a scalar (dcat's pi[] spreads over elements).
      if (k < 0 || child.distribution.multivariate || child.paramSizes.slice(0, k + 1).some((size) => size !== 1)) return;
      const e = child.statement.args[k];
      if (!e) return;
      const scope = child.scope;
      const inner = scope instanceof LoopFrame ? scope.loopVariable : undefined;
      const outer = scope instanceof LoopFrame ? scope.outer?.loopVariable : undefined;
      let entry = known.get(e);
      if (!entry || entry.inner !== inner || entry.outer !== outer) known.set(e, (entry = { read: affineRead(e, scope, graph.variables), inner, outer }));
      const at = entry.read && affineOffset(entry.read, scope);
      if (at === undefined) return;
      arrays[j] = entry.read!.values;
      offsets[j] = at;
    });
    return new ChildReads(arrays, offsets);
  }
}

const NONE = new Float64Array(0);

function oneArray(arrays: Float64Array[], offsets: Int32Array): Float64Array | undefined {
  const first = arrays[0];
  if (first === undefined) return undefined;
  for (let j = 0; j < arrays.length; j++) if (arrays[j] !== first || offsets[j]! < 0) return undefined;
  return first;
}
