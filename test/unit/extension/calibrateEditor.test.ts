import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseDocument } from '../../../src/engine/language/parser';
import { completionContext, completionEntries, type CompletionEntry } from '../../../src/extension/language/completionLogic';
import { hoverAt } from '../../../src/extension/language/hoverLogic';
import { cursor } from './cursor';

function entriesAt(marked: string): CompletionEntry[] {
  const { text, offset } = cursor(marked);
  const document = parseDocument(text).document;
  const context = completionContext(text, offset, document);
  return completionEntries(context, document, text.slice(context.start, context.end));
}

const labels = (entries: CompletionEntry[]): string[] => entries.map((e) => e.label);
const MODEL = 'model {\n  y ~ dnorm(mu, 1)\n  mu ~ dnorm(0, 1)\n}\ndata list(y = 1)\n';

describe('editor support for calibrate with sbc(...)', () => {
  it('offers the directive at the top level, sbc after calibrate [NAME] with, and the options not yet given', () => {
    assert.ok(labels(entriesAt(`${MODEL}‸`)).includes('calibrate with sbc(...)'));
    assert.deepEqual(labels(entriesAt(`${MODEL}calibrate with ‸`)), ['sbc']);
    assert.deepEqual(labels(entriesAt(`${MODEL}calibrate mymodel with ‸`)), ['sbc']);
    assert.deepEqual(labels(entriesAt(`${MODEL}calibrate with sbc(simulations = 100, ‸)`)), ['draws', 'bins', 'burnin', 'thin', 'seed']);
  });

  it('describes sbc and its options on hover', () => {
    const text = `${MODEL}calibrate with sbc(draws = 99)`;
    assert.match(hoverAt(text, text.indexOf('sbc') + 1)?.markdown ?? '', /\*\*sbc\*\*: Simulation-based calibration/);
    assert.match(hoverAt(text, text.indexOf('draws') + 1)?.markdown ?? '', /\*\*draws\*\* \(sbc option\): Posterior draws kept per simulation/);
  });
});
