import { document } from './dom';
import assert from 'node:assert/strict';
import { afterEach, describe, it } from 'node:test';
import type { Data, Layout } from 'plotly.js';
import { runThumbnail, thinnedTrace, thumbnailFigures } from '../../../src/renderer/outputThumbnail';
import { FIT_MIME, gmm2dFit } from './fitFixtures';
import { fakeContext, makeNode, makeOutput, MIME } from './fixtures';
import { activate } from '../../../src/renderer/index';
import { RecordingPlot } from './recordingPlot';

/** Leaves each figure on its div as Plotly does, where the thumbnail of a fit reads it. */
class PlotlyLikePlot extends RecordingPlot {
  override newPlot(div: HTMLElement, data: Data[], layout: Partial<Layout>): Promise<unknown> {
    div.classList.add('js-plotly-plot');
    Object.assign(div, { data, layout });
    return super.newPlot(div, data, layout);
  }
}

afterEach(() => document.body.replaceChildren());

describe('output thumbnail', () => {
  it("draws a run's first three nodes with draws, each as its trace beside its posterior", async () => {
    const output = makeOutput({ nodes: [makeNode('a'), makeNode('b', { points: 0 }), makeNode('c'), makeNode('d'), makeNode('e')] });
    const figures = await thumbnailFigures(MIME, output, document, new RecordingPlot());
    assert.equal(figures.length, 6);
    const kinds = figures.map((f) => (f.data[0] as { type: string }).type);
    assert.deepEqual(kinds, ['scatter', 'bar', 'scatter', 'bar', 'scatter', 'bar']);
    assert.deepEqual(
      figures.filter((_, k) => k % 2 === 1).map((f) => (f.data[0] as { name: string }).name),
      ['a', 'c', 'd'],
      'the node without draws is skipped',
    );
    assert.equal(document.body.children.length, 0, 'nothing drawn on the page');
  });

  it('thins long traces to at most 500 points per chain, keeping the first iteration', () => {
    const node = makeNode('mu', { points: 2001, chains: 2 });
    const thinned = thinnedTrace(node.trace);
    assert.equal(thinned.iterations.length, 401);
    assert.equal(thinned.iterations[0], 1);
    assert.equal(thinned.iterations[1], 6);
    assert.deepEqual(thinned.chains.map((c) => c.length), [401, 401]);
    assert.equal(thinned.chains[1]![1], node.trace.chains[1]![5]);
    const short = makeNode('tau', { points: 500 });
    assert.equal(thinnedTrace(short.trace), short.trace, 'short traces as they are');
    assert.equal(runThumbnail(makeOutput({ nodes: [node] }), document)[0]!.data.length, 2, 'one line per chain');
  });

  it("draws a fit once off screen and takes its figures, leaving nothing behind", async () => {
    const plot = new PlotlyLikePlot();
    const figures = await thumbnailFigures(FIT_MIME, gmm2dFit(), document, plot);
    assert.ok(figures.length > 0 && figures.length <= 6, `${figures.length} figures`);
    assert.ok(figures.every((f) => Array.isArray(f.data) && f.data.length > 0));
    assert.equal(document.body.children.length, 0, 'the off-screen view is removed');
    assert.equal(plot.drawn.size, 0, 'and its plots purged');
  });

  it('has no figures for an output it cannot read or a MIME type it does not know', async () => {
    assert.deepEqual(await thumbnailFigures(MIME, { schema: 'nonsense' }, document, new RecordingPlot()), []);
    assert.deepEqual(await thumbnailFigures(FIT_MIME, 42, document, new RecordingPlot()), []);
    assert.deepEqual(await thumbnailFigures('text/plain', makeOutput(), document, new RecordingPlot()), []);
  });
});

describe('the renderer and the host', () => {
  it("answers every image request with the request's id, even when it cannot draw (the host then ends the cell at once)", async () => {
    const posted: unknown[] = [];
    let receive: ((message: unknown) => void) | undefined;
    const context = {
      ...fakeContext(),
      postMessage: (message: unknown) => void posted.push(message),
      onDidReceiveMessage: (listener: (message: unknown) => void) => {
        receive = listener;
        return { dispose: () => undefined };
      },
    };
    const api = await activate(context);
    assert.ok(receive, 'the renderer listens to the host');
    receive({ type: 'outputImage?', id: 7, mime: MIME, output: { schema: 'nonsense' } });
    receive({ type: 'outputImage?', id: 8, mime: 'text/plain', output: {} });
    const deadline = Date.now() + 5000;
    while (posted.filter((m) => (m as { type: string }).type === 'outputImage').length < 2 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 10));
    const answers = posted.filter((m) => (m as { type: string }).type === 'outputImage') as Array<{ id: number; png: string; ms: number }>;
    assert.deepEqual(answers.map((a) => [a.id, a.png]).sort(), [[7, ''], [8, '']]);
    assert.ok(answers.every((a) => Number.isFinite(a.ms)));
    api?.disposeOutputItem?.();
  });
});
