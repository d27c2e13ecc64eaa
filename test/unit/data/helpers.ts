/** Shared helpers for the data tests: the shared data folders, element access and a fake file system. */

import assert from 'node:assert/strict';
import { resolve } from 'node:path';
import type { DataArray, NamedValues } from '../../../src/engine/language/rvalues';

export const REPO_ROOT = resolve(__dirname, '../../..');
/** The classic BUGS examples: data.R and inits.R per example, as the JAGS classic-bugs suite gives them. */
export const CLASSIC_BUGS = resolve(REPO_ROOT, 'examples/classic-bugs');
/** Their reference results (bench.R per example), copied with their source noted. */
export const CLASSIC_BUGS_REFERENCE = resolve(REPO_ROOT, 'test/fixtures/classic-bugs');
/** Small benchmark data sets (CSV and JSON), copied with their source noted. */
export const BENCH_DATA = resolve(REPO_ROOT, 'test/fixtures/bench-data');
/** The EM examples' data, among them two published sets (faithful.csv, probit_n2000_d5.csv). */
export const EM_EXAMPLES = resolve(REPO_ROOT, 'examples/em');

/** The named value, which must be there. */
export function get(values: NamedValues, name: string): DataArray {
  const v = values.get(name);
  assert.ok(v, `no '${name}' among ${[...values.keys()].join(', ')}`);
  return v;
}

/** Element [i, j, ...] (1-based) of a row-major array. */
export function at(a: DataArray, ...index: number[]): number {
  assert.equal(index.length, a.dims.length, `indexed with ${index.length} but has dims [${a.dims.join(', ')}]`);
  let offset = 0;
  index.forEach((i, d) => (offset = offset * a.dims[d]! + (i - 1)));
  return a.values[offset]!;
}

/** Row i (1-based) of a row-major matrix, NaN shown as null so that deepEqual reads well. */
export function row(a: DataArray, i: number): Array<number | null> {
  const n = a.dims[1]!;
  return Array.from(a.values.slice((i - 1) * n, i * n), (v) => (Number.isNaN(v) ? null : v));
}

export function list(a: DataArray): Array<number | null> {
  return Array.from(a.values, (v) => (Number.isNaN(v) ? null : v));
}

/** A file system in memory: readFile throws as node:fs does, with code ENOENT, for a file it does not have. */
export function fakeFiles(files: Record<string, string>): { readFile: (path: string) => string; reads: string[] } {
  const reads: string[] = [];
  return {
    reads,
    readFile: (path: string) => {
      reads.push(path);
      const text = files[path];
      if (text === undefined) throw Object.assign(new Error(`ENOENT: no such file or directory, open '${path}'`), { code: 'ENOENT' });
      return text;
    },
  };
}
