/** Reading the classic examples' reference results (bench.R). */

import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import type { Expression } from '../../../src/engine/language/ast';
import { parseExpressionText } from '../../../src/engine/language/parser';
import { evaluateArray } from '../../../src/engine/language/rvalues';

export interface BenchRow {
  mean: number;
  sd: number;
  /** The Monte-Carlo error of the reference run's mean, by time-series methods. */
  timeSeriesSe: number;
}

/**
 * bench.R holds one assignment, `"benchstats" <- structure(c(...), .Dim = c(rows, 4),
 * .Dimnames = list(c(node names), c("Mean", "SD", "Naive SE", "Time-series SE")))`.
 * The values are read with the engine's R-value reader (column-major, as R fills
 * them); the row names, which the reader leaves aside, are taken from .Dimnames.
 */
export function readBench(path: string): Map<string, BenchRow> {
  const text = readFileSync(path, 'utf8');
  const arrow = text.indexOf('<-');
  assert.ok(arrow > 0, `${path}: no assignment`);
  const { expression, problems } = parseExpressionText(text.slice(arrow + 2));
  assert.ok(expression && problems.length === 0, `${path}: ${problems.map((p) => p.message).join('; ')}`);
  assert.ok(expression.kind === 'call' && expression.callee === 'structure');
  const matrix = evaluateArray(expression);
  const dimnames = expression.args.find((a) => a.name === '.Dimnames');
  assert.ok(dimnames && dimnames.value.kind === 'call' && dimnames.value.args.length === 2, `${path}: no .Dimnames`);
  const [rows, columns] = dimnames.value.args.map((a) => strings(a.value));
  assert.deepEqual(columns, ['Mean', 'SD', 'Naive SE', 'Time-series SE']);
  assert.deepEqual(matrix.dims, [rows!.length, 4]);
  // The engine stores the matrix row-major: row r is values[4r .. 4r + 3].
  return new Map(rows!.map((name, r) => [name, { mean: matrix.values[4 * r]!, sd: matrix.values[4 * r + 1]!, timeSeriesSe: matrix.values[4 * r + 3]! }]));
}

function strings(e: Expression): string[] {
  const items = e.kind === 'call' && e.callee === 'c' ? e.args.map((a) => a.value) : [e];
  return items.map((item) => {
    assert.ok(item.kind === 'string', 'expected strings in .Dimnames');
    return item.value;
  });
}
