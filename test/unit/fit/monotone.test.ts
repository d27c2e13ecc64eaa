import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Random } from '../../../src/engine/random/rng';
import { assertFiniteParams, assertNonDecreasing, cellDocument, fitSource, withOptions } from './notebookFits';

/**
 * Property: plain EM and ECM never decrease the objective (the observed-data log-likelihood
 * here, mle = TRUE) — for every example whose E-step is exact, from random starts under
 * several seeds, allowing only rounding (1e-9 relative). The Monte-Carlo EM of the lasso
 * example is left out: its objective is an estimate.
 *
 * init = "random" draws the parameters from their priors. For probit that is β ~ N(0, 100²),
 * linear predictors in the hundreds (far tails: engineGaps.test.ts covers them), from where
 * EM needs hundreds of iterations; its random starts are drawn here instead, β_j ~ U(−2, 2),
 * and given as initial values.
 */
function probitStart(seed: number): string {
  const random = new Random(seed, 0);
  const beta = Array.from({ length: 5 }, () => (4 * random.uniform() - 2).toFixed(3));
  return `inits list(beta = c(${beta.join(', ')}))\n`;
}

const EXACT_EXAMPLES: Array<{ notebook: string; cell: number; label: string; maxIterations: number; start?: (seed: number) => string }> = [
  { notebook: 'faithful-mixture.ipynb', cell: 0, label: 'Old Faithful K = 2', maxIterations: 200 },
  { notebook: 'faithful-mixture.ipynb', cell: 1, label: 'Old Faithful K = 3', maxIterations: 200 },
  { notebook: 'annealed-em.ipynb', cell: 0, label: 'three clusters', maxIterations: 200 },
  { notebook: 'bernoulli-mixture.ipynb', cell: 0, label: 'Bernoulli mixture', maxIterations: 12 },
  { notebook: 'probit-augmentation.ipynb', cell: 0, label: 'probit', maxIterations: 15, start: probitStart },
  { notebook: 'evidence-hyperparameters.ipynb', cell: 0, label: 'evidence', maxIterations: 200 },
  { notebook: 'missing-covariate.ipynb', cell: 0, label: 'missing covariate', maxIterations: 200 },
];
const SEEDS = [1, 2, 3];

describe('property: EM and ECM never decrease the objective', () => {
  for (const example of EXACT_EXAMPLES) {
    for (const method of ['em', 'ecm'] as const) {
      it(`${example.label}, ${method}, random starts (seeds ${SEEDS.join(', ')})`, async () => {
        for (const seed of SEEDS) {
          const document = example.start ? example.start(seed) + cellDocument(example.notebook, example.cell) : cellDocument(example.notebook, example.cell);
          const source = withOptions(document, {
            mle: 'TRUE', init: example.start ? '"given"' : '"random"', seed: String(seed), restarts: '1', tol: '1e-12', 'max.iter': String(example.maxIterations),
          }, method);
          const out = await fitSource(source);
          const label = `${example.label}, ${method}, seed ${seed}`;
          assert.ok(out.status !== 'failed', `${label}: ${JSON.stringify(out.messages)}`);
          assert.ok(out.objective.values.length > 1, label);
          assertNonDecreasing(out.objective.values, label);
          assert.ok(!out.messages.some((m) => /decreased/.test(m.message)), `${label}: ${JSON.stringify(out.messages)}`);
          assertFiniteParams(out);
        }
      });
    }
  }
});
