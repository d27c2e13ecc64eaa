import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { editorRange, problemsIn } from '../../../src/extension/language/diagnosticsLogic';

/** The problems as "line:column-line:column message" (zero-based, as the editor counts). */
function problems(text: string): string[] {
  return problemsIn(text).map((p) => {
    const r = editorRange(p.range);
    return `${r.startLine}:${r.startCharacter}-${r.endLine}:${r.endCharacter} ${p.severity}: ${p.message}`;
  });
}

describe('diagnostics', () => {
  it('points at a misspelt distribution, with a suggestion', () => {
    assert.deepEqual(problems('model { mu ~ dnrom(0, 1) }'), ["0:13-0:18 error: Unknown distribution 'dnrom'. Did you mean 'dnorm'?"]);
    assert.deepEqual(problems('model {\n  mu ~ dnrom(0, 1)\n}'), ["1:7-1:12 error: Unknown distribution 'dnrom'. Did you mean 'dnorm'?"]);
  });

  it('reports parse errors where they are, and nothing for a good document', () => {
    const [first] = problemsIn('model { mu ~ dnorm(0, }');
    assert.ok(first);
    assert.equal(first.severity, 'error');
    assert.deepEqual(editorRange(first.range), { startLine: 0, startCharacter: 22, endLine: 0, endCharacter: 23 });
    assert.deepEqual(problems('model { mu ~ dnorm(0, 1.0E-4) }\ndata list(N = 1)\nsample with gibbs(chains = 1)'), []);
  });

  it('checks the names of the model against the inline data', () => {
    const model = 'model {\n  for (i in 1:N) { y[i] ~ dnorm(mu, tau) }\n  mu ~ dnorm(0, 1)\n  tau ~ dgamma(1, 1)\n}\n';
    assert.deepEqual(problems(`${model}data list(N = 2, y = c(1, 2))`), []);
    const missing = problems(`${model}data list(y = c(1, 2))`);
    assert.equal(missing.length, 1);
    assert.match(missing[0]!, /^1:14-1:15 error: Unknown name 'N'/);
  });

  it('leaves the names unchecked when the data are not inline', () => {
    const model = 'model { for (i in 1:N) { y[i] ~ dnorm(mu, 1) } mu ~ dnorm(0, 1) }';
    assert.deepEqual(problems(model), []);
    assert.deepEqual(problems(`${model}\ndata from "data.R"`), []);
  });

  it('maps ranges across lines', () => {
    const start = { line: 1, column: 4, offset: 10 };
    const end = { line: 3, column: 0, offset: 30 };
    assert.deepEqual(editorRange({ start, end }), { startLine: 1, startCharacter: 4, endLine: 3, endCharacter: 0 });
  });
});
