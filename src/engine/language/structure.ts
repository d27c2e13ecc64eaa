import { depthFirst } from '../depthFirst';
import type { Expression, IndexExpression, Statement } from './ast';
import type { Problem, SourceRange } from './source';

/**
 * Structural checks that need no data: directed cycles (`a ~ dnorm(b, 1)` with
 * `b ~ dnorm(a, 1)`, or `a <- b + 1` with `b <- a * 2`) and elements defined
 * twice, and a variable indexed with different numbers of indices. Without data the loops cannot be unrolled, so elements are compared
 * symbolically: a loop variable stands for its loop's range as written, and
 * two references are the same elements when they read alike. That finds every
 * cycle among scalars and among elements indexed alike (`x[i]` and `y[i]` in
 * loops over the same range); a cycle through shifted or computed indices
 * (`x[i - 1]`, `mu[z[i]]`) is left to the compiler, which sees it with the
 * data. A cycle found here is certain: elements that read alike are the same.
 */
export function structuralProblems(statements: Statement[]): Problem[] {
  const relations: Relation[] = [];
  collect(statements, new Map(), relations);
  const problems: Problem[] = [];
  const byKey = new Map<string, Relation>();
  for (const r of relations) {
    const earlier = byKey.get(r.key);
    if (earlier) {
      problems.push({ severity: 'error', message: `${r.shown} is defined twice (also at line ${earlier.statement.range.start.line + 1}).`, range: r.statement.target.range });
    } else {
      byKey.set(r.key, r);
    }
  }
  problems.push(...cycles([...byKey.values()], byKey));
  problems.push(...indexCounts(relations));
  return problems;
}

/** A variable the model defines is indexed with one number of indices throughout (x[i] and x[i, j] cannot both be x). */
function indexCounts(relations: Relation[]): Problem[] {
  const defined = new Map<string, Relation>();
  for (const r of relations) {
    const count = r.statement.target.indices.length;
    const first = defined.get(r.statement.target.name);
    if (!first) defined.set(r.statement.target.name, r);
    else if (count !== first.statement.target.indices.length && count > 0 && first.statement.target.indices.length > 0) {
      const n = first.statement.target.indices.length;
      return [{ severity: 'error', message: `${r.statement.target.name} is defined with ${count} index(es) here but ${n} at line ${first.statement.range.start.line + 1}.`, range: r.statement.target.range }];
    }
  }
  const problems: Problem[] = [];
  for (const r of relations) {
    for (const use of r.uses) {
      const def = defined.get(use.name);
      const n = def?.statement.target.indices.length ?? 0;
      if (def && use.count > 0 && n > 0 && use.count !== n) {
        problems.push({ severity: 'error', message: `${use.name} has ${n} dimension(s) (as defined at line ${def.statement.range.start.line + 1}) but is indexed with ${use.count} here.`, range: use.range });
      }
    }
  }
  return problems;
}

interface Relation {
  statement: Extract<Statement, { kind: 'stochastic' | 'deterministic' }>;
  /** The defined elements, loop variables replaced by their ranges. */
  key: string;
  /** The target as written, for messages. */
  shown: string;
  /** Keys of the references the relation reads. */
  reads: string[];
  /** Indexed references, with their number of indices. */
  uses: Array<{ name: string; count: number; range: SourceRange }>;
}

/** Loop variable → the loop's range as written, `⟨1:N⟩`. */
type Loops = ReadonlyMap<string, string>;

function collect(statements: Statement[], loops: Loops, into: Relation[]): void {
  for (const s of statements) {
    if (s.kind === 'for') {
      const inner = new Map(loops);
      inner.set(s.variable, `⟨${text(s.from, loops)}:${text(s.to, loops)}⟩`);
      collect(s.body, inner, into);
      continue;
    }
    const reads: string[] = [];
    const uses: Relation['uses'] = [];
    const expressions = s.kind === 'deterministic' ? [s.value] : [...s.args, ...(s.truncation?.lower ? [s.truncation.lower] : []), ...(s.truncation?.upper ? [s.truncation.upper] : [])];
    for (const e of expressions) references(e, loops, reads, uses);
    for (const i of s.target.indices) for (const e of indexExpressions(i)) references(e, loops, reads, uses);
    into.push({ statement: s, key: reference(s.target.name, s.target.indices, loops), shown: reference(s.target.name, s.target.indices, new Map()), reads, uses });
  }
}

function references(e: Expression, loops: Loops, into: string[], uses: Relation['uses']): void {
  switch (e.kind) {
    case 'name':
      if (!loops.has(e.name)) into.push(e.name);
      return;
    case 'index':
      into.push(reference(e.name, e.indices, loops));
      uses.push({ name: e.name, count: e.indices.length, range: e.range });
      for (const i of e.indices) for (const x of indexExpressions(i)) references(x, loops, into, uses);
      return;
    case 'unary':
      references(e.operand, loops, into, uses);
      return;
    case 'binary':
      references(e.left, loops, into, uses);
      references(e.right, loops, into, uses);
      return;
    case 'call':
      for (const a of e.args) references(a.value, loops, into, uses);
      return;
    default:
      return;
  }
}

function indexExpressions(i: IndexExpression): Expression[] {
  return i.kind === 'at' ? [i.value] : i.kind === 'range' ? [i.from, i.to] : [];
}

function reference(name: string, indices: IndexExpression[], loops: Loops): string {
  if (indices.length === 0) return name;
  return `${name}[${indices.map((i) => (i.kind === 'empty' ? '' : i.kind === 'range' ? `${text(i.from, loops)}:${text(i.to, loops)}` : text(i.value, loops))).join(',')}]`;
}

/** An expression as text, loop variables replaced by their ranges. */
function text(e: Expression, loops: Loops): string {
  switch (e.kind) {
    case 'number':
      return String(e.value);
    case 'string':
      return JSON.stringify(e.value);
    case 'name':
      return loops.get(e.name) ?? e.name;
    case 'index':
      return reference(e.name, e.indices, loops);
    case 'unary':
      return `${e.op}(${text(e.operand, loops)})`;
    case 'binary':
      return `(${text(e.left, loops)}${e.op}${text(e.right, loops)})`;
    case 'call':
      return `${e.callee}(${e.args.map((a) => text(a.value, loops)).join(',')})`;
  }
}

/** One problem per directed cycle found by depth-first search, at the relation that closes it. */
function cycles(relations: Relation[], byKey: ReadonlyMap<string, Relation>): Problem[] {
  const index = new Map(relations.map((r, k) => [r, k]));
  const parents = relations.map((r) => [...new Set(r.reads)].flatMap((key) => (byKey.has(key) ? [index.get(byKey.get(key)!)!] : [])));
  const problems: Problem[] = [];
  depthFirst(relations.length, (k) => parents[k]!, {
    cycle(k, p) {
      const r = relations[k]!;
      const through = p === k ? '' : ` through ${relations[p]!.shown}`;
      problems.push({ severity: 'error', message: `${r.shown} depends on itself: the model has a directed cycle${through}.`, range: r.statement.range });
    },
  });
  return problems;
}
