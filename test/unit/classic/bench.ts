/** Reading the classic examples' reference results (bench.R) and judging a run against them. */

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

/**
 * Monte-Carlo standard error of the pooled mean of several chains by batch
 * means: each chain is cut into ⌊√n⌋ batches of equal length; the batch means
 * of all chains, each an average over more iterations than the
 * autocorrelation lasts, are then nearly independent draws of a mean over
 * one batch, so MCSE² ≈ var(batch means) / (number of batches).
 */
export function batchMeansMcse(chains: ArrayLike<number>[]): number {
  const means: number[] = [];
  for (const draws of chains) {
    const batches = Math.max(2, Math.floor(Math.sqrt(draws.length)));
    const size = Math.floor(draws.length / batches);
    for (let b = 0; b < batches; b++) {
      let sum = 0;
      for (let k = b * size; k < (b + 1) * size; k++) sum += draws[k]!;
      means.push(sum / size);
    }
  }
  const mean = means.reduce((a, b) => a + b, 0) / means.length;
  const variance = means.reduce((a, m) => a + (m - mean) ** 2, 0) / (means.length - 1);
  return Math.sqrt(variance / means.length);
}

export function mean(chains: ArrayLike<number>[]): number {
  let sum = 0;
  let n = 0;
  for (const draws of chains) for (let k = 0; k < draws.length; k++, n++) sum += draws[k]!;
  return sum / n;
}
