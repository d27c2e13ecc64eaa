/**
 * The data of the VI examples that the examples generate rather than copy,
 * seeded by the engine's own generator so that the command writes the same
 * bytes on every machine:
 *
 *   node --import tsx scripts/viExampleData.ts [OUTDIR]     (default examples/vi)
 *
 * writes lda-corpus.csv: a corpus of 24 documents of 30 words each over a
 * vocabulary of 9 words, drawn from a 3-topic LDA whose topics are disjoint
 * (topic t puts probability 0.3, 0.3, 0.3 on words 3t+1..3t+3 and 0.1/6 on
 * each other word) and whose documents' topic proportions are Dirichlet(0.3,
 * 0.3, 0.3). One row per document, columns w1..w30 (word indices, 1-based),
 * then `main`, the document's most used topic (for checking, not the model).
 *
 * and ratings of 20 items by 30 users from a rank-2 model, r = u·v +
 * N(0, 0.5²) with u, v ~ N(0, I₂): 40 % of the 600 pairs are rated, and a
 * fifth of the rated pairs are held out. ratings-train.csv (user, item,
 * rating) is what the notebook fits; ratings-test.csv (tuser, titem,
 * trating) what it predicts.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Random } from '../src/engine/random/rng';
import { PolarRandom } from '../src/engine/random/polarRandom';

export const CORPUS = { documents: 24, words: 30, vocabulary: 9, topics: 3, seed: 2026 };

/** A Dirichlet(a, …, a) draw by normalised gammas. */
function dirichlet(random: Random, a: number, k: number): number[] {
  const g = Array.from({ length: k }, () => random.gamma(a));
  const total = g.reduce((s, v) => s + v, 0);
  return g.map((v) => v / total);
}

function categorical(random: Random, p: number[]): number {
  let u = random.uniform();
  for (let k = 0; k < p.length; k++) if ((u -= p[k]!) < 0) return k;
  return p.length - 1;
}

export function ldaCorpus(): string {
  const { documents, words, vocabulary, topics, seed } = CORPUS;
  const random = new PolarRandom(seed, 0);
  const phi = Array.from({ length: topics }, (_, t) => Array.from({ length: vocabulary }, (_, v) => (Math.floor(v / 3) === t ? 0.3 : 0.1 / 6)));
  const lines = [[...Array.from({ length: words }, (_, n) => `w${n + 1}`), 'main'].join(',')];
  for (let d = 0; d < documents; d++) {
    const theta = dirichlet(random, 0.3, topics);
    const counts = new Array<number>(topics).fill(0);
    const row: number[] = [];
    for (let n = 0; n < words; n++) {
      const z = categorical(random, theta);
      counts[z]!++;
      row.push(categorical(random, phi[z]!) + 1);
    }
    lines.push([...row, counts.indexOf(Math.max(...counts)) + 1].join(','));
  }
  return `${lines.join('\n')}\n`;
}

export const RATINGS = { users: 30, items: 20, rank: 2, observed: 0.4, heldOut: 0.2, noise: 0.5, seed: 2027 };

export function ratings(): { train: string; test: string } {
  const { users, items, rank, observed, heldOut, noise, seed } = RATINGS;
  const random = new PolarRandom(seed, 0);
  const u = Array.from({ length: users * rank }, () => random.normal());
  const v = Array.from({ length: items * rank }, () => random.normal());
  const train = ['user,item,rating'];
  const test = ['tuser,titem,trating'];
  for (let i = 0; i < users; i++) {
    for (let j = 0; j < items; j++) {
      if (random.uniform() >= observed) continue;
      let r = noise * random.normal();
      for (let l = 0; l < rank; l++) r += u[i * rank + l]! * v[j * rank + l]!;
      (random.uniform() < heldOut ? test : train).push(`${i + 1},${j + 1},${r.toFixed(3)}`);
    }
  }
  return { train: `${train.join('\n')}\n`, test: `${test.join('\n')}\n` };
}

if (require.main === module) {
  const out = process.argv[2] ?? join(__dirname, '..', 'examples', 'vi');
  mkdirSync(out, { recursive: true });
  writeFileSync(join(out, 'lda-corpus.csv'), ldaCorpus());
  const { train, test } = ratings();
  writeFileSync(join(out, 'ratings-train.csv'), train);
  writeFileSync(join(out, 'ratings-test.csv'), test);
  process.stdout.write(`wrote lda-corpus.csv, ratings-train.csv and ratings-test.csv in ${out}\n`);
}
