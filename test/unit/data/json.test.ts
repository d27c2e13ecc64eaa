import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { readJsonData } from '../../../src/engine/data/json';
import type { Problem } from '../../../src/engine/language/source';
import { assertRangeInText, modelErrorOf, textOf } from '../engine/helpers';
import { at, BENCH_DATA, get, list, row } from './helpers';

function rejected(text: string): { message: string; covered: string } {
  const problems = modelErrorOf(() => readJsonData(text, 'data.json'));
  assert.equal(problems.length, 1, problems.map((p) => p.message).join(' | '));
  const p = problems[0]!;
  assertRangeInText(p.range, text, p.message);
  return { message: p.message, covered: textOf(text, p.range) };
}

describe('JSON data', () => {
  it('reads numbers as scalars, arrays as vectors, null as missing and booleans as 1/0', () => {
    const values = readJsonData('{"N": 3, "y": [1.5, null, -2e3], "flag": true, "none": null}', 'data.json');
    assert.deepEqual(get(values, 'N'), { dims: [], values: Float64Array.of(3) });
    assert.deepEqual(get(values, 'y').dims, [3]);
    assert.deepEqual(list(get(values, 'y')), [1.5, null, -2000]);
    assert.deepEqual(list(get(values, 'flag')), [1]);
    assert.deepEqual(list(get(values, 'none')), [null]);
  });

  it('reads nested arrays row-major: the inner arrays are rows', () => {
    const values = readJsonData('{\n  "Y": [[1, 2, 3],\n        [4, null, 6]],\n  "Z": [[[1, 2], [3, 4]], [[5, 6], [7, 8]]],\n  "E": []\n}', 'data.json');
    const Y = get(values, 'Y');
    assert.deepEqual(Y.dims, [2, 3]);
    assert.deepEqual([row(Y, 1), row(Y, 2)], [[1, 2, 3], [4, null, 6]]);
    const Z = get(values, 'Z');
    assert.deepEqual(Z.dims, [2, 2, 2]);
    assert.equal(at(Z, 2, 1, 2), 6);
    assert.deepEqual(get(values, 'E').dims, [0]);
  });

  it('leaves out strings and objects, with a warning at the name', () => {
    const text = '{"dataset": "gmm.csv", "K": 3, "meta": {"seed": 1}}';
    const warnings: Problem[] = [];
    const values = readJsonData(text, 'init.json', (w) => warnings.push(w));
    assert.deepEqual([...values.keys()], ['K']);
    assert.deepEqual(warnings.map((w) => [w.severity, w.message, textOf(text, w.range)]), [
      ['warning', "init.json:1:2: 'dataset' is a string, not numbers: it is left out of the data.", '"dataset"'],
      ['warning', "init.json:1:32: 'meta' is an object, not numbers: it is left out of the data.", '"meta"'],
    ]);
  });

  it('reads the benchmark initial values, with 3-dimensional covariances', () => {
    const values = readJsonData(readFileSync(join(BENCH_DATA, 'gmm_d2_k3_n1000.init.json'), 'utf8'), 'gmm.json');
    assert.deepEqual(get(values, 'means').dims, [3, 2]);
    assert.deepEqual(get(values, 'covariances').dims, [3, 2, 2]);
    assert.equal(at(get(values, 'means'), 2, 2), -2.663);
  });

  it('reports a ragged array, naming the variable and the row, at the row', () => {
    const { message, covered } = rejected('{\n  "Y": [[1, 2, 3],\n        [4, 5]]\n}');
    assert.equal(message, "data.json:3:9: 'Y' is ragged: Y[2] has 2 element(s) but Y[1] has 3; arrays must be rectangular.");
    assert.equal(covered, '[4, 5]');
    assert.match(rejected('{"Y": [[1, 2], 3]}').message, /'Y' is ragged: Y\[2\] is a single value where an array of 2 is expected/);
    assert.match(rejected('{"Y": [1, [2]]}').message, /'Y' is ragged: Y\[2\] is an array/);
    // A row of numbers only (read without an object per number) still names and covers the element that is wrong.
    const deep = rejected('{"Y": [[[1, 2]], [3]]}');
    assert.match(deep.message, /'Y' is ragged: Y\[2,1\] is a single value where an array of 2 is expected/);
    assert.equal(deep.covered, '3');
    assert.match(rejected('{"Y": [[1, null, true], [2, [3], 4]]}').message, /'Y' is ragged: Y\[2,2\] is an array/);
    // A short row deeper in: the element it is held to is the first at every depth, not itself.
    assert.match(rejected('{"Y": [[[1, 2], [3, 4]], [[5], [6, 7]]]}').message, /'Y' is ragged: Y\[2,1\] has 1 element\(s\) but Y\[1,1\] has 2;/);
    assert.match(rejected('{"Y": [[[1, 2], [3, 4]], [[5, 6], [7]]]}').message, /'Y' is ragged: Y\[2,2\] has 1 element\(s\) but Y\[1,1\] has 2;/);
  });

  it('reads rows of numbers, nulls and booleans in row-major order', () => {
    const y = readJsonData('{"y": [[1.5, null, true], [-2e3, false, 0]]}', 'data.json').get('y')!;
    assert.deepEqual(y.dims, [2, 3]);
    assert.deepEqual(Array.from(y.values), [1.5, Number.NaN, 1, -2000, 0, 0]);
  });

  it('reports a string inside an array, a name given twice and data that are not an object', () => {
    assert.match(rejected('{"y": [1, "2"]}').message, /^data\.json:1:11: y\[2\] is a string; data are numbers, or null for a missing value/);
    assert.match(rejected('{"y": 1,\n "y": 2}').message, /^data\.json:2:2: 'y' is given twice/);
    assert.match(rejected('[1, 2]').message, /^data\.json:1:1: A JSON data file holds one object/);
  });

  it('reports JSON syntax errors with line and column', () => {
    assert.match(rejected('{"y": [1, 2,]}').message, /^data\.json:1:13: A trailing comma before '\]' is not JSON/);
    assert.match(rejected('{"y": [1, 2]\n "z": 3}').message, /^data\.json:2:2: Expected ',' or '}' after the value of "y"/);
    assert.match(rejected('{"y": NaN}').message, /^data\.json:1:7: NaN is not JSON; write null for a missing value/);
    assert.match(rejected('{"y": [1, 2]').message, /^data\.json:1:13: The JSON ends early: expected ',' or '}'/);
    assert.match(rejected('').message, /The file is empty/);
    assert.match(rejected('{"y": 1} x').message, /^data\.json:1:10: Unexpected 'x' after the JSON value/);
  });

  it('reads matrices and 3-d arrays whose rows stay in the number store, and names what is wrong with one', () => {
    const rows = Array.from({ length: 3000 }, (_, r) => [r, r % 5 === 0 ? null : -r / 8, r % 2 === 0]);
    const X = get(readJsonData(JSON.stringify({ X: rows }), 'data.json'), 'X');
    assert.deepEqual(X.dims, [3000, 3]);
    for (let r = 0; r < 3000; r++) {
      assert.ok(Object.is(X.values[3 * r], r) && Object.is(X.values[3 * r + 1], r % 5 === 0 ? Number.NaN : -r / 8) && X.values[3 * r + 2] === (r % 2 === 0 ? 1 : 0), `row ${r + 1}`);
    }
    const Y = get(readJsonData('{"Y": [[[1, 2], [3, 4], [5, 6]], [[7, 8], [9, 10], [11, 12]]]}', 'data.json'), 'Y');
    assert.deepEqual([Y.dims, Array.from(Y.values)], [[2, 3, 2], [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]]);
    const matrixForVector = rejected('{"Y": [[1, 2], [[3, 4], [5, 6]]]}');
    assert.match(matrixForVector.message, /'Y' is ragged: Y\[2,1\] is an array where the first elements hold numbers/);
    assert.equal(matrixForVector.covered, '[3, 4]');
    const short = rejected('{"Y": [[[1, 2], [3, 4]], [[5, 6]]]}');
    assert.match(short.message, /'Y' is ragged: Y\[2\] has 1 element\(s\) but Y\[1\] has 2/);
    assert.equal(short.covered, '[[5, 6]]');
    const narrow = rejected('{"Y": [[[1, 2], [3, 4]], [[5], [6]]]}');
    assert.match(narrow.message, /'Y' is ragged: Y\[2,1\] has 1 element\(s\) but /);
    assert.equal(narrow.covered, '[5]');
  });
});
