import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { runJags } from '../../../../src/cli/jags/runJags';
import { readRDump } from '../../../../src/engine/data/rdump';
import { readCoda, type CodaSeries } from '../../../../src/engine/output/coda';

const LINE_MODEL = `model {
  for (i in 1:N) {
    mu[i] <- alpha + beta * (x[i] - mean(x[]))
    Y[i] ~ dnorm(mu[i], tau)
  }
  alpha ~ dnorm(0, 1.0E-4)
  beta ~ dnorm(0, 1.0E-4)
  tau ~ dgamma(0.001, 0.001)
  sigma <- 1 / sqrt(tau)
}
`;
const LINE_DATA = '"x" <- c(1, 2, 3, 4, 5)\n"Y" <- c(1, 3, 3, 3, 5)\n"N" <- 5\n';

interface Ran {
  code: number;
  log: string[];
  errors: string[];
  /** The folder holding the script and its inputs. */
  dir: string;
  /** The folder output files went to. */
  output: string;
  coda(stem?: string): CodaSeries[];
  read(name: string): string;
}

/** Writes the files and the script into a fresh folder and runs the script, writing outputs to a second folder. */
function jags(script: string, files: Record<string, string> = {}, seed = 1): Ran {
  const dir = mkdtempSync(join(tmpdir(), 'latent-jags-'));
  const output = join(dir, 'out');
  mkdirSync(output);
  writeFileSync(join(dir, 'line.bug'), LINE_MODEL);
  writeFileSync(join(dir, 'data.R'), LINE_DATA);
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  writeFileSync(join(dir, 'run.cmd'), script);
  const log: string[] = [];
  const errors: string[] = [];
  const code = runJags(join(dir, 'run.cmd'), { seed, outputDirectory: output }, (l) => log.push(l), (l) => errors.push(l));
  const read = (name: string): string => readFileSync(join(output, name), 'utf8');
  const coda = (stem = 'CODA'): CodaSeries[] => {
    const chains = [];
    for (let c = 1; existsSync(join(output, `${stem}chain${c}.txt`)); c++) chains.push({ name: `${stem}chain${c}.txt`, text: read(`${stem}chain${c}.txt`) });
    return readCoda({ name: `${stem}index.txt`, text: read(`${stem}index.txt`) }, chains);
  };
  return { code, log, errors, dir, output, coda, read };
}

const HEAD = 'model in "line.bug"\ndata in "data.R"\ncompile, nchains(2)\ninitialize\n';

describe('latent jags', () => {
  it('numbers iterations as JAGS does: from initialisation, each monitor from the iteration after it is set, thinned on its own', () => {
    const ran = jags(`${HEAD}update 100\nmonitor alpha, thin(3)\nmonitor alpha\nmonitor b[1]\nupdate 10\nmonitor tau, thin(4)\nupdate 10\ncoda *\n`.replace('b[1]', 'beta'));
    assert.equal(ran.code, 0, ran.errors.join('\n'));
    assert.equal(ran.read('CODAindex.txt'), 'alpha 1 7\nalpha 8 27\nbeta 28 47\ntau 48 50\n');
    const [thinned, every, beta, tau] = ran.coda();
    for (const c of [0, 1]) {
      assert.deepEqual(thinned!.chains[c]!.iterations, [101, 104, 107, 110, 113, 116, 119]);
      assert.deepEqual(every!.chains[c]!.iterations, Array.from({ length: 20 }, (_, k) => 101 + k));
      assert.deepEqual(beta!.chains[c]!.iterations, every!.chains[c]!.iterations);
      assert.deepEqual(tau!.chains[c]!.iterations, [111, 115, 119]);
      // The thinned monitor holds every third value of the unthinned one.
      assert.deepEqual(Array.from(thinned!.chains[c]!.values), [0, 3, 6, 9, 12, 15, 18].map((k) => every!.chains[c]!.values[k]));
    }
    assert.notDeepEqual(Array.from(every!.chains[0]!.values), Array.from(every!.chains[1]!.values), 'the chains differ');
    assert.deepEqual(ran.log.filter((l) => /^(Updating|Initializing)/.test(l)), ['Initializing model', 'Updating 100', 'Updating 10', 'Updating 10']);
  });

  it('writes the monitors one coda command names, under its stem, and single elements of arrays', () => {
    const ran = jags(`${HEAD}monitor mu[2:3]\nmonitor mu[5], thin(2)\nmonitor sigma\nupdate 4\ncoda mu, stem(sub/M)\ncoda sigma\n`);
    assert.equal(ran.code, 0, ran.errors.join('\n'));
    assert.equal(ran.read('sub/Mindex.txt'), 'mu[2] 1 4\nmu[3] 5 8\nmu[5] 9 10\n');
    assert.equal(ran.read('CODAindex.txt'), 'sigma 1 4\n');
    assert.deepEqual(ran.coda('sub/M')[2]!.chains[1]!.iterations, [1, 3]);
  });

  it('gives the same draws for the same .RNG.seed, whatever the run seed, and other draws for another', () => {
    const inits = (seed: number): string => `".RNG.name" <- "base::Mersenne-Twister"\n".RNG.seed" <- ${seed}\n"alpha" <- 0\n"beta" <- 0\n"tau" <- 1\n`;
    const script = 'model in "line.bug"\ndata in "data.R"\ncompile, nchains(2)\nparameters in "i1.R", chain(1)\nparameters in "i2.R", chain(2)\ninitialize\nupdate 50\nmonitor alpha\nmonitor tau\nupdate 20\ncoda *\n';
    const draws = (ran: Ran): number[][] => [0, 1].map((c) => ran.coda().flatMap((s) => Array.from(s.chains[c]!.values)));
    const first = jags(script, { 'i1.R': inits(5), 'i2.R': inits(6) }, 1);
    const again = jags(script, { 'i1.R': inits(5), 'i2.R': inits(6) }, 99);
    const other = jags(script, { 'i1.R': inits(7), 'i2.R': inits(6) }, 1);
    for (const ran of [first, again, other]) assert.equal(ran.code, 0, ran.errors.join('\n'));
    assert.deepEqual(draws(again), draws(first));
    assert.notDeepEqual(draws(other)[0], draws(first)[0]);
    assert.deepEqual(draws(other)[1], draws(first)[1], 'chain 2 keeps its seed');
    assert.notDeepEqual(draws(first)[0], draws(first)[1]);
    // Without .RNG.seed the run seed decides.
    const plain = (seed: number): number[][] => draws(jags(`${HEAD}monitor alpha\nupdate 20\ncoda *\n`, {}, seed));
    assert.deepEqual(plain(3), plain(3));
    assert.notDeepEqual(plain(3), plain(4));
  });

  it('warns when two chains get the same .RNG.seed', () => {
    const ran = jags('model in "line.bug"\ndata in "data.R"\ncompile, nchains(2)\nparameters in "i.R"\ninitialize\n', { 'i.R': '".RNG.seed" <- 3\n' });
    assert.equal(ran.code, 0);
    assert.deepEqual(ran.errors, [`${join(ran.dir, 'run.cmd')}:5:1: warning: Chains 1 and 2 have the same .RNG.seed (3), so they give identical draws.`]);
  });

  it("monitors deviance with 'load dic': −2 × the log density of the data at each iteration's values", () => {
    // y[i] ~ dnorm(m, 2): deviance = Σ 2 (y[i] − m)² + n (log 2π − log 2), a function of the monitored m.
    const model = 'model {\n  for (i in 1:3) { y[i] ~ dnorm(m, 2) }\n  m ~ dnorm(0, 0.01)\n}\n';
    const y = [0.3, 1.1, 2.6];
    const ran = jags('model in "m.bug"\ndata in "y.R"\ncompile\ninitialize\nload dic\nmonitor m\nmonitor deviance\nupdate 200\ncoda *\n', { 'm.bug': model, 'y.R': `"y" <- c(${y.join(', ')})\n` });
    assert.equal(ran.code, 0, ran.errors.join('\n'));
    const [m, deviance] = ran.coda();
    assert.equal(deviance!.name, 'deviance');
    m!.chains[0]!.values.forEach((mk, k) => {
      const expected = y.reduce((sum, yi) => sum + 2 * (yi - mk) ** 2, 0) + 3 * (Math.log(2 * Math.PI) - Math.log(2));
      // Both numbers went through six significant digits: m's rounding (≤ 5e-6 relative) moves the
      // deviance by at most |d deviance / dm| · 5e-6 |m| = 4 |Σ (m − y[i])| · 5e-6 |m|.
      const tolerance = 5e-6 * Math.abs(expected) + 4 * Math.abs(y.reduce((s, yi) => s + mk - yi, 0)) * 5e-6 * Math.abs(mk) + 1e-12;
      assert.ok(Math.abs(deviance!.chains[0]!.values[k]! - expected) <= tolerance, `iteration ${k + 1}: ${deviance!.chains[0]!.values[k]} vs ${expected}`);
    });
  });

  it("refuses deviance without 'load dic', at its place in the script", () => {
    const ran = jags(`${HEAD}monitor deviance\n`);
    assert.equal(ran.code, 1);
    assert.deepEqual(ran.errors, [`${join(ran.dir, 'run.cmd')}:5:9: error: 'deviance' is known once the dic module is loaded: add 'load dic' before this line.`]);
  });

  it('stops at the first failing command with file:line:column, and runs nothing after it', () => {
    const script = join('X', 'run.cmd');
    const cases: Array<[string, Record<string, string>, RegExp]> = [
      ['model in "line.bug"\ndata in "data.R"\ncompile\nupdate 10\ncoda *\n', {}, /run\.cmd:4:1: error: Model not initialized: add 'initialize' before 'update'\.$/],
      [`${HEAD}monitor gamma\n`, {}, /run\.cmd:5:9: error: Cannot monitor 'gamma': it is not a variable of the model\.$/],
      [`${HEAD}monitor mu[6]\n`, {}, /run\.cmd:5:9: error: Index 6 is out of range for dimension 1 of mu \(1 to 5\)\.$/],
      ['model in "nothere.bug"\n', {}, /run\.cmd:1:10: error: Cannot read 'nothere\.bug'/],
      ['model in "line.bug"\ndata in "bad.R"\n', { 'bad.R': '"x" <- c(1, 2\n' }, /run\.cmd:2:9: error: bad\.R:1:\d+: /],
      ['model in "bad.bug"\ncompile\n', { 'bad.bug': 'model {\n  y ~ dnorm(0, 1)\n  y ~ dnorm(1, 1)\n}\n' }, /bad\.bug:3:\d+: error: .*y/],
      ['model in "line.bug"\ncompile\n', {}, /line\.bug:\d+:\d+: error: Unknown name '(N|x)'/],
      [`${HEAD}update 10\nfoo\n`, {}, /run\.cmd:6:1: error: Unknown command 'foo'/],
      ['model in "line.bug"\ndata in "data.R"\ncompile\nparameters in "i.R"\ninitialize\n', { 'i.R': '"Y" <- c(1, 2, 3, 4, 5)\n' }, /run\.cmd:5:1: error: Y\[1\] is given an initial value but it is not an unobserved stochastic node/],
      ['model in "line.bug"\ndata in "data.R"\ncompile, nchains(2)\nparameters in "i.R", chain(3)\n', { 'i.R': '"alpha" <- 1\n' }, /run\.cmd:4:1: error: There is no chain 3: the model was compiled with 2 chain\(s\)\.$/],
    ];
    for (const [text, files, message] of cases) {
      const ran = jags(text, files);
      assert.equal(ran.code, 1, `${script}: ${text}`);
      assert.match(ran.errors[0] ?? '', message, text);
      assert.ok(!existsSync(join(ran.output, 'CODAindex.txt')), 'nothing runs after the failure');
    }
    // A parse error stops the script before anything runs.
    assert.deepEqual(jags(`${HEAD}update 10\nfoo\n`).log, []);
  });

  it('warns of initial values and data the model does not use (a leftover tau), and runs, as JAGS does', () => {
    const ran = jags(`model in "line.bug"\ndata in "data.R"\ndata in "more.R"\ncompile\nparameters in "i.R"\ninitialize\nmonitor alpha\nupdate 10\ncoda *\n`, {
      'i.R': '"alpha" <- 1\n"gamma" <- 2\n',
      'more.R': '"zzz" <- 3\n',
    });
    assert.equal(ran.code, 0, ran.errors.join('\n'));
    assert.deepEqual(ran.errors.filter((e) => / error: /.test(e)), []);
    assert.ok(ran.errors.some((e) => /warning: Unused variable\(s\) in the initial values of i\.R, ignored: gamma\.$/.test(e)), ran.errors.join('\n'));
    assert.ok(ran.errors.some((e) => /warning: 'zzz' is given as data/.test(e)), ran.errors.join('\n'));
    assert.equal(ran.coda()[0]!.chains[0]!.values.length, 10);
  });

  it('stops at exit', () => {
    const ran = jags(`${HEAD}monitor alpha\nupdate 5\nexit\ncoda *\n`);
    assert.equal(ran.code, 0);
    assert.ok(!existsSync(join(ran.output, 'CODAindex.txt')));
  });

  it('writes the data, a chain’s current values and the samplers, readable again', () => {
    const ran = jags(`${HEAD}update 3\ndata to "d.R"\nparameters to "p2.R", chain(2)\nsamplers to "s.txt"\nmonitor clear alpha\n`);
    assert.equal(ran.code, 1, 'clearing a monitor that was never set fails');
    assert.match(ran.errors[0]!, /run\.cmd:9:15: error: There is no monitor of alpha to clear\./);
    assert.deepEqual([...readRDump(ran.read('d.R'), 'd.R').keys()].sort(), ['N', 'Y', 'x']);
    const parameters = readRDump(ran.read('p2.R'), 'p2.R');
    assert.deepEqual([...parameters.keys()], ['alpha', 'beta', 'tau']);
    assert.ok(parameters.get('tau')!.values[0]! > 0);
    // One line per node: the sampler's number (a block sampler updates several nodes), its name, the node.
    const lines = ran.read('s.txt').trimEnd().split('\n').map((l) => l.split('\t'));
    assert.deepEqual(lines.map((l) => l[2]), ['alpha', 'beta', 'tau']);
    assert.equal(lines[0]![0], '1');
    assert.ok(lines.every((l) => /^\d+$/.test(l[0]!) && l[1]!.length > 0));
  });

  it('reports a file it cannot write at the command, not as an internal error', () => {
    // d.R is a file, so d.R/copy.R cannot be made: the system's error, at the command's place.
    const ran = jags(`${HEAD}data to "d.R"\ndata to "d.R/copy.R"\n`);
    assert.equal(ran.code, 1);
    assert.match(ran.errors[0]!, /run\.cmd:6:1: error: 'data to' failed: .*(ENOTDIR|EEXIST|not a directory).*The script stopped here; this is a defect of Latent if the files are valid for JAGS/);
  });

  it('refuses more chains than a session holds, at compile', () => {
    const ran = jags('model in "line.bug"\ndata in "data.R"\ncompile, nchains(10000000000)\ninitialize\n');
    assert.equal(ran.code, 1);
    assert.match(ran.errors[0]!, /run\.cmd:3:1: error: nchains\(10000000000\) asks for more chains than a session holds \(at most 1000\)/);
  });

  it('warns at compile about names of a data file that the model never uses, as before data in kept the values it read', () => {
    const ran = jags('model in "line.bug"\ndata in "data.R"\ndata in "more.R"\ncompile, nchains(1)\ninitialize\nupdate 10\n', { 'more.R': '"unused" <- 3\n' });
    assert.equal(ran.code, 0, ran.errors.join('\n'));
    assert.match(ran.errors.join('\n'), /run\.cmd:4:1: warning: 'unused' is given as data \(from .*more\.R\) but the model never uses it\./);
  });
});
