import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import * as esbuild from 'esbuild';

const helper = join(__dirname, '..', '..', '..', 'src', 'engine', 'run', 'youngAllocation.ts');

/**
 * A process that keeps two million objects made at one literal, as a large
 * model's compile keeps its rows, with V8 printing its pretenuring decisions;
 * `young` calls keepAllocationsYoung first. Returns the decisions to tenure.
 */
function tenureDecisions(dir: string, young: boolean): string[] {
  const entry = join(dir, `rows-${young}.ts`);
  writeFileSync(entry, `import { keepAllocationsYoung } from ${JSON.stringify(helper)};
${young ? 'keepAllocationsYoung();' : ''}
const kept: Array<Array<{ row: number; twice: number }>> = [];
function rows(n: number): Array<{ row: number; twice: number }> {
  const made: Array<{ row: number; twice: number }> = [];
  for (let i = 0; i < n; i++) made.push({ row: i, twice: 2 * i });
  return made;
}
for (let r = 0; r < 20; r++) kept.push(rows(100_000));
console.log(kept.length);
`);
  const bundle = join(dir, `rows-${young}.js`);
  esbuild.buildSync({ entryPoints: [entry], outfile: bundle, bundle: true, platform: 'node', target: 'node20', format: 'cjs', logLevel: 'silent' });
  const run = spawnSync(process.execPath, ['--trace-pretenuring-statistics', bundle], { encoding: 'utf8', timeout: 60_000 });
  assert.equal(run.status, 0, run.stderr);
  assert.equal(run.stdout.trim().split('\n').pop(), '20');
  return run.stdout.split('\n').filter((line) => /pretenuring: AllocationSite.*=> (maybe )?tenure$/.test(line));
}

describe('keepAllocationsYoung', () => {
  it("stops V8 from moving a literal's allocations into old space however many of them live on", () => {
    const dir = mkdtempSync(join(tmpdir(), 'latent-young-'));
    try {
      // The control shows the workload does meet pretenuring: without the call, V8 decides to tenure the literal.
      assert.ok(tenureDecisions(dir, false).length > 0, 'V8 made no pretenuring decision without the call: the workload no longer tests it');
      assert.deepEqual(tenureDecisions(dir, true), []);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
