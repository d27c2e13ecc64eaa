import { readFileSync, renameSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import { wrap } from 'node:module';
import { dirname } from 'node:path';
import { getHeapCodeStatistics } from 'node:v8';
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
 * was no usable cache, and also when the run compiled much that the cache did
 * not hold (its bytecode grew by more than a quarter of what the cache gave):
 * a first run that did little (`latent --help`) must not leave every later
 * run compiling the engine from its text. A cache written again holds what it
 * held and what this run compiled, so it converges to the commands in use.
 */
export function runWithCodeCache(bundle: string, cache: string, host: { require: NodeJS.Require; module: NodeJS.Module }): { used: boolean; save: () => void } {
  const stamp = bundleStamp(bundle);
  const cachedData = readCache(cache, stamp);
  const source = readFileSync(bundle, 'utf8').replace(/^#!.*/, '');
  const before = bytecodeBytes();
  const script = new Script(wrap(source), { filename: bundle, ...(cachedData ? { cachedData } : {}) });
  const used = cachedData !== undefined && !script.cachedDataRejected;
  const loaded = bytecodeBytes() - before;
  const run = script.runInThisContext() as (exports: unknown, require: NodeJS.Require, module: NodeJS.Module, filename: string, dirname: string) => void;
  run.call(host.module.exports, host.module.exports, host.require, host.module, bundle, dirname(bundle));
  const grewMuch = (): boolean => bytecodeBytes() - before - loaded > loaded / 4;
  return { used, save: () => (used && !grewMuch() ? undefined : writeCache(cache, stamp, script.createCachedData())) };
}

/** The isolate's bytecode: what a code cache saves compiling. */
function bytecodeBytes(): number {
  return getHeapCodeStatistics().bytecode_and_metadata_size;
}

function bundleStamp(bundle: string): string {
  const { size, mtimeMs } = statSync(bundle);
  return `${size} ${mtimeMs} ${process.version} ${process.arch}\n`;
}

function readCache(cache: string, stamp: string): Buffer | undefined {
  let bytes: Buffer;
  try {
    bytes = readFileSync(cache);
  } catch {
    return undefined;
  }
  const header = Buffer.from(stamp);
  return bytes.length > header.length && bytes.subarray(0, header.length).equals(header) ? bytes.subarray(header.length) : undefined;
}

/** Written to a file of its own, then renamed: two runs at once never leave half a cache. */
function writeCache(cache: string, stamp: string, data: Buffer): void {
  const partial = `${cache}.${process.pid}`;
  try {
    writeFileSync(partial, Buffer.concat([Buffer.from(stamp), data]));
    renameSync(partial, cache);
  } catch {
    try {
      unlinkSync(partial);
    } catch {
      // Nothing was written: a read-only installation runs without a cache.
    }
  }
}
