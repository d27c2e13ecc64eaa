import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { formatFitTable } from '../../../src/engine/output/fitTable';
import { jobKindOf } from '../../../src/engine/job/job';
import { readRequest } from '../../../src/engine/job/job';
import { ComposedSource, referencedModel } from '../../../src/engine/run/namedModels';
import { toMessage } from '../../../src/engine/run/runner';
import { fromRunMessage, initialOutput, toRunMessage } from '../../../src/engine/job/fitMessages';
import { modelErrorOf } from '../engine/helpers';

const MODEL_CELL = `model mixture {
  for (i in 1:N) {
    z[i] ~ dcat(w[])
    x[i] ~ dnorm(mu[z[i]], 1)
  }
  for (k in 1:2) { mu[k] ~ dnorm(0, 0.01) }
  w[1:2] ~ ddirch(alpha[])
}
data list(N = 4, x = c(-1, -0.5, 2, 2.5), alpha = c(1, 1))
sample with gibbs(chains = 2)
`;

describe('fit cells: messages and the first output', () => {
  it('converts ranges between the fit\'s 1-based and the run\'s 0-based lines and columns, both ways', () => {
    const fit = { severity: 'warning' as const, message: 'm', range: { startLine: 3, startColumn: 5, endLine: 3, endColumn: 9 } };
    assert.deepEqual(toRunMessage(fit).range, { startLine: 2, startColumn: 4, endLine: 2, endColumn: 8 });
    assert.deepEqual(fromRunMessage(toRunMessage(fit)), fit);
    assert.deepEqual(toRunMessage({ severity: 'info', message: 'no range' }), { severity: 'info', message: 'no range' });
  });

  it('a cell fitting a model named in another cell: the composed text is read, its problems mapped back into the running cell', () => {
    const cell = 'fit mixture with em(kappa = 0.7)';
    const reference = referencedModel(cell);
    assert.ok(reference);
    const composed = new ComposedSource(cell, MODEL_CELL, reference);
    assert.equal(jobKindOf(composed.text), 'fit', 'the running cell\'s directive is the fit; the model cell\'s sample line is blanked');
    const [problem] = modelErrorOf(() => readRequest('fit', composed.text, {}, () => 1));
    const inCell = composed.toCell(toMessage(problem!));
    assert.deepEqual(inCell.range, { startLine: 0, startColumn: 20, endLine: 0, endColumn: 31 });
    assert.equal(cell.slice(inCell.range!.startColumn, inCell.range!.endColumn), 'kappa = 0.7');
    // A message the engine puts in the model's cell (1-based, as fit outputs count) points at the model's name.
    const fromEngine = fromRunMessage(composed.toCell(toRunMessage({ severity: 'error', message: 'Singular covariance.', range: { startLine: 4, startColumn: 5, endLine: 4, endColumn: 30 } })));
    assert.match(fromEngine.message, /^In the cell that defines model 'mixture', line 4: Singular covariance\./);
    assert.deepEqual(fromEngine.range, { startLine: 1, startColumn: 5, endLine: 1, endColumn: 12 });
  });

  it('starts the output with the settings and nothing fitted', () => {
    const request = readRequest('fit', `${MODEL_CELL.replace('sample with gibbs(chains = 2)', 'fit with annealed.em(seed = 3)')}`, {}, () => 1);
    const output = initialOutput(request.settings);
    assert.equal(output.status, 'running');
    assert.equal(output.objective.kind, 'logpost');
    assert.match(formatFitTable(output), /^Latent annealed\.em fit \(maximum a posteriori\): running, 0 iterations so far; seed 3/);
  });
});
