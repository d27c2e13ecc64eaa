/**
 * Running the JAGS peer (../shared/bench/peers/jags_run.py) on a copy of the
 * shared bench folder, and reading back its draws so that they are judged
 * with the same statistics as the engine's.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readCoda } from '../src/engine/output/coda';
import type { RunLength } from './workloads';

export const PYTHON = '/usr/bin/python3';

/**
 * A writable copy of the shared bench folder (it is read-only in CI): the
 * peers run from it and both sides read their data from it.
 */
export function copySharedBench(shared: string): string {
  const copy = mkdtempSync(join(tmpdir(), 'latent-peer-bench-'));
  cpSync(shared, copy, { recursive: true, filter: (path) => !/\/results\/logs-/.test(path) });
  return copy;
}

/** Why JAGS cannot run here, or undefined when it can. */
export function jagsMissing(): string | undefined {
  if (!existsSync(PYTHON)) return `${PYTHON} not found`;
  try {
    execFileSync('sh', ['-c', 'command -v jags'], { stdio: 'ignore' });
  } catch {
    return 'jags is not installed (Debian package jags)';
  }
  try {
    execFileSync(PYTHON, ['-c', 'import numpy'], { stdio: 'ignore' });
  } catch {
    return 'numpy is missing for /usr/bin/python3 (Debian package python3-numpy)';
  }
  return undefined;
}

export interface CommandResult {
  /** The command's one JSON line. */
  json: Record<string, unknown>;
  /** Wall seconds around the whole command, as abab.py's `wall`. */
  outerSeconds: number;
}

/** Runs a runner command and parses the last non-empty line of its output. */
export function runJsonCommand(program: string, args: string[], env: NodeJS.ProcessEnv): CommandResult {
  const started = performance.now();
  const result = spawnSync(program, args, { encoding: 'utf8', env, maxBuffer: 256 * 1024 * 1024 });
  const outerSeconds = (performance.now() - started) / 1000;
  if (result.status !== 0) {
    throw new Error(`${program} ${args.join(' ')} failed (exit ${result.status ?? result.signal}):\n${(result.stderr ?? '').slice(-3000)}`);
  }
  const lines = result.stdout.split('\n').filter((l) => l.trim());
  return { json: JSON.parse(lines[lines.length - 1]!) as Record<string, unknown>, outerSeconds };
}

/** jags_run.py's arguments for one workload; `keep` keeps its folder (data.R, inits, CODA files). */
export function jagsArguments(peerBench: string, model: string, length: RunLength, chains: number, seed: number, keep: string): string[] {
  return [
    join(peerBench, 'peers', 'jags_run.py'),
    '--model', model,
    '--chains', String(chains),
    '--seed', String(seed),
    '--adapt', String(length.adapt),
    '--burn', String(length.burn),
    '--iter', String(length.iter),
    '--thin', String(length.thin),
    '--keep', keep,
  ];
}

/** The draws JAGS wrote (CODAindex.txt, CODAchain<c>.txt), per scalar and chain. */
export function readJagsDraws(folder: string): Map<string, Float64Array[]> {
  const chainFiles = readdirSync(folder).filter((f) => /^CODAchain\d+\.txt$/.test(f)).sort((a, b) => chainNumber(a) - chainNumber(b));
  const read = (name: string): { name: string; text: string } => ({ name, text: readFileSync(join(folder, name), 'utf8') });
  const series = readCoda(read('CODAindex.txt'), chainFiles.map(read));
  return new Map(series.map((s) => [s.name, s.chains.map((c) => c.values)]));
}

function chainNumber(file: string): number {
  return Number(/\d+/.exec(file)![0]);
}
