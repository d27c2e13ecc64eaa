// The DOM must be installed before the renderer (and the Plotly bundle in it) loads.
import { outputElement } from './dom';
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { NodeDiagnostics, NodeResult } from '../../../src/engine/output/runOutput';
import { parseRunOutput } from '../../../src/renderer/parse';
import { activatedRenderer } from './activated';
import { makeNode, makeOutput, outputItem } from './fixtures';

const healthy: NodeDiagnostics = {
  rhat: 1.0012,
  rhat_basic: 1.0008,
  ess_bulk: 3412.6,
  ess_tail: 2987.2,
  ess_mean: 3400,
  mcse_mean: 0.01203,
  mcse_sd: 0.0091,
  mcse_q5: 0.021,
  mcse_median: 0.015,
  mcse_q95: 0.022,
};

function node(name: string, diagnostics: Partial<NodeDiagnostics> | undefined, labelSwitching?: string): NodeResult {
  const n = makeNode(name);
  if (diagnostics) n.diagnostics = { ...healthy, ...diagnostics };
  if (labelSwitching) n.labelSwitching = labelSwitching;
  return n;
}

const api = activatedRenderer();

async function render(nodes: NodeResult[], messages = makeOutput().messages): Promise<HTMLElement> {
  const element = outputElement();
  // Through JSON, as VS Code hands it over: NaN arrives as null.
  await api().renderOutputItem(outputItem('out', JSON.stringify(makeOutput({ nodes, messages }))), element, new AbortController().signal);
  return element;
}

function row(element: HTMLElement, name: string): HTMLTableCellElement[] {
  const tr = [...element.querySelectorAll('table.latent-summary tbody tr')].find((r) => r.firstElementChild?.textContent === name)!;
  return [...tr.children] as HTMLTableCellElement[];
}

function column(element: HTMLElement, label: string): number {
  return [...element.querySelectorAll('table.latent-summary th')].findIndex((th) => th.textContent === label);
}

describe('convergence diagnostics in the run view', () => {
  it('shows R-hat, bulk and tail ESS and the MCSE of the mean, each header explained in a tooltip', async () => {
    const element = await render([node('mu', {})]);
    const cells = row(element, 'mu');
    assert.equal(cells[column(element, 'R-hat')]!.textContent, '1.001');
    assert.equal(cells[column(element, 'ESS bulk')]!.textContent, '3413');
    assert.equal(cells[column(element, 'ESS tail')]!.textContent, '2987');
    assert.equal(cells[column(element, 'MCSE')]!.textContent, '0.01203');
    for (const label of ['R-hat', 'ESS bulk', 'ESS tail', 'MCSE']) {
      const th = [...element.querySelectorAll<HTMLElement>('table.latent-summary th')].find((h) => h.textContent === label)!;
      assert.ok(th.title.length > 20, `${label} has a tooltip`);
    }
    assert.equal(element.querySelectorAll('.latent-flagged').length, 0);
    assert.equal(element.querySelector<HTMLElement>('.latent-diagnostics-note')!.hidden, true);
  });

  it('flags R-hat ≥ 1.01 and bulk or tail ESS < 400, says why on hover, and explains the flags under the table', async () => {
    const element = await render([node('ok', {}), node('rhat', { rhat: 1.01 }), node('bulk', { ess_bulk: 399.4 }), node('tail', { ess_tail: 120 })]);
    const flagged = (name: string) => row(element, name).filter((td) => td.classList.contains('latent-flagged'));
    assert.deepEqual(flagged('ok'), []);
    assert.deepEqual(flagged('rhat').map((td) => td.cellIndex), [column(element, 'R-hat')]);
    assert.match(flagged('rhat')[0]!.title, /R-hat 1\.010 ≥ 1\.01/);
    assert.deepEqual(flagged('bulk').map((td) => td.cellIndex), [column(element, 'ESS bulk')]);
    assert.match(flagged('bulk')[0]!.title, /Bulk ESS 399 < 400/);
    assert.deepEqual(flagged('tail').map((td) => td.cellIndex), [column(element, 'ESS tail')]);
    const note = element.querySelector<HTMLElement>('.latent-diagnostics-note')!;
    assert.equal(note.hidden, false);
    assert.match(note.textContent!, /R-hat ≥ 1\.01 or ESS < 400/);
  });

  it('marks label switching on R-hat with the message as its tooltip', async () => {
    const message = 'mu[1], mu[2]: chain 1 and chain 2 differ by a swap of labels 1↔2 (label switching); R-hat for these nodes is not meaningful until the labels are identified (order constraint, or fix one assignment).';
    const element = await render([node('mu[1]', { rhat: 2.3 }, message), node('mu[2]', { rhat: 2.4 }, message)], [{ severity: 'warning', message }]);
    const rhat = row(element, 'mu[1]')[column(element, 'R-hat')]!;
    assert.equal(rhat.textContent, '2.300 ⇄');
    assert.equal(rhat.title, message);
    assert.match(element.querySelector('.latent-diagnostics-note')!.textContent!, /⇄ label switching/);
    assert.match(element.querySelector('.latent-messages')!.textContent!, /differ by a swap of labels 1↔2/);
  });

  it('shows what could not be computed as "–", unflagged', async () => {
    const element = await render([node('constant', { rhat: Number.NaN, ess_bulk: Number.NaN, ess_tail: Number.NaN, mcse_mean: Number.NaN })]);
    const cells = row(element, 'constant');
    for (const label of ['R-hat', 'ESS bulk', 'ESS tail', 'MCSE']) assert.equal(cells[column(element, label)]!.textContent, '–', label);
    assert.equal(element.querySelectorAll('.latent-flagged').length, 0);
  });
});

describe('parsing diagnostics', () => {
  it('reads null as NaN, keeps labelSwitching, and leaves diagnostics out when the output has none', () => {
    const raw = JSON.parse(JSON.stringify(makeOutput({ nodes: [node('a', { rhat: Number.NaN }, 'note'), node('b', undefined)] })));
    assert.equal(raw.nodes[0].diagnostics.rhat, null);
    const parsed = parseRunOutput(raw);
    assert.ok(parsed.ok);
    assert.ok(Number.isNaN(parsed.output.nodes[0]!.diagnostics!.rhat));
    assert.equal(parsed.output.nodes[0]!.diagnostics!.ess_bulk, healthy.ess_bulk);
    assert.equal(parsed.output.nodes[0]!.labelSwitching, 'note');
    assert.equal(parsed.output.nodes[1]!.diagnostics, undefined);
    assert.equal(parsed.output.nodes[1]!.labelSwitching, undefined);
  });
});
