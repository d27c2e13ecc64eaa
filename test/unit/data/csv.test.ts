import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { readCsv } from '../../../src/engine/data/csv';
import type { Problem } from '../../../src/engine/language/source';
import { assertRangeInText, modelErrorOf, textOf } from '../engine/helpers';
import { EM_EXAMPLES, get, list } from './helpers';

function rejected(text: string): { message: string; covered: string } {
  const problems = modelErrorOf(() => readCsv(text, 'data.csv'));
  assert.equal(problems.length, 1, problems.map((p) => p.message).join(' | '));
  const p = problems[0]!;
  assertRangeInText(p.range, text, p.message);
  return { message: p.message, covered: textOf(text, p.range) };
}

describe('CSV data', () => {
  it('makes each column a vector named by the header; NA and empty fields are missing', () => {
    const values = readCsv('t,x,z\n94.3,5,1\n15.7,NA,\n1e2, 3 ,TRUE\n', 'pumps.csv');
    assert.deepEqual([...values.keys()], ['t', 'x', 'z']);
    assert.deepEqual(get(values, 't').dims, [3]);
    assert.deepEqual(list(get(values, 't')), [94.3, 15.7, 100]);
    assert.deepEqual(list(get(values, 'x')), [5, null, 3]);
    assert.deepEqual(list(get(values, 'z')), [1, null, 1]);
  });

  it('reads quoted headers and fields, CRLF line ends, blank lines and a byte-order mark', () => {
    const values = readCsv('\uFEFF"eruptions","wait, min"\r\n"3.6",79\r\n\r\n1.8,"54"\r\n', 'faithful.csv');
    assert.deepEqual([...values.keys()], ['eruptions', 'wait, min']);
    assert.deepEqual(list(get(values, 'wait, min')), [79, 54]);
  });

  it('leaves out a column without a name (R row names), with a warning', () => {
    const warnings: Problem[] = [];
    const values = readCsv('"","y"\n"1",2\n"2",3\n', 'rows.csv', ',', (w) => warnings.push(w));
    assert.deepEqual([...values.keys()], ['y']);
    assert.deepEqual(warnings.map((w) => w.message), ['rows.csv:1:1: Column 1 has no name in the header: it is left out of the data.']);
  });

  it('reads tab-separated values', () => {
    assert.deepEqual(list(get(readCsv('a\tb\n1\t2\n', 'd.tsv', '\t'), 'b')), [2]);
  });

  it('reads the benchmark files', () => {
    const faithful = readCsv(readFileSync(join(EM_EXAMPLES, 'faithful.csv'), 'utf8'), 'faithful.csv');
    assert.deepEqual([...faithful.keys()], ['eruptions', 'waiting']);
    assert.equal(get(faithful, 'waiting').values.length, 272);
    const probit = readCsv(readFileSync(join(EM_EXAMPLES, 'probit_n2000_d5.csv'), 'utf8'), 'probit.csv');
    assert.deepEqual([...probit.keys()], ['y', 'x1', 'x2', 'x3', 'x4', 'x5']);
    assert.deepEqual(get(probit, 'x2').dims, [2000]);
  });

  it('reports a cell that is not a number, at the cell, naming the column', () => {
    const { message, covered } = rejected('y,x\n1,2\n3,abc\n');
    assert.equal(message, "data.csv:3:3: 'abc' in column 'x' is not a number; write a number, or NA or nothing for a missing value.");
    assert.equal(covered, 'abc');
  });

  it('reports a row with the wrong number of fields, a repeated column name and an unclosed quote', () => {
    assert.match(rejected('a,b\n1,2\n3\n').message, /^data\.csv:3:1: This row has 1 field\(s\) but the header names 2 column\(s\)/);
    assert.match(rejected('a,a\n1,2\n').message, /^data\.csv:1:3: Column 2 is named 'a', as column 1 is/);
    assert.match(rejected('a,b\n"1,2\n').message, /^data\.csv:2:1: Unterminated quoted field/);
    assert.match(rejected('').message, /The file is empty/);
  });

  it('reads rows past its first block of columns, with blank lines and a bad cell far down reported at their line', () => {
    // The columns start at 1,024 rows and double: 5,000 rows cross two growths.
    const rows = Array.from({ length: 5000 }, (_, r) => `${r},${r % 7 === 0 ? 'NA' : -r / 4}`);
    const values = readCsv(`i,x\n${rows.slice(0, 2500).join('\n')}\n\n${rows.slice(2500).join('\n')}\n`, 'long.csv');
    const i = get(values, 'i');
    const x = get(values, 'x');
    assert.deepEqual([i.dims, x.dims], [[5000], [5000]]);
    for (let r = 0; r < 5000; r++) {
      assert.equal(i.values[r], r);
      assert.ok(Object.is(x.values[r], r % 7 === 0 ? Number.NaN : -r / 4), `x[${r + 1}] = ${x.values[r]}`);
    }
    const bad = [...rows.slice(0, 4000), '4000,oops', ...rows.slice(4001)];
    assert.match(rejected(`i,x\n${bad.join('\n')}\n`).message, /^data\.csv:4002:6: 'oops' in column 'x' is not a number/);
  });
});
