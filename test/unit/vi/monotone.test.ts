import { readRequest } from '../../../src/engine/job/job';
import assert from 'node:assert/strict';
import { resolve } from 'node:path';
import { test } from 'node:test';
import { runFit } from '../../../src/engine/fit/runFit';
import { cellDocument, fitSource, withOptions } from '../fit/notebookFits';
import { eightSchools, gaussianMixture1d, lda, probit, regressionUnknownPrecision, wishartMixture } from './models';

const MODELS: Record<string, () => string> = { regression: regressionUnknownPrecision, 'Gaussian mixture (dcat/dnorm/dgamma/ddirch)': gaussianMixture1d, 'dmnorm/dwish mixture': wishartMixture, 'probit by augmentation': probit, LDA: lda, 'eight schools (hierarchical normal)': eightSchools };

for (const [name, model] of Object.entries(MODELS)) {
  test(`VI never decreases the ELBO: ${name}, several seeds`, async () => {
    for (const seed of [1, 2, 3]) {
      const request = readRequest('fit', `${model()}\nfit with vi(seed = ${seed}, iterations = 300, tol = 1e-12, init = "random")`, {}, () => seed);
      const output = await runFit(request);
      assert.equal(output.status === 'failed', false, JSON.stringify(output.messages));
      const curve = output.objective.values;
      assert.ok(curve.length >= 2 && curve.every(Number.isFinite), `seed ${seed}: a finite curve`);
      // Each update maximises the bound exactly; only rounding may lower it, far below 1e-9 relative.
      for (let i = 1; i < curve.length; i++) assert.ok(curve[i]! >= curve[i - 1]! - 1e-9 * Math.abs(curve[i - 1]!), `seed ${seed}, iteration ${i + 1}: ${curve[i - 1]} → ${curve[i]}`);
      assert.equal(output.messages.filter((m) => /decreased/.test(m.message)).length, 0);
    }
  });
}

/** Every fit cell of the VI example notebooks, from random starts (prior draws), several seeds. */
const NOTEBOOK_CELLS: Array<[string, number]> = [
  ['faithful-bayesian-mixture.ipynb', 0], ['bayesian-regression.ipynb', 0], ['bayesian-regression.ipynb', 1], ['lda-topics.ipynb', 0], ['probit-augmentation.ipynb', 0], ['matrix-factorisation.ipynb', 0],
];
const VI_EXAMPLES = resolve(__dirname, '../../../examples/vi');

for (const [notebook, cell] of NOTEBOOK_CELLS) {
  test(`VI never decreases the ELBO: examples/vi/${notebook} cell ${cell + 1}, seeds 1–3`, async () => {
    for (const seed of [1, 2, 3]) {
      const source = withOptions(cellDocument(`../vi/${notebook}`, cell), { seed: String(seed), init: '"random"', restarts: '1', iterations: '40', tol: '1e-12' });
      const output = await fitSource(source, VI_EXAMPLES);
      assert.equal(output.status === 'failed', false, JSON.stringify(output.messages));
      const curve = output.objective.values;
      assert.ok(curve.length >= 2 && curve.every(Number.isFinite), `seed ${seed}: a finite curve`);
      for (let i = 1; i < curve.length; i++) assert.ok(curve[i]! >= curve[i - 1]! - 1e-9 * Math.abs(curve[i - 1]!), `seed ${seed}, iteration ${i + 1}: ${curve[i - 1]} → ${curve[i]}`);
    }
  });
}
