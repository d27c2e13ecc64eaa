import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { runWithCodeCache } from '../../../src/cli/codeCache';

/** Runs `bundle` as the launcher does, with a module of its own; returns what it exported and whether the cache served. */
function launch(bundle: string, cache: string): { value: unknown; used: boolean; save: () => void } {
  const host = { require, module: { exports: {} } as NodeJS.Module };
  const { used, save } = runWithCodeCache(bundle, cache, host);
  return { value: (host.module.exports as { value?: unknown }).value, used, save };
}

describe("the CLI's code cache", () => {
  it('runs the bundle without a cache, writes one after the run, and runs from it the next time', () => {
    const dir = mkdtempSync(join(tmpdir(), 'latent-code-cache-'));
    try {
      const bundle = join(dir, 'bundle.js'), cache = join(dir, 'bundle.cache');
      writeFileSync(bundle, '#!/usr/bin/env node\nmodule.exports.value = require("node:path").join("a", "b") + __filename.length;\n');
      const first = launch(bundle, cache);
      assert.equal(first.value, `a/b${bundle.length}`);
      assert.equal(first.used, false);
      first.save();
      assert.ok(existsSync(cache));
      const second = launch(bundle, cache);
      assert.deepEqual([second.value, second.used], [first.value, true]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('writes the cache again when a run compiled much the cache did not hold, and not when it held it', () => {
    const dir = mkdtempSync(join(tmpdir(), 'latent-code-cache-'));
    try {
      const bundle = join(dir, 'bundle.js'), cache = join(dir, 'bundle.cache');
      // Functions V8 compiles only when called: a run that calls none (as \`latent --help\`) caches little of them.
      const bodies = Array.from({ length: 300 }, (_, k) => `function f${k}(x) { let s = x; for (let i = 0; i < 3; i++) { s = (s * ${k + 3} + i) % 1000003; if (s % 7 === ${k % 7}) s += Math.floor(s / ${k + 2}); } return s; }`);
      writeFileSync(bundle, `${bodies.join('\n')}\nmodule.exports.work = () => { let t = 0; ${bodies.map((_, k) => `t += f${k}(${k});`).join(' ')} return t; };\n`);
      const launchWork = (): { used: boolean; save: () => void; work: () => number } => {
        const host = { require, module: { exports: {} } as NodeJS.Module };
        const { used, save } = runWithCodeCache(bundle, cache, host);
        return { used, save, work: (host.module.exports as { work: () => number }).work };
      };
      launchWork().save();
      const small = statSync(cache).size;
      const second = launchWork();
      assert.equal(second.used, true);
      const total = second.work();
      second.save();
      const grown = statSync(cache);
      assert.ok(grown.size > small * 1.5, `the cache was written again with the functions the run compiled: ${small} -> ${grown.size} bytes`);
      const third = launchWork();
      assert.deepEqual([third.used, third.work()], [true, total]);
      third.save();
      assert.equal(statSync(cache).mtimeMs, grown.mtimeMs, 'a cache that held what the run compiled is left as it is');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('never runs a cache of an older bundle of the same length (V8 checks only the length)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'latent-code-cache-'));
    try {
      const bundle = join(dir, 'bundle.js'), cache = join(dir, 'bundle.cache');
      writeFileSync(bundle, 'module.exports.value = "old";\n');
      launch(bundle, cache).save();
      writeFileSync(bundle, 'module.exports.value = "new";\n');
      utimesSync(bundle, new Date(), new Date(Date.now() + 5000));
      const rebuilt = launch(bundle, cache);
      assert.deepEqual([rebuilt.value, rebuilt.used], ['new', false]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('runs without a cache where none can be written, and ignores a damaged one', () => {
    const dir = mkdtempSync(join(tmpdir(), 'latent-code-cache-'));
    try {
      const bundle = join(dir, 'bundle.js');
      writeFileSync(bundle, 'module.exports.value = 7;\n');
      const nowhere = launch(bundle, join(dir, 'missing-folder', 'bundle.cache'));
      assert.equal(nowhere.value, 7);
      assert.doesNotThrow(nowhere.save);
      const damaged = join(dir, 'damaged.cache');
      writeFileSync(damaged, 'not a cache at all');
      const run = launch(bundle, damaged);
      assert.deepEqual([run.value, run.used], [7, false]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
