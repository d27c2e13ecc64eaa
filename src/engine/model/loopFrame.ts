import type { LoopScope } from './expressions';

/**
 * The loop variables of one unrolled instance, as a chain of frames: each
 * loop adds one frame (its variable and index) on top of the enclosing
 * loop's. Every node keeps its instance's scope for the analyses that read
 * its statement again (linearity, conjugacy, EM's roles), and a Map per row
 * cost about 190 bytes — a frame costs about 48, and a loop nest's outer
 * frames are shared by all its inner rows.
 */
export class LoopFrame implements LoopScope {
  constructor(
    // Read by the code compiled per statement (statementCode.ts): the innermost loop's index is `f.index`, the next `f.outer.index`.
    readonly outer: LoopFrame | undefined,
    readonly variable: string,
    readonly index: number,
  ) {}

  get(name: string): number | undefined {
    // An inner loop's variable hides an outer one of the same name, as a Map's set would.
    if (this.variable === name) return this.index;
    return this.outer?.get(name);
  }

  has(name: string): boolean {
    return this.get(name) !== undefined;
  }

  get size(): number {
    return this.entryList().length;
  }

  /** Outermost loop first, as the Map the frames replace listed them; a shadowed variable once, at its outer position. */
  private entryList(): Array<[string, number]> {
    const entries = new Map<string, number>(this.outer?.entryList());
    entries.set(this.variable, this.index);
    return [...entries];
  }

  entries(): MapIterator<[string, number]> {
    return new Map(this.entryList()).entries();
  }

  keys(): MapIterator<string> {
    return new Map(this.entryList()).keys();
  }

  values(): MapIterator<number> {
    return new Map(this.entryList()).values();
  }

  forEach(visit: (value: number, key: string, map: ReadonlyMap<string, number>) => void): void {
    for (const [key, value] of this.entryList()) visit(value, key, this);
  }

  [Symbol.iterator](): MapIterator<[string, number]> {
    return this.entries();
  }
}

/** The scope outside every loop. */
export const NO_LOOPS: LoopScope = new Map<string, number>();

/** `scope` with one more loop variable. */
export function withLoopVariable(scope: LoopScope, variable: string, index: number): LoopScope {
  // An index computed from data (a Float64Array) is a heap number; stored as one, every frame would keep a 16-byte box and
  // the compiled statements would read through it. A small integer (as `| 0` makes it) is kept in the field itself.
  const small = index === (index | 0) ? index | 0 : index;
  if (scope instanceof LoopFrame || scope.size === 0) return new LoopFrame(scope instanceof LoopFrame ? scope : undefined, variable, small);
  const copy = new Map(scope);
  copy.set(variable, index);
  return copy;
}
