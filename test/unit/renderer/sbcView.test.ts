// The DOM must be installed before the renderer (and the Plotly bundle in it) loads.
import { document, outputElement, window } from './dom';
import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, it } from 'node:test';
import type { OutputItem, RendererApi } from 'vscode-notebook-renderer';
import { SBC_OUTPUT_MIME, type SbcNodeResult, type SbcOutput } from '../../../src/engine/sbc/sbcOutput';
import { activate } from '../../../src/renderer/index';
import { SbcView } from '../../../src/renderer/sbcView';
import { fakeContext } from './fixtures';

/** What Plotly keeps on a div it has drawn into. */
interface PlotlyDiv extends HTMLElement {
  data?: { x?: ArrayLike<number>; y?: ArrayLike<number>; type?: string }[];
  layout?: { shapes?: Array<{ type?: string; y0?: number; y1?: number }> };
}

function node(name: string, counts: number[], pValue: number): SbcNodeResult {
  const total = counts.reduce((a, b) => a + b, 0);
  const expected = counts.map(() => total / counts.length);
  return {
    name, sampler: 'conjugate normal', counts, expected,
    band: { lower: counts.map(() => 8), upper: counts.map(() => 32) },
    statistic: 3.2, degreesOfFreedom: counts.length - 1, pValue,
  };
}

function output(overrides: Partial<SbcOutput> = {}): SbcOutput {
  return {
    schema: 'latent.sbc/1',
    status: 'complete',
    settings: { simulations: 200, draws: 99, bins: 10, burnin: 500, thin: 2, seed: 7 },
    progress: { done: 200, total: 200 },
    failed: 0,
    nodes: [node('mu', [20, 22, 18, 19, 21, 20, 20, 19, 21, 20], 0.93), node('theta[2]', [60, 10, 5, 5, 5, 5, 5, 10, 35, 60], 1e-30)],
    messages: [],
    timings: { totalMs: 1234 },
    ...overrides,
  };
}

function item(id: string, value: unknown): OutputItem {
  const text = JSON.stringify(value);
  return { id, mime: SBC_OUTPUT_MIME, metadata: undefined, text: () => text, json: () => JSON.parse(text), data: () => new TextEncoder().encode(text), blob: () => new Blob([text]) };
}

let api: RendererApi;
const signal = () => new AbortController().signal;
const plotOf = (element: HTMLElement, name: string) => element.querySelector<PlotlyDiv>(`.latent-node[data-node="${name}"] .latent-sbc-plot`)!;

beforeEach(async () => {
  const activated = await activate(fakeContext());
  assert.ok(activated);
  api = activated;
});

afterEach(() => {
  api.disposeOutputItem?.();
  document.body.replaceChildren();
});

describe('calibration renderer (real Plotly)', () => {
  it('draws per node a rank histogram over the uniform band, and a table with the flagged node', async () => {
    const element = outputElement();
    await api.renderOutputItem(item('sbc-1', output()), element, signal());
    assert.equal(element.querySelector('.latent-status')?.textContent, 'Complete');
    assert.match(element.querySelector('.latent-meta')?.textContent ?? '', /200 of 200 simulations · 99 draws each \(burn-in 500, thin 2\) · 10 bins · seed 7/);
    const rows = [...element.querySelectorAll('table.latent-sbc-table tbody tr')];
    assert.deepEqual(rows.map((r) => (r as HTMLElement).dataset.node), ['mu', 'theta[2]']);
    assert.equal(rows[1]!.querySelector('td.latent-flagged')?.textContent, '1e-30');
    assert.equal(rows[0]!.querySelector('td.latent-flagged'), null);
    assert.match(element.querySelector('.latent-note')?.textContent ?? '', /not uniform .*: theta\[2\]/);
    for (const name of ['mu', 'theta[2]']) {
      const div = plotOf(element, name);
      assert.ok(div.querySelector('svg.main-svg'), `${name}: histogram drawn`);
      assert.equal(div.data?.[0]?.type, 'bar');
      assert.equal(div.querySelectorAll('.barlayer .point').length, 10);
      // One band rectangle and one expected-count line per bin.
      const shapes = div.layout?.shapes ?? [];
      assert.equal(shapes.filter((s) => s.type === 'rect').length, 10);
      assert.equal(shapes.filter((s) => s.type === 'line').length, 10);
      assert.deepEqual([shapes[0]!.y0, shapes[0]!.y1], [8, 32]);
    }
  });

  it('updates the same view while the calibration streams, and shows messages', async () => {
    const element = outputElement();
    const running = output({ status: 'running', progress: { done: 50, total: 200 }, nodes: [node('mu', [5, 5, 5, 5, 5, 5, 5, 5, 5, 5], 1)] });
    await api.renderOutputItem(item('sbc-2', running), element, signal());
    assert.equal(element.querySelector('.latent-status')?.textContent, 'Calibrating 25%');
    const firstDiv = plotOf(element, 'mu');
    const done = output({ failed: 3, messages: [{ severity: 'warning', message: '3 of 200 simulations failed', range: { startLine: 2, startColumn: 0, endLine: 2, endColumn: 5 } }] });
    await api.renderOutputItem(item('sbc-2', done), element, signal());
    assert.equal(plotOf(element, 'mu'), firstDiv, 'the plot div is kept and updated in place');
    assert.deepEqual(Array.from(firstDiv.data?.[0]?.y ?? []), [20, 22, 18, 19, 21, 20, 20, 19, 21, 20]);
    assert.equal(element.querySelectorAll('.latent-sbc').length, 1);
    const message = element.querySelector('.latent-message[data-severity="warning"]');
    assert.match(message?.textContent ?? '', /line 3.*3 of 200 simulations failed/);
    assert.match(element.querySelector('.latent-meta')?.textContent ?? '', /\(3 failed\)/);
  });

  it('says what is wrong with an output it cannot draw', async () => {
    const element = outputElement();
    await api.renderOutputItem(item('sbc-3', { schema: 'latent.sbc/9' }), element, signal());
    assert.match(element.querySelector('.latent-error')?.textContent ?? '', /Unsupported calibration output schema "latent.sbc\/9"/);
    await api.renderOutputItem(item('sbc-4', { ...output(), nodes: [{ name: 'mu' }] }), element, signal());
    assert.match(element.querySelector('.latent-error')?.textContent ?? '', /lacks its name, counts/);
  });

  it('lists all 40 nodes its verdict names in the table, and pages and filters beyond a page', async () => {
    // A view with a figure-less plot API: 120 real Plotly figures would take minutes on a loaded machine.
    const element = outputElement();
    const view = new SbcView(element, { newPlot: async () => undefined, react: async () => undefined, purge: () => undefined, resize: () => undefined });
    const counts = [20, 22, 18, 19, 21, 20, 20, 19, 21, 20];
    const many = (n: number) => Array.from({ length: n }, (_, i) => node(`b[${i + 1}]`, counts, i % 2 ? 1e-9 : 0.5));
    await view.update(output({ nodes: many(40) }));
    const tableNames = () => [...element.querySelectorAll<HTMLElement>('table.latent-sbc-table tbody tr')].map((r) => r.dataset.node);
    assert.equal(tableNames().length, 40);
    assert.equal(element.querySelectorAll('.latent-sbc-plot').length, 40);
    assert.match(element.querySelector('.latent-note')?.textContent ?? '', /b\[40\]/);
    await view.update(output({ nodes: many(70) }));
    assert.equal(tableNames().length, 50);
    assert.equal(element.querySelector('.latent-pager-count')?.textContent, 'shown 1–50 of 70 nodes');
    const filter = element.querySelector<HTMLInputElement>('.latent-pager input')!;
    filter.value = 'b[6';
    filter.dispatchEvent(new window.Event('input'));
    await view.update(output({ nodes: many(70) }));
    assert.deepEqual(tableNames(), ['b[6]', ...Array.from({ length: 10 }, (_, i) => `b[${60 + i}]`)]);
    assert.deepEqual([...element.querySelectorAll<HTMLElement>('.latent-sbc .latent-node')].map((n) => n.dataset.node), tableNames(), 'the histograms of the same page');
    view.dispose();
  });

  it('frees the plots of a disposed output', async () => {
    const element = outputElement();
    await api.renderOutputItem(item('sbc-5', output()), element, signal());
    api.disposeOutputItem?.('sbc-5');
    assert.equal(element.querySelector('.latent-sbc'), null);
  });
});
