import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { formatOf } from '../../../src/engine/data/files';
import { parseDocument } from '../../../src/engine/language/parser';
import { BUILT_IN_DEFAULTS, type ReadOptions } from '../../../src/engine/run/request';
import { readRequest } from '../../../src/engine/job/job';
import { assertRangeInText, modelErrorOf, textOf } from '../engine/helpers';
import { CLASSIC_BUGS, EM_EXAMPLES, fakeFiles, get, list, REPO_ROOT, row } from './helpers';

const MODEL = 'model {\n  for (i in 1:N) { y[i] ~ dnorm(mu, 1) }\n  mu ~ dnorm(0, 1)\n}\n';

function read(source: string, options: ReadOptions = {}) {
  return readRequest('sample', source, BUILT_IN_DEFAULTS, () => 1, options);
}

/** Reads a cell that must fail with one problem; its message and the text of the cell it points at. */
function rejected(source: string, options: ReadOptions = {}): { message: string; covered: string } {
  const problems = modelErrorOf(() => read(source, options));
  assert.equal(problems.length, 1, problems.map((p) => p.message).join(' | '));
  const p = problems[0]!;
  assertRangeInText(p.range, source, p.message);
  return { message: p.message, covered: textOf(source, p.range) };
}

describe('data files: the directive', () => {
  it('parses data from "file" and inits from "file", with an optional with (...)', () => {
    const text = `${MODEL}data from "d.csv" with (Y = c(r1, r2), n = length(y))\ninits from 'i.R'`;
    const { document, problems } = parseDocument(text);
    assert.deepEqual(problems, []);
    const [data, inits] = document.directives;
    assert.ok(data?.kind === 'data' && data.value.kind === 'file');
    assert.equal(data.value.path, 'd.csv');
    assert.equal(textOf(text, data.value.pathRange), '"d.csv"');
    assert.deepEqual(data.value.bindings.map((b) => [b.name, textOf(text, b.value.range)]), [['Y', 'c(r1, r2)'], ['n', 'length(y)']]);
    assert.equal(textOf(text, data.range), 'data from "d.csv" with (Y = c(r1, r2), n = length(y))');
    assert.ok(inits?.kind === 'inits' && inits.value.kind === 'file');
    assert.deepEqual(inits.value.bindings, []);
  });

  it('reports a file name without quotes, and with without its parenthesis', () => {
    assert.match(parseDocument(`${MODEL}data from data.R`).problems[0]!.message, /Expected a quoted file name after 'from'/);
    assert.match(parseDocument(`${MODEL}data from "d.csv" with Y = c(a, b)`).problems[0]!.message, /Expected '\(' after 'with'/);
  });

  it('tells the format from the extension', () => {
    assert.deepEqual(['a.R', 'a.r', 'a.txt', 'a.dump', 'a.json', 'a.csv', 'a.tsv', 'a.dat', 'a'].map(formatOf), ['rdump', 'rdump', 'rdump', 'rdump', 'json', 'csv', 'tsv', undefined, undefined]);
  });
});

describe('data files: reading relative to the notebook', () => {
  it('reads a relative name in the base directory, and an absolute name as it is', () => {
    const fs = fakeFiles({ '/nb/data/d.R': 'N <- 2\ny <- c(1, 2)', '/abs/i.json': '{"mu": 0.5}' });
    const r = read(`${MODEL}data from "data/d.R"\ninits from "/abs/i.json"`, { baseDirectory: '/nb', readFile: fs.readFile });
    assert.deepEqual(fs.reads, ['/nb/data/d.R', '/abs/i.json']);
    assert.deepEqual(list(get(r.data, 'y')), [1, 2]);
    assert.deepEqual(list(get(r.inits!, 'mu')), [0.5]);
    assert.deepEqual(r.files, { baseDirectory: '/nb', dataFiles: [], initsFiles: [] });
    assert.deepEqual(r.warnings, []);
  });

  it('reads real files from disk through node:fs by default', () => {
    const dir = mkdtempSync(join(tmpdir(), 'latent-data-'));
    after(() => rmSync(dir, { recursive: true, force: true }));
    writeFileSync(join(dir, 'y.csv'), 'y\n1.5\n2.5\n');
    const r = read(`${MODEL}data from "y.csv" with (N = length(y))`, { baseDirectory: dir });
    assert.deepEqual(list(get(r.data, 'N')), [2]);
    assert.deepEqual(list(get(r.data, 'y')), [1.5, 2.5]);
  });

  it('reports a missing file at the directive, saying where it looked', () => {
    const fs = fakeFiles({});
    const { message, covered } = rejected(`${MODEL}data from "x.R"`, { baseDirectory: '/nb/sub', readFile: fs.readFile });
    assert.equal(message, "Cannot read data file 'x.R' (looked in /nb/sub): no such file.");
    assert.equal(covered, '"x.R"');
    assert.match(rejected(`${MODEL}data list(N = 1)\ninits from "../x.R"`, { baseDirectory: '/nb/sub', readFile: fs.readFile }).message, /^Cannot read initial values file '\.\.\/x\.R' \(looked in \/nb\): no such file\./);
  });

  it('reports a relative name in an unsaved notebook, and an extension it cannot read', () => {
    assert.match(rejected(`${MODEL}data from "x.R"`).message, /Cannot read data file 'x\.R': the notebook is not saved yet, so there is no folder to look in/);
    assert.match(rejected(`${MODEL}data from "x.dat"`, { baseDirectory: '/nb', readFile: fakeFiles({ '/nb/x.dat': '' }).readFile }).message, /Cannot tell the format of 'x\.dat' from its extension: use \.R/);
  });

  it('reports a problem inside a file at the directive, its message naming the file, line and column', () => {
    const fs = fakeFiles({ '/nb/d.R': 'N <- 2\ny <- c(1,\n  foo(2))\n' });
    const { message, covered } = rejected(`${MODEL}data from "d.R"`, { baseDirectory: '/nb', readFile: fs.readFile });
    assert.match(message, /^d\.R:3:3: 'foo\(\.\.\.\)' is not allowed in data/);
    assert.equal(covered, '"d.R"');
  });
});

describe('data files: with (...)', () => {
  const ratings = 'user,r1,r2,r3,test\n1,4,NA,5,0\n2,3,2,,1\n';
  const options = (): ReadOptions => ({ baseDirectory: '/nb', readFile: fakeFiles({ '/nb/ratings.csv': ratings }).readFile });
  const model = 'model {\n  for (i in 1:N) { for (j in 1:3) { Y[i, j] ~ dnorm(mu[user[i]], 1) } }\n  for (u in 1:2) { mu[u] ~ dnorm(0, 1) }\n}\n';

  it('binds columns into a matrix, row by row, and counts rows with length()', () => {
    const r = read(`${model}data from "ratings.csv" with (Y = c(r1, r2, r3), N = length(user), test = NULL)`, options());
    assert.deepEqual([...r.data.keys()].sort(), ['N', 'Y', 'user']);
    const Y = get(r.data, 'Y');
    assert.deepEqual(Y.dims, [2, 3]);
    assert.deepEqual([row(Y, 1), row(Y, 2)], [[4, null, 5], [3, 2, null]]);
    assert.deepEqual(r.warnings, []);
  });

  it('binds a run of columns a:b, in the order of the file', () => {
    const r = read(`${model}data from "ratings.csv" with (Y = r1:r3, N = length(user), test = NULL)`, options());
    assert.deepEqual(row(get(r.data, 'Y'), 2), [3, 2, null]);
    const probit = read(
      'model { for (i in 1:N) { y[i] ~ dbern(phi(inprod(X[i, ], b[]))) }\n for (k in 1:5) { b[k] ~ dnorm(0, 1) } }\ndata from "probit_n2000_d5.csv" with (X = c(x1:x5), N = length(y))',
      { baseDirectory: EM_EXAMPLES },
    );
    const X = get(probit.data, 'X');
    assert.deepEqual(X.dims, [2000, 5]);
    assert.deepEqual(row(X, 1), [1, 0.7976, -1.9174, 0.0989, 0.3593]);
  });

  it('renames a value, quoted names included', () => {
    const fs = fakeFiles({ '/nb/d.json': '{"obs": [1, 2], "Naive SE": 3, "N": 2}' });
    const r = read(`${MODEL}data from "d.json" with (y = obs, se = "Naive SE")\nsample with gibbs(monitor = mu)`, { baseDirectory: '/nb', readFile: fs.readFile });
    assert.deepEqual([...r.data.keys()].sort(), ['N', 'se', 'y']);
    assert.deepEqual(r.warnings.map((w) => w.message), ["'se' is given as data (from d.json) but the model never uses it."]);
  });

  it('reports a column the file does not have, with a suggestion, at the entry', () => {
    const { message, covered } = rejected(`${model}data from "ratings.csv" with (Y = c(r1, r2, r4))`, options());
    assert.equal(message, "'r4' is not in ratings.csv, which gives user, r1, r2, r3, test. Did you mean 'r1'?");
    assert.equal(covered, 'r4');
  });

  it('keeps the message short for a wide file: the close name, else the count and where the names are, never every column', () => {
    const header = Array.from({ length: 40 }, (_, j) => `gene${j + 1}`);
    const fs = fakeFiles({ '/nb/wide.csv': `${header.join(',')}\n${header.map((_, j) => j).join(',')}\n` });
    const o = { baseDirectory: '/nb', readFile: fs.readFile };
    const close = rejected(`${MODEL}data from "wide.csv" with (X = c(gene1, gen2))`, o);
    assert.equal(close.message, "'gen2' is not among the 40 values of wide.csv. Did you mean 'gene2'?");
    assert.equal(close.covered, 'gen2');
    const far = rejected(`${MODEL}data from "wide.csv" with (y = expression)`, o).message;
    assert.equal(far, "'expression' is not among the 40 values of wide.csv (gene1, gene2, gene3, … gene40; names are case-sensitive, and a CSV file's header line lists them all).");
    assert.ok(far.length < 160, far);
  });

  it('reports columns of different lengths, values that are not vectors and entries it cannot read', () => {
    const fs = fakeFiles({ '/nb/d.R': 'a <- c(1, 2)\nb <- c(1, 2, 3)\nM <- structure(1:4, .Dim = c(2, 2))\nN <- 2' });
    const o = { baseDirectory: '/nb', readFile: fs.readFile };
    assert.match(rejected(`${MODEL}data from "d.R" with (X = c(a, b))`, o).message, /'b' has 3 values but 'a' has 2: the columns of X must have the same length/);
    assert.match(rejected(`${MODEL}data from "d.R" with (X = c(a, M))`, o).message, /'M' is a 2 × 2 array; only vectors can be bound as the columns of X/);
    assert.match(rejected(`${MODEL}data from "d.R" with (X = a + b)`, o).message, /Expected a name in d\.R \(to rename it\), c\(a, b, \.\.\.\) or a:b/);
    assert.match(rejected(`${MODEL}data from "d.R" with (c(a, b))`, o).message, /Each entry of 'with \(\.\.\.\)' names what it makes/);
    assert.match(rejected(`${MODEL}data from "d.R" with (a = b)`, o).message, /'a' is in d\.R too/);
  });
});

describe('data files: merging, names and warnings', () => {
  it('merges inline data with a file, and reports a name given twice', () => {
    const fs = fakeFiles({ '/nb/y.R': 'y <- c(1, 2, 3)' });
    const o = { baseDirectory: '/nb', readFile: fs.readFile };
    const r = read(`${MODEL}data list(N = 3)\ndata from "y.R"`, o);
    assert.deepEqual([...r.data.keys()], ['N', 'y']);
    const { message, covered } = rejected(`${MODEL}data list(N = 3, y = c(0, 0, 0))\ndata from "y.R"`, o);
    assert.equal(message, "'y' is given twice in the data: at line 5 and in y.R.");
    assert.equal(covered, '"y.R"');
  });

  it("lets files given besides the document (the CLI's --data, --inits) replace the document's values", () => {
    const fs = fakeFiles({ '/cli/more.R': 'y <- c(5, 6)\nN <- 2', '/cli/inits.R': 'mu <- 9' });
    const r = read(`${MODEL}data list(N = 3, y = c(0, 0, 0))\ninits list(mu = 1)`, { baseDirectory: '/nb', readFile: fs.readFile, dataFiles: ['/cli/more.R'], initsFiles: ['/cli/inits.R'] });
    assert.deepEqual(list(get(r.data, 'y')), [5, 6]);
    assert.deepEqual(list(get(r.inits!, 'mu')), [9]);
    assert.deepEqual(r.files, { baseDirectory: '/nb', dataFiles: ['/cli/more.R'], initsFiles: ['/cli/inits.R'] });
  });

  it("checks the model's names against the data's, files included, before compiling", () => {
    const fs = fakeFiles({ '/nb/d.csv': 'y,Prec\n1,1\n2,1\n' });
    const source = 'model {\n  for (i in 1:N) { y[i] ~ dnorm(mu, prec) }\n  mu ~ dnorm(0, 1)\n}\ndata from "d.csv" with (N = length(y))';
    const { message, covered } = rejected(source, { baseDirectory: '/nb', readFile: fs.readFile });
    assert.equal(message, "Unknown name 'prec': it is neither data nor defined in the model. Did you mean 'Prec'?");
    assert.equal(covered, 'prec');
  });

  it('does not report names as unknown when a data file could not be read', () => {
    const problems = modelErrorOf(() => read(`${MODEL}data from "gone.R"`, { baseDirectory: '/nb', readFile: fakeFiles({}).readFile }));
    assert.deepEqual(problems.map((p) => p.message), ["Cannot read data file 'gone.R' (looked in /nb): no such file."]);
  });

  it('knows the names a data { } block defines', () => {
    const r = read('data { for (i in 1:N) { z[i] <- 2 * x[i] } }\nmodel { for (i in 1:N) { y[i] ~ dnorm(z[i], 1) } }\ndata list(N = 2, x = c(1, 2), y = c(2, 4))');
    assert.deepEqual(r.warnings, []);
  });

  it('warns about data the model never uses, at the entry or the file', () => {
    const fs = fakeFiles({ '/nb/d.csv': 'y,extra\n1,2\n' });
    const source = `${MODEL}data list(N = 1, M = 5)\ndata from "d.csv"`;
    const r = read(source, { baseDirectory: '/nb', readFile: fs.readFile });
    assert.deepEqual(r.warnings.map((w) => [w.severity, w.message, textOf(source, w.range)]), [
      ['warning', "'M' is given as data but the model never uses it.", 'M = 5'],
      ['warning', "'extra' is given as data (from d.csv) but the model never uses it.", '"d.csv"'],
    ]);
  });

  it('passes on the warnings of a file reader, at the directive', () => {
    const fs = fakeFiles({ '/nb/d.json': '{"note": "simulated", "N": 1, "y": [0.5]}' });
    const source = `${MODEL}data from "d.json"`;
    const r = read(source, { baseDirectory: '/nb', readFile: fs.readFile });
    assert.deepEqual(r.warnings.map((w) => [w.message, textOf(source, w.range)]), [["d.json:1:2: 'note' is a string, not numbers: it is left out of the data.", '"d.json"']]);
  });

  it('reads every classic example with its own model (examples/classic-bugs) and data, without warnings but one', () => {
    const warned: string[] = [];
    for (const example of ['dugongs', 'dyes', 'eyes', 'line', 'pump', 'rats', 'seeds']) {
      const model = readFileSync(join(REPO_ROOT, 'examples/classic-bugs', example, `${example}.bug`), 'utf8');
      const r = read(`${model}\ndata from "${example}/data.R"\ninits from "${example}/inits.R"`, { baseDirectory: CLASSIC_BUGS });
      assert.ok(r.data.size > 0 && r.inits!.size > 0, example);
      warned.push(...r.warnings.map((w) => `${example}: ${w.message}`));
    }
    // dugongs's data give M, which its model does not use: JAGS warns about it too.
    assert.deepEqual(warned, ["dugongs: 'M' is given as data (from dugongs/data.R) but the model never uses it."]);
  });
});
