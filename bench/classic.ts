/**
 * The classic BUGS examples run through `latent jags` and through JAGS on the
 * same scripts, side by side (issue 10): the wall time of each whole run, as a
 * user waits for it (process start, compile, sampling and CODA files), A B A B.
 *
 *   npm run bench:classic                                  # the seven examples, 3 rounds
 *   node dist/bench/classic.js [--rounds 3] [--warmup 1] [--only pump,eyes] [--dir DIR] [--threads n]
 *
 * Each example's folder (examples/classic-bugs/NAME: model, data, inits and
 * NAME.cmd) is copied into a work folder; per round, `node dist/cli.js jags
 * NAME.cmd --force` and `jags NAME.cmd` run there in turn, each in a fresh
 * process. Per example the median wall time over rounds and the ratio
 * Latent / JAGS (below 1: Latent is faster), and the same for CPU time (user +
 * system, from bash's `times`: steadier than wall time on a loaded machine); at
 * the end the geometric means of the ratios, issue 10's criterion being the
 * wall time's (≤ 1.0). `--threads n` is passed to `latent jags` (1: every
 * chain in one thread, as JAGS runs them; by default chains of a large script
 * run at once in worker threads). The load average is printed before and
 * after: on a machine busy with other work, wall times measure waiting for a core.
 * Before the timed rounds, each example runs once through both, untimed: the
 * first `latent` runs after a build compile the engine from its text and
 * write the code cache that every later run reads (about 30 ms of CPU per
 * run; `--warmup 0` times them too). `npm run bench:classic` times the
 * production build (minified), as the package ships it.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

/** JAGS's classic suite: the seven examples with its bench.R (test/unit/classic). */
const EXAMPLES = ['pump', 'rats', 'dyes', 'line', 'seeds', 'eyes', 'dugongs'];

const REPO = resolve(__dirname, '../..');
const CLI = join(REPO, 'dist/cli.js');

function option(argv: string[], name: string, fallback: string): string {
  const i = argv.indexOf(name);
  return i >= 0 && argv[i + 1] !== undefined ? argv[i + 1]! : fallback;
}

const BASH = '/bin/bash';

/**
 * Wall seconds of one process, which must succeed, and its CPU seconds (user + system). The CPU comes from
 * bash's `times` (the children's user and system time, to the millisecond; /usr/bin/time rounds to 10 ms,
 * a third of JAGS's whole Line run); without bash, NaN.
 */
function timed(program: string, args: string[], cwd: string): { wall: number; cpu: number } {
  const withBash = existsSync(BASH);
  const started = performance.now();
  const result = withBash
    ? spawnSync(BASH, ['-c', '"$@" >&3 2>&4 3>&- 4>&-; status=$?; times; exit $status', 'timed', program, ...args], { cwd, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024, stdio: ['ignore', 'pipe', 'pipe', 'pipe', 'pipe'] })
    : spawnSync(program, args, { cwd, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  const wall = (performance.now() - started) / 1000;
  const output = (result.output ?? []).map((o) => (o ?? '').toString());
  const stdout = withBash ? output[3]! : (result.stdout ?? '');
  const stderr = withBash ? output[4]! : (result.stderr ?? '');
  if (result.status !== 0) throw new Error(`${program} ${args.join(' ')} in ${cwd} failed (${result.status}):\n${stderr.slice(-2000)}${stdout.slice(-2000)}`);
  // `times` prints the shell's own user and system time, then its children's: `0m0.213s 0m0.041s`.
  const children = withBash ? /(\d+)m([\d.]+)s (\d+)m([\d.]+)s\s*$/.exec(result.stdout ?? '') : null;
  const cpu = children ? Number(children[1]) * 60 + Number(children[2]) + Number(children[3]) * 60 + Number(children[4]) : Number.NaN;
  return { wall, cpu };
}

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
};

function main(argv: string[]): void {
  const rounds = Number(option(argv, '--rounds', '3'));
  const warmup = Number(option(argv, '--warmup', '1'));
  const only = option(argv, '--only', '');
  const threads = option(argv, '--threads', '');
  const names = only ? only.split(',') : EXAMPLES;
  try {
    execFileSync('sh', ['-c', 'command -v jags'], { stdio: 'ignore' });
  } catch {
    console.log('jags is not installed (Debian package jags): nothing to compare with.');
    process.exitCode = 1;
    return;
  }
  const dir = option(argv, '--dir', '') || mkdtempSync(join(tmpdir(), 'latent-classic-'));
  for (const name of names) cpSync(join(REPO, 'examples/classic-bugs', name), join(dir, name), { recursive: true });
  const load = (): string => loadavg().map((x) => x.toFixed(2)).join(' ');
  console.log(`classic examples through 'latent jags'${threads ? ` --threads ${threads}` : ''} and 'jags' on the same scripts, ${rounds} round(s) A B after ${warmup} untimed; work folder ${dir}; load average ${load()}`);
  type Run = { wall: number; cpu: number };
  const latentArgs = (name: string): string[] => [CLI, 'jags', `${name}.cmd`, '--force', ...(threads ? ['--threads', threads] : [])];
  for (let r = 0; r < warmup; r++) {
    for (const name of names) {
      timed(process.execPath, latentArgs(name), join(dir, name));
      timed('jags', [`${name}.cmd`], join(dir, name));
    }
  }
  const times = new Map(names.map((n) => [n, { latent: [] as Run[], jags: [] as Run[] }]));
  for (let r = 0; r < rounds; r++) {
    for (const name of names) {
      const cwd = join(dir, name);
      const t = times.get(name)!;
      t.latent.push(timed(process.execPath, latentArgs(name), cwd));
      t.jags.push(timed('jags', [`${name}.cmd`], cwd));
      const show = (x: Run): string => `${x.wall.toFixed(2)} s (CPU ${x.cpu.toFixed(2)} s)`;
      console.log(`round ${r + 1} ${name.padEnd(8)} Latent ${show(t.latent[r]!)}   JAGS ${show(t.jags[r]!)}`);
    }
  }
  console.log(`\n${'example'.padEnd(9)} ${'Latent s'.padStart(9)} ${'JAGS s'.padStart(9)} ${'ratio'.padStart(7)} ${'Latent CPU'.padStart(11)} ${'JAGS CPU'.padStart(9)} ${'ratio'.padStart(7)}`);
  const logSums = { wall: 0, cpu: 0 };
  for (const name of names) {
    const t = times.get(name)!;
    const m = (runs: Run[], k: keyof Run): number => median(runs.map((x) => x[k]));
    const ratio = { wall: m(t.latent, 'wall') / m(t.jags, 'wall'), cpu: m(t.latent, 'cpu') / m(t.jags, 'cpu') };
    logSums.wall += Math.log(ratio.wall);
    logSums.cpu += Math.log(ratio.cpu);
    console.log(`${name.padEnd(9)} ${m(t.latent, 'wall').toFixed(2).padStart(9)} ${m(t.jags, 'wall').toFixed(2).padStart(9)} ${ratio.wall.toFixed(2).padStart(7)} ${m(t.latent, 'cpu').toFixed(2).padStart(11)} ${m(t.jags, 'cpu').toFixed(2).padStart(9)} ${ratio.cpu.toFixed(2).padStart(7)}`);
  }
  const mean = (x: number): string => Math.exp(x / names.length).toFixed(2);
  console.log(`geometric mean of Latent / JAGS over ${names.length} example(s): wall ${mean(logSums.wall)} (issue 10: ≤ 1.0), CPU ${mean(logSums.cpu)}; load average ${load()}`);
}

main(process.argv.slice(2));
