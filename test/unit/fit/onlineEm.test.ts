import assert from 'node:assert/strict';
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { generatedMixtureData } from '../em/helpers';
import { cellDocument, EXAMPLES, fitSource } from './notebookFits';

const NOTEBOOK = 'online-em.ipynb';
const DATA = 'gmm_d5_k5_n100000.csv';
const INITS = 'gmm_d5_k5_n100000.inits.json';

/**
 * The notebook's data file, made by scripts/mixtureData.ts (cached per version of it), cut to its
 * first `rows` rows, in a temporary folder with the notebook's inits file: the cells run
 * unchanged against it.
 */
function dataFolder(rows: number): string {
  const folder = mkdtempSync(join(tmpdir(), 'latent-online-em-'));
  const lines = readFileSync(join(generatedMixtureData(), DATA), 'utf8').split('\n');
  writeFileSync(join(folder, DATA), `${lines.slice(0, rows + 1).join('\n')}\n`);
  copyFileSync(join(EXAMPLES, INITS), join(folder, INITS));
  return folder;
}

const folders: string[] = [];
after(() => folders.forEach((f) => rmSync(f, { recursive: true, force: true })));

/** Online EM (cell 1) and batch EM (cell 2) of the notebook on the first `rows` rows. */
async function bothFits(rows: number) {
  const folder = dataFolder(rows);
  folders.push(folder);
  const online = await fitSource(cellDocument(NOTEBOOK, 0), folder);
  const batch = await fitSource(cellDocument(NOTEBOOK, 1), folder);
  return { online, batch };
}

describe('example: online EM on the 5-dimensional mixture', () => {
  /*
   * The criterion, on all 100,000 rows (made by scripts/mixtureData.ts in a temporary folder):
   * one pass of 100 minibatches of 1,000 rows reaches within 1 % of the batch EM's mean
   * log-likelihood per row. Measured: online −7.440824, batch −7.439743 (scikit-learn
   * −7.439743 from the same start, test/unit/fit/references.py), a gap of 0.015 %.
   */
  it('one pass of minibatches reaches within 1 % of the batch EM log-likelihood (100,000 rows)', async () => {
    const { online, batch } = await bothFits(100_000);
    assert.equal(online.settings.method, 'online.em');
    // Online EM makes its passes over the stream and has no convergence test of its own.
    assert.equal(online.status, 'max-iterations', JSON.stringify(online.messages));
    assert.equal(batch.status, 'converged', JSON.stringify(batch.messages));
    assert.equal(online.observations, 100_000);
    assert.equal(online.iteration, 100, 'one pass of 1,000-row minibatches');
    // Batch EM from the bench's shared start: scikit-learn's figure to 1e-5 (the issue's).
    assert.ok(Math.abs(batch.loglikPerSample! - -7.439743) < 1e-5, `batch ${batch.loglikPerSample}`);
    const gap = Math.abs((online.loglikPerSample! - batch.loglikPerSample!) / batch.loglikPerSample!);
    assert.ok(gap < 0.01, `online ${online.loglikPerSample}, batch ${batch.loglikPerSample}: gap ${gap}`);
    assert.ok(online.loglikPerSample! <= batch.loglikPerSample! + 1e-9, 'batch EM converged is the better fit');
  });
});
