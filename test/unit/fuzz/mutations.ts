import assert from 'node:assert/strict';
import type { Problem } from '../../../src/engine/language/source';
import type { Random } from '../../../src/engine/random/rng';

/** Examples left out of the fuzz tests: lsat unrolls to 6,000 nodes, and compiling it thousands of times would take minutes. */
export const SLOW_TO_COMPILE = new Set(['lsat']);

const EDGE_NUMBERS = ['NaN', 'NA', '-1', '0', '1e308', '-1e308', '1e-320', '2.5', 'Inf', '-Inf', '1e400', '3L', '"a"', 'TRUE', '100000'];
const BYTES = ['\u0000', '\u001b[2J', '\u202e', '\ud800', '\ufffd', '\u00e9', '(', ')', ',', '<-', '~', ':', '[', ']', 'c(', 'structure(', '.Dim', '#', '\n', '"'];

/** One random edit of a text: cut short, a span deleted or repeated, a number replaced by an edge value, bytes inserted, lines swapped. */
export function edit(text: string, random: Random): string {
  const pick = <T>(list: T[]): T => list[Math.floor(random.uniform() * list.length)]!;
  const at = (): number => Math.floor(random.uniform() * (text.length + 1));
  switch (Math.floor(random.uniform() * 6)) {
    case 0:
      return text.slice(0, at());
    case 1: {
      const a = at();
      return text.slice(0, a) + text.slice(a + 1 + Math.floor(random.uniform() * 20));
    }
    case 2: {
      // A number of the text replaced by an edge value.
      const numbers = [...text.matchAll(/\d+(\.\d+)?([eE][-+]?\d+)?/g)];
      if (numbers.length === 0) return text;
      const m = pick(numbers);
      return text.slice(0, m.index) + pick(EDGE_NUMBERS) + text.slice(m.index + m[0].length);
    }
    case 3: {
      const a = at();
      return text.slice(0, a) + pick(BYTES) + text.slice(a);
    }
    case 4: {
      const a = at();
      const b = Math.min(text.length, a + Math.floor(random.uniform() * 60));
      return text.slice(0, b) + text.slice(a, b) + text.slice(b);
    }
    default: {
      const lines = text.split('\n');
      const i = Math.floor(random.uniform() * lines.length);
      const j = Math.floor(random.uniform() * lines.length);
      [lines[i], lines[j]] = [lines[j]!, lines[i]!];
      return lines.join('\n');
    }
  }
}

/** Every problem has a message and a range inside the text of `length` characters. */
export function assertInside(problems: Problem[], cell: string, label: string): void {
  assert.ok(problems.length > 0, `${label}: a ModelError without problems`);
  for (const p of problems) {
    const { start, end } = p.range;
    assert.ok(start.offset >= 0 && start.offset <= end.offset && end.offset <= cell.length, `${label}: range ${start.offset}-${end.offset} outside the cell (${cell.length} characters): ${p.message}`);
    assert.ok(p.message.length > 0, `${label}: an empty message`);
  }
}

