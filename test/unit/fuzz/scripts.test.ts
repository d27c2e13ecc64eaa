import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { runJags } from '../../../src/cli/jags/runJags';
import { Random } from '../../../src/engine/random/rng';
import { edit, SLOW_TO_COMPILE } from './mutations';

/**
 * `latent jags` on broken versions of the classic examples' scripts: the
 * script, the model, data.R or inits.R mutated (mutations.ts), then run to its
 * end — compile, initialise, update, monitor, coda — with `load dic` and
 * `monitor deviance` added to some. The run must end with exit code 0 or 1,
 * never an exception (which the CLI reports as an internal error, exit 70),
 * and each message must name a line and column inside the file it names.
 * Update counts are capped after mutation (a mutated `update 1e308` would run
 * for ever; that it is refused is checked in the interpreter's tests).
 */
const classic = join(__dirname, '../../../examples/classic-bugs');
const examples = readdirSync(classic).filter((name) => !SLOW_TO_COMPILE.has(name)).map((name) => {
  const read = (file: string): string => readFileSync(join(classic, name, file), 'utf8');
  return { name, files: { [`${name}.bug`]: read(`${name}.bug`), 'data.R': read('data.R'), 'inits.R': read('inits.R'), 'run.cmd': read(`${name}.cmd`) } as Record<string, string> };
});

/** At most 20 iterations per update and 3 chains, so that every case runs in milliseconds. */
function capped(script: string): string {
  return script
    .replace(/\b(update|adapt)(\s+)([^\s,]+)/g, (whole, command: string, space: string, n: string) => (Number(n) > 20 ? `${command}${space}20` : whole))
    .replace(/nchains\(([^)]*)\)/g, (whole, n: string) => (Number(n) > 3 ? 'nchains(3)' : whole));
}

describe('fuzzing latent jags', () => {
  it('1,000 mutated scripts, models, data and inits: exit 0 or 1, each message at a place in its file', () => {
    const random = new Random(20261205);
    const cases = 1_000;
    const root = mkdtempSync(join(tmpdir(), 'latent-jags-fuzz-'));
    let failed = 0;
    let ran = 0;
    for (let k = 0; k < cases; k++) {
      const example = examples[k % examples.length]!;
      const files = { ...example.files };
      if (k % 5 === 0) files['run.cmd'] = `load dic\n${files['run.cmd']!.replace(/^monitor /m, 'monitor deviance\nmonitor ')}`;
      const names = Object.keys(files);
      const part = names[Math.floor(random.uniform() * names.length)]!;
      const rounds = 1 + Math.floor(random.uniform() * 2);
      for (let r = 0; r < rounds; r++) files[part] = edit(files[part]!, random);
      files['run.cmd'] = capped(files['run.cmd']!);
      const dir = join(root, `case${k}`);
      mkdirSync(join(dir, 'out'), { recursive: true });
      for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
      const label = `case ${k} (${example.name}, ${part} mutated)`;
      const errors: string[] = [];
      let code: number;
      try {
        code = runJags(join(dir, 'run.cmd'), { seed: 1, outputDirectory: join(dir, 'out'), force: true }, () => undefined, (line) => errors.push(line));
      } catch (e) {
        assert.fail(`${label}: ${e instanceof Error ? e.stack : String(e)}\n${Object.entries(files).map(([n, t]) => `--- ${n}\n${t}`).join('\n')}`);
      }
      assert.ok(code === 0 || code === 1, `${label}: exit ${code}`);
      for (const line of errors) {
        // file:line:column: severity: message, the place inside the file (line 1 column 1 for a file as a whole).
        const m = /^(.*):(\d+):(\d+): (error|warning): \S/.exec(line);
        assert.ok(m, `${label}: a message without a place: ${line}`);
        const text = files[m[1]!.slice(m[1]!.lastIndexOf('/') + 1)];
        if (text !== undefined) assert.ok(Number(m[2]) <= text.split('\n').length + 1, `${label}: line ${m[2]} past the end of ${m[1]}: ${line}`);
      }
      if (code === 1) failed++;
      else ran++;
      rmSync(dir, { recursive: true, force: true });
    }
    rmSync(root, { recursive: true, force: true });
    console.log(`script fuzz: ${failed} of ${cases} cases stopped with a message, ${ran} ran to the end`);
    assert.ok(failed > 150 && ran > 100, `${failed} failed, ${ran} ran`);
  });
});
