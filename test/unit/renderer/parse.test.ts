import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseRunOutput, SCHEMA } from '../../../src/renderer/parse';
import { makeOutput } from './fixtures';

describe('renderer parseRunOutput', () => {
  it('accepts a well-formed output unchanged', () => {
    const output = makeOutput({
      messages: [{ severity: 'warning', message: 'slow mixing', range: { startLine: 2, startColumn: 4, endLine: 2, endColumn: 9 } }],
    });
    const result = parseRunOutput(JSON.parse(JSON.stringify(output)));
    assert.ok(result.ok);
    assert.deepEqual(result.output, output);
  });

  it('keeps a model comparison, and leaves out one that lacks its parts', () => {
    const est = { estimate: -31.09, se: 0.95 };
    const modelComparison = {
      draws: 8000,
      observations: 8,
      elpd_loo: est,
      p_loo: est,
      looic: est,
      pareto_k: { good: 4, ok: 3, bad: 1, very_bad: 0 },
      high_k: [{ name: 'y[2]', k: 0.72 }],
      elpd_waic: est,
      p_waic: est,
      waic: est,
      dic: { mean_deviance: 60.25, pD: null, dic: null, pV: 2.39, dic_pV: 62.64 },
    };
    const parsed = parseRunOutput(JSON.parse(JSON.stringify({ ...makeOutput(), modelComparison })));
    assert.ok(parsed.ok);
    assert.deepEqual(parsed.output.modelComparison, modelComparison);
    const partial = parseRunOutput(JSON.parse(JSON.stringify({ ...makeOutput(), modelComparison: { draws: 1 } })));
    assert.ok(partial.ok);
    assert.equal(partial.output.modelComparison, undefined);
  });

  it('refuses other schema versions with a readable reason', () => {
    const result = parseRunOutput({ ...makeOutput(), schema: 'latent.run/2' });
    assert.equal(result.ok, false);
    assert.match(!result.ok ? result.error : '', /latent\.run\/2.*latent\.run\/1/);
    assert.equal(parseRunOutput({ status: 'complete' }).ok, false);
    assert.equal(parseRunOutput([]).ok, false);
    assert.equal(parseRunOutput(null).ok, false);
    assert.equal(SCHEMA, 'latent.run/1');
  });

  it('fills in missing parts instead of failing half-way through drawing', () => {
    const result = parseRunOutput({ schema: 'latent.run/1', status: 'failed', settings: {}, messages: [{ severity: 'error', message: 'syntax error' }] });
    assert.ok(result.ok);
    const output = result.output;
    assert.deepEqual(output.nodes, []);
    assert.deepEqual(output.progress, { done: 0, total: 0 });
    assert.deepEqual(output.timings, { compileMs: 0, sampleMs: 0, totalMs: 0 });
    assert.equal(output.messages[0]?.message, 'syntax error');
    assert.equal(output.settings.algorithm, 'gibbs');
  });

  it('drops nameless nodes and defaults missing node parts', () => {
    const result = parseRunOutput({ ...makeOutput(), nodes: [{ name: 'mu' }, { sampler: 'x' }, 'junk'] });
    assert.ok(result.ok);
    assert.equal(result.output.nodes.length, 1);
    const node = result.output.nodes[0]!;
    assert.deepEqual(node.trace, { iterations: [], chains: [] });
    assert.deepEqual(node.histogram, { edges: [], counts: [] });
    assert.ok(Number.isNaN(node.summary.mean));
  });

  it('treats an unknown status as failed and an unknown severity as info', () => {
    const result = parseRunOutput({ ...makeOutput(), status: 'exploded', messages: [{ severity: 'fatal', message: 'x' }] });
    assert.ok(result.ok);
    assert.equal(result.output.status, 'failed');
    assert.equal(result.output.messages[0]?.severity, 'info');
  });
});
