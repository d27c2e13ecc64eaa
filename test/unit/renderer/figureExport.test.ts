import { document, outputElement, setThemeVariables, window } from './dom';
import assert from 'node:assert/strict';
import { afterEach, describe, it } from 'node:test';
import { textFingerprint } from '../../../src/engine/output/fingerprint';
import { configureFigureExport, copyFigure, exportedFigure, saveFigure, sendOutputImage, setExportTheme, type ImageMaker, type RendererMessage } from '../../../src/renderer/figureExport';
import { plotConfig } from '../../../src/renderer/figures';

interface Call {
  root: unknown;
  options: { format: string; width: number; height: number; scale?: number };
}

function recordingMaker(): ImageMaker & { calls: Call[]; downloads: unknown[] } {
  const calls: Call[] = [];
  const downloads: unknown[] = [];
  return {
    calls,
    downloads,
    toImage: (root, options) => {
      calls.push({ root, options });
      return Promise.resolve(options.format === 'svg' ? 'data:image/svg+xml,%3Csvg%3E%3C%2Fsvg%3E' : 'data:image/png;base64,iVBORw0KGgo=');
    },
    downloadImage: (_div, options) => {
      downloads.push(options);
      return Promise.resolve('');
    },
  };
}

/** A drawn figure as Plotly leaves it on its div. */
function plotDiv(parent: HTMLElement): HTMLElement {
  const div = document.createElement('div') as unknown as HTMLElement & { data: unknown[]; layout: object };
  div.className = 'js-plotly-plot';
  div.data = [{ type: 'scatter', y: [1, 2, 3] }];
  div.layout = { paper_bgcolor: 'rgba(0,0,0,0)' };
  parent.append(div);
  return div;
}

afterEach(() => {
  document.body.replaceChildren();
  document.documentElement.removeAttribute('style');
});

describe('figure export', () => {
  it("replaces Plotly's download button (blocked in the webview) by Save as PNG and Save as SVG", () => {
    const config = plotConfig('latent-mu-trace');
    assert.ok(config.modeBarButtonsToRemove?.includes('toImage'));
    assert.deepEqual(config.modeBarButtonsToAdd?.map((b) => (typeof b === 'string' ? b : b.title)), ['Save as PNG', 'Save as SVG', 'Copy to clipboard']);
  });

  it('sends the host the figure as an image on the editor background, with its file name', async () => {
    setThemeVariables({ '--vscode-editor-background': '#1e1e1e' });
    const maker = recordingMaker();
    const sent: RendererMessage[] = [];
    configureFigureExport(maker, (m) => sent.push(m));
    const div = plotDiv(outputElement());
    await saveFigure(div, 'svg', 'latent-mu-trace');
    assert.deepEqual(sent, [{ type: 'saveFigure', format: 'svg', fileName: 'latent-mu-trace', dataUrl: 'data:image/svg+xml,%3Csvg%3E%3C%2Fsvg%3E' }]);
    const figure = maker.calls[0]!.root as { layout: { paper_bgcolor: string } };
    assert.equal(figure.layout.paper_bgcolor, '#1e1e1e', 'opaque, not the transparent on-screen background');
  });

  it('exports in the editor colours by default, and dark on white with the light export theme', () => {
    const div = plotDiv(outputElement()) as HTMLElement & { layout: object };
    div.layout = { paper_bgcolor: 'rgba(0,0,0,0)', font: { color: '#cccccc', size: 12 }, xaxis: { color: '#999', gridcolor: '#333', title: { text: 'iteration', font: { size: 12 } } }, yaxis2: { color: '#999' } };
    const editor = exportedFigure(div, '#1e1e1e').layout as Record<string, unknown>;
    assert.equal(editor.paper_bgcolor, '#1e1e1e');
    assert.deepEqual(editor.xaxis, (div.layout as Record<string, unknown>).xaxis);
    setExportTheme('light');
    try {
      const light = exportedFigure(div, '#1e1e1e').layout as Record<string, { color?: string; gridcolor?: string; title?: { text: string; font: { color: string; size: number } } } | string>;
      assert.equal(light.paper_bgcolor, '#ffffff');
      assert.equal(light.plot_bgcolor, '#ffffff');
      assert.deepEqual(light.font, { color: '#222222', size: 12 });
      const x = light.xaxis as { color: string; gridcolor: string; title: { text: string; font: { color: string; size: number } } };
      assert.equal(x.color, '#555555');
      assert.equal(x.gridcolor, '#e5e5e5');
      assert.deepEqual(x.title, { text: 'iteration', font: { size: 12, color: '#222222' } });
      assert.equal((light.yaxis2 as { color: string }).color, '#555555', 'every axis of a multi-panel figure');
    } finally {
      setExportTheme('editor');
    }
  });

  it('copies as SVG text through the host where the webview has no image clipboard', async () => {
    const maker = recordingMaker();
    const sent: RendererMessage[] = [];
    configureFigureExport(maker, (m) => sent.push(m));
    await copyFigure(plotDiv(outputElement()));
    assert.equal(sent.length, 1);
    const message = sent[0]!;
    assert.equal(message.type, 'copyFigure');
    if (message.type === 'copyFigure') {
      assert.equal(message.svg, '<svg></svg>');
      assert.match(message.reason, /no image clipboard/);
    }
  });

  it("downloads through Plotly where there is no host to save through", async () => {
    const maker = recordingMaker();
    configureFigureExport(maker, undefined);
    await saveFigure(plotDiv(outputElement()), 'png', 'x');
    assert.equal(maker.downloads.length, 1);
    assert.equal(await sendOutputImage(outputElement(), { mime: 'm', fingerprint: 'f' }), false, 'no output image without messaging');
  });

  it('stitches the first six figures of an output into one PNG, two a row, and names the output by its fingerprint', async () => {
    const maker = recordingMaker();
    const sent: RendererMessage[] = [];
    configureFigureExport(maker, (m) => sent.push(m));
    const element = outputElement();
    for (let k = 0; k < 8; k++) plotDiv(element);
    const drawn: Array<[number, number]> = [];
    const proto = window.HTMLCanvasElement.prototype as unknown as Record<string, unknown>;
    const originals = { getContext: proto.getContext, toDataURL: proto.toDataURL };
    const imageSrc = Object.getOwnPropertyDescriptor(window.HTMLImageElement.prototype, 'src')!;
    proto.getContext = () => ({ fillRect: () => undefined, drawImage: (_: unknown, x: number, y: number) => drawn.push([x, y]), fillStyle: '' });
    proto.toDataURL = () => 'data:image/png;base64,QUJD';
    // JSDOM loads no images: fire onload as a browser would.
    Object.defineProperty(window.HTMLImageElement.prototype, 'src', { configurable: true, set(this: HTMLImageElement) { setTimeout(() => this.onload?.(new window.Event('load'))); } });
    try {
      const fingerprint = textFingerprint('{"status":"complete"}');
      assert.equal(await sendOutputImage(element, { mime: 'application/vnd.latent.run+json', fingerprint }), true);
      assert.equal(maker.calls.length, 6);
      assert.deepEqual(drawn, [[0, 0], [420, 0], [0, 200], [420, 200], [0, 400], [420, 400]]);
      assert.deepEqual(sent, [{ type: 'outputImage', mime: 'application/vnd.latent.run+json', fingerprint, png: 'QUJD' }]);
    } finally {
      Object.assign(proto, originals);
      Object.defineProperty(window.HTMLImageElement.prototype, 'src', imageSrc);
    }
  });

  it('fingerprints text by length and content', () => {
    assert.equal(textFingerprint('abc'), textFingerprint('abc'));
    assert.notEqual(textFingerprint('abc'), textFingerprint('abd'));
    assert.match(textFingerprint(''), /^0-/);
  });
});
