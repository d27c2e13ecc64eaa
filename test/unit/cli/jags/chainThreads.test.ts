import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, it } from 'node:test';
import type { ChainThreadSettings } from '../../../../src/cli/jags/chainPlacement';
import { freeThreads } from '../../../../src/cli/freeCores';
import { numbersIn, prestartChains } from '../../../../src/cli/jags/prestart';
import { runJags } from '../../../../src/cli/jags/runJags';
import { chainGroups } from '../../../../src/engine/run/chainThreads';

/** Random effects with a logit link: slice and conjugate samplers, a thinned monitor and an inits file per chain. */
const MODEL = `model {
  for (i in 1:N) {
    r[i] ~ dbin(p[i], n[i])
    b[i] ~ dnorm(0, tau)
    logit(p[i]) <- alpha + b[i]
  }
  alpha ~ dnorm(0, 1.0E-4)
  tau ~ dgamma(1, 1)
}
`;
const DATA = '"N" <- 4\n"r" <- c(3, 5, 2, 7)\n"n" <- c(10, 10, 8, 12)\n';

/** Every chain in worker threads but the first, whatever the script's size. */
const THREADS: ChainThreadSettings = { script: resolve(__dirname, '../../../../src/engine/run/sessionWorker.ts'), execArgv: ['--require', 'tsx/cjs'], threads: 3, minimumWork: 0 };

interface Ran {
  code: number;
  errors: string[];
  /** Every output file's text, by name. */
  files: Map<string, string>;
}

/** `chainThreads` as a function: settings made once the script is written, from its path (the launcher's prestart). */
function run(script: string, files: Record<string, string>, threads?: ChainThreadSettings | ((scriptPath: string) => ChainThreadSettings)): Ran {
  const dir = mkdtempSync(join(tmpdir(), 'latent-threads-'));
  const output = join(dir, 'out');
  mkdirSync(output);
  writeFileSync(join(dir, 'm.bug'), MODEL);
  writeFileSync(join(dir, 'data.R'), DATA);
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  writeFileSync(join(dir, 'run.cmd'), script);
  const chainThreads = typeof threads === 'function' ? threads(join(dir, 'run.cmd')) : threads;
  const errors: string[] = [];
  const code = runJags(join(dir, 'run.cmd'), { seed: 5, outputDirectory: output, ...(chainThreads ? { chainThreads } : {}) }, () => {}, (l) => errors.push(l.replaceAll(dir, 'DIR')));
  return { code, errors, files: new Map(readdirSync(output).map((name) => [name, readFileSync(join(output, name), 'utf8')])) };
}

describe('latent jags: chains in worker threads', () => {
  it('splits chains into contiguous groups, one per thread', () => {
    assert.deepEqual(chainGroups(2, 2), [[0], [1]]);
    assert.deepEqual(chainGroups(3, 2), [[0, 1], [2]]);
    assert.deepEqual(chainGroups(4, 8), [[0], [1], [2], [3]]);
    assert.deepEqual(chainGroups(3, 1), [[0, 1, 2]]);
  });

  it('uses, unless told, this thread and one per core the other processes leave free', () => {
    // Without a runnable count (not Linux), the load average is all others' demand.
    assert.equal(freeThreads(2, 0.1, null), 2);
    assert.equal(freeThreads(2, 0.4, null), 2);
    assert.equal(freeThreads(2, 0.6, null), 1);
    assert.equal(freeThreads(2, 9.7, null), 1);
    assert.equal(freeThreads(8, 2.5, null), 6);
    // A loop of runs on an idle machine: the last minute's load is this loop's own, and only this thread runs now.
    assert.equal(freeThreads(2, 1.2, 1), 2);
    // One other busy process, now or in the last minute.
    assert.equal(freeThreads(2, 0.1, 2), 1);
    assert.equal(freeThreads(2, 2.1, 1), 1);
    assert.equal(freeThreads(2, 9.7, 12), 1);
    assert.equal(freeThreads(8, 3.2, 3), 6);
  });

  it('gives byte for byte the files of a run with every chain in one thread: CODA, thinned monitors, a chain\'s values and seeds', () => {
    const script = `model in "m.bug"
data in "data.R"
compile, nchains(4)
parameters in "i3.R", chain(3)
initialize
update 200
monitor alpha, thin(3)
monitor b
update 150
monitor tau
update 100
monitor clear b
update 20
parameters to "p4.R", chain(4)
parameters to "p1.R", chain(1)
coda *
`;
    const files = { 'i3.R': '"alpha" <- 0.5\n"tau" <- 2\n".RNG.seed" <- 11\n' };
    const inOne = run(script, files);
    const inThreads = run(script, files, THREADS);
    assert.equal(inOne.code, 0, inOne.errors.join('\n'));
    assert.equal(inThreads.code, 0, inThreads.errors.join('\n'));
    assert.deepEqual([...inThreads.files.keys()].sort(), ['CODAchain1.txt', 'CODAchain2.txt', 'CODAchain3.txt', 'CODAchain4.txt', 'CODAindex.txt', 'p1.R', 'p4.R']);
    for (const [name, text] of inOne.files) assert.equal(inThreads.files.get(name), text, name);
    // The run is not degenerate: chain 4 (a worker's) differs from chain 1.
    assert.notEqual(inThreads.files.get('CODAchain4.txt'), inThreads.files.get('CODAchain1.txt'));
  });

  it('ends the workers after the last command that needs them, with every CODA file as in one thread', () => {
    // The workers end inside the second 'coda' (after its records are collected), before 'samplers to' and 'data to'.
    const script = `model in "m.bug"
data in "data.R"
compile, nchains(3)
initialize
update 50
monitor alpha
monitor b
update 60
coda alpha, stem(A)
update 30
coda b, stem(B)
samplers to "samplers.txt"
data to "data-out.R"
`;
    const inOne = run(script, {});
    const inThreads = run(script, {}, THREADS);
    assert.equal(inThreads.code, 0, inThreads.errors.join('\n'));
    assert.deepEqual([...inThreads.files.keys()].sort(), [...inOne.files.keys()].sort());
    assert.ok(inOne.files.has('Bchain3.txt') && inOne.files.has('samplers.txt'));
    for (const [name, text] of inOne.files) assert.equal(inThreads.files.get(name), text, name);
  });

  it('stops at initialize with a message, not for ever, when a worker cannot load the engine', () => {
    // The CLI's worker launcher beside the TypeScript sources finds no built sessionWorker.js next to it.
    const launcher: ChainThreadSettings = { ...THREADS, script: resolve(__dirname, '../../../../src/cli/sessionThread.ts') };
    const started = Date.now();
    const ran = run('model in "m.bug"\ndata in "data.R"\ncompile, nchains(2)\ninitialize\nupdate 10\n', {}, launcher);
    assert.equal(ran.code, 1);
    assert.match(ran.errors.join('\n'), /run\.cmd:4:1: error: 'initialize' failed: the worker thread for chains could not load the engine/);
    assert.ok(Date.now() - started < 60_000);
  });

  it('reports a problem met in a worker thread at the same command, as in one thread', () => {
    const script = 'model in "m.bug"\ndata in "data.R"\ncompile, nchains(3)\nparameters in "bad.R", chain(3)\ninitialize\nupdate 10\n';
    const files = { 'bad.R': '"tau" <- -1\n' };
    const inOne = run(script, files);
    const inThreads = run(script, files, THREADS);
    assert.equal(inOne.code, 1);
    assert.equal(inThreads.code, 1);
    assert.deepEqual(inThreads.errors, inOne.errors);
    assert.match(inThreads.errors.join('\n'), /tau/);
  });

  it('starts workers before compiling when the data look large, and gives the same files whether the compiled model then takes them or not', () => {
    // 200 iterations; the model has 10 stochastic nodes (2,000 node updates per chain). data.R holds 9 numbers (1,800),
    // big.R 49 (9,800: its x is never used). Each setting below puts the early guess and the compiled model's count on
    // either side of the least work for a worker.
    const script = (data: string): string => `model in "m.bug"\ndata in "${data}"\ncompile, nchains(2)\ninitialize\nupdate 100\nmonitor alpha\nmonitor b\nupdate 100\ncoda *\n`;
    const big = { 'big.R': `${DATA}"x" <- c(${Array.from({ length: 40 }, (_, k) => k).join(', ')})\n` };
    const cases: Array<{ data: string; minimumWork: number; what: string }> = [
      // Started early, then abandoned: the model is too small for a worker.
      { data: 'big.R', minimumWork: 5000, what: 'abandoned' },
      // Started early and taken.
      { data: 'big.R', minimumWork: 1000, what: 'taken' },
      // Not started early (the guess is below the least work), started at compile.
      { data: 'data.R', minimumWork: 1900, what: 'started at compile' },
    ];
    const inOne = run(script('big.R'), big);
    assert.equal(inOne.code, 0, inOne.errors.join('\n'));
    for (const c of cases) {
      const oneThread = c.data === 'big.R' ? inOne : run(script(c.data), big);
      const ran = run(script(c.data), big, { ...THREADS, threads: 2, minimumWork: c.minimumWork });
      assert.equal(ran.code, 0, `${c.what}: ${ran.errors.join('\n')}`);
      assert.deepEqual(ran.errors, oneThread.errors, c.what);
      for (const [name, text] of oneThread.files) assert.equal(ran.files.get(name), text, `${c.what}: ${name}`);
    }
  });

  it('ends workers started early when the model does not compile', () => {
    const started = Date.now();
    const ran = run('model in "bad.bug"\ndata in "data.R"\ncompile, nchains(2)\ninitialize\nupdate 1000000\n', { 'bad.bug': 'model {\n  alpha ~ dnorm(0, \n}\n' }, THREADS);
    assert.equal(ran.code, 1);
    assert.match(ran.errors.join('\n'), /bad\.bug:3:1: error/);
    assert.ok(Date.now() - started < 60_000);
  });

  it("counts a data file's numbers for the launcher's guess: R dump, JSON and CSV, NA included, not the digits of names", () => {
    assert.equal(numbersIn('"N" <- 4\n"x1" <- c(1.5, -2, 3e-4, NA, .5)\n"Y" <- structure(.Data = c(1, 2, 3, 4), .Dim = c(2, 2))\n'), 12);
    assert.equal(numbersIn('{"y2": [1, 2.5e3, null], "n": 10}'), 3);
    assert.equal(numbersIn('x1,y\n1,2\n3,NA\n'), 4);
    // Counting stops where the launcher's test is decided.
    assert.equal(numbersIn('x1,y\n1,2\n3,NA\n', 3), 3);
  });

  it('starts workers in the launcher for a script whose data look large, and gives the same files whether the compiled model takes them or not', () => {
    const script = `model in "m.bug"\ndata in "big.R"\ncompile, nchains(2)\ninitialize\nupdate 100\nmonitor alpha\nmonitor b\nupdate 100\ncoda *\n`;
    // big.R holds 49 numbers: 9,800 node updates per chain by the guess; the model's 10 stochastic nodes make 2,000.
    const big = { 'big.R': `${DATA}"x" <- c(${Array.from({ length: 40 }, (_, k) => k).join(', ')})\n` };
    const inOne = run(script, big);
    assert.equal(inOne.code, 0, inOne.errors.join('\n'));
    for (const minimumWork of [1000, 5000]) {
      let prestarted = false;
      const ran = run(script, big, (path) => {
        const settings = { ...THREADS, minimumWork };
        const early = prestartChains(['jags', path, '--seed', '5', '--threads', '2'], settings);
        prestarted = early !== undefined;
        return early ? { ...settings, prestarted: early } : settings;
      });
      assert.ok(prestarted, `least work ${minimumWork}: started in the launcher`);
      assert.equal(ran.code, 0, ran.errors.join('\n'));
      for (const [name, text] of inOne.files) assert.equal(ran.files.get(name), text, `least work ${minimumWork}: ${name}`);
    }
  });

  it('starts no workers in the launcher for another command, one thread, a small script or one it cannot read', () => {
    const dir = mkdtempSync(join(tmpdir(), 'latent-prestart-'));
    writeFileSync(join(dir, 'data.R'), DATA);
    const path = join(dir, 'run.cmd');
    writeFileSync(path, 'model in "m.bug"\ndata in "data.R"\ncompile, nchains(2)\ninitialize\nupdate 100\n');
    const settings = { ...THREADS, threads: 2 };
    // data.R's 9 numbers x 100 iterations: 900 node updates per chain.
    assert.equal(prestartChains(['jags', path], { ...settings, minimumWork: 901 }), undefined);
    assert.equal(prestartChains(['sample', path], { ...settings, minimumWork: 0 }), undefined);
    assert.equal(prestartChains(['jags', path, '--threads', '1'], { ...settings, minimumWork: 0 }), undefined);
    assert.equal(prestartChains(['jags', path, '--threads', 'two'], { ...settings, minimumWork: 0 }), undefined);
    assert.equal(prestartChains(['jags', join(dir, 'missing.cmd')], { ...settings, minimumWork: 0 }), undefined);
    writeFileSync(path, 'model in "m.bug"\ndata in "missing.R"\ncompile, nchains(2)\n');
    assert.equal(prestartChains(['jags', path], { ...settings, minimumWork: 0 }), undefined);
  });
});
