// The DOM must be installed before the renderer (and the Plotly bundle in it) loads.
import { outputElement } from './dom';
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { activatedRenderer } from './activated';
import { makeNode, makeOutput, outputItem } from './fixtures';

/** What Plotly keeps on a div it has drawn into. */
interface PlotlyDiv extends HTMLElement {
  data?: { x?: ArrayLike<number>; y?: ArrayLike<number>; type?: string }[];
  _fullLayout?: unknown;
}

const api = activatedRenderer();

const signal = () => new AbortController().signal;
const plotDivs = (element: HTMLElement, node: string) => ({
  trace: element.querySelector<PlotlyDiv>(`.latent-node[data-node="${node}"] .latent-trace`)!,
  hist: element.querySelector<PlotlyDiv>(`.latent-node[data-node="${node}"] .latent-hist`)!,
});

describe('notebook renderer (real Plotly)', () => {
  it('renders a run: status, summary table and, per node, a trace plot and a histogram', async () => {
    const element = outputElement();
    const output = makeOutput({ status: 'running', progress: { done: 2400, total: 6000 } });
    await api().renderOutputItem(outputItem('out-1', output), element, signal());

    assert.equal(element.querySelector('.latent-status')?.textContent, 'Running 40%');
    assert.equal(element.querySelectorAll('table.latent-summary tbody tr').length, 2);
    for (const name of ['mu', 'tau']) {
      const { trace, hist } = plotDivs(element, name);
      assert.ok(trace.querySelector('svg.main-svg'), `${name}: trace plot drawn`);
      assert.ok(hist.querySelector('svg.main-svg'), `${name}: histogram drawn`);
      assert.equal(trace.data?.length, 4, 'one line per chain');
      assert.ok(trace.data?.every((t) => t.type === 'scatter'));
      assert.equal(hist.data?.length, 1);
      assert.equal(hist.data?.[0]?.type, 'bar');
      assert.equal(trace.querySelectorAll('.scatterlayer .trace').length, 4);
      assert.equal(hist.querySelectorAll('.barlayer .point').length, 10);
    }
    // no logo link and no cloud-upload button in the mode bar
    assert.equal(element.querySelector('.modebar-btn--logo'), null);
    assert.equal(element.querySelector('[data-title="Share chart..."]'), null);
  });

  it('updates in place when the same output id is rendered again (streaming)', async () => {
    const element = outputElement();
    const partial = makeOutput({
      status: 'running',
      progress: { done: 100, total: 6000 },
      nodes: [makeNode('mu', { points: 10 }), makeNode('tau', { points: 10 })],
    });
    await api().renderOutputItem(outputItem('out-1', partial), element, signal());
    const before = plotDivs(element, 'mu');
    const svgBefore = before.trace.querySelector('svg.main-svg');
    assert.equal(before.trace.data?.[0]?.x?.length, 10);

    const complete = makeOutput({ nodes: [makeNode('mu', { points: 50 }), makeNode('tau', { points: 50 })] });
    await api().renderOutputItem(outputItem('out-1', complete), element, signal());

    const after = plotDivs(element, 'mu');
    assert.equal(after.trace, before.trace, 'the same trace div');
    assert.equal(after.hist, before.hist, 'the same histogram div');
    assert.equal(after.trace.querySelector('svg.main-svg'), svgBefore, 'Plotly.react kept the drawn SVG (no redraw from scratch)');
    assert.equal(after.trace.data?.[0]?.x?.length, 50, 'new data drawn');
    assert.equal(element.querySelectorAll('.latent-run').length, 1);
    assert.equal(element.querySelectorAll('.js-plotly-plot').length, 10, 'four figures a node, the forest plot and the pair plot');
    assert.equal(element.querySelector('.latent-status')?.textContent, 'Complete');
  });

  it('disposeOutputItem(id) purges that output and leaves the others alone', async () => {
    const first = outputElement();
    const second = outputElement();
    await api().renderOutputItem(outputItem('out-1', makeOutput()), first, signal());
    await api().renderOutputItem(outputItem('out-2', makeOutput()), second, signal());
    const { trace, hist } = plotDivs(first, 'mu');

    api().disposeOutputItem?.('out-1');

    assert.equal(first.childElementCount, 0, 'element emptied');
    for (const div of [trace, hist]) {
      assert.equal(div.data, undefined, 'Plotly data removed');
      assert.equal(div._fullLayout, undefined);
      assert.equal(div.childElementCount, 0);
    }
    assert.equal(plotDivs(second, 'mu').trace.data?.length, 4, 'other output still drawn');

    // rendering out-1 again starts afresh
    await api().renderOutputItem(outputItem('out-1', makeOutput()), first, signal());
    assert.equal(plotDivs(first, 'tau').trace.data?.length, 4);
  });

  it('disposeOutputItem() with no id frees every output', async () => {
    const elements = [outputElement(), outputElement(), outputElement()];
    for (const [i, element] of elements.entries()) {
      await api().renderOutputItem(outputItem(`out-${i}`, makeOutput()), element, signal());
    }
    const divs = elements.flatMap((e) => [...e.querySelectorAll<PlotlyDiv>('.latent-trace, .latent-hist')]);
    assert.equal(divs.length, 12);

    api().disposeOutputItem?.();

    assert.ok(elements.every((e) => e.childElementCount === 0));
    assert.ok(divs.every((d) => d.data === undefined && d.childElementCount === 0));
  });

  it('starts a new view when VS Code hands a fresh element for the same id', async () => {
    const oldElement = outputElement();
    await api().renderOutputItem(outputItem('out-1', makeOutput()), oldElement, signal());
    const oldTrace = plotDivs(oldElement, 'mu').trace;

    const newElement = outputElement();
    await api().renderOutputItem(outputItem('out-1', makeOutput()), newElement, signal());

    assert.equal(oldTrace.data, undefined, 'old view purged');
    assert.equal(plotDivs(newElement, 'mu').trace.data?.length, 4);
  });

  it('shows a readable error for output it cannot draw, then recovers on a good update', async () => {
    const element = outputElement();
    await api().renderOutputItem(outputItem('out-1', '{not json'), element, signal());
    assert.match(element.querySelector('.latent-error')?.textContent ?? '', /not valid JSON/);

    await api().renderOutputItem(outputItem('out-1', { ...makeOutput(), schema: 'latent.run/9' }), element, signal());
    assert.match(element.querySelector('.latent-error')?.textContent ?? '', /latent\.run\/9/);
    assert.equal(element.querySelector('.js-plotly-plot'), null);

    await api().renderOutputItem(outputItem('out-1', makeOutput()), element, signal());
    assert.equal(element.querySelector('.latent-error'), null);
    assert.equal(element.querySelectorAll('.js-plotly-plot').length, 10, 'four figures a node, the forest plot and the pair plot');
  });

  it('a failed render replaces a drawn view and purges it', async () => {
    const element = outputElement();
    await api().renderOutputItem(outputItem('out-1', makeOutput()), element, signal());
    const trace = plotDivs(element, 'mu').trace;
    await api().renderOutputItem(outputItem('out-1', { schema: 'other' }), element, signal());
    assert.equal(trace.data, undefined);
    assert.ok(element.querySelector('.latent-error'));
  });

  it('does nothing when the render was cancelled before it started', async () => {
    const element = outputElement();
    const controller = new AbortController();
    controller.abort();
    await api().renderOutputItem(outputItem('out-1', makeOutput()), element, controller.signal);
    assert.equal(element.childElementCount, 0);
  });
});
