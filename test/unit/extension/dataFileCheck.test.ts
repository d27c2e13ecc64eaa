import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { parseDocument } from '../../../src/engine/language/parser';
import { checkDataFiles, DataFileCache, WHOLE_FILE_LIMIT } from '../../../src/extension/language/dataFileCheck';
import { editorRange, problemsIn } from '../../../src/extension/language/diagnosticsLogic';

const folder = mkdtempSync(join(tmpdir(), 'latent-data-check-'));
after(() => rmSync(folder, { recursive: true, force: true }));
writeFileSync(join(folder, 'data.R'), 'N <- 3\ny <- c(1.2, 0.8, 1.9)\n');
writeFileSync(join(folder, 'ratings.csv'), 'r1,r2,group\n1,2,1\n3,4,2\n');

/** The problems as the editor shows them once the files are read: "line:column message". */
async function problemsWithFiles(text: string, cache = new DataFileCache()): Promise<string[]> {
  const files = await checkDataFiles(parseDocument(text).document, folder, cache);
  return problemsIn(text, files).map((p) => `${editorRange(p.range).startLine}:${editorRange(p.range).startCharacter} ${p.severity}: ${p.message}`);
}

const MODEL = 'model {\n  for (i in 1:N) { y[i] ~ dnorm(mu, tau) }\n  mu ~ dnorm(0, 1)\n  tau ~ dgamma(1, 1)\n}\n';

describe('checks as you type that read the data files', () => {
  it('knows the names a data file gives: nothing to say about a good model', async () => {
    assert.deepEqual(await problemsWithFiles(`${MODEL}data from "data.R"`), []);
  });

  it('squiggles a misspelt name the file does not give, with a suggestion', async () => {
    const problems = await problemsWithFiles(`${MODEL.replace('y[i] ~', 'yy[i] ~').replace('dnorm(mu, tau)', 'dnorm(mu, tua)')}data from "data.R"`);
    assert.deepEqual(problems, ["1:37 error: Unknown name 'tua': it is neither data nor defined in the model. Did you mean 'tau'?"]);
  });

  it("flags, with their ranges, an index that runs past the data's length and a data vector indexed as a matrix", async () => {
    // data.R gives N = 3 and y of 3 values: a loop to N + 1 reads y[4], and y[i, 1] indexes a vector with 2 indices.
    const past = await problemsWithFiles(`${MODEL.replace('1:N', '1:(N + 1)')}data from "data.R"`);
    assert.deepEqual(past, ["1:27 error: Index out of range: this index of 'y' reaches 4, but the data give 3 values."]);
    const matrix = await problemsWithFiles(`${MODEL.replace('y[i] ~', 'y[i, 1] ~')}data from "data.R"`);
    assert.deepEqual(matrix, ["1:19 error: 'y' has 1 dimension in the data (3), but is indexed here with 2."]);
    // A CSV's columns by name and a matrix made with (...): Y is 2 × 2, so Y[i, 1:3] passes its second dimension.
    const csv = 'model {\n  for (i in 1:2) { Y[i, 1:3] ~ dmnorm(m[], P[, ]) }\n}\ndata from "ratings.csv" with (Y = c(r1:r2))\ndata list(m = c(0, 0, 0), P = structure(c(1, 0, 0, 0, 1, 0, 0, 0, 1), .Dim = c(3, 3)))\n';
    assert.deepEqual(await problemsWithFiles(csv), ["1:24 error: Index out of range: this index of 'Y' reaches 3, but its dimension 2 has 2 (the data's Y is 2 × 2)."]);
  });

  it('reports a data file that does not exist at its name, as the run does', async () => {
    const [problem, ...rest] = await problemsWithFiles(`${MODEL}data from "dat.R"`);
    assert.equal(rest.length, 0);
    assert.equal(problem, `5:10 error: Cannot read data file 'dat.R' (looked in ${folder}): no such file.`);
  });

  it('does not open a named pipe (which would hold a thread forever): it says the file is not a regular one', async () => {
    execFileSync('mkfifo', [join(folder, 'pipe.R')]);
    const [problem, ...rest] = await problemsWithFiles(`${MODEL}data from "pipe.R"`);
    assert.equal(rest.length, 0);
    assert.equal(problem, `5:10 error: Cannot read data file 'pipe.R' (looked in ${folder}): it is not a regular file.`);
  });

  it("reads a CSV's columns and the names its with (...) makes, and points at a column that is not there", async () => {
    const model = 'model {\n  for (i in 1:N) { Y[i, 1:2] ~ dmnorm(m[], P[, ]) }\n}\n';
    const data = 'data list(N = 2, m = c(0, 0), P = structure(c(1, 0, 0, 1), .Dim = c(2, 2)))';
    assert.deepEqual(await problemsWithFiles(`${model}${data}\ndata from "ratings.csv" with (Y = c(r1, r2))`), []);
    const [bad] = await problemsWithFiles(`${model}${data}\ndata from "ratings.csv" with (Y = c(r1, r3))`);
    assert.match(bad!, /^4:40 error: 'r3' is not in ratings\.csv, which gives r1, r2, group\. Did you mean 'r1'\?/);
  });

  it('reads only the header of a big CSV, and leaves the names of a big R dump file unchecked', async () => {
    const rows = Math.ceil(WHOLE_FILE_LIMIT / 8) + 10;
    writeFileSync(join(folder, 'big.csv'), `y,x\n${'1.5,2.5\n'.repeat(rows)}`);
    writeFileSync(join(folder, 'big.R'), `y <- c(${'1,'.repeat(WHOLE_FILE_LIMIT / 2)}1)\n`);
    const cache = new DataFileCache();
    const model = 'model {\n  for (i in 1:N) { y[i] ~ dnorm(b * x[i], 1) }\n  b ~ dnorm(0, 1)\n}\n';
    assert.deepEqual(await cache.read(join(folder, 'big.csv')), 'y,x\n');
    assert.deepEqual(await problemsWithFiles(`${model}data list(N = 3)\ndata from "big.csv"`, cache), []);
    assert.deepEqual(await problemsWithFiles(`${model.replace('b * x', 'b * z')}data list(N = 3)\ndata from "big.csv"`, cache), [
      "1:36 error: Unknown name 'z': it is neither data nor defined in the model. Did you mean 'y'?",
    ]);
    assert.equal(await cache.read(join(folder, 'big.R')), undefined);
    assert.deepEqual(await problemsWithFiles(`${model}data from "big.R"`, cache), []);
  });

  it('checks that an inits file exists too', async () => {
    const problems = await problemsWithFiles(`${MODEL}data from "data.R"\ninits from "inits.R"`);
    assert.deepEqual(problems, [`6:11 error: Cannot read initial values file 'inits.R' (looked in ${folder}): no such file.`]);
  });
});

describe('unknown run options as you type', () => {
  it("reports 'restart' for a fit's 'restarts' and 'iteration' for gibbs's 'iterations', at the option", () => {
    const fit = problemsIn(`${MODEL}data list(N = 1, y = 1)\nfit with em(restart = 5)`);
    assert.equal(fit.length, 1);
    assert.match(fit[0]!.message, /^Unknown option 'restart' for fit\. Did you mean 'restarts'\? Options: /);
    assert.deepEqual(editorRange(fit[0]!.range), { startLine: 6, startCharacter: 12, endLine: 6, endCharacter: 23 });
    const gibbs = problemsIn(`${MODEL}data list(N = 1, y = 1)\nsample with gibbs(iteration = 10)`);
    assert.match(gibbs[0]!.message, /^Unknown option 'iteration' for gibbs\. Did you mean 'iterations'\? Options: chains, burnin, iterations, thin, seed, monitor, loo, ppc\.$/);
    const sbc = problemsIn(`${MODEL}data list(N = 1, y = 1)\ncalibrate with sbc(simulation = 10)`);
    assert.match(sbc[0]!.message, /^Unknown option 'simulation' for sbc\. Did you mean 'simulations'\?/);
  });

  it('accepts every option the readers take', () => {
    assert.deepEqual(problemsIn(`${MODEL}data list(N = 1, y = 1)\nsample with gibbs(chains = 2, burnin = 1, iterations = 5, thin = 1, seed = 1, monitor = c(mu))`), []);
    assert.deepEqual(problemsIn(`${MODEL}data list(N = 1, y = 1)\nfit with mcem(sweeps = 5, restarts = 2, max.iter = 10, tol = 1e-3)`), []);
  });
});
