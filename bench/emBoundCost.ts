/**
 * The cost of EM's bound picture: examples/em/em-bound.ipynb's fit with bound = TRUE and FALSE,
 * alternated (A B A B) on the same machine, time per iteration of each.
 *
 *   node --import tsx bench/emBoundCost.ts [rounds]
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { runFit } from '../src/engine/fit/runFit';
import { readRequest } from '../src/engine/job/job';

const folder = resolve(__dirname, '../examples/em');
const notebook = JSON.parse(readFileSync(resolve(folder, 'em-bound.ipynb'), 'utf8')) as { cells: Array<{ cell_type: string; source: string[] }> };
const cell = notebook.cells.filter((c) => c.cell_type === 'code')[0]!.source.join('');

async function main(): Promise<void> {
  const rounds = Number(process.argv[2] ?? 3);
  const times: Record<string, number[]> = { TRUE: [], FALSE: [] };
  for (let round = 0; round <= rounds; round++) {
    for (const bound of ['TRUE', 'FALSE']) {
      const out = await runFit(readRequest('fit', cell.replace('bound = TRUE', `bound = ${bound}`), {}, () => 1, { baseDirectory: folder }));
      // Round 0 warms the JIT and is not counted.
      if (round > 0) times[bound]!.push(1000 * out.timing.secondsPerIteration);
    }
  }
  const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
  const [withBound, without] = [median(times.TRUE!), median(times.FALSE!)];
  process.stdout.write(`bound = TRUE ${withBound.toFixed(1)} ms/iteration, bound = FALSE ${without.toFixed(1)} ms/iteration (medians of ${rounds}, A B A B): ratio ${(withBound / without).toFixed(2)}\n`);
}

void main();
