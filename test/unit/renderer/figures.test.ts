import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { PlotData, Shape } from 'plotly.js';
import { histogramBars, histogramFigure, PLOT_HEIGHT, plotConfig, traceFigure } from '../../../src/renderer/figures';
import type { Theme } from '../../../src/renderer/theme';
import { forestFigure } from '../../../src/renderer/chainFigures';
import { plotlyText } from '../../../src/renderer/format';
import { makeNode } from './fixtures';

const theme: Theme = {
  kind: 'dark',
  foreground: '#cccccc',
  muted: '#9d9d9d',
  border: '#454545',
  grid: 'rgba(204, 204, 204, 0.1)',
  hoverBackground: '#252526',
  hoverForeground: '#cccccc',
  hoverBorder: '#454545',
  fontFamily: 'Menlo',
  fontSize: 11,
  chainColors: ['#3794ff', '#d18616', '#89d185', '#b180d7', '#f14c4c', '#cca700'],
  histogramFill: 'rgba(55, 148, 255, 0.45)',
  histogramLine: 'rgba(55, 148, 255, 0.9)',
  quantileLine: 'rgba(204, 204, 204, 0.75)',
};

const traces = (data: unknown[]) => data as Partial<PlotData>[];

describe('renderer figures', () => {
  it('ticks whole iterations on a short trace, automatic ticks on a long one', () => {
    assert.equal(traceFigure(makeNode('mu', { chains: 2, points: 4 }), theme).layout.xaxis?.dtick, 1);
    assert.equal(traceFigure(makeNode('mu', { chains: 2, points: 30 }), theme).layout.xaxis?.dtick, undefined);
  });

  it('draws one line per chain against the iterations, each chain in its own colour', () => {
    const node = makeNode('mu', { chains: 4, points: 30 });
    const { data } = traceFigure(node, theme);
    const lines = traces(data);
    assert.equal(lines.length, 4);
    for (const [c, line] of lines.entries()) {
      assert.equal(line.type, 'scatter');
      assert.equal(line.mode, 'lines');
      assert.equal(line.x, node.trace.iterations);
      assert.equal(line.y, node.trace.chains[c]);
      assert.equal(line.name, `chain ${c + 1}`);
    }
    const colours = lines.map((l) => l.line?.color);
    assert.deepEqual(colours, theme.chainColors.slice(0, 4));
  });

  it('cycles colours past the palette, dotting the second round', () => {
    const { data } = traceFigure(makeNode('mu', { chains: 8 }), theme);
    const lines = traces(data);
    assert.equal(lines[6]?.line?.color, theme.chainColors[0]);
    assert.equal(lines[6]?.line?.dash, 'dot');
    assert.equal(lines[0]?.line?.dash, 'solid');
  });

  it('themes the layout: transparent backgrounds, theme font and colours, compact height', () => {
    const { layout } = traceFigure(makeNode('mu'), theme);
    assert.equal(layout.paper_bgcolor, 'rgba(0,0,0,0)');
    assert.equal(layout.plot_bgcolor, 'rgba(0,0,0,0)');
    assert.equal(layout.height, PLOT_HEIGHT);
    assert.deepEqual(layout.font, { family: 'Menlo', size: 11, color: '#cccccc' });
    assert.equal(layout.xaxis?.gridcolor, theme.grid);
    assert.equal(layout.yaxis?.linecolor, theme.border);
    assert.equal(layout.showlegend, false);
    assert.equal(layout.uirevision, 'mu:trace');
  });

  it('spans the planned iterations while running, and autoranges otherwise', () => {
    const node = makeNode('mu', { points: 40 });
    assert.deepEqual(traceFigure(node, theme, { plannedIterations: 1000 }).layout.xaxis?.range, [1, 1000]);
    assert.equal(traceFigure(node, theme, { plannedIterations: 1000 }).layout.xaxis?.autorange, false);
    assert.equal(traceFigure(node, theme).layout.xaxis?.range, undefined);
    // data past the plan (e.g. thinned iteration numbers) still shows
    assert.deepEqual(traceFigure(node, theme, { plannedIterations: 10 }).layout.xaxis?.range, [1, 40]);
  });

  it('turns bin edges and counts into bars centred on their bins with the bin widths', () => {
    const bars = histogramBars({ edges: [0, 1, 3, 3.5], counts: [5, 7, 2] });
    assert.deepEqual(bars.x, [0.5, 2, 3.25]);
    assert.deepEqual(bars.width, [1, 2, 0.5]);
    assert.deepEqual(bars.y, [5, 7, 2]);
    assert.deepEqual(bars.customdata, [[0, 1], [1, 3], [3, 3.5]]);
    assert.deepEqual(histogramBars({ edges: [], counts: [] }).x, []);
    // inconsistent lengths: only whole bins are drawn
    assert.deepEqual(histogramBars({ edges: [0, 1, 2], counts: [1, 2, 3] }).y, [1, 2]);
  });

  it('draws the histogram as one gapless bar trace with quantile markers', () => {
    const node = makeNode('tau', { offset: 2 });
    const { data, layout } = histogramFigure(node, theme);
    const [bar] = traces(data);
    assert.equal(data.length, 1);
    assert.equal(bar?.type, 'bar');
    assert.equal((bar?.x as number[]).length, node.histogram.counts.length);
    assert.deepEqual(bar?.width, node.histogram.edges.slice(1).map((e, i) => e - node.histogram.edges[i]!));
    assert.equal(bar?.marker?.color, theme.histogramFill);
    assert.equal(layout.bargap, 0);
    assert.equal(layout.paper_bgcolor, 'rgba(0,0,0,0)');
    const shapes = layout.shapes as Partial<Shape>[];
    assert.deepEqual(shapes.map((s) => s.x0), [node.summary['q2.5'], node.summary.q50, node.summary['q97.5']]);
  });

  it('configures Plotly without logo or cloud upload, responsive', () => {
    const config = plotConfig('latent-mu-trace');
    assert.equal(config.displaylogo, false);
    assert.equal(config.responsive, true);
    assert.equal(config.showSendToCloud, false);
    assert.equal(config.showEditInChartStudio, false);
    assert.equal(config.modeBarButtonsToAdd, plotConfig('latent-mu-trace').modeBarButtonsToAdd, 'the same save buttons each time (else Plotly.react redraws from scratch)');
  });
});

describe('text from the data in figures', () => {
  const hostile = '<a href="https://example.invalid">x</a><span style="font-size:99px">%{y}</span>';

  it('is escaped where plotly would read markup: the histogram\'s name, the forest\'s labels and hovers, a fit\'s axis title', () => {
    assert.equal(plotlyText(hostile), '&lt;a href="https://example.invalid"&gt;x&lt;/a&gt;&lt;span style="font-size:99px"&gt;%&#123;y}&lt;/span&gt;');
    const node = makeNode(hostile);
    assert.equal(traces(histogramFigure(node, theme).data)[0]!.name, plotlyText(hostile));
    const forest = forestFigure([node], theme, () => false, '#f00');
    const shown = JSON.stringify(forest.data);
    assert.ok(!shown.includes('<a ') && !shown.includes('<span'), shown.slice(0, 300));
    assert.ok(shown.includes('&lt;a href'), 'the name is still there, as text');
  });
});
