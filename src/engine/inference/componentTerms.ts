import type { Expression } from '../language/ast';
import type { LoopScope } from '../model/expressions';
import { Role, type ModelGraph, type StochasticNode } from '../model/graph';
import { resolveComponentRead, type ComponentRead } from './componentSelection';
import type { LinearTerm } from './linearForm';

/** One array of components a mixture's children select from, with each component's a + b·θ at the last refresh. */
interface ComponentTable {
  read: ComponentRead;
  terms: LinearTerm[];
  intercepts: Float64Array;
  slopes: Float64Array;
}

/**
 * The means of a mixture's children as affine functions of θ when each mean
 * is a component selected by an indicator (`lambda[T[i]]`, with
 * `lambda[2] <- lambda[1] + theta`): each component's intercept and slope are
 * computed once per update (`refresh`), and a child's are looked up by its
 * indicator's current value, instead of moving θ to 0 and 1 and recomputing
 * every child's mean. A fixed element is a table of one.
 */
export class ComponentTerms {
  private readonly tables: ComponentTable[] = [];
  /** Per use (a child's mean): its table, and where its indicator's value is (none for a fixed element). */
  private readonly uses: Array<{ table: ComponentTable; selector: StochasticNode | undefined }> = [];
  private readonly slot = new Float64Array(1);

  constructor(
    private readonly graph: ModelGraph,
    private readonly node: StochasticNode,
    private readonly compileTerm: (e: Expression, scope: LoopScope) => LinearTerm | undefined,
  ) {}

  get size(): number {
    return this.uses.length;
  }

  /**
   * A use of an expression whose value is a plain element — a component selected by an indicator, or one fixed
   * element (a row whose indicator is data, `lambda[T[1]]`) — or -1 when it is not one. Uses that read the same
   * components share their table, so a refresh costs one term per component, not one per child.
   */
  add(e: Expression, scope: LoopScope): number {
    const read = resolveComponentRead(this.graph, e, scope);
    if (!read?.variable) return -1;
    let table = this.tables.find((t) => t.read.values === read.values && t.read.base === read.base && t.read.stride === read.stride && t.read.count === read.count);
    if (!table) {
      const terms: LinearTerm[] = [];
      for (let k = 0; k < read.count; k++) {
        const term = this.elementTerm(read, read.base + k * read.stride);
        if (!term) return -1;
        terms.push(term);
      }
      table = { read, terms, intercepts: new Float64Array(read.count), slopes: new Float64Array(read.count) };
      this.tables.push(table);
    }
    this.uses.push({ table, selector: read.selector });
    return this.uses.length - 1;
  }

  /** A component as an affine term in θ: θ itself, a deterministic node downstream of θ compiled, or a value free of θ. */
  private elementTerm(read: ComponentRead, offset: number): LinearTerm | undefined {
    const { node, graph } = this;
    const variable = read.variable!;
    if (variable === node.variable && node.offsets.includes(offset)) {
      return (scale, out) => {
        out[0] = out[0]! + scale;
        return 0;
      };
    }
    if (variable.role[offset] === Role.Deterministic && node.dependents.includes(variable.node[offset]!)) {
      const d = graph.deterministic[variable.node[offset]!]!;
      return d.statement.target.link ? undefined : this.compileTerm(d.statement.value, d.scope);
    }
    const values = variable.values;
    return (scale) => scale * values[offset]!;
  }

  /** Each component's intercept and slope at the current values of everything but θ. */
  refresh(): void {
    const slot = this.slot;
    for (const table of this.tables) {
      for (let k = 0; k < table.terms.length; k++) {
        slot[0] = 0;
        table.intercepts[k] = table.terms[k]!(1, slot);
        table.slopes[k] = slot[0]!;
      }
    }
  }

  /** The intercept and slope of the component the last `select` chose (NaN when its indicator selected none). */
  intercept = Number.NaN;
  slope = Number.NaN;

  /** Looks up a use's component at its indicator's current value, into `intercept` and `slope`. */
  select(use: number): void {
    const { table, selector } = this.uses[use]!;
    let k = 0;
    if (selector) {
      const z = selector.variable.values[selector.offset]!;
      k = Number.isInteger(z) && z >= 1 && z <= table.read.count ? z - 1 : -1;
    }
    this.intercept = k >= 0 ? table.intercepts[k]! : Number.NaN;
    this.slope = k >= 0 ? table.slopes[k]! : Number.NaN;
  }
}
