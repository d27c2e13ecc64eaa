import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { readRDump } from '../../../src/engine/data/rdump';
import { codaChain, codaFileNames, codaIndex, formatCodaValue, readCoda, type CodaTrace } from '../../../src/engine/output/coda';
import { writeRDump } from '../../../src/engine/output/rdumpWriter';
import { Random } from '../../../src/engine/random/rng';
import { modelErrorOf } from './helpers';

describe('CODA files', () => {
  it("writes numbers as C's %g does (six significant digits), as JAGS writes them", () => {
    // Expected strings from C's printf('%g') on the same doubles (through Python's '%g' % x).
    const cases: Array<[number, string]> = [
      [3.200912345, '3.20091'],
      [0.000123456, '0.000123456'],
      [1234567, '1.23457e+06'],
      [999999.7, '1e+06'],
      [99999.95, '99999.9'], // the double just below 99999.95,
      [1.5, '1.5'],
      [-2, '-2'],
      [1e-5, '1e-05'],
      [0.1, '0.1'],
      [123456, '123456'],
      [-0.00001234567, '-1.23457e-05'],
      [2.5e-300, '2.5e-300'],
      [0.00099999951, '0.001'],
      [0, '0'],
      // Where %g's choice of notation turns on the rounded value: just below 1e-4, and the ends of the doubles.
      [9.999995e-5, '0.0001'],
      [9.9999949e-5, '9.99999e-05'],
      [-0.0000123, '-1.23e-05'],
      [1e21, '1e+21'],
      [5e-324, '4.94066e-324'],
      [1.7976931348623157e308, '1.79769e+308'],
    ];
    for (const [x, text] of cases) assert.equal(formatCodaValue(x), text, String(x));
    assert.deepEqual([Number.NaN, Infinity, -Infinity].map(formatCodaValue), ['NA', 'Inf', '-Inf']);
  });

  it('writes the index with line numbers in the chain files and the chains with iteration numbers', () => {
    const traces: CodaTrace[] = [
      { name: 'alpha', first: 101, thin: 3, chains: [[1, 2, 3, 4], [5, 6, 7, 8]] },
      { name: 'b[1,2]', first: 101, thin: 1, chains: [[0.5, 0.25], [1, 2]] },
      { name: 'empty', first: 111, thin: 1, chains: [[], []] },
    ];
    assert.equal(codaIndex(traces), 'alpha 1 4\nb[1,2] 5 6\nempty 7 6\n');
    assert.equal(codaChain(traces, 0), '101  1\n104  2\n107  3\n110  4\n101  0.5\n102  0.25\n');
    assert.equal(codaChain(traces, 1), '101  5\n104  6\n107  7\n110  8\n101  1\n102  2\n');
    assert.deepEqual(codaFileNames('out/A', 2), { index: 'out/Aindex.txt', chains: ['out/Achain1.txt', 'out/Achain2.txt'] });
  });

  it('writes chain files byte for byte as formatCodaValue writes each value, over every magnitude, near ties and next to powers of ten', () => {
    const random = new Random(20261205, 1);
    const values: number[] = [0, -0, Number.NaN, Infinity, -Infinity, 5e-324, -5e-324, 2.2250738585072014e-308, Number.MAX_VALUE, -Number.MAX_VALUE, 1e21, 1e-7, 123456.5, 0.5, 999999.5];
    for (let e = -320; e <= 307; e++) {
      const power = Number(`1e${e}`);
      // Just either side of each power of ten, where log10 may land one off and %g may switch notation.
      for (const f of [1 - 2 ** -52, 1 - 1e-7, 1, 1 + 2 ** -52, 1 - 5e-7, 1 - 4.9e-6, 9.999995, 9.9999951, 9.9999949]) values.push(power * f, -power * f);
      for (let k = 0; k < 200; k++) values.push((random.uniform() < 0.5 ? -1 : 1) * power * (1 + 9 * random.uniform()));
      // Six digits and a half, as a double rounds it: a tie or next to one.
      for (let k = 0; k < 20; k++) {
        const tie = (100000 + Math.floor(900000 * random.uniform()) + 0.5) * power;
        values.push(tie, tie * (1 + 2 ** -52), tie * (1 - 2 ** -52), tie * (1 + 1e-10));
      }
    }
    // Draws as a sampler gives them, at the magnitudes of the classic examples.
    for (let k = 0; k < 20000; k++) values.push(random.normal() * 10 ** Math.floor(8 * random.uniform() - 4));
    // A trace whose magnitude drifts across powers of ten, as a sampler's may: the writer tries the last value's exponent first.
    const drifting: number[] = [];
    for (let k = 0, log = -3; k < 20000; k++) {
      log += 0.01 * random.normal();
      drifting.push((random.uniform() < 0.1 ? -1 : 1) * 10 ** log);
    }
    const traces: CodaTrace[] = [
      { name: 'x', first: 1, thin: 1, chains: [values] },
      { name: 'y', first: 99_999_999, thin: 7, chains: [values.slice(0, 1000)] },
      { name: 'z', first: 9_995, thin: 1, chains: [drifting] },
      { name: 'w', first: 1, thin: 999_999, chains: [drifting.slice(0, 30)] },
      { name: 'v', first: 5, thin: 1, chains: [[]] },
    ];
    const expected = traces.map((t) => Array.from(t.chains[0]!, (v, k) => `${t.first + k * t.thin}  ${formatCodaValue(v)}\n`).join('')).join('');
    const written = codaChain(traces, 0);
    if (written !== expected) {
      const lines = written.split('\n');
      const wanted = expected.split('\n');
      const k = wanted.findIndex((line, i) => line !== lines[i]);
      assert.equal(lines[k], wanted[k], `line ${k + 1}`);
    }
    assert.equal(written.length, expected.length);
  });

  it('reads back what it writes: names, iterations, and values to six significant digits', () => {
    const values = (seed: number): number[] => Array.from({ length: 50 }, (_, k) => Math.sin(seed + k) * 10 ** ((k % 9) - 4));
    const traces: CodaTrace[] = [
      { name: 'theta[1]', first: 1001, thin: 10, chains: [values(1), values(2)] },
      { name: 'deviance', first: 1001, thin: 1, chains: [values(3), values(4)] },
    ];
    const series = readCoda({ name: 'CODAindex.txt', text: codaIndex(traces) }, [0, 1].map((c) => ({ name: `CODAchain${c + 1}.txt`, text: codaChain(traces, c) })));
    assert.deepEqual(series.map((s) => s.name), ['theta[1]', 'deviance']);
    series.forEach((s, t) => {
      s.chains.forEach((chain, c) => {
        const written = traces[t]!.chains[c]!;
        assert.deepEqual(chain.iterations, Array.from({ length: 50 }, (_, k) => traces[t]!.first + k * traces[t]!.thin));
        // Six significant digits: the relative rounding error is at most 5e-6.
        chain.values.forEach((v, k) => assert.ok(Math.abs(v - written[k]!) <= 5e-6 * Math.abs(written[k]!), `${v} vs ${written[k]}`));
      });
    });
  });

  it('reports a malformed line with its file, line and column', () => {
    const [p] = modelErrorOf(() => readCoda({ name: 'i.txt', text: 'a 1 2\nb one 2\n' }, [{ name: 'c.txt', text: '1 1\n2 2\n' }]));
    assert.equal(p!.message, "i.txt:2:1: Expected 'name first last' (line numbers in the chain files), found 'b one 2'.");
    const [q] = modelErrorOf(() => readCoda({ name: 'i.txt', text: 'a 1 3\n' }, [{ name: 'c.txt', text: '1 1\n2 2\n' }]));
    assert.match(q!.message, /^i\.txt:1:1: a runs to line 3 but c\.txt has 2 lines/);
    const [r] = modelErrorOf(() => readCoda({ name: 'i.txt', text: 'a 1 2\n' }, [{ name: 'c.txt', text: '1 1\n\n2 x\n' }]));
    assert.equal(r!.message, "c.txt:3:1: Expected 'iteration value', found '2 x'.");
  });
});

describe('R dump writer', () => {
  it('writes values that the R dump reader reads back exactly: scalars, vectors, column-major arrays, NA', () => {
    const values = new Map([
      ['N', { dims: [], values: Float64Array.of(5) }],
      ['y', { dims: [3], values: Float64Array.of(0.1, Number.NaN, -1e-7) }],
      ['Y', { dims: [2, 3], values: Float64Array.of(1, 2, 3, 4, 5, 6) }],
      ['A', { dims: [2, 2, 2], values: Float64Array.from({ length: 8 }, (_, k) => k / 3) }],
    ]);
    const text = writeRDump(values);
    assert.match(text, /"Y" <-\nstructure\(c\(1, 4, 2, 5, 3, 6\), \.Dim = c\(2, 3\)\)/);
    assert.deepEqual(readRDump(text, 'x.R'), values);
  });
});
