import assert from 'node:assert/strict';
import { resolve } from 'node:path';
import { describe, it } from 'node:test';
import { BUILT_IN_DEFAULTS } from '../../../src/engine/run/request';
import { readRequest } from '../../../src/engine/job/job';
import { startRun } from '../../../src/engine/run/runner';
import { assertNonDecreasing, cellDocument, EXAMPLES, fitCell, vector } from './notebookFits';

/**
 * Reference: the probit maximum-likelihood estimate by BFGS on the probit log-likelihood
 * (scipy, `/usr/bin/python3 test/unit/fit/references.py`): β = (−0.494464, 0.99309,
 * −1.43511, 0.703544, −0.047655), log-likelihood −665.075005. EM stops at tol = 1e-10 per row;
 * its linear convergence leaves ~1e-5 on β, so 1e-4 is the tolerance.
 */
const ML = [-0.494464, 0.99309, -1.43511, 0.703544, -0.047655];
const NOTEBOOK = 'probit-augmentation.ipynb';

describe('example: probit regression by latent-variable augmentation', () => {
  it('EM (z latent, β a normal block) gives the probit maximum-likelihood estimate', async () => {
    const out = await fitCell(NOTEBOOK, 0);
    assert.equal(out.status, 'converged', JSON.stringify(out.messages));
    assert.deepEqual(out.latent, ['z']);
    assert.match(out.engine, /exact E-step over 2000 latent unit/);
    vector(out, 'beta', 5).forEach((b, j) => assert.ok(Math.abs(b - ML[j]!) < 1e-4, `beta[${j + 1}] = ${b}`));
    assert.ok(Math.abs(out.loglik! - -665.075005) < 1e-4, `loglik ${out.loglik}`);
    assertNonDecreasing(out.objective.values, 'probit');
  });

  it('agrees with the Gibbs posterior mean of the notebook\'s sample cell', async () => {
    const request = readRequest('sample', cellDocument(NOTEBOOK, 1), BUILT_IN_DEFAULTS, () => 1, { baseDirectory: EXAMPLES });
    const run = startRun(request, {
      workerScript: resolve(__dirname, '../../../src/engine/run/chainWorker.ts'),
      workerExecArgv: ['--require', 'tsx/cjs'],
    });
    const [fit, { output }] = await Promise.all([fitCell(NOTEBOOK, 0), run.result]);
    assert.equal(output.status, 'complete', JSON.stringify(output.messages));
    const em = vector(fit, 'beta', 5);
    em.forEach((b, j) => {
      const node = output.nodes.find((n) => n.name === `beta[${j + 1}]`)!;
      const { mean, sd } = node.summary;
      const mcse = node.diagnostics!.mcse_mean;
      // The posterior mean differs from the ML estimate (the mode: the prior, precision 1e-4,
      // is negligible) by the posterior's skewness, O(sd/√n) — well under 0.1 sd at n = 2000 —
      // and the Gibbs mean carries Monte-Carlo error: 4 MCSE more.
      const tolerance = 0.1 * sd + 4 * mcse;
      assert.ok(Math.abs(mean - b) < tolerance, `beta[${j + 1}]: EM ${b}, Gibbs mean ${mean} (sd ${sd}, MCSE ${mcse}), tolerance ${tolerance}`);
    });
  });
});
