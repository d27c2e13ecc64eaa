import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import * as esbuild from 'esbuild';

const root = join(__dirname, '..', '..', '..');

/** The CLI as it ships: the launcher (dist/cli.js) and the bundle it runs (dist/cli-main.js), built into `dir`. */
function buildCli(dir: string): string {
  const common = { bundle: true, platform: 'node', target: 'node20', format: 'cjs', logLevel: 'silent' } as const;
  esbuild.buildSync({ ...common, entryPoints: [join(root, 'src/cli/main.ts')], outfile: join(dir, 'cli-main.js') });
  esbuild.buildSync({ ...common, entryPoints: [join(root, 'src/cli/launcher.ts')], outfile: join(dir, 'cli.js') });
  return join(dir, 'cli.js');
}

/** A probit regression by augmentation with `rows` rows (a fixed linear congruential sequence, no randomness). */
function writeProbit(dir: string, rows: number): void {
  let state = 12345;
  const next = (): number => (state = (state * 1103515245 + 12345) % 2147483648) / 2147483648;
  const x = Array.from({ length: rows }, () => next() * 2 - 1);
  const y = x.map((v) => (0.5 * v + next() - 0.5 > 0 ? 1 : 0));
  const X = [...x.map(() => 1), ...x];
  writeFileSync(join(dir, 'probit.bug'), `model {
  for (i in 1:N) {
    z[i] ~ dnorm(inprod(X[i, ], beta[]), 1)
    y[i] ~ dinterval(z[i], 0)
  }
  for (d in 1:2) { beta[d] ~ dnorm(0, 0.01) }
}
`);
  writeFileSync(join(dir, 'data.R'), `"N" <- ${rows}\n"y" <- c(${y.join(', ')})\n"X" <- structure(c(${X.join(', ')}), .Dim = c(${rows}L, 2L))\n`);
  writeFileSync(join(dir, 'inits.R'), `"beta" <- c(0, 0)\n"z" <- c(${y.map((v) => (v ? 0.5 : -0.5)).join(', ')})\n`);
  writeFileSync(join(dir, 'probit.cmd'), `model in "probit.bug"
data in "data.R"
compile, nchains(1)
parameters in "inits.R"
initialize
monitor beta
update 20
coda *
exit
`);
}

describe("the CLI's launcher", () => {
  // The launcher once set V8's --single-threaded-gc at run time when the load left no core free; V8 then aborted
  // ("Check failed: concurrent_marking_handle_") in the first concurrent marking of a 20,000-row model. This runs
  // the shipped entry point on such a model (its heap grows past the first major collection).
  it('runs a 20,000-row latent jags script through the bundled entry point to its CODA files', () => {
    const dir = mkdtempSync(join(tmpdir(), 'latent-launcher-'));
    try {
      const cli = buildCli(dir);
      writeProbit(dir, 20_000);
      const run = spawnSync(process.execPath, [cli, 'jags', 'probit.cmd', '--seed', '1'], { cwd: dir, encoding: 'utf8', timeout: 120_000 });
      assert.equal(run.signal, null, `the process ended by ${run.signal}: ${run.stderr.slice(0, 400)}`);
      assert.equal(run.status, 0, run.stderr.slice(0, 400));
      const lines = readFileSync(join(dir, 'CODAchain1.txt'), 'utf8').trim().split('\n');
      assert.equal(lines.length, 2 * 20, 'beta[1] and beta[2], 20 iterations each');
      const slope = lines.slice(20).map((line) => Number(line.trim().split(/\s+/)[1]));
      assert.ok(slope.every(Number.isFinite));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
