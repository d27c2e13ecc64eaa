/**
 * Timing helpers shared by the side-by-side benchmarks that run each side in
 * a fresh process (bench/scale.ts, bench/bpmf.ts): wall and CPU seconds and
 * peak RSS of a command, medians, flags.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';

const TIME = '/usr/bin/time';

/** CPU seconds (user + system, all threads) of this process so far. */
export const cpuSeconds = (): number => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1e6;
};

export function option(argv: string[], name: string, fallback: string): string {
  const i = argv.indexOf(name);
  return i >= 0 && argv[i + 1] !== undefined ? argv[i + 1]! : fallback;
}

/** Runs a command under /usr/bin/time -v when present; returns its stdout, wall and CPU seconds and peak RSS. */
export function measured(program: string, args: string[], cwd: string): { stdout: string; rssMb?: number; seconds: number; cpu: number } {
  const timed = existsSync(TIME);
  const started = performance.now();
  const result = spawnSync(timed ? TIME : program, timed ? ['-v', program, ...args] : args, { cwd, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  const seconds = (performance.now() - started) / 1000;
  if (result.status !== 0) throw new Error(`${program} ${args.join(' ')} failed:\n${(result.stdout ?? '').slice(-2000)}${(result.stderr ?? '').slice(-2000)}`);
  const rss = /Maximum resident set size \(kbytes\): (\d+)/.exec(result.stderr ?? '');
  const cpu = ['User', 'System'].reduce((sum, kind) => sum + Number(new RegExp(`${kind} time \\(seconds\\): ([\\d.]+)`).exec(result.stderr ?? '')?.[1] ?? Number.NaN), 0);
  return { stdout: result.stdout, seconds, cpu, ...(rss ? { rssMb: Number(rss[1]) / 1024 } : {}) };
}

export const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
};

/** Whether `jags` is on the PATH; says so when it is not. */
export function jagsInstalled(): boolean {
  try {
    execFileSync('sh', ['-c', 'command -v jags'], { stdio: 'ignore' });
    return true;
  } catch {
    console.log('jags is not installed (Debian package jags): the engine alone.');
    return false;
  }
}
