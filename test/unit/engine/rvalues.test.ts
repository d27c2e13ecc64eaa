import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseExpressionText } from '../../../src/engine/language/parser';
import { ModelError } from '../../../src/engine/language/source';
import { bugsOrderWarnings, columnMajorToRowMajor, evaluateArray, evaluateList, type DataArray } from '../../../src/engine/language/rvalues';
import { readRDump } from '../../../src/engine/data/rdump';
import type { Problem } from '../../../src/engine/language/source';
import { modelErrorOf, singleProblem, textOf } from './helpers';

function parse(text: string) {
  const { expression, problems } = parseExpressionText(text);
  assert.deepEqual(problems, []);
  assert.ok(expression);
  return expression;
}

function value(text: string): { dims: number[]; values: number[] } {
  const a: DataArray = evaluateArray(parse(text));
  return { dims: a.dims, values: Array.from(a.values) };
}

/** Element [i, j] (1-based) of a row-major matrix. */
function at(a: DataArray, i: number, j: number): number {
  return a.values[(i - 1) * a.dims[1]! + (j - 1)]!;
}

describe('R-style values', () => {
  it('reads a number as a scalar with no dimensions', () => {
    assert.deepEqual(value('3.5'), { dims: [], values: [3.5] });
    assert.deepEqual(value('10L'), { dims: [], values: [10] });
  });

  it('reads c(...) as a vector, flattening nested c() and reading an empty c() as length 0', () => {
    assert.deepEqual(value('c(1, 2.5, 3)'), { dims: [3], values: [1, 2.5, 3] });
    assert.deepEqual(value('c(1, c(2, 3), 4)'), { dims: [4], values: [1, 2, 3, 4] });
    assert.deepEqual(value('c()'), { dims: [0], values: [] });
  });

  it('reads NA as NaN (a missing value), and TRUE, FALSE and Inf', () => {
    assert.deepEqual(value('c(1, NA, 3)'), { dims: [3], values: [1, Number.NaN, 3] });
    assert.deepEqual(value('c(TRUE, FALSE, T, F, Inf)').values, [1, 0, 1, 0, Number.POSITIVE_INFINITY]);
  });

  it('reads negative numbers, inside c() too', () => {
    assert.deepEqual(value('-2'), { dims: [], values: [-2] });
    assert.deepEqual(value('c(-1, -0.5, 2)').values, [-1, -0.5, 2]);
    assert.deepEqual(value('-c(1, 2)').values, [-1, -2]);
  });

  it('reads a:b as the integer sequence, increasing or decreasing', () => {
    assert.deepEqual(value('1:4'), { dims: [4], values: [1, 2, 3, 4] });
    assert.deepEqual(value('3:1').values, [3, 2, 1]);
    assert.deepEqual(value('-1:1').values, [-1, 0, 1]);
    assert.deepEqual(value('c(0, 2:3)').values, [0, 2, 3]);
  });

  it('reads rep(x, n) as x repeated n times', () => {
    assert.deepEqual(value('rep(0, 3)'), { dims: [3], values: [0, 0, 0] });
    assert.deepEqual(value('rep(c(1, 2), 2)').values, [1, 2, 1, 2]);
    assert.deepEqual(value('rep(NA, 2)').values, [Number.NaN, Number.NaN]);
  });

  it('rejects a negative or fractional count in rep() with a ModelError, not a crash', () => {
    // new Float64Array(-1) throws a RangeError; the count must be checked first.
    for (const text of ['rep(0, -1)', 'rep(0, 2.5)']) {
      const p = singleProblem(text, () => evaluateArray(parse(text)));
      assert.match(p.message, /rep/);
    }
  });

  it('does not silently ignore rep()\'s each = argument: R gives 1 1 2 2 for rep(c(1, 2), each = 2)', () => {
    const text = 'rep(c(1, 2), each = 2)';
    let result: number[] | undefined;
    try {
      result = value(text).values;
    } catch (e) {
      assert.ok(e instanceof ModelError, String(e));
      return; // Rejecting the argument with a ModelError is fine too.
    }
    assert.deepEqual(result, [1, 1, 2, 2]);
  });

  it('rejects an unbounded range such as 1:Inf with a ModelError, not a crash', () => {
    const text = '1:Inf';
    singleProblem(text, () => evaluateArray(parse(text)));
  });

  it('fills structure(..., .Dim = c(2, 3)) column-major, as R does, into row-major storage', () => {
    // In R, matrix(1:6, 2, 3) is   1 3 5
    //                             2 4 6
    const m = evaluateArray(parse('structure(c(1, 2, 3, 4, 5, 6), .Dim = c(2, 3))'));
    assert.deepEqual(m.dims, [2, 3]);
    assert.equal(at(m, 1, 2), 3);
    assert.equal(at(m, 2, 1), 2);
    assert.equal(at(m, 2, 3), 6);
    assert.deepEqual(Array.from(m.values), [1, 3, 5, 2, 4, 6]);
  });

  it('fills a three-dimensional structure with the first index fastest', () => {
    const a = evaluateArray(parse('structure(1:24, .Dim = c(2, 3, 4))'));
    assert.deepEqual(a.dims, [2, 3, 4]);
    // R: a[i, j, k] = i + 2 (j - 1) + 6 (k - 1).
    for (let i = 1; i <= 2; i++) {
      for (let j = 1; j <= 3; j++) {
        for (let k = 1; k <= 4; k++) assert.equal(a.values[((i - 1) * 3 + (j - 1)) * 4 + (k - 1)], i + 2 * (j - 1) + 6 * (k - 1));
      }
    }
  });

  it('accepts .Data and dim as the names of structure() arguments, and no .Dim as a vector', () => {
    const m = evaluateArray(parse('structure(.Data = c(1, 2, 3, 4), dim = c(2, 2))'));
    assert.deepEqual(Array.from(m.values), [1, 3, 2, 4]);
    assert.deepEqual(value('structure(c(5, 6))'), { dims: [2], values: [5, 6] });
  });

  it('converts column-major to row-major as a permutation', () => {
    assert.deepEqual(Array.from(columnMajorToRowMajor(Float64Array.of(1, 2, 3, 4, 5, 6), [3, 2])), [1, 4, 2, 5, 3, 6]);
  });

  it('reports a structure() whose .Dim does not match its length, at the structure', () => {
    const text = 'structure(c(1, 2, 3), .Dim = c(2, 2))';
    const p = singleProblem(text, () => evaluateArray(parse(text)));
    assert.match(p.message, /has 3 values but \.Dim = c\(2, 2\) needs 4/);
    assert.equal(textOf(text, p.range), text);
  });

  it('rejects names, operators and functions that are not data, pointing at them', () => {
    const cases: Array<[string, RegExp, string]> = [
      ['c(1, x)', /'x' is not a value here/, 'x'],
      ['c(1, 2 * 3)', /operator '\*' is not allowed/, '2 * 3'],
      ['c(1, exp(2))', /'exp\(\.\.\.\)' is not allowed in data/, 'exp'],
      ['"a"', /Expected a number/, '"a"'],
    ];
    for (const [text, message, covered] of cases) {
      const p = singleProblem(text, () => evaluateArray(parse(text)));
      assert.match(p.message, message);
      assert.equal(textOf(text, p.range), covered);
    }
  });
});

describe('R-style lists', () => {
  it('reads list(name = value, ...) into named arrays', () => {
    const values = evaluateList(parse('list(N = 3, y = c(1.2, 0.7, 2.1), "quoted" = 1)'), 'data');
    assert.deepEqual([...values.keys()], ['N', 'y', 'quoted']);
    assert.deepEqual(Array.from(values.get('y')!.values), [1.2, 0.7, 2.1]);
  });

  it('reports a name given twice, at the second entry', () => {
    const text = 'list(N = 3, y = 1, N = 4)';
    const p = singleProblem(text, () => evaluateList(parse(text), 'data'));
    assert.match(p.message, /'N' is given twice in the data/);
    assert.equal(textOf(text, p.range), 'N = 4');
  });

  it('reports an entry without a name, at that entry', () => {
    const text = 'list(N = 3, c(1, 2))';
    const p = singleProblem(text, () => evaluateList(parse(text), 'initial values'));
    assert.match(p.message, /Every entry of the initial values list needs a name/);
    assert.equal(textOf(text, p.range), 'c(1, 2)');
  });

  it('reports a value that is not a list at all', () => {
    const text = 'c(1, 2)';
    const p = singleProblem(text, () => evaluateList(parse(text), 'data'));
    assert.match(p.message, /Expected data as list\(name = value, \.\.\.\)/);
  });

  it('raises ModelError (never another error) for a bad entry deep inside the list', () => {
    const problems = modelErrorOf(() => evaluateList(parse('list(a = c(1, structure(c(1, 2), .Dim = c(3))))'), 'data'));
    assert.equal(problems.length, 1);
  });
});

describe("BUGS's row-by-row .Data in a list(...)", () => {
  // OpenBUGS and WinBUGS data files fill structure(.Data = ...) row by row; we read it column by column, as R and JAGS do.
  const bugs = 'list(N = 2, y = structure(.Data = c(1, 2, 3, 4, 5, 6), .Dim = c(2, 3)), z = structure(c(1, 2, 3, 4), .Dim = c(2, 2)), v = structure(.Data = c(1, 2, 3), .Dim = c(1, 3)))';

  it('warns about each matrix given as structure(.Data = ...) in a list, at its entry, and reads it column by column', () => {
    const warnings = bugsOrderWarnings(parse(bugs));
    assert.deepEqual(warnings.map((w) => [w.severity, textOf(bugs, w.range)]), [['warning', 'y = structure(.Data = c(1, 2, 3, 4, 5, 6), .Dim = c(2, 3))']]);
    assert.match(warnings[0]!.message, /row by row.*column by column.*y is transposed/);
    const y = evaluateList(parse(bugs), 'data').get('y')!;
    assert.deepEqual(Array.from(y.values), [1, 3, 5, 2, 4, 6]);
  });

  it("warns about a BUGS-format data file, with the file's name and line, and not about R's dump format", () => {
    const warned: Problem[] = [];
    readRDump(`# from a BUGS example\n${bugs}\n`, 'data.R', (p) => warned.push(p));
    assert.deepEqual(warned.map((w) => w.message.slice(0, 15)), ['data.R:2:13: y:']);
    const dumped: Problem[] = [];
    readRDump('"y" <- structure(.Data = c(1, 2, 3, 4, 5, 6), .Dim = c(2, 3))\n', 'data.R', (p) => dumped.push(p));
    assert.deepEqual(dumped, []);
  });
});
