import { document } from './dom';
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { PlotData } from 'plotly.js';
import { autocorrelation, autocorrelationFigure, forestFigure, pooledRanks, rankBins, rankFigure } from '../../../src/renderer/chainFigures';
import { readTheme } from '../../../src/renderer/theme';
import { makeNode } from './fixtures';

const theme = () => readTheme(document.body);

describe('chain figures', () => {
  it('ranks every draw among all chains, ties averaged', () => {
    assert.deepEqual(pooledRanks([[3, 1], [2, 3]]), [[3.5, 1], [2, 3.5]]);
  });

  it('rank plot: one step line per chain over rank bins, with the uniform count as a dashed line', () => {
    const node = makeNode('mu', { chains: 3, points: 100 });
    const figure = rankFigure(node, theme());
    assert.equal(figure.data.length, 3);
    const bins = rankBins(100);
    assert.equal(bins, 20);
    for (const line of figure.data as Partial<PlotData>[]) {
      const y = line.y as number[];
      assert.equal(y.length, 2 * bins);
      // Every draw of the chain lands in one bin: the counts (each held twice) sum to the chain's draws.
      assert.equal(y.reduce((a, b) => a + b, 0) / 2, 100);
    }
    assert.equal(figure.layout.shapes?.[0]?.y0, 100 / bins);
  });

  it('chains that disagree put their ranks at opposite ends', () => {
    const node = makeNode('mu', { chains: 2, points: 50 });
    node.trace.chains = [node.trace.chains[0]!.map((_, i) => i), node.trace.chains[0]!.map((_, i) => 100 + i)];
    const [low, high] = rankFigure(node, theme()).data as Partial<PlotData>[];
    const y = (d: Partial<PlotData>) => d.y as number[];
    assert.equal(y(low!).slice(0, y(low!).length / 2).reduce((a, b) => a + b, 0) / 2, 50, 'chain 1 holds the lower half of the ranks (each count held twice)');
    assert.equal(y(high!).slice(y(high!).length / 2).reduce((a, b) => a + b, 0) / 2, 50);
  });

  it('autocorrelation: 1 at lag 0, −1 at lag 1 for an alternating chain, lags in iterations', () => {
    const alternating = Array.from({ length: 40 }, (_, i) => (i % 2 ? 1 : -1));
    const rho = autocorrelation(alternating, 3);
    assert.equal(rho[0], 1);
    assert.ok(Math.abs(rho[1]! + 39 / 40) < 1e-12, 'the biased estimator: (n − 1)/n');
    const node = makeNode('mu', { chains: 2, points: 30 });
    node.trace.iterations = node.trace.iterations.map((i) => i * 5);
    const figure = autocorrelationFigure(node, theme());
    assert.deepEqual(((figure.data[0] as Partial<PlotData>).x as number[]).slice(0, 3), [0, 5, 10]);
  });

  it('forest plot: a 95 % and a 50 % interval and the median per node, flagged nodes in the warning colour', () => {
    const nodes = [makeNode('a'), makeNode('b', { offset: 3 })];
    const figure = forestFigure(nodes, theme(), (n) => n.name === 'b', '#ff0000');
    assert.equal(figure.data.length, 2 * 2 + 1);
    const medians = figure.data.at(-1) as Partial<PlotData>;
    assert.deepEqual(medians.y, ['a', 'b']);
    assert.deepEqual(medians.x, [nodes[0]!.summary.q50, nodes[1]!.summary.q50]);
    assert.equal((medians.marker!.color as string[])[1], '#ff0000');
    assert.match(String((medians.hovertemplate as string[])[0]), /R-hat .* ESS bulk/);
  });
});
