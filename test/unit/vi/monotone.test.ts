import assert from 'node:assert/strict';
import { test } from 'node:test';
import { runFit } from '../../../src/engine/fit/runFit';
import { readRequest } from '../../../src/engine/job/job';
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
