import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseDocument } from '../../../src/engine/language/parser';
import { ComposedSource, definedModelName, referencedModel } from '../../../src/engine/run/namedModels';
import { BUILT_IN_DEFAULTS } from '../../../src/engine/run/request';
import { readRequest } from '../../../src/engine/job/job';

const MODEL_CELL = `model normal {
  mu ~ dnorm(0, 1.0E-4)
  for (i in 1:N) { y[i] ~ dnorm(mu, 1) }
}
data list(N = 3, y = c(1, 2, 3))
sample with gibbs(chains = 1, seed = 9)`;

describe('models named in one cell and run from another', () => {
  it('parses a model name and a run that names a model; a plain JAGS model has neither', () => {
    assert.equal(definedModelName(MODEL_CELL), 'normal');
    assert.deepEqual(referencedModel('sample normal with gibbs(chains = 2)')?.name, 'normal');
    assert.equal(referencedModel(MODEL_CELL), undefined, 'a cell with its own model refers to none');
    const plain = parseDocument('model { a ~ dnorm(0, 1) }\nsample with gibbs()');
    assert.deepEqual(plain.problems, []);
    assert.equal(plain.document.model?.name, undefined);
  });

  it("runs the named model with its data, under the running cell's options", () => {
    const cell = 'sample normal with gibbs(chains = 2, iterations = 50, seed = 3)';
    const composed = new ComposedSource(cell, MODEL_CELL, referencedModel(cell)!);
    const request = readRequest('sample', composed.text, BUILT_IN_DEFAULTS, () => 1);
    assert.equal(request.settings.chains, 2, "the model cell's own run is not used");
    assert.equal(request.settings.seed, 3);
    assert.deepEqual(Array.from(request.data.get('y')!.values), [1, 2, 3]);
  });

  it("maps a message back to the running cell: its own lines shift, the model cell's point at the name", () => {
    const cell = '# comment\nsample normal with gibbs(chainz = 2)';
    const composed = new ComposedSource(cell, MODEL_CELL, referencedModel(cell)!);
    try {
      readRequest('sample', composed.text, BUILT_IN_DEFAULTS, () => 1);
      assert.fail('chainz is not an option');
    } catch (e) {
      const p = (e as { problems: Array<{ message: string; range: { start: { line: number; column: number }; end: { line: number; column: number } } }> }).problems[0]!;
      const mapped = composed.toCell({ severity: 'error', message: p.message, range: { startLine: p.range.start.line, startColumn: p.range.start.column, endLine: p.range.end.line, endColumn: p.range.end.column } });
      assert.equal(mapped.range!.startLine, 1);
      assert.equal(mapped.range!.startColumn, 25);
    }
    const fromModel = composed.toCell({ severity: 'error', message: 'bad', range: { startLine: 1, startColumn: 2, endLine: 1, endColumn: 4 } });
    assert.match(fromModel.message, /^In the cell that defines model 'normal', line 2: bad$/);
    assert.deepEqual(fromModel.range, { startLine: 1, startColumn: 7, endLine: 1, endColumn: 13 });
  });
});
