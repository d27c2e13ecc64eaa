import type { SourceRange } from './source';

/** Expressions of the model language and of R-style data values. */
export type Expression =
  | { kind: 'number'; value: number; range: SourceRange }
  | { kind: 'string'; value: string; range: SourceRange }
  | { kind: 'name'; name: string; range: SourceRange }
  | { kind: 'index'; name: string; nameRange: SourceRange; indices: IndexExpression[]; range: SourceRange }
  | { kind: 'call'; callee: string; calleeRange: SourceRange; args: Argument[]; range: SourceRange }
  | { kind: 'unary'; op: '-' | '+' | '!'; operand: Expression; range: SourceRange }
  | { kind: 'binary'; op: string; left: Expression; right: Expression; range: SourceRange };

/** An index position: an expression, a range `a:b`, or empty (`x[i, ]`). */
export type IndexExpression =
  | { kind: 'empty'; range: SourceRange }
  | { kind: 'range'; from: Expression; to: Expression; range: SourceRange }
  | { kind: 'at'; value: Expression; range: SourceRange };

/** A call argument; `name` is set for R-style named arguments (`.Dim = c(2, 3)`). */
export interface Argument {
  name?: string;
  value: Expression;
  range: SourceRange;
}

/** The left-hand side of a relation: a variable, possibly indexed, possibly under a link function. */
export interface Target {
  name: string;
  nameRange: SourceRange;
  indices: IndexExpression[];
  link?: string;
  range: SourceRange;
}

export interface Truncation {
  kind: 'T' | 'I';
  lower?: Expression;
  upper?: Expression;
  range: SourceRange;
}

export type Statement =
  | {
      kind: 'stochastic';
      target: Target;
      distribution: string;
      distributionRange: SourceRange;
      args: Expression[];
      truncation?: Truncation;
      range: SourceRange;
    }
  | { kind: 'deterministic'; target: Target; value: Expression; range: SourceRange }
  | { kind: 'for'; variable: string; variableRange: SourceRange; from: Expression; to: Expression; body: Statement[]; range: SourceRange };

export interface Block {
  kind: 'model' | 'data';
  statements: Statement[];
  range: SourceRange;
  /** `model NAME { ... }`: a name other cells' runs can refer to. */
  name?: { text: string; range: SourceRange };
}

/** A declaration in a `var` section: `x[N, 2]` or a bare name. */
export interface Declaration {
  name: string;
  dims: Expression[];
  range: SourceRange;
}

/**
 * `data from "ratings.csv" with (Y = c(r1, r2))`: values read from a file,
 * relative to the notebook's folder (docs/language.md, "Data from files").
 */
export interface FileSource {
  kind: 'file';
  /** The file name as written. */
  path: string;
  pathRange: SourceRange;
  /** The entries of `with (...)`: renamings, columns bound into a matrix, `length(x)`, `NULL`. */
  bindings: Argument[];
  range: SourceRange;
}

/** Notebook directives: what a cell asks for besides the model itself (see docs/language.md). */
export type Directive =
  | { kind: 'data'; value: Expression | FileSource; range: SourceRange }
  | { kind: 'inits'; value: Expression | FileSource; range: SourceRange }
  | {
      kind: 'run';
      /**
       * `sample`: Gibbs sampling; `calibrate`: simulation-based calibration of the model's samplers (src/engine/sbc);
       * `fit`: point estimates by the EM family (src/engine/fit).
       */
      verb: 'sample' | 'calibrate' | 'fit';
      /** `sample NAME with ...`: runs the model of that name, defined in another cell. */
      model?: { text: string; range: SourceRange };
      algorithm: string;
      algorithmRange: SourceRange;
      options: Argument[];
      range: SourceRange;
    }
  /** `compare m1, m2 with loo`: samples the named models (defined in cells above) and ranks them by elpd_loo. */
  | { kind: 'compare'; models: Array<{ text: string; range: SourceRange }>; criterion: 'loo'; range: SourceRange };

export interface Document {
  declarations: Declaration[];
  model?: Block;
  data?: Block;
  directives: Directive[];
}
