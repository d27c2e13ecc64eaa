import type { LoopScope } from './expressions';

/**
 * The loop variables of one unrolled instance, as a chain of frames: each
 * loop adds one frame (its variable and index) on top of the enclosing
 * loop's. Every node keeps its instance's scope for the analyses that read
 * its statement again (linearity, conjugacy, EM's roles), and a Map per row
 * cost about 190 bytes. A node in a loop is itself the frame of its
 * innermost loop (nodeRecords.ts: a frame object per row was 48 bytes, 48 MB
 * at a million rows), and a loop nest's outer frames are shared by all its
 * inner rows.
 */
export abstract class LoopFrame implements LoopScope {
  /** The enclosing loop's frame. Read by the code compiled per statement (statementCode.ts): the innermost loop's index is `f.index`, the next `f.outer.index`. */
  abstract readonly outer: LoopFrame | undefined;
  abstract readonly loopVariable: string;
  abstract readonly index: number;

  get(name: string): number | undefined {
    // An inner loop's variable hides an outer one of the same name, as a Map's set would.
    if (this.loopVariable === name) return this.index;
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
    entries.set(this.loopVariable, this.index);
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

/** A frame that is only a frame: an enclosing loop's, or a row's before its node exists. */
export class Frame extends LoopFrame {
  constructor(
    readonly outer: LoopFrame | undefined,
    readonly loopVariable: string,
    readonly index: number,
  ) {
    super();
  }
}

/**
 * A node that is its own row's frame of the innermost loop: it keeps the
 * loop's index, and its statement's record the loop's variable (`rowLoop`).
 * The enclosing loops' frame (`outer`) is a field only of the node classes
 * made for statements inside two loops or more (nodeRecords.ts): in a single
 * loop it is always undefined, and a field of every row was 16 MB at a
 * million probit rows.
 */
export abstract class RowFrame extends LoopFrame {
  readonly index: number;

  constructor(scope: LoopScope, statementLoop: string | undefined) {
    super();
    const row = frameParts(scope);
    if (row.loopVariable !== statementLoop) throw new Error(`A node's loop (${row.loopVariable ?? 'none'}) is not its statement's (${statementLoop ?? 'none'}).`);
    this.index = row.index;
  }

  /** The innermost loop's variable, kept by the node's statement record; undefined outside every loop. */
  protected abstract get rowLoop(): string | undefined;

  get loopVariable(): string {
    return this.rowLoop!;
  }

  /** The node itself, its row's innermost loop frame; no loop outside every loop. */
  get scope(): LoopScope {
    return this.rowLoop === undefined ? NO_LOOPS : this;
  }
}

/** The scope outside every loop. */
export const NO_LOOPS: LoopScope = new Map<string, number>();

/** `scope` with one more loop variable. */
export function withLoopVariable(scope: LoopScope, variable: string, index: number): LoopScope {
  if (scope instanceof LoopFrame || scope.size === 0) return new Frame(scope instanceof LoopFrame ? scope : undefined, variable, smallIndex(index));
  const copy = new Map(scope);
  copy.set(variable, index);
  return copy;
}

/**
 * An index computed from data (a Float64Array) is a heap number; stored as one, every frame would keep a 16-byte box and
 * the compiled statements would read through it. A small integer (as `| 0` makes it) is kept in the field itself.
 */
function smallIndex(index: number): number {
  return index === (index | 0) ? index | 0 : index;
}

/** A row's scope taken apart to be kept in a node: its innermost loop (the node's own frame) and the loops outside it. */
interface FrameParts {
  /** The innermost loop's variable; undefined for a scope outside every loop (`scope` is then the node's scope). */
  readonly loopVariable: string | undefined;
  readonly outer: LoopFrame | undefined;
  readonly index: number;
}

/** `scope` as FrameParts. A scope must be a chain of frames or empty: the binder makes no other. */
export function frameParts(scope: LoopScope): FrameParts {
  if (scope instanceof LoopFrame) return scope;
  if (scope.size !== 0) throw new Error('A node\'s scope is a chain of loop frames or no loop at all.');
  return NOT_IN_A_LOOP;
}

const NOT_IN_A_LOOP: FrameParts = { loopVariable: undefined, outer: undefined, index: 0 };
