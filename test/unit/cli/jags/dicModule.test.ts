import assert from 'node:assert/strict';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, it } from 'node:test';
import { runJags } from '../../../../src/cli/jags/runJags';
import { readCoda } from '../../../../src/engine/output/coda';
import { estimate } from '../../engine/posteriorCheck';

const PUMP = resolve(__dirname, '../../../../examples/classic-bugs/pump');

/** Runs `script` in a fresh copy of `files` (name → text, or a folder to copy); returns the log, errors and CODA reader. */
function run(script: string, files: Record<string, string> | string, seed = 1) {
  const dir = mkdtempSync(join(tmpdir(), 'latent-dic-'));
  if (typeof files === 'string') cpSync(files, dir, { recursive: true });
  else for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  const output = join(dir, 'out');
  mkdirSync(output);
  writeFileSync(join(dir, 'run.cmd'), script);
  const log: string[] = [];
  const errors: string[] = [];
  const code = runJags(join(dir, 'run.cmd'), { seed, outputDirectory: output }, (l) => log.push(l), (l) => errors.push(l));
  const read = (name: string): string => readFileSync(join(output, name), 'utf8');
  const coda = (suffix: '' | '0') => {
    const chains = [];
    for (let c = suffix === '0' ? 0 : 1; existsSync(join(output, `CODAchain${c}.txt`)) && (suffix === '' || c === 0); c++) chains.push({ name: `CODAchain${c}.txt`, text: read(`CODAchain${c}.txt`) });
    return readCoda({ name: `CODAindex${suffix}.txt`, text: read(`CODAindex${suffix}.txt`) }, chains);
  };
  return { code, log, errors, coda };
}

/**
 * `load dic` with `monitor deviance` and `monitor pD` in a JAGS script: the
 * deviance goes to the CODA chain files with the other monitors; pD, one
 * series for all chains (Plummer's: per iteration, the mean over pairs of
 * chains of the Kullback–Leibler divergence between their fits of the data),
 * to CODAindex0.txt and CODAchain0.txt, as JAGS writes them.
 */
describe("latent jags: JAGS's dic module", () => {
  it('writes deviance per chain and pD for all chains, where JAGS writes them', () => {
    const ran = run('load dic\nmodel in "pump.bug"\ndata in "data.R"\ncompile, nchains(2)\nparameters in "inits.R"\ninitialize\nupdate 500\nmonitor deviance\nmonitor pD\nmonitor alpha\nupdate 200\ncoda *\n', PUMP);
    assert.deepEqual(ran.errors, []);
    assert.equal(ran.code, 0);
    assert.deepEqual(ran.coda('').map((s) => s.name), ['deviance', 'alpha']);
    const [pD] = ran.coda('0');
    assert.equal(pD!.name, 'pD');
    assert.equal(pD!.chains.length, 1);
    assert.deepEqual(pD!.chains[0]!.iterations.slice(0, 2), [501, 502]);
    assert.match(ran.log.join('\n'), /^pD: [\d.]+ \(the mean over 200 monitored iterations\)$/m);
  });

  /**
   * Pumps: JAGS 4.3 gives pD = 8.7339 with batch-means standard error 0.0154
   * (the example's files, `load dic` and `monitor pD` after 1,000 updates,
   * 50,000 iterations, 2 chains). Ours, 10,000 iterations: within 4 combined
   * standard errors (a correct estimate fails about once in 16,000 seeds; a
   * divergence off by a factor, or one direction of the pair only, misses by far more).
   */
  it("agrees with JAGS's pD on Pumps (Poisson data)", () => {
    const ran = run('load dic\nmodel in "pump.bug"\ndata in "data.R"\ncompile, nchains(2)\nparameters in "inits.R"\ninitialize\nupdate 1000\nmonitor pD\nupdate 10000\ncoda *\n', PUMP, 7);
    assert.equal(ran.code, 0, ran.errors.join('\n'));
    const ours = estimate([ran.coda('0')[0]!.chains[0]!.values]);
    const allowed = 4 * Math.hypot(ours.standardError, 0.0154);
    assert.ok(Math.abs(ours.value - 8.7339) <= allowed, `pD ${ours.value} vs JAGS 8.7339 (allowed ±${allowed})`);
  });

  /**
   * Normal means with known precision, y[i] ~ dnorm(mu[i], 1), mu[i] ~ dnorm(0, 1):
   * KL between the fits of two independent draws is (mu_1 − mu_2)² / 2, whose
   * mean is the posterior variance 1/2, so pD = N/2 = 3 exactly.
   */
  it('gives pD = N/2 for N normal means of known precision', () => {
    const model = 'model {\n  for (i in 1:6) {\n    y[i] ~ dnorm(mu[i], 1)\n    mu[i] ~ dnorm(0, 1)\n  }\n}\n';
    const ran = run('load dic\nmodel in "m.bug"\ndata in "d.R"\ncompile, nchains(3)\ninitialize\nupdate 100\nmonitor pD\nupdate 5000\ncoda *\n', { 'm.bug': model, 'd.R': 'y <- c(0.5, -1, 2, 0, 1.5, -0.3)\n' }, 3);
    assert.equal(ran.code, 0, ran.errors.join('\n'));
    const ours = estimate([ran.coda('0')[0]!.chains[0]!.values]);
    assert.ok(Math.abs(ours.value - 3) <= 4 * ours.standardError, `pD ${ours.value} ± ${ours.standardError} vs 3`);
  });

  it('needs the dic module and two chains for pD, and says so at the monitor', () => {
    const without = run('model in "pump.bug"\ndata in "data.R"\ncompile, nchains(2)\nparameters in "inits.R"\ninitialize\nmonitor pD\n', PUMP);
    assert.match(without.errors.join('\n'), /run\.cmd:6:\d+: error: 'pD' is known once the dic module is loaded: add 'load dic' before this line\./);
    const oneChain = run('load dic\nmodel in "pump.bug"\ndata in "data.R"\ncompile, nchains(1)\nparameters in "inits.R"\ninitialize\nmonitor pD\n', PUMP);
    assert.match(oneChain.errors.join('\n'), /run\.cmd:7:\d+: error: pD needs two chains or more/);
  });

  it('warns that a JAGS generator named in the inits is answered by our own, seeded by .RNG.seed', () => {
    const inits = readFileSync(join(PUMP, 'inits.R'), 'utf8');
    const ran = run('model in "pump.bug"\ndata in "data.R"\ncompile, nchains(1)\nparameters in "i.R"\ninitialize\nupdate 10\n', {
      'pump.bug': readFileSync(join(PUMP, 'pump.bug'), 'utf8'),
      'data.R': readFileSync(join(PUMP, 'data.R'), 'utf8'),
      'i.R': `${inits}\n".RNG.name" <- "base::Super-Duper"\n".RNG.seed" <- 12\n`,
    });
    assert.equal(ran.code, 0, ran.errors.join('\n'));
    assert.match(ran.errors.join('\n'), /run\.cmd:4:\d+: warning: \.RNG\.name "base::Super-Duper" is JAGS's generator; this run draws from Latent's own \(xoshiro128\*\*\), seeded by \.RNG\.seed/);
  });
});
