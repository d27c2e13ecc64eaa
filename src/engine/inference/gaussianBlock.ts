import type { Expression } from '../language/ast';
import { currentParameters, propagate, Role, type ModelGraph, type StochasticNode } from '../model/graph';
import { choleskyInPlace, solveWithCholeskyInPlace } from '../math/linalg';
import { linearTermCompiler, type LinearTerm } from './linearForm';
import { ChildReads } from './parameterReads';
import { Dependence, DependenceAnalysis } from './linearity';
import { readsOnlyFixed, readsOnlyFixedOrMembers } from './parents';
import { Propagation } from './propagation';
import { sortedUnion, strictlyAscending } from '../collections';

/**
 * The joint complete conditional of a Gaussian block θ (one dmnorm node, or
 * several scalar dnorm nodes that share their children, such as a row
 * U[u, ] of a matrix factorisation or the coefficients of a regression):
 * when every child is normal with a mean linear in θ and a precision free of
 * θ, θ | rest ~ N(Λ⁻¹η, Λ⁻¹) with
 *   Λ = Λ₀ + Σ_j A_jᵀ T_j A_j,   η = Λ₀μ₀ + Σ_j A_jᵀ T_j (y_j − a_j),
 * where a_j + A_j θ is child j's mean. A_j and a_j come from d + 1
 * evaluations of the children (θ = 0 and the unit vectors); linearity was
 * checked symbolically, as JAGS does.
 */
export class GaussianBlock {
  readonly d: number;
  /** Λ and η after `compute`; Λ is overwritten by its Cholesky factor. */
  readonly precision: Float64Array;
  readonly linear: Float64Array;
  private readonly saved: Float64Array;
  private readonly row: Float64Array;
  /**
   * Compiled linear terms of the children's means, kept only when the design
   * moves (it is read at every update then). A fixed design is read once,
   * while the block is made, each term dropped as soon as it is read: kept
   * terms cost about 100 bytes a row (a closure, its context and a slot) for
   * the life of the chain, and a probit's coefficient block has a child per
   * data row.
   */
  private readonly terms: LinearTerm[] | undefined;
  private readonly coordinates: Array<{ node: StochasticNode; offset: number }>;
  /** Each coordinate's array and offset, read without a node's getters on every update. */
  private readonly coordinateValues: Float64Array[];
  private readonly coordinateOffsets: Int32Array;
  /** Scalar members' prior means and precisions, in place where they are plain elements (parameterReads.ts). */
  private readonly priorMeans: ChildReads;
  private readonly priorPrecisions: ChildReads;
  /**
   * Length of each child's mean (1 for dnorm, m for dmnorm) and where its rows start; both undefined when every child
   * is scalar (child j is row j), as a regression's are: 8 bytes a row that say nothing.
   */
  private readonly childSides: Int32Array | undefined;
  private readonly childStarts: Int32Array | undefined;
  /** The children's mean elements in all. */
  private readonly rows: number;
  /** a_j per row; undefined once a fixed design is known to have none (a probit's: `settleDesign`). */
  private intercepts: Float64Array | undefined;
  /**
   * Coefficients: the change of child-mean element r with coordinate k is `coefficients[columnAt[k] + r * rowStride]`.
   * Stored (d × rows, columnAt[k] = k·rows, rowStride 1), or read in place from the data array of a regression's
   * design (`placeCoefficients`), which holds them already: a stored copy was 8·d bytes a row.
   */
  private coefficients: Float64Array = new Float64Array(0);
  private readonly columnAt: Int32Array;
  private rowStride = 1;
  private layout: 'none' | 'stored' | 'inPlace' = 'none';
  /** Whether child j's mean moves with θ; undefined once a fixed design is known to have every child move. */
  private active: Uint8Array | undefined;
  private readonly weighted: Float64Array;
  /**
   * Whether the children's means read nothing that changes besides the block
   * (a regression on data, as in probit augmentation): then a_j and A_j are
   * computed once instead of by d + 1 evaluations of every child per update.
   */
  readonly fixedDesign: boolean;
  private designKnown = false;
  /** With a fixed design, fixed child precisions and a fixed prior, Λ and its factor are computed once too. */
  readonly fixedPrecision: boolean;
  private precisionKnown = false;
  /** With fixed precisions, the children's (a number when they are all one value, as a probit's ones). */
  private childPrecisions: Float64Array | number | undefined;
  private precisionOk = false;
  /**
   * With a fixed design, scalar normal children whose precisions are one and
   * the same element τ (Rats' tau.c, a regression's residual precision):
   * Λ = Λ₀ + τ·Σ_j b_j b_jᵀ and η = Λ₀μ₀ + τ·Σ_j b_j (y_j − a_j), the sums
   * over the children taken once (`designSums`) instead of at every update.
   */
  private readonly sharedPrecision: { values: Float64Array; offset: number } | undefined;
  private designSums: { outer: Float64Array; response: Float64Array | undefined } | undefined;

  constructor(
    private readonly graph: ModelGraph,
    readonly members: StochasticNode[],
    readonly children: StochasticNode[],
  ) {
    this.coordinates = members.flatMap((node) => Array.from(node.offsets, (offset) => ({ node, offset })));
    const d = (this.d = this.coordinates.length);
    this.coordinateValues = this.coordinates.map((c) => c.node.variable.values);
    this.coordinateOffsets = Int32Array.from(this.coordinates, (c) => c.offset);
    this.priorMeans = ChildReads.parameters(graph, members, () => 0);
    this.priorPrecisions = ChildReads.parameters(graph, members, () => 1);
    let rows = 0;
    if (children.every((c) => c.side === 1)) {
      rows = children.length;
    } else {
      const sides = (this.childSides = Int32Array.from(children, (c) => c.side));
      const starts = (this.childStarts = new Int32Array(children.length));
      for (let j = 0; j < children.length; j++) {
        starts[j] = rows;
        rows += sides[j]!;
      }
    }
    this.rows = rows;
    this.intercepts = new Float64Array(rows);
    this.columnAt = new Int32Array(d);
    this.active = new Uint8Array(children.length);
    this.precision = new Float64Array(d * d);
    this.linear = new Float64Array(d);
    this.saved = new Float64Array(d);
    this.row = new Float64Array(d);
    let widest = 1;
    // By index: run once, a for-of makes an iterator result per element.
    for (let j = 0; j < children.length; j++) widest = Math.max(widest, children[j]!.side);
    this.weighted = new Float64Array(widest);
    const ids = new Set(members.map((m) => m.id));
    // Counts of moving parents answer for a whole child at once (parents.ts); only a child with other moving parents has its arguments looked at one by one.
    const fixedOrMembers = readsOnlyFixedOrMembers(graph, members, children);
    this.fixedDesign = children.every((c, j) => fixedOrMembers[j] === 1 || readsOnly(graph, c.statement.args[0]!, c, ids));
    // A fixed design's coefficients may be read in place (readMemberInnerProducts); a moving one's are stored.
    if (!this.fixedDesign) this.storeCoefficients();
    const none = new Set<number>();
    this.fixedPrecision = this.fixedDesign &&
      children.every((c) => readsOnlyFixed(graph, c) || readsOnly(graph, c.statement.args[1]!, c, none)) &&
      members.every((m) => m.statement.args.every((arg) => readsOnly(graph, arg, m, none)));
    this.sharedPrecision = this.fixedDesign && !this.fixedPrecision ? sharedPrecisionElement(graph, children) : undefined;
    // Scalar normal children whose means compile to linear terms need no probing at all.
    // A moving design (Dugongs' pow(gamma, x[i]) while gamma moves) is read at every update: its powers by trialPower.
    const compileTerm = linearTermCompiler(graph, members, !this.fixedDesign);
    const termOf = (c: StochasticNode): LinearTerm | undefined => (c.side === 1 ? compileTerm(c.statement.args[0]!, c.scope) : undefined);
    if (this.fixedDesign) {
      // A child without a term leaves the design unknown: it is probed at the first update then, as a moving design is.
      this.readTerms((j) => termOf(children[j]!), this.readMemberInnerProducts());
      if (this.designKnown) this.settleDesign();
    } else {
      const terms = children.map(termOf);
      this.terms = terms.every((t) => t !== undefined) ? (terms as LinearTerm[]) : undefined;
    }
  }

  /** Whether the coefficients are read in place from the design's data array (`placeCoefficients`), not stored. */
  get designInPlace(): boolean {
    return this.layout === 'inPlace';
  }

  /** Reads the coordinates' current values into `out` (length d). */
  getAll(out: Float64Array): void {
    const { coordinateValues, coordinateOffsets } = this;
    for (let k = 0; k < this.d; k++) out[k] = coordinateValues[k]![coordinateOffsets[k]!]!;
  }

  /** Writes the coordinates' values (length d) into the model and refreshes the nodes downstream. */
  setAll(x: Float64Array): void {
    const { coordinateValues, coordinateOffsets } = this;
    for (let k = 0; k < this.d; k++) coordinateValues[k]![coordinateOffsets[k]!] = x[k]!;
    // One pass over the members' dependents together, made at the first call, once the graph's dependents are final.
    (this.propagation ??= Propagation.ofNodes(this.graph, this.members)).run();
  }

  private propagation: Propagation | undefined;

  private setCoordinate(k: number, x: number): void {
    this.coordinateValues[k]![this.coordinateOffsets[k]!] = x;
    propagate(this.graph, this.coordinates[k]!.node);
  }

  private readMeans(into: Float64Array, shift: number): void {
    const { children, childStarts } = this;
    for (let j = 0; j < children.length; j++) {
      const child = children[j]!;
      const start = shift + (childStarts ? childStarts[j]! : j);
      if (child.side === 1) {
        into[start] = child.parameter(0);
      } else {
        for (let i = 0; i < child.side; i++) into[start + i] = child.parameter(i);
      }
    }
  }

  /**
   * Computes Λ (then factorised in place) and η at the current state of the
   * rest of the model. Returns false when Λ is not positive definite.
   */
  compute(): boolean {
    if (!this.fixedDesign || !this.designKnown) {
      this.computeDesign();
      if (this.fixedDesign) this.settleDesign();
    }
    if (!this.fixedPrecision || !this.precisionKnown) {
      // One pass over the children for Λ and η: each child's parameters (d + d² of them for a dmnorm child) evaluated once.
      if (this.sharedPrecision) this.computeFromSums(this.sharedPrecision.values[this.sharedPrecision.offset]!);
      else this.computePrecision(true);
      this.precisionOk = choleskyInPlace(this.precision, this.d);
      this.precisionKnown = true;
      return this.precisionOk;
    }
    if (!this.precisionOk) return false;
    this.computeLinear();
    return true;
  }

  /** Reads a_j and A_j off each child's linear term; false, with the design still unknown, at the first child without one. */
  private readTerms(termOf: (j: number) => LinearTerm | undefined, known?: Uint8Array): boolean {
    const { d, children, childStarts, row, rows } = this;
    const intercepts = (this.intercepts ??= new Float64Array(rows));
    const active = (this.active ??= new Uint8Array(children.length));
    for (let j = 0; j < children.length; j++) {
      if (known?.[j]) continue;
      const term = termOf(j);
      if (!term) return false;
      if (this.layout !== 'stored') this.storeCoefficients();
      const { coefficients, columnAt, rowStride } = this;
      row.fill(0);
      const start = childStarts ? childStarts[j]! : j;
      intercepts[start] = term(1, row);
      let moves = 0;
      for (let k = 0; k < d; k++) {
        coefficients[columnAt[k]! + start * rowStride] = row[k]!;
        if (row[k] !== 0) moves = 1;
      }
      active[j] = moves;
    }
    this.designKnown = true;
    return true;
  }

  /**
   * A fixed design once known: all-zero intercepts and an every-child-active list are implied instead of stored
   * (9 bytes a row). Object.is: an intercept of −0 is kept, y − (−0) and y − 0 differing for y = −0. EM's
   * `accumulateWeighted` recomputes the design into arrays made again then (and kept).
   */
  private settleDesign(): void {
    const { intercepts, active } = this;
    if (intercepts && intercepts.every((a) => Object.is(a, 0))) this.intercepts = undefined;
    if (active && active.every((a) => a === 1)) this.active = undefined;
  }

  /**
   * With a fixed design, reads a_j and b_j of the scalar children whose mean is
   * inprod(w, θ-side) with the θ-side a whole variable of coordinates
   * (a regression's inprod(X[i, ], beta[])) by evaluating each child's compiled
   * mean at θ = 0 and at the unit vectors: a_j = Σ w·0 = 0 and b_jk = w_k
   * exactly, as its linear term would give, without compiling a term per
   * child (about 500 bytes of garbage a row, half a gigabyte for a probit's
   * million rows). Returns the children read, or undefined for none.
   */
  private readMemberInnerProducts(): Uint8Array | undefined {
    const { d, children, childStarts, saved, rows } = this;
    if (d > PROBED_INNER_PRODUCTS_UP_TO) return undefined;
    const intercepts = (this.intercepts ??= new Float64Array(rows));
    const active = (this.active ??= new Uint8Array(children.length));
    const byStatement = new Map<unknown, boolean>();
    const read = new Uint8Array(children.length);
    let any = false;
    for (let j = 0; j < children.length; j++) {
      const c = children[j]!;
      if (c.side !== 1) continue;
      let fits = byStatement.get(c.statement);
      if (fits === undefined) byStatement.set(c.statement, (fits = this.isMemberInnerProduct(c.statement.args[0]!, c)));
      if (fits) {
        read[j] = 1;
        any = true;
      }
    }
    if (!any) return undefined;
    if (this.layout === 'none' && !(read.every((x) => x === 1) && byStatement.size === 1 && this.placeCoefficients())) this.storeCoefficients();
    const { coefficients, columnAt, rowStride } = this;
    const inPlace = this.layout === 'inPlace';
    let differs = false;
    this.getAll(saved);
    for (let k = 0; k < d; k++) this.setCoordinate(k, 0);
    for (let j = 0; j < children.length; j++) if (read[j]) intercepts[childStarts ? childStarts[j]! : j] = children[j]!.parameter(0);
    for (let k = 0; k < d; k++) {
      this.setCoordinate(k, 1);
      for (let j = 0; j < children.length; j++) {
        if (!read[j]) continue;
        const start = childStarts ? childStarts[j]! : j;
        const b = children[j]!.parameter(0) - intercepts[start]!;
        // In place, the probe checks that each coefficient is the very number the data array holds.
        if (!inPlace) coefficients[columnAt[k]! + start * rowStride] = b;
        else if (!Object.is(coefficients[columnAt[k]! + start * rowStride], b)) differs = true;
        if (b !== 0) active[j] = 1;
      }
      this.setCoordinate(k, 0);
    }
    for (let k = 0; k < d; k++) this.setCoordinate(k, saved[k]!);
    if (differs) {
      // Not the data's numbers (0 × ∞ in the probe, a −0, rows not evenly spaced): stored, and probed again.
      this.layout = 'none';
      this.storeCoefficients();
      return this.readMemberInnerProducts();
    }
    return read;
  }

  /** Stored coefficients (see `coefficients`), holding those read in place so far, or zeros. */
  private storeCoefficients(): void {
    const { d, rows, columnAt } = this;
    const stored = new Float64Array(d * rows);
    if (this.layout === 'inPlace') {
      const { coefficients, rowStride } = this;
      for (let k = 0; k < d; k++) for (let r = 0; r < rows; r++) stored[k * rows + r] = coefficients[columnAt[k]! + r * rowStride]!;
    }
    for (let k = 0; k < d; k++) columnAt[k] = k * rows;
    this.coefficients = stored;
    this.rowStride = 1;
    this.layout = 'stored';
  }

  /**
   * Every child scalar, of one statement whose mean is inprod(w, θ) with θ a whole variable of exactly the block's
   * coordinates and w read in place (X[i, ]): child j's coefficient of coordinate k is then w's element at θ's
   * offset of k, the positions w reads in child 0 spaced evenly across the children (child j's are child 0's
   * shifted by j times child 1's shift). Taken as a guess, which the probe checks number by number.
   */
  private placeCoefficients(): boolean {
    const { children, coordinates, d } = this;
    if (this.childStarts || children.length === 0) return false;
    const first = children[0]!;
    const mean = first.statement.args[0]!;
    if (mean.kind !== 'call' || mean.callee !== 'inprod' || mean.args.length !== 2) return false;
    const variable = coordinates[0]!.node.variable;
    if (variable.values.length !== d || !coordinates.every((c) => c.node.variable === variable)) return false;
    const isTheta = (e: Expression): boolean => (e.kind === 'name' || e.kind === 'index') && e.name === variable.name && !first.scope.has(e.name);
    const [a, b] = [mean.args[0]!.value, mean.args[1]!.value];
    const w = isTheta(b) ? a : isTheta(a) ? b : undefined;
    if (!w) return false;
    const at = (child: StochasticNode): { values: Float64Array; offsets: Int32Array } | undefined => this.graph.expressions.array(w, child.scope).direct;
    const start = at(first);
    if (!start || start.offsets.length !== d) return false;
    let rowStride = 0;
    if (children.length > 1) {
      const next = at(children[1]!);
      if (!next || next.values !== start.values) return false;
      rowStride = next.offsets[0]! - start.offsets[0]!;
    }
    for (let k = 0; k < d; k++) this.columnAt[k] = start.offsets[coordinates[k]!.offset]!;
    this.coefficients = start.values;
    this.rowStride = rowStride;
    this.layout = 'inPlace';
    return true;
  }

  /** Whether `mean` is inprod(w, v) or inprod(v, w) with v a whole variable (beta, beta[]) every element of which is a coordinate. */
  private isMemberInnerProduct(mean: Expression, child: StochasticNode): boolean {
    if (mean.kind !== 'call' || mean.callee !== 'inprod' || mean.args.length !== 2) return false;
    return mean.args.some(({ value: v }) => {
      const whole = v.kind === 'name' || (v.kind === 'index' && v.indices.every((ix) => ix.kind === 'empty'));
      if (!whole || child.scope.has(v.name)) return false;
      const variable = this.graph.variables.get(v.name);
      if (!variable) return false;
      const seen = new Uint8Array(variable.values.length);
      for (const c of this.coordinates) if (c.node.variable === variable) seen[c.offset] = 1;
      return seen.every((x) => x === 1);
    });
  }

  /** With a fixed design: whether every child's mean is A_j θ with no intercept (a_j = 0). */
  interceptsAreZero(): boolean {
    if (!this.fixedDesign) return false;
    if (!this.designKnown) this.computeDesign();
    return !this.intercepts || this.intercepts.every((a) => a === 0);
  }

  /** a_j and A_j: read off compiled linear terms, or else by d + 1 evaluations of the children's means. */
  private computeDesign(): void {
    // Probing writes the coefficients: stored from here on (EM's recomputation of a design read in place).
    if (this.layout !== 'stored') this.storeCoefficients();
    const { d, children, childSides, childStarts, coefficients, saved, columnAt, rowStride, rows } = this;
    const terms = this.terms;
    if (terms && this.readTerms((j) => terms[j])) return;
    // Probing moves the coordinates; they go back where they were, so a caller that refuses the update leaves the block untouched.
    const intercepts = (this.intercepts ??= new Float64Array(rows));
    const active = (this.active ??= new Uint8Array(children.length));
    this.getAll(saved);
    for (let k = 0; k < d; k++) this.setCoordinate(k, 0);
    this.readMeans(intercepts, 0);
    for (let k = 0; k < d; k++) {
      this.setCoordinate(k, 1);
      this.readMeans(coefficients, k * rows);
      for (let r = 0; r < rows; r++) coefficients[k * rows + r] = coefficients[k * rows + r]! - intercepts[r]!;
      this.setCoordinate(k, 0);
    }
    // A child whose mean does not move with θ (a mixture component not chosen now) adds nothing.
    for (let j = 0; j < children.length; j++) {
      let moves = 0;
      const start = childStarts ? childStarts[j]! : j, side = childSides ? childSides[j]! : 1;
      for (let k = 0; k < d && !moves; k++) for (let i = 0; i < side; i++) if (coefficients[columnAt[k]! + (start + i) * rowStride] !== 0) moves = 1;
      active[j] = moves;
    }
    this.designKnown = true;
    this.setAll(saved);
  }

  /** Λ and η from the children's sums (see `sharedPrecision`), all with precision `tau`. */
  private computeFromSums(tau: number): void {
    const { d, precision, linear } = this;
    const sums = (this.designSums ??= this.sumDesign());
    zero(precision, d * d);
    zero(linear, d);
    this.addPriorToBoth();
    const outer = sums.outer;
    for (let k = 0; k < d * d; k++) precision[k] = precision[k]! + tau * outer[k]!;
    if (sums.response) {
      for (let k = 0; k < d; k++) linear[k] = linear[k]! + tau * sums.response[k]!;
      return;
    }
    // Children that are not data move between updates: their y_j − a_j is read each time.
    const { children, childStarts, coefficients, active, intercepts, columnAt, rowStride } = this;
    for (let j = 0; j < children.length; j++) {
      if (active && !active[j]) continue;
      const child = children[j]!;
      const start = childStarts ? childStarts[j]! : j;
      const w = tau * (child.variable.values[child.offset]! - (intercepts ? intercepts[start]! : 0));
      for (let k = 0; k < d; k++) linear[k] = linear[k]! + w * coefficients[columnAt[k]! + start * rowStride]!;
    }
  }

  /** Σ_j b_j b_jᵀ over the active children, and Σ_j b_j (y_j − a_j) when every child is data. */
  private sumDesign(): { outer: Float64Array; response: Float64Array | undefined } {
    const { d, children, childStarts, coefficients, active, intercepts, columnAt, rowStride } = this;
    const outer = new Float64Array(d * d);
    const response = children.every((c) => c.observed) ? new Float64Array(d) : undefined;
    for (let j = 0; j < children.length; j++) {
      if (active && !active[j]) continue;
      const child = children[j]!;
      const start = childStarts ? childStarts[j]! : j;
      const residual = child.variable.values[child.offset]! - (intercepts ? intercepts[start]! : 0);
      for (let k = 0; k < d; k++) {
        const bk = coefficients[columnAt[k]! + start * rowStride]!;
        if (response) response[k] = response[k]! + bk * residual;
        for (let l = 0; l < d; l++) outer[k * d + l] = outer[k * d + l]! + bk * coefficients[columnAt[l]! + start * rowStride]!;
      }
    }
    return { outer, response };
  }

  /** Λ = Λ₀ + Σ_j A_jᵀ T_j A_j (lower triangle, then mirrored); with `withLinear` η too, in the same pass. */
  private computePrecision(withLinear: boolean): void {
    const { d, precision, linear, children, childStarts, coefficients, active, intercepts, columnAt, rowStride } = this;
    zero(precision, d * d);
    if (withLinear) {
      zero(linear, d);
      this.addPriorToBoth();
    } else {
      this.addPrior(true);
    }
    for (let j = 0; j < children.length; j++) {
      if (active && !active[j]) continue;
      const child = children[j]!;
      const start = childStarts ? childStarts[j]! : j;
      if (child.side === 1) {
        const tau = child.parameter(1);
        if (withLinear) {
          const w = tau * (child.variable.values[child.offset]! - (intercepts ? intercepts[start]! : 0));
          for (let k = 0; k < d; k++) linear[k] = linear[k]! + w * coefficients[columnAt[k]! + start * rowStride]!;
        }
        for (let k = 0; k < d; k++) {
          const bk = coefficients[columnAt[k]! + start * rowStride]!;
          if (bk === 0) continue;
          const t = tau * bk;
          for (let l = 0; l <= k; l++) precision[k * d + l] = precision[k * d + l]! + t * coefficients[columnAt[l]! + start * rowStride]!;
        }
        continue;
      }
      const m = child.side;
      const p = currentParameters(child);
      if (withLinear) this.addChildLinear(child, start, p);
      for (let k = 0; k < d; k++) {
        for (let l = 0; l <= k; l++) {
          let q = 0;
          for (let i = 0; i < m; i++) {
            const aik = coefficients[columnAt[k]! + (start + i) * rowStride]!;
            if (aik === 0) continue;
            for (let h = 0; h < m; h++) q += aik * p[m + i * m + h]! * coefficients[columnAt[l]! + (start + h) * rowStride]!;
          }
          precision[k * d + l] = precision[k * d + l]! + q;
        }
      }
    }
    for (let k = 0; k < d; k++) for (let l = 0; l < k; l++) precision[l * d + k] = precision[k * d + l]!;
  }

  /** η = Λ₀μ₀ + Σ_j A_jᵀ T_j (y_j − a_j). */
  private computeLinear(): void {
    const { d, linear, children, childStarts, intercepts, coefficients, active, columnAt, rowStride } = this;
    zero(linear, d);
    this.addPrior(false);
    // With fixed precisions (probit's z[i], precision 1) each child's precision is read once, not per update.
    if (this.fixedPrecision && this.childPrecisions === undefined) this.childPrecisions = fixedPrecisions(children);
    const taus = this.childPrecisions;
    const tau = typeof taus === 'number' ? taus : Number.NaN;
    const each = typeof taus === 'number' ? undefined : taus;
    for (let j = 0; j < children.length; j++) {
      if (active && !active[j]) continue;
      const child = children[j]!;
      const start = childStarts ? childStarts[j]! : j;
      if (child.side === 1) {
        const w = (each ? each[j]! : taus === undefined ? child.parameter(1) : tau) * (child.variable.values[child.offset]! - (intercepts ? intercepts[start]! : 0));
        for (let k = 0; k < d; k++) linear[k] = linear[k]! + w * coefficients[columnAt[k]! + start * rowStride]!;
        continue;
      }
      this.addChildLinear(child, start, currentParameters(child));
    }
  }

  /** Adds a multivariate child's A_jᵀ T_j (y_j − a_j) to η, its parameters `p` evaluated. */
  private addChildLinear(child: StochasticNode, start: number, p: Float64Array): void {
    const { d, linear, intercepts, coefficients, weighted, columnAt, rowStride } = this;
    const m = child.side;
    for (let i = 0; i < m; i++) {
      let s = 0;
      for (let l = 0; l < m; l++) s += p[m + i * m + l]! * (child.variable.values[child.offsets[l]!]! - (intercepts ? intercepts[start + l]! : 0));
      weighted[i] = s;
    }
    for (let k = 0; k < d; k++) {
      let s = 0;
      for (let i = 0; i < m; i++) s += coefficients[columnAt[k]! + (start + i) * rowStride]! * weighted[i]!;
      linear[k] = linear[k]! + s;
    }
  }

  /** Adds Λ₀ to Λ and Λ₀μ₀ to η: scalar members' parameters read once for both. */
  private addPriorToBoth(): void {
    const { precision, linear, members } = this;
    if (members.length === 1 && members[0]!.distribution.multivariate) {
      this.addPrior(true);
      this.addPrior(false);
      return;
    }
    const { d, priorMeans, priorPrecisions } = this;
    for (let k = 0; k < d; k++) {
      const tau = priorParameter(priorPrecisions, members, k, 1);
      precision[k * d + k] = precision[k * d + k]! + tau;
      linear[k] = linear[k]! + tau * priorParameter(priorMeans, members, k, 0);
    }
  }

  /** Adds the prior's precision Λ₀ (with `toPrecision`) or its Λ₀μ₀ to η. */
  private addPrior(toPrecision: boolean): void {
    const { d, precision, linear, members } = this;
    if (members.length === 1 && members[0]!.distribution.multivariate) {
      const p = currentParameters(members[0]!);
      for (let k = 0; k < d; k++) {
        let s = 0;
        for (let l = 0; l < d; l++) {
          if (toPrecision) precision[k * d + l] = precision[k * d + l]! + p[d + k * d + l]!;
          s += p[d + k * d + l]! * p[l]!;
        }
        if (!toPrecision) linear[k] = linear[k]! + s;
      }
      return;
    }
    for (let k = 0; k < d; k++) {
      const tau = priorParameter(this.priorPrecisions, members, k, 1);
      if (toPrecision) precision[k * d + k] = precision[k * d + k]! + tau;
      else linear[k] = linear[k]! + tau * priorParameter(this.priorMeans, members, k, 0);
    }
  }

  /**
   * For EM: adds the children's shares of Λ and η at the current state,
   * each child's multiplied by weight[child id] (the design is recomputed:
   * the latent nodes may have moved it).
   */
  accumulateWeighted(lambda: Float64Array, eta: Float64Array, weight: Float64Array): void {
    this.computeDesign();
    const { d, children, childStarts, coefficients, columnAt, rowStride } = this;
    // computeDesign made them again if a settled design had let them go.
    const intercepts = this.intercepts!;
    const active = this.active!;
    for (let j = 0; j < children.length; j++) {
      const child = children[j]!;
      const w = weight[child.id]!;
      if (!active[j] || w === 0) continue;
      const start = childStarts ? childStarts[j]! : j;
      const m = child.side;
      const p = currentParameters(child);
      for (let i = 0; i < m; i++) {
        let s = 0;
        for (let l = 0; l < m; l++) s += this.childPrecision(child, p, i, l) * (child.variable.values[child.offsets[l]!]! - intercepts[start + l]!);
        for (let k = 0; k < d; k++) eta[k] = eta[k]! + w * coefficients[columnAt[k]! + (start + i) * rowStride]! * s;
      }
      for (let k = 0; k < d; k++) {
        for (let l = 0; l < d; l++) {
          let q = 0;
          for (let i = 0; i < m; i++) {
            const aik = coefficients[columnAt[k]! + (start + i) * rowStride]!;
            if (aik === 0) continue;
            for (let h = 0; h < m; h++) q += aik * this.childPrecision(child, p, i, h) * coefficients[columnAt[l]! + (start + h) * rowStride]!;
          }
          lambda[k * d + l] = lambda[k * d + l]! + w * q;
        }
      }
    }
  }

  private childPrecision(child: StochasticNode, p: Float64Array, i: number, h: number): number {
    return child.side === 1 ? p[1]! : p[child.side + i * child.side + h]!;
  }

  /** For EM: adds the prior's Λ₀ and Λ₀μ₀ to `lambda` and `eta`, each member's share weighted by weight[member id]. */
  addPriorWeighted(lambda: Float64Array, eta: Float64Array, weight: Float64Array): void {
    const { d, members } = this;
    if (members.length === 1 && members[0]!.distribution.multivariate) {
      const w = weight[members[0]!.id]!;
      if (w === 0) return;
      const p = currentParameters(members[0]!);
      for (let k = 0; k < d; k++) {
        let s = 0;
        for (let l = 0; l < d; l++) {
          lambda[k * d + l] = lambda[k * d + l]! + w * p[d + k * d + l]!;
          s += p[d + k * d + l]! * p[l]!;
        }
        eta[k] = eta[k]! + w * s;
      }
      return;
    }
    for (let k = 0; k < d; k++) {
      const node = members[k]!;
      const w = weight[node.id]!;
      if (w === 0) continue;
      const tau = node.parameter(1);
      lambda[k * d + k] = lambda[k * d + k]! + w * tau;
      eta[k] = eta[k]! + w * tau * node.parameter(0);
    }
  }

  /** The conditional mean Λ⁻¹η into `out`, after `compute`. */
  mean(out: Float64Array): void {
    // A loop, not out.set(linear): TypedArray.prototype.set is a call V8 does not inline, dearer than a block's few copies.
    const { linear, d } = this;
    for (let k = 0; k < d; k++) out[k] = linear[k]!;
    solveWithCholeskyInPlace(this.precision, out, d);
  }
}

/**
 * The most coordinates for which readMemberInnerProducts probes: each child is evaluated d + 1 times at d
 * multiply-adds each, against d for a compiled term (plus its garbage); past about 32 the terms are cheaper.
 */
const PROBED_INNER_PRODUCTS_UP_TO = 32;

/** The one element every child reads as its precision (scalar normal children only), or undefined. */
function sharedPrecisionElement(graph: ModelGraph, children: StochasticNode[]): { values: Float64Array; offset: number } | undefined {
  let shared: { values: Float64Array; offset: number } | undefined;
  for (const child of children) {
    const e = child.statement.args[1];
    if (child.side !== 1 || child.distribution.name !== 'dnorm' || child.lower || child.upper || !e || (e.kind !== 'name' && e.kind !== 'index')) return undefined;
    const direct = graph.expressions.array(e, child.scope).direct;
    if (!direct || direct.offsets.length !== 1) return undefined;
    if (!shared) shared = { values: direct.values, offset: direct.offsets[0]! };
    else if (shared.values !== direct.values || shared.offset !== direct.offsets[0]) return undefined;
  }
  return shared;
}

/**
 * Whether an argument of a node's relation reads, directly or through
 * deterministic nodes, only data, observed nodes and the `allowed` nodes.
 */
function readsOnly(graph: ModelGraph, argument: Expression, node: StochasticNode, allowed: Set<number>): boolean {
  const seen = new Set<number>();
  const pending = [graph.expressions.array(argument, node.scope).reads];
  while (pending.length) {
    for (const r of pending.pop()!) {
      const role = r.variable.role[r.offset];
      if (role === Role.Stochastic) {
        const id = r.variable.node[r.offset]!;
        if (!allowed.has(id) && !graph.stochastic[id]!.observed) return false;
      } else if (role === Role.Deterministic) {
        const id = r.variable.node[r.offset]!;
        if (seen.has(id)) continue;
        seen.add(id);
        const d = graph.deterministic[id]!;
        pending.push(graph.expressions.compile(d.statement.value, d.scope).reads);
      }
    }
  }
  return true;
}

/**
 * Whether `members` form a Gaussian block whose children are all linear:
 * normal priors (one dmnorm, or scalar dnorm nodes), untruncated, none a
 * parent of another, and every child dnorm/dmnorm with a mean linear in the
 * members jointly and a precision free of them.
 */
export function gaussianBlockChildren(graph: ModelGraph, members: StochasticNode[]): StochasticNode[] | undefined {
  if (members.some((m) => m.observed || m.statement.truncation)) return undefined;
  const single = members.length === 1 && members[0]!.distribution.name === 'dmnorm';
  if (!single && !members.every((m) => m.distribution.name === 'dnorm')) return undefined;
  const ids = new Set(members.map((m) => m.id));
  const lists = members.map((m) => m.children);
  // Members of a block found by their shared children nearly always hold one list (wiring shares equal lists): its
  // union is itself, and merging a million-row regression's lists made an 8 MB list and its growth's copies.
  const shared = lists.every((list) => list === lists[0]) && strictlyAscending(lists[0]!);
  if ((shared ? [lists[0]!] : lists).some((list) => list.some((c) => ids.has(c)))) return undefined;
  const childIds = shared ? lists[0]! : sortedUnion(lists);
  const children = childIds.map((id) => graph.stochastic[id]!);
  const analysis = new DependenceAnalysis(graph, members);
  // By index: run once, a for-of makes an iterator result per element.
  for (let j = 0; j < children.length; j++) {
    const child = children[j]!;
    if (child.statement.truncation) return undefined;
    // Indexed, not destructured: destructuring goes through an iterator too.
    const meanArg = child.statement.args[0];
    const precisionArg = child.statement.args[1];
    if (child.distribution.name === 'dnorm') {
      if (analysis.of(meanArg!, child.scope) === Dependence.Nonlinear) return undefined;
      if (analysis.of(precisionArg!, child.scope) !== Dependence.Constant) return undefined;
    } else if (child.distribution.name === 'dmnorm') {
      if (analysis.elements(meanArg!, child.scope).some((x) => x === Dependence.Nonlinear)) return undefined;
      if (analysis.elements(precisionArg!, child.scope).some((x) => x !== Dependence.Constant)) return undefined;
    } else {
      return undefined;
    }
  }
  return children;
}

/**
 * Fixed children's precisions, read once: one number when they are all the same (a probit's ones), else one a child
 * (NaN for a multivariate child, which reads its own).
 */
function fixedPrecisions(children: StochasticNode[]): Float64Array | number {
  const tau = (c: StochasticNode): number => (c.side === 1 ? c.parameter(1) : Number.NaN);
  // Compared before any table is made: one a child was 8 MB at a million probit rows, all ones.
  const first = children.length > 0 ? tau(children[0]!) : Number.NaN;
  if (children.length > 0 && children.every((c) => Object.is(tau(c), first))) return first;
  return Float64Array.from(children, tau);
}

/** Zeroes the first n values: for a block's few, a loop costs less than TypedArray.fill's call. */
function zero(a: Float64Array, n: number): void {
  for (let k = 0; k < n; k++) a[k] = 0;
}

/** Scalar member k's prior parameter `parameter` (0 the mean, 1 the precision), in place where it can be. */
function priorParameter(reads: ChildReads, members: StochasticNode[], k: number, parameter: number): number {
  const at = reads.offsets[k]!;
  return at >= 0 ? reads.arrays[k]![at]! : members[k]!.parameter(parameter);
}
