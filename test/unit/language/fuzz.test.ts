import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { checkText } from '../../../src/engine/language/check';
import { ModelError, type Problem } from '../../../src/engine/language/source';
import { bindModel } from '../../../src/engine/model/bind';
import { Random } from '../../../src/engine/random/rng';

/**
 * The front end never fails on bad text: 20,000 mutated or truncated versions
 * of the example models are parsed, checked and bound to a little data. None
 * may throw anything but a ModelError, none may take over 100 ms, and every
 * problem's range must lie inside the text.
 */
const root = join(__dirname, '../../..');
const classic = join(root, 'examples/classic-bugs');
const seeds = [
  ...readdirSync(classic).map((name) => readFileSync(join(classic, name, `${name}.bug`), 'utf8')),
  ...notebookCells(join(root, 'examples/normal-model.ipynb')),
];

function notebookCells(file: string): string[] {
  const notebook = JSON.parse(readFileSync(file, 'utf8')) as { cells: Array<{ cell_type: string; source: string[] }> };
  return notebook.cells.filter((c) => c.cell_type === 'code').map((c) => c.source.join(''));
}

const FRAGMENTS = ['(', ')', '[', ']', '{', '}', ',', ';', '~', '<-', '=', ':', '-', '^', '%*%', '#', '/*', '*/', '"', '\n', ' ', 'for', 'in', 'model', 'data', 'var', 'T(', 'logit(', 'dnorm(', 'x[', 'i', '1.0E-4', '1e400', 'NA', '0', '-1', '1:', 'list(', 'c(', 'sample with gibbs(', 'structure('];

function mutate(text: string, random: Random): string {
  const at = () => Math.floor(random.uniform() * (text.length + 1));
  switch (Math.floor(random.uniform() * 6)) {
    case 0:
      return text.slice(0, at()); // truncated
    case 1: {
      const a = at();
      return text.slice(0, a) + text.slice(a + 1 + Math.floor(random.uniform() * 12)); // deleted span
    }
    case 2: {
      const a = at();
      return text.slice(0, a) + FRAGMENTS[Math.floor(random.uniform() * FRAGMENTS.length)] + text.slice(a); // inserted token
    }
    case 3: {
      const a = at();
      const b = Math.min(text.length, a + Math.floor(random.uniform() * 40));
      return text.slice(0, b) + text.slice(a, b) + text.slice(b); // duplicated span
    }
    case 4: {
      const a = at();
      const code = 32 + Math.floor(random.uniform() * 95);
      return text.slice(0, a) + String.fromCharCode(code) + text.slice(a + 1); // replaced character
    }
    default: {
      const a = at();
      const b = at();
      return text.slice(0, Math.min(a, b)) + text.slice(Math.max(a, b)).split('').reverse().join(''); // scrambled tail
    }
  }
}

function assertInside(problems: Problem[], text: string, label: string): void {
  for (const p of problems) {
    const { start, end } = p.range;
    assert.ok(start.offset >= 0 && end.offset <= text.length && start.offset <= end.offset, `${label}: range ${start.offset}-${end.offset} outside ${text.length} chars: ${p.message}`);
    assert.ok(p.message.length > 0, `${label}: empty message`);
  }
}

/** Data for the names the examples read, so that binding gets past missing data. */
function dataFor(): Map<string, { dims: number[]; values: Float64Array }> {
  const v = (values: number[], dims = [values.length]) => ({ dims, values: Float64Array.from(values) });
  return new Map([
    ['N', v([5], [])],
    ['T', v([3], [])],
    ['BATCHES', v([2], [])],
    ['SAMPLES', v([3], [])],
    ['x', v([1, 2, 3, 4, 5])],
    ['t', v([1, 2, 3, 4, 5])],
    ['y', v([1, 2, 3, 4, 5])],
    ['Y', v([1, 2, 3, 4, 5])],
  ]);
}

/** Parses, checks and (when it checks clean) binds one text: the work each fuzzed input gets. */
function frontEnd(text: string, withData: boolean): { problems: Problem[]; bindProblems?: Problem[] } {
  const { document, problems } = checkText(text, withData ? new Set(dataFor().keys()) : undefined);
  if (problems.length || !document.model) return { problems };
  try {
    bindModel(document, dataFor());
    return { problems, bindProblems: [] };
  } catch (e) {
    if (!(e instanceof ModelError)) throw e;
    return { problems, bindProblems: e.problems };
  }
}

/** The fastest of a few timings of `f`, in ms: the least disturbed by other work on the machine. */
function fastestOf(f: () => void, rounds = 5): number {
  let best = Infinity;
  for (let r = 0; r < rounds; r++) {
    const started = performance.now();
    f();
    best = Math.min(best, performance.now() - started);
  }
  return best;
}

/**
 * How many times the largest unmutated model's cost an input may take. A
 * mutated input is at most a few dozen characters longer than its seed, so
 * linear work stays near 1×; a quadratic or exponential path (the kind of bug
 * a time limit is here to catch) on a text this size is hundreds of times.
 */
const COST_RATIO_LIMIT = 25;

describe('fuzzing the front end', () => {
  it('20,000 mutated models: no exception, none far costlier than the largest seed, every range inside the text', () => {
    const random = new Random(20261126);
    const timings: Array<{ elapsed: number; text: string; withData: boolean }> = [];
    let withProblems = 0;
    let bound = 0;
    for (let k = 0; k < 20_000; k++) {
      let text = seeds[k % seeds.length]!;
      const rounds = 1 + Math.floor(random.uniform() * 3);
      for (let r = 0; r < rounds; r++) text = mutate(text, random);
      // Half the inputs are checked without knowing the data, so that more of them reach binding.
      const withData = k % 2 === 1;
      const started = performance.now();
      let result: ReturnType<typeof frontEnd>;
      try {
        result = frontEnd(text, withData);
      } catch (e) {
        assert.fail(`input ${k}: ${e instanceof Error ? e.stack : String(e)}\n---\n${text}`);
      }
      timings.push({ elapsed: performance.now() - started, text, withData });
      assertInside(result.problems, text, `input ${k}`);
      if (result.bindProblems) {
        bound++;
        assertInside(result.bindProblems, text, `input ${k} (bind)`);
      }
      if (result.problems.length) withProblems++;
    }
    // The slowest inputs once more, each beside the baseline: the fastest of five timings of each, so that a
    // busy machine (which slowed the first timing) slows the input and the baseline alike.
    const largestSeed = seeds.reduce((a, b) => (b.length > a.length ? b : a));
    const slowest = timings.sort((a, b) => b.elapsed - a.elapsed).slice(0, 5);
    let worst = { ratio: 0, ms: 0, baseline: 0, text: '' };
    for (const input of slowest) {
      const baseline = Math.max(0.05, fastestOf(() => frontEnd(largestSeed, input.withData)));
      const ms = fastestOf(() => frontEnd(input.text, input.withData));
      if (ms / baseline > worst.ratio) worst = { ratio: ms / baseline, ms, baseline, text: input.text };
    }
    console.log(`fuzz: ${withProblems} inputs with problems, ${bound} bound, slowest first timing ${slowest[0]!.elapsed.toFixed(1)} ms; retimed worst ${worst.ms.toFixed(2)} ms = ${worst.ratio.toFixed(1)}× the largest seed's ${worst.baseline.toFixed(2)} ms`);
    assert.ok(worst.ratio < COST_RATIO_LIMIT, `an input took ${worst.ms.toFixed(1)} ms, ${worst.ratio.toFixed(0)}× the largest seed's ${worst.baseline.toFixed(2)} ms:\n${worst.text}`);
    // The mutations must actually break things, or the test shows nothing.
    assert.ok(bound > 1_000, `only ${bound} inputs reached binding`);
    assert.ok(withProblems > 5_000, `only ${withProblems} of 20,000 inputs had problems`);
  });
});
