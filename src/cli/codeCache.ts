import { readFileSync, renameSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import { wrap } from 'node:module';
import { dirname } from 'node:path';
import { Script } from 'node:vm';

/**
 * Runs a CommonJS bundle through V8's code cache. Every `latent` command is a
 * fresh process, and compiling the megabyte bundle and then each function the
 * run calls cost about 50 ms of CPU per run, a sixth of a short `latent jags`
 * run (JAGS starts in 40 ms). The cache lives beside the bundle (it is code:
 * it gets the bundle's own protection, never a shared temporary folder). Its
 * first line names the bundle's size and time and Node's version and
 * architecture, because V8 checks only the source's length: a cache of an
 * older bundle of the same length would run the older code. No cache, a stale
 * one, one V8 rejects or a folder that cannot be written: the bundle runs
 * compiled from its text, as without a cache.
 *
 * Returns `save`, to call once the run is over (the cache then holds the
 * functions the run compiled, not only the top level). It writes when there
 * was no usable cache, and also when the run ends with more bytecode than the
 * run that wrote the cache ended with (its second line), by more than a
 * quarter of the cache's size: a first run that did little (`latent --help`,
 * a 440 KB cache; a `latent jags` run adds 250 KB of bytecode) must not leave every
 * later run compiling the engine from its text. A cache written again holds
 * what it held and what this run compiled, so it converges to the commands in
 * use. The bytecode is read only at the end: node:v8 loads Node's streams,
 * 5 ms at start-up.
 */
export function runWithCodeCache(bundle: string, cache: string, host: { require: NodeJS.Require; module: NodeJS.Module }): { used: boolean; save: () => void } {
  const stamp = bundleStamp(bundle);
  const cached = readCache(cache, stamp);
  const source = readFileSync(bundle, 'utf8').replace(/^#!.*/, '');
  const script = new Script(wrap(source), { filename: bundle, ...(cached ? { cachedData: cached.data } : {}) });
  const used = cached !== undefined && !script.cachedDataRejected;
  const run = script.runInThisContext() as (exports: unknown, require: NodeJS.Require, module: NodeJS.Module, filename: string, dirname: string) => void;
  run.call(host.module.exports, host.module.exports, host.require, host.module, bundle, dirname(bundle));
  const save = (): void => {
    const bytecode = bytecodeBytes();
    if (used && bytecode - cached.bytecode <= cached.data.length / 4) return;
    writeCache(cache, stamp, bytecode, script.createCachedData());
  };
  return { used, save };
}

/** The isolate's bytecode: what a code cache saves compiling. */
function bytecodeBytes(): number {
  // Required here, not imported at the top: see runWithCodeCache.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const v8 = require('node:v8') as typeof import('node:v8');
  return v8.getHeapCodeStatistics().bytecode_and_metadata_size;
}

function bundleStamp(bundle: string): string {
  const { size, mtimeMs } = statSync(bundle);
  return `${size} ${mtimeMs} ${process.version} ${process.arch}\n`;
}

/** The cache's code, and the bytecode of the run that wrote it (its second line). */
function readCache(cache: string, stamp: string): { data: Buffer; bytecode: number } | undefined {
  let bytes: Buffer;
  try {
    bytes = readFileSync(cache);
  } catch {
    return undefined;
  }
  const header = Buffer.from(stamp);
  if (!(bytes.length > header.length && bytes.subarray(0, header.length).equals(header))) return undefined;
  const lineEnd = bytes.indexOf(10, header.length);
  const bytecode = lineEnd < 0 ? Number.NaN : Number(bytes.subarray(header.length, lineEnd).toString('latin1'));
  return Number.isFinite(bytecode) ? { data: bytes.subarray(lineEnd + 1), bytecode } : undefined;
}

/** Written to a file of its own, then renamed: two runs at once never leave half a cache. */
function writeCache(cache: string, stamp: string, bytecode: number, data: Buffer): void {
  const partial = `${cache}.${process.pid}`;
  try {
    writeFileSync(partial, Buffer.concat([Buffer.from(`${stamp}${bytecode}\n`), data]));
    renameSync(partial, cache);
  } catch {
    try {
      unlinkSync(partial);
    } catch {
      // Nothing was written: a read-only installation runs without a cache.
    }
  }
}
