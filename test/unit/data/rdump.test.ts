import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { readRDump } from '../../../src/engine/data/rdump';
import { ModelError } from '../../../src/engine/language/source';
import { assertRangeInText, modelErrorOf, textOf } from '../engine/helpers';
import { at, CLASSIC_BUGS, CLASSIC_BUGS_REFERENCE, get, list, row } from './helpers';

const EXAMPLES = readdirSync(CLASSIC_BUGS).filter((d) => statSync(join(CLASSIC_BUGS, d)).isDirectory());

/** The reference run: the classic suite's bench.R, or the JAGS 4.3 run recorded for an example written from its description. */
function referenceFile(example: string): string {
  return existsSync(join(CLASSIC_BUGS_REFERENCE, example, 'bench.R')) ? 'bench.R' : 'jags-4.3.R';
}

function readExample(example: string, file: string) {
  return readRDump(readFileSync(join(file === referenceFile(example) ? CLASSIC_BUGS_REFERENCE : CLASSIC_BUGS, example, file), 'utf8'), file);
}

/** Reads a text that must fail with one problem; its message, and the text its range covers. */
function rejected(text: string, fileName = 'data.R'): { message: string; covered: string } {
  const problems = modelErrorOf(() => readRDump(text, fileName));
  assert.equal(problems.length, 1, problems.map((p) => p.message).join(' | '));
  const p = problems[0]!;
  assertRangeInText(p.range, text, p.message);
  return { message: p.message, covered: textOf(text, p.range) };
}

describe('R dump format: the classic BUGS examples', () => {
  it('finds the seven examples of the classic suite and the fifteen written from their descriptions', () => {
    assert.deepEqual(EXAMPLES.sort(), ['air', 'alli', 'beetles', 'birats', 'blocker', 'dugongs', 'dyes', 'eyes', 'hearts', 'jaw', 'leuk', 'line', 'lsat', 'orange', 'otreesmvn', 'pump', 'rats', 'salm', 'seeds', 'stacks', 'stagnant', 'surgical']);
    assert.deepEqual(EXAMPLES.filter((e) => referenceFile(e) === 'bench.R'), ['dugongs', 'dyes', 'eyes', 'line', 'pump', 'rats', 'seeds']);
  });

  for (const example of EXAMPLES) {
    for (const file of ['data.R', 'inits.R', referenceFile(example)]) {
      it(`reads ${example}/${file}`, () => {
        const values = readExample(example, file);
        assert.ok(values.size > 0);
        for (const [name, v] of values) {
          const size = v.dims.reduce((a, b) => a * b, 1);
          assert.equal(v.values.length, size, `${name}: ${v.values.length} values for dims [${v.dims.join(', ')}]`);
        }
      });
    }
  }

  it('reads rats: scalars, a vector and the 30 × 5 matrix Y filled column-major, with NA', () => {
    const data = readExample('rats', 'data.R');
    assert.deepEqual([...data.keys()], ['N', 'T', 'x', 'Y']);
    assert.deepEqual(get(data, 'N'), { dims: [], values: Float64Array.of(30) });
    assert.deepEqual(list(get(data, 'x')), [8, 15, 22, 29, 36]);
    const Y = get(data, 'Y');
    assert.deepEqual(Y.dims, [30, 5]);
    // Rat 1's five weekly weights: the first element of each column in the file.
    assert.deepEqual(row(Y, 1), [151, 199, 246, 283, 320]);
    assert.deepEqual(row(Y, 2), [145, 199, 249, 293, 354]);
    // Rats 26 to 30 were weighed in week 1 only; rats 21 to 25 up to week 2.
    assert.deepEqual(row(Y, 26), [160, null, null, null, null]);
    assert.deepEqual(row(Y, 30), [153, null, null, null, null]);
    assert.deepEqual(row(Y, 21), [154, 205, null, null, null]);
    assert.deepEqual(row(Y, 16), [160, 207, 248, null, null]);
    // Missing: rats 26-30 from week 2, 21-30 from week 3, 11-30 from week 4, 6-30 in week 5.
    assert.equal(list(Y).filter((v) => v === null).length, 5 + 10 + 20 + 25);
  });

  it('reads dyes: y is 6 batches × 5 samples, batch by batch', () => {
    const y = get(readExample('dyes', 'data.R'), 'y');
    assert.deepEqual(y.dims, [6, 5]);
    assert.deepEqual(row(y, 1), [1545, 1440, 1440, 1520, 1580]);
    assert.deepEqual(row(y, 6), [1520, 1455, 1450, 1480, 1445]);
    assert.equal(at(y, 2, 1), 1540);
  });

  it('reads eyes: values over several lines, and NA in initial values', () => {
    const data = readExample('eyes', 'data.R');
    assert.equal(get(data, 'y').values.length, 48);
    assert.equal(at(get(data, 'y'), 48), 553.2);
    assert.deepEqual(list(get(readExample('eyes', 'inits.R'), 'lambda')), [535, null]);
  });

  it('reads bench.R: .Dim = as.integer(c(...)), ignoring .Dimnames', () => {
    const bench = get(readExample('rats', 'bench.R'), 'benchstats');
    assert.deepEqual(bench.dims, [2, 4]);
    assert.deepEqual(row(bench, 1), [106.39547526, 3.59973711728027, 0.0359973711728027, 0.0411237269899422]);
    assert.equal(at(bench, 2, 1), 6.186341032);
  });
});

describe('R dump format: the forms JAGS and R write', () => {
  it('reads quoted, bare and backticked names, = and <-, semicolons and comments', () => {
    const values = readRDump('# data\n"a" <- 1\nb <- 2; `c d` <- 3\ne = 4 # four\n', 'data.R');
    assert.deepEqual([...values].map(([k, v]) => [k, list(v)]), [['a', [1]], ['b', [2]], ['c d', [3]], ['e', [4]]]);
  });

  it("reads R's integer suffix, a:b, rep, negative numbers, Inf and the typed NAs", () => {
    const values = readRDump('n <- 10L\ns <- 1:3\nr <- rep(0, 2)\nm <- c(-1.5, 2e-3, Inf, NA_integer_, NA_real_, NA)\n', 'data.R');
    assert.deepEqual(list(get(values, 'n')), [10]);
    assert.deepEqual(list(get(values, 's')), [1, 2, 3]);
    assert.deepEqual(list(get(values, 'r')), [0, 0]);
    assert.deepEqual(list(get(values, 'm')), [-1.5, 0.002, Infinity, null, null, null]);
  });

  it('reports NaN at its place: only NA means missing', () => {
    assert.throws(
      () => readRDump('y <- c(1, 2,\n  NaN, 4)\n', 'data.R'),
      (e: unknown) => e instanceof ModelError && /^data\.R:2:3: NaN \(not a number, the result of a failed computation\) is not a value the model can use; write NA for a missing value\.$/.test(e.problems[0]!.message),
    );
  });

  it('reads structure() with .Dim, .Dim = as.integer(...), dim =, and three dimensions, filling column-major', () => {
    const values = readRDump(
      [
        'A <- structure(c(1, 2, 3, 4, 5, 6), .Dim = c(2L, 3L))',
        'B <- structure(c(1, 2, 3, 4, 5, 6), .Dim = as.integer(c(3, 2)), .Dimnames = list(c("a", "b", "c"), NULL))',
        'C <- structure(1:8, dim = c(2, 2, 2))',
        'D <- as.integer(c(2.7, -2.7))',
        'E <- numeric(0)',
      ].join('\n'),
      'data.R',
    );
    const A = get(values, 'A');
    assert.deepEqual(A.dims, [2, 3]);
    assert.deepEqual([row(A, 1), row(A, 2)], [[1, 3, 5], [2, 4, 6]]);
    const B = get(values, 'B');
    assert.deepEqual([row(B, 1), row(B, 2), row(B, 3)], [[1, 4], [2, 5], [3, 6]]);
    const C = get(values, 'C');
    assert.deepEqual(C.dims, [2, 2, 2]);
    assert.equal(at(C, 2, 1, 1), 2);
    assert.equal(at(C, 1, 2, 1), 3);
    assert.equal(at(C, 1, 1, 2), 5);
    assert.deepEqual(list(get(values, 'D')), [2, -2]);
    assert.deepEqual(get(values, 'E').dims, [0]);
  });

  it('reads a file that is one list(...), as BUGS writes data', () => {
    const values = readRDump('list(N = 3,\n     y = c(1, NA, 2))\n', 'data.R');
    assert.deepEqual([...values].map(([k, v]) => [k, list(v)]), [['N', [3]], ['y', [1, null, 2]]]);
  });

  it('reads an empty file as no data', () => {
    assert.equal(readRDump('# nothing here\n', 'data.R').size, 0);
  });
});

describe('R dump format: problems, in the file and naming it', () => {
  it('reports a function R data do not use, at the function, with file:line:column', () => {
    const { message, covered } = rejected('"N" <- 3\n"y" <-\n  log(c(1, 2))\n');
    assert.match(message, /^data\.R:3:3: 'log\(\.\.\.\)' is not allowed in data/);
    assert.equal(covered, 'log');
  });

  it('reports an unclosed c( with the line and column it opened at, as counted in the file', () => {
    const text = 'a <- 1\n"y" <- c(1, 2,\n  3\n';
    const { message } = rejected(text);
    assert.match(message, /^data\.R:3:4: Expected ',' or '\)' in the argument list opened at line 2, column 9/);
  });

  it('reports a line that is not an assignment', () => {
    const { message, covered } = rejected('x <- 1\n2 + 3\n');
    assert.match(message, /^data\.R:2:1: Unexpected '2' after the value/);
    assert.equal(covered, '2');
    assert.match(rejected('<- 3').message, /Expected an assignment such as "x" <- c\(1, 2\), found '<-'/);
  });

  it('reports a name with no value, a name given twice and a bad .Dim', () => {
    assert.match(rejected('x <- 1\ny <-\n').message, /^data\.R:2:3: 'y' has no value after '<-'/);
    const twice = rejected('x <- 1\nx <- 2\n');
    assert.match(twice.message, /^data\.R:2:1: 'x' is given twice/);
    assert.match(rejected('A <- structure(c(1, 2, 3), .Dim = c(2, 2))').message, /has 3 values but \.Dim = c\(2, 2\) needs 4/);
    assert.match(rejected('A <- structure(c(1, 2), .Dim = c(0.5, 4))').message, /\.Dim must be whole numbers/);
  });

  it('reports characters R data cannot hold, naming the file given', () => {
    assert.match(rejected('x <- 1 @ 2', 'inits.R').message, /^inits\.R:1:8: Unexpected character '@'/);
  });
});
