import type { Document, Expression, IndexExpression, Statement } from '../language/ast';
import type { SourceRange } from '../language/source';

/** A statement that defines a variable (`~` or `<-`), with the loops around it. */
export interface DefiningStatement {
  statement: Exclude<Statement, { kind: 'for' }>;
  loops: Extract<Statement, { kind: 'for' }>[];
}

/** `p[2,3]` → `p`, [2, 3]; `tau` → `tau`, []. */
export function splitScalarName(name: string): { variable: string; indices: number[] } {
  const match = /^(.+?)\[([^\]]*)\]$/.exec(name);
  if (!match) return { variable: name, indices: [] };
  return { variable: match[1]!, indices: match[2]!.split(',').map((i) => Number(i.trim())) };
}

/** Every `~` and `<-` statement of the model, in text order, with its enclosing loops. */
export function definingStatements(document: Document): DefiningStatement[] {
  const out: DefiningStatement[] = [];
  const walk = (statements: Statement[], loops: DefiningStatement['loops']): void => {
    for (const s of statements) {
      if (s.kind === 'for') walk(s.body, [...loops, s]);
      else out.push({ statement: s, loops });
    }
  };
  if (document.model) walk(document.model.statements, []);
  return out;
}

/**
 * The statement that defines one scalar: among the statements of its variable,
 * the first whose indices can take the scalar's (a constant equal to it, a
 * range or a loop over constants that holds it, or bounds only the data know);
 * else the variable's first statement.
 */
export function statementDefining(statements: readonly DefiningStatement[], scalar: string): DefiningStatement | undefined {
  const { variable, indices } = splitScalarName(scalar);
  const candidates = statements.filter((s) => s.statement.target.name === variable);
  return candidates.find((c) => indicesCanHold(c, indices)) ?? candidates[0];
}

function indicesCanHold(candidate: DefiningStatement, indices: number[]): boolean {
  const target = candidate.statement.target.indices;
  if (target.length === 0 || indices.length === 0) return true;
  if (target.length !== indices.length) return false;
  return target.every((index, k) => indexCanHold(index, indices[k]!, candidate.loops));
}

function indexCanHold(index: IndexExpression, value: number, loops: DefiningStatement['loops']): boolean {
  if (index.kind === 'empty') return true;
  if (index.kind === 'range') return within(constant(index.from), constant(index.to), value);
  const c = constant(index.value);
  if (c !== undefined) return c === value;
  if (index.value.kind === 'name') {
    const name = index.value.name;
    const loop = [...loops].reverse().find((l) => l.variable === name);
    if (loop) return within(constant(loop.from), constant(loop.to), value);
  }
  return true; // an expression of the loops or of data: the compiled graph would know
}

function within(from: number | undefined, to: number | undefined, value: number): boolean {
  return (from === undefined || value >= from) && (to === undefined || value <= to);
}

function constant(e: Expression): number | undefined {
  if (e.kind === 'number') return e.value;
  if (e.kind === 'unary' && e.op === '-') {
    const v = constant(e.operand);
    return v === undefined ? undefined : -v;
  }
  return undefined;
}

/** The text of a range, to notice later whether the statement was edited. */
export function textOf(text: string, range: SourceRange): string {
  return text.slice(range.start.offset, range.end.offset);
}
