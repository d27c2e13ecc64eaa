/** Shared helpers for the engine tests: reading a cell into a graph, and checking source ranges. */

import assert from 'node:assert/strict';
import { setInitialValues } from '../../../src/engine/inference/initialValues';
import type { Document } from '../../../src/engine/language/ast';
import { parseDocument } from '../../../src/engine/language/parser';
import { evaluateList, type NamedValues } from '../../../src/engine/language/rvalues';
import { ModelError, type Position, type Problem, type SourceRange } from '../../../src/engine/language/source';
import { compileModel } from '../../../src/engine/model/compile';
import type { ModelGraph, StochasticNode } from '../../../src/engine/model/graph';
import { type RunDefaults, type RunRequest } from '../../../src/engine/run/request';
import { readRequest } from '../../../src/engine/job/job';

export const TEST_DEFAULTS: RunDefaults = { chains: 1, burnin: 100, iterations: 100, thin: 1, seed: 1 };

/** Reads a cell (model plus directives) with small defaults and a fixed seed. */
export function request(source: string, defaults: RunDefaults = TEST_DEFAULTS): RunRequest {
  return readRequest('sample', source, defaults, () => 12345);
}

/**
 * A cell's parsed document and inline data, without the checks readJob
 * makes first (names, distributions, arity), so that tests reach the compiler.
 */
export function parsed(source: string): { document: Document; data: NamedValues } {
  const { document, problems } = parseDocument(source);
  if (problems.length) throw new ModelError(problems);
  const data: NamedValues = new Map();
  for (const d of document.directives) {
    if (d.kind === 'data' && d.value.kind !== 'file') for (const [name, value] of evaluateList(d.value, 'data')) data.set(name, value);
  }
  return { document, data };
}

/** Compiles a cell's model and data into a graph, without setting initial values. */
export function compile(source: string): ModelGraph {
  const r = parsed(source);
  return compileModel(r.document, r.data);
}

/** Compiles a cell and sets its initial values, as a chain does before sampling. */
export function compileWithInits(source: string): ModelGraph {
  const r = request(source);
  const graph = compileModel(r.document, r.data);
  setInitialValues(graph, r.inits, r.initsRange);
  return graph;
}

/** The stochastic node of a graph by its JAGS name (`alpha`, `Y[3]`). */
export function node(graph: ModelGraph, name: string): StochasticNode {
  const found = graph.stochastic.find((n) => n.name === name);
  assert.ok(found, `no stochastic node named ${name}`);
  return found;
}

/** Names of stochastic nodes given by id. */
export function names(graph: ModelGraph, ids: number[]): string[] {
  return ids.map((id) => graph.stochastic[id]!.name);
}

/** Sets the value of a named scalar or element, e.g. set(graph, 'x', 2, 3) for x[2] = 3 (1-based). */
export function setValue(graph: ModelGraph, name: string, value: number, index?: number): void {
  const v = graph.variables.get(name);
  assert.ok(v, `no variable ${name}`);
  v.values[index === undefined ? 0 : index - 1] = value;
}

/** The line and column of an offset, counted as the lexer does (zero-based, '\n' ends a line). */
export function positionAt(text: string, offset: number): Position {
  let line = 0;
  let column = 0;
  for (let k = 0; k < offset; k++) {
    if (text.charCodeAt(k) === 10) {
      line++;
      column = 0;
    } else {
      column++;
    }
  }
  return { line, column, offset };
}

/** Asserts that a range lies inside the text and that its lines and columns agree with its offsets. */
export function assertRangeInText(range: SourceRange, text: string, what = 'range'): void {
  const { start, end } = range;
  assert.ok(start.offset >= 0 && start.offset <= end.offset && end.offset <= text.length, `${what} ${start.offset}..${end.offset} is not inside a text of length ${text.length}`);
  assert.deepEqual(start, positionAt(text, start.offset), `${what}: start line/column disagree with its offset`);
  assert.deepEqual(end, positionAt(text, end.offset), `${what}: end line/column disagree with its offset`);
}

/** The text a range covers. */
export function textOf(text: string, range: SourceRange): string {
  return text.slice(range.start.offset, range.end.offset);
}

/** Runs f, which must throw a ModelError; returns its problems. */
export function modelErrorOf(f: () => unknown): Problem[] {
  try {
    f();
  } catch (e) {
    if (e instanceof ModelError) return e.problems;
    throw new assert.AssertionError({ message: `expected a ModelError, got ${e instanceof Error ? `${e.name}: ${e.message}` : String(e)}` });
  }
  throw new assert.AssertionError({ message: 'expected a ModelError, but nothing was thrown' });
}

/** Like modelErrorOf, and checks that there is exactly one problem, with a range inside `text`. */
export function singleProblem(text: string, f: () => unknown): Problem {
  const problems = modelErrorOf(f);
  assert.equal(problems.length, 1, `expected one problem, got: ${problems.map((p) => p.message).join(' | ')}`);
  const p = problems[0]!;
  assert.equal(p.severity, 'error');
  assertRangeInText(p.range, text, p.message);
  return p;
}
