import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { openCsvRowBlocks, readCsvMatrix, type CsvRowBlock } from '../../../src/engine/data/csvRowBlocks';
import { ModelError, type Problem } from '../../../src/engine/language/source';
import { assertRangeInText, textOf } from '../engine/helpers';

const folder = mkdtempSync(join(tmpdir(), 'latent-csv-blocks-'));
function file(name: string, text: string): string {
  const path = join(folder, name);
  writeFileSync(path, text);
  return path;
}

async function blocksOf(path: string, blockRows: number, exclude: string[] = []): Promise<CsvRowBlock[]> {
  const source = await openCsvRowBlocks(path, { blockRows, exclude });
  const out: CsvRowBlock[] = [];
  for await (const b of source.blocks()) out.push({ ...b, values: Float64Array.from(b.values) });
  return out;
}

async function problemOf(f: () => Promise<unknown>): Promise<Problem> {
  try {
    await f();
  } catch (e) {
    if (e instanceof ModelError) return e.problems[0]!;
    throw e;
  }
  throw new assert.AssertionError({ message: 'expected a ModelError' });
}

describe('CSV row blocks (streaming)', () => {
  it('cuts the rows into blocks of the given size, in file order, and can be read again', async () => {
    const rows = Array.from({ length: 10 }, (_, i) => `${i},${i * 10},${i % 3}`);
    const path = file('ten.csv', `a,b,z\n${rows.join('\n')}\n`);
    const blocks = await blocksOf(path, 4, ['z']);
    assert.deepEqual(blocks.map((b) => [b.firstRow, b.rows]), [[0, 4], [4, 4], [8, 2]]);
    assert.deepEqual([...blocks[2]!.values], [8, 80, 9, 90]);
    const source = await openCsvRowBlocks(path, { exclude: ['z'] });
    assert.deepEqual(source.names, ['a', 'b']);
    let passes = 0;
    for (let p = 0; p < 2; p++) for await (const b of source.blocks()) passes += b.rows;
    assert.equal(passes, 20);
  });

  it('reads NA and empty cells as missing, CRLF line ends, a byte-order mark, blank lines and a last line without a line end', async () => {
    const path = file('mixed.csv', '\uFEFFx,y\r\n1.5,NA\r\n\r\n,2e3\r\n-3,"4"');
    const m = await readCsvMatrix(path);
    assert.deepEqual(m.names, ['x', 'y']);
    assert.equal(m.rows, 3);
    assert.deepEqual([...m.values].map((v) => (Number.isNaN(v) ? null : v)), [1.5, null, null, 2000, -3, 4]);
  });

  it('points at a cell that is not a number with file, line and column', async () => {
    const text = 'x,y\n1,2\n3,abc\n';
    const path = file('bad.csv', text);
    const p = await problemOf(() => readCsvMatrix(path));
    assert.equal(p.message, "bad.csv:3:3: 'abc' in column 'y' is not a number; write a number, or NA or nothing for a missing value.");
    assertRangeInText(p.range, text, p.message);
    assert.equal(textOf(text, p.range), 'abc');
  });

  it('refuses a row with the wrong number of fields, and a file that is missing or empty', async () => {
    const p = await problemOf(() => readCsvMatrix(file('short.csv', 'x,y\n1,2\n3\n')));
    assert.match(p.message, /^short\.csv:3:1: This row has 1 field\(s\) but the header names 2 column\(s\)\.$/);
    assert.match((await problemOf(() => openCsvRowBlocks(join(folder, 'nothing.csv')))).message, /^nothing\.csv:1:1: Cannot read the file/);
    assert.match((await problemOf(() => openCsvRowBlocks(file('empty.csv', '\n\n')))).message, /The file is empty/);
  });
});
