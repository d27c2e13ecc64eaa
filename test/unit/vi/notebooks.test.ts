import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, it } from 'node:test';
import type { FitOutput } from '../../../src/engine/output/fitOutput';
import { cellDocument, fitSource } from '../fit/notebookFits';

/** The VI notebooks' fit cells, run through the engine as the notebook runs them: each states an outcome, checked here. */
const VI = resolve(__dirname, '../../../examples/vi');
const fitCell = (notebook: string, index: number): Promise<FitOutput> => fitSource(cellDocument(`../vi/${notebook}`, index), VI);
const mean = (out: FitOutput, name: string): number => out.variational!.nodes.find((n) => n.name === name)!.mean;
const sd = (out: FitOutput, name: string): number => out.variational!.nodes.find((n) => n.name === name)!.sd;

function assertRising(values: number[], what: string): void {
  for (let i = 1; i < values.length; i++) assert.ok(values[i]! >= values[i - 1]! - 1e-9 * Math.abs(values[i - 1]!), `${what}: the ELBO fell at iteration ${i + 1}`);
}

describe('examples/vi notebooks: the outcomes they state', () => {
  it('lda-topics: w[d, n] ~ dcat(phi[z[d, n], ]) through 2-D stochastic indices; the three topics and the documents\' main topics found', async () => {
    const out = await fitCell('lda-topics.ipynb', 0);
    assert.equal(out.status, 'converged', JSON.stringify(out.messages));
    assert.match(out.engine, /27 dirichlet factors, 720 categorical factors/);
    assertRising(out.objective.values, 'LDA');
    // Each fitted topic puts ≥ 0.8 of its mass on one block of three words; the blocks differ.
    const blocks = [1, 2, 3].map((k) => {
      const masses = [0, 1, 2].map((b) => [1, 2, 3].reduce((s, j) => s + mean(out, `phi[${k},${3 * b + j}]`), 0));
      const best = masses.indexOf(Math.max(...masses));
      assert.ok(masses[best]! >= 0.8, `topic ${k}: masses by block ${masses}`);
      return best + 1;
    });
    assert.deepEqual(blocks, [2, 3, 1], 'fitted topics 1, 2, 3 are the true topics 2, 3, 1');
    const rows = readFileSync(resolve(VI, 'lda-corpus.csv'), 'utf8').trim().split('\n').slice(1);
    const main = rows.map((line) => Number(line.split(',').at(-1)));
    let agree = 0;
    main.forEach((topic, d) => {
      const theta = [1, 2, 3].map((k) => mean(out, `theta[${d + 1},${k}]`));
      if (blocks[theta.indexOf(Math.max(...theta))] === topic) agree++;
    });
    assert.equal(agree, 22, `documents whose most probable topic is the one that wrote most of their words: ${agree} of 24`);
  });

  it('probit-augmentation: VI means equal EM\'s MAP to 0.001, with sds near 0.022', async () => {
    const vi = await fitCell('probit-augmentation.ipynb', 0);
    const em = await fitCell('probit-augmentation.ipynb', 1);
    assert.equal(vi.status, 'converged', JSON.stringify(vi.messages));
    assert.equal(em.status, 'converged', JSON.stringify(em.messages));
    assertRising(vi.objective.values, 'probit');
    const stated = [-0.494, 0.993, -1.435, 0.704, -0.048];
    for (let j = 1; j <= 5; j++) {
      const name = `beta[${j}]`;
      const map = em.params.find((p) => p.name === name)!.value;
      assert.ok(Math.abs(mean(vi, name) - map) < 1e-3, `${name}: VI ${mean(vi, name)} vs EM ${map}`);
      assert.ok(Math.abs(mean(vi, name) - stated[j - 1]!) < 1e-3, `${name}: ${mean(vi, name)} vs the stated ${stated[j - 1]}`);
      assert.ok(Math.abs(sd(vi, name) - 0.0225) < 0.001, `${name}: sd ${sd(vi, name)}`);
    }
  });
});
