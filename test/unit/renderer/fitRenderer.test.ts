// The DOM must be installed before the renderer (and the Plotly bundle in it) loads.
import { outputElement } from './dom';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { FIT_OUTPUT_MIME } from '../../../src/engine/output/fitOutput';
import { activatedRenderer } from './activated';
import { FIT_MIME, faithfulFit, fitItem, gmm2dFit, gmm2dRunning } from './fitFixtures';
import { makeOutput, outputItem } from './fixtures';

/** What Plotly keeps on a div it has drawn into. */
interface PlotlyDiv extends HTMLElement {
  data?: { x?: ArrayLike<number>; y?: ArrayLike<number>; type?: string }[];
  _fullLayout?: { yaxis?: { type?: string } };
}

const renderer = activatedRenderer();

const signal = () => new AbortController().signal;
const divs = (element: HTMLElement) => ({
  objective: element.querySelector<PlotlyDiv>('.latent-fit-objective')!,
  gap: element.querySelector<PlotlyDiv>('.latent-fit-gap')!,
  mixture: element.querySelector<PlotlyDiv>('.latent-fit-mixture')!,
});

describe('notebook renderer: fit outputs (real Plotly)', () => {
  it('is declared for the fit MIME in package.json, the MIME the engine writes', () => {
    const manifest = JSON.parse(readFileSync(join(__dirname, '../../../package.json'), 'utf8')) as { contributes: { notebookRenderer: { mimeTypes: string[] }[] } };
    assert.ok(manifest.contributes.notebookRenderer.some((r) => r.mimeTypes.includes(FIT_OUTPUT_MIME)));
    assert.equal(FIT_MIME, FIT_OUTPUT_MIME);
  });

  it('draws a 2-D mixture fit: objective, gap on a log axis, and the data with the components', async () => {
    const element = outputElement();
    await renderer().renderOutputItem(fitItem('fit-1', gmm2dFit()), element, signal());
    const { objective, gap, mixture } = divs(element);
    for (const div of [objective, gap, mixture]) assert.ok(div.querySelector('svg.main-svg'), div.className);
    assert.equal(gap._fullLayout?.yaxis?.type, 'log');
    assert.equal(objective.data?.[0]?.y?.length, 24);
    assert.equal(mixture.data?.length, 10);
    assert.equal(mixture.querySelectorAll('.scatterlayer .trace').length, 10);
    assert.equal(element.querySelector('.latent-status')?.textContent, 'Converged after 23 iterations');
  });

  it('draws a 1-D mixture as a histogram with the component densities', async () => {
    const element = outputElement();
    await renderer().renderOutputItem(fitItem('fit-1', faithfulFit()), element, signal());
    const { mixture } = divs(element);
    assert.equal(mixture.data?.[0]?.type, 'bar');
    assert.ok(mixture.querySelectorAll('.barlayer .point').length >= 10);
  });

  it('updates in place while the fit runs (Plotly.react keeps the SVG)', async () => {
    const element = outputElement();
    await renderer().renderOutputItem(fitItem('fit-1', gmm2dRunning(4)), element, signal());
    const before = divs(element).objective;
    const svg = before.querySelector('svg.main-svg');
    assert.equal(before.data?.[0]?.y?.length, 5);
    await renderer().renderOutputItem(fitItem('fit-1', gmm2dFit()), element, signal());
    const after = divs(element).objective;
    assert.equal(after, before);
    assert.equal(after.querySelector('svg.main-svg'), svg);
    assert.equal(after.data?.[0]?.y?.length, 24);
    assert.equal(element.querySelectorAll('.latent-fit').length, 1);
  });

  it('keeps run outputs drawn by the run view beside fit outputs, and frees each by id', async () => {
    const runElement = outputElement();
    const fitElement = outputElement();
    await renderer().renderOutputItem(outputItem('run-1', makeOutput()), runElement, signal());
    await renderer().renderOutputItem(fitItem('fit-1', gmm2dFit()), fitElement, signal());
    assert.equal(runElement.querySelectorAll('.latent-node').length, 2);
    const { objective } = divs(fitElement);
    renderer().disposeOutputItem?.('fit-1');
    assert.equal(objective.data, undefined, 'Plotly data removed');
    assert.equal(fitElement.childElementCount, 0);
    assert.ok(runElement.querySelector('.latent-trace svg.main-svg'), 'the run output stays');
  });

  it('shows a readable error for a fit output it cannot draw, then recovers', async () => {
    const element = outputElement();
    await renderer().renderOutputItem(fitItem('fit-1', { ...gmm2dFit(), schema: 'latent.fit/7' }), element, signal());
    assert.match(element.querySelector('.latent-error')?.textContent ?? '', /latent\.fit\/7/);
    await renderer().renderOutputItem(fitItem('fit-1', '{oops'), element, signal());
    assert.match(element.querySelector('.latent-error')?.textContent ?? '', /not valid JSON/);
    await renderer().renderOutputItem(fitItem('fit-1', gmm2dFit()), element, signal());
    assert.equal(element.querySelector('.latent-error'), null);
    assert.equal(element.querySelectorAll('.js-plotly-plot').length, 3);
  });

  it('tolerates a picture that does not hold together: no mixture figure rather than a broken one', async () => {
    const element = outputElement();
    const broken = gmm2dFit();
    broken.mixture = { ...broken.mixture!, columns: ['a', 'b', 'c'] };
    await renderer().renderOutputItem(fitItem('fit-1', broken), element, signal());
    assert.equal(divs(element).mixture.hidden, true);
    assert.ok(divs(element).objective.querySelector('svg.main-svg'));
  });
});
