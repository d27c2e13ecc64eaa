import { document, nextFrame, outputElement, setThemeVariables, window } from './dom';
import assert from 'node:assert/strict';
import { afterEach, describe, it } from 'node:test';
import type { Data, Layout, PlotData } from 'plotly.js';
import { blendColor, densityHistogram, ellipse, gapFigure, mixtureFigure, objectiveFigure } from '../../../src/renderer/fitFigures';
import { FitView } from '../../../src/renderer/fitView';
import { parseFitOutput } from '../../../src/renderer/parseFit';
import type { PlotApi } from '../../../src/renderer/plotApi';
import { readTheme } from '../../../src/renderer/theme';
import { annealedFit, emCurve, faithfulFit, gmm2dFit, gmm2dRunning, probitFit } from './fitFixtures';

type Op = 'newPlot' | 'react' | 'purge' | 'resize';

/** Records the calls the view makes. */
class RecordingPlot implements PlotApi {
  readonly calls: { op: Op; div: HTMLElement; data?: Data[]; layout?: Partial<Layout> }[] = [];
  newPlot(div: HTMLElement, data: Data[], layout: Partial<Layout>): Promise<unknown> {
    this.calls.push({ op: 'newPlot', div, data, layout });
    return Promise.resolve(div);
  }
  react(div: HTMLElement, data: Data[], layout: Partial<Layout>): Promise<unknown> {
    this.calls.push({ op: 'react', div, data, layout });
    return Promise.resolve(div);
  }
  purge(div: HTMLElement): void {
    this.calls.push({ op: 'purge', div });
  }
  resize(div: HTMLElement): unknown {
    this.calls.push({ op: 'resize', div });
    return Promise.resolve();
  }
  last(div: HTMLElement): { data: Partial<PlotData>[]; layout: Partial<Layout> } {
    const call = [...this.calls].reverse().find((c) => c.div === div && c.data);
    assert.ok(call, 'the div was drawn');
    return { data: call.data as Partial<PlotData>[], layout: call.layout! };
  }
  ops(op: Op): number {
    return this.calls.filter((c) => c.op === op).length;
  }
}

afterEach(() => {
  document.body.replaceChildren();
  document.documentElement.removeAttribute('style');
});

const theme = () => readTheme(document.body);

describe('fit view', () => {
  it('shows the header, roles, the fit figures and the estimates', async () => {
    const plot = new RecordingPlot();
    const element = outputElement();
    const view = new FitView(element, plot);
    await view.update(gmm2dFit());
    const status = element.querySelector<HTMLElement>('.latent-status')!;
    assert.equal(status.textContent, 'Converged after 23 iterations');
    assert.equal(status.dataset.status, 'complete');
    assert.equal(status.dataset.fitStatus, 'converged');
    assert.equal(element.querySelector('.latent-meta')?.textContent, 'em · maximum likelihood · 1 start, init given · seed 42');
    assert.equal(element.querySelector('.latent-timings')?.textContent, '46 ms · 2 ms per iteration');
    assert.equal(element.querySelector('.latent-fit-roles')?.textContent, 'Gaussian mixture kernel (K = 3, d = 2) · latent: z · parameters: mu, Omega, w');
    const summary = [...element.querySelectorAll('table.latent-fit-summary tr')].map((tr) => [...tr.children].map((c) => c.textContent));
    assert.deepEqual(summary[0], ['log-likelihood', '-3733.8700']);
    assert.deepEqual(summary[1], ['per observation', '-3.733870  (n = 1000)']);
    assert.deepEqual(summary.at(-1), ['converged', 'yes']);
    const params = [...element.querySelectorAll('.latent-table-wrap tbody tr')].map((tr) => [...tr.children].map((c) => c.textContent));
    assert.equal(params.length, 9);
    assert.deepEqual(params[0], ['mu[1,1]', '-1.9733']);
    const { objective, gap, mixture } = view.plotDivs();
    assert.equal(plot.ops('newPlot'), 3);
    assert.equal(mixture.hidden, false);
    assert.deepEqual(plot.last(objective).data[0]!.y, gmm2dFit().objective.values);
    assert.equal(plot.last(gap).layout.yaxis?.type, 'log');
    view.dispose();
    assert.equal(plot.ops('purge'), 3);
    assert.equal(element.querySelector('.latent-fit'), null);
  });

  it('updates live with Plotly.react on the same divs, and drops the mixture figure when an output has none', async () => {
    const plot = new RecordingPlot();
    const element = outputElement();
    const view = new FitView(element, plot);
    await view.update(gmm2dRunning(3));
    assert.match(element.querySelector('.latent-status')!.textContent!, /^Running, 3 iterations so far$/);
    assert.equal(plot.last(view.plotDivs().gap).layout.yaxis?.title && (plot.last(view.plotDivs().gap).layout.yaxis!.title as { text: string }).text, 'gap to latest');
    await view.update(gmm2dRunning(10));
    await view.update(gmm2dFit());
    assert.equal(plot.ops('newPlot'), 3, 'each figure created once');
    assert.equal(plot.ops('react'), 6, 'then reacted to each update');
    assert.equal(plot.last(view.plotDivs().objective).data[0]!.y!.length, 24);
    await view.update(probitFit());
    assert.equal(view.plotDivs().mixture.hidden, true);
    assert.equal(plot.ops('purge'), 1, 'the mixture figure freed');
    view.dispose();
  });

  it('coalesces updates that arrive while one is drawn: only the newest waiting one is drawn', async () => {
    const plot = new RecordingPlot();
    const view = new FitView(outputElement(), plot);
    const drawn = [view.update(gmm2dRunning(2)), view.update(gmm2dRunning(4)), view.update(gmm2dRunning(6))];
    await Promise.all(drawn);
    const lengths = plot.calls.filter((c) => c.div === view.plotDivs().objective).map((c) => (c.data![0] as Partial<PlotData>).y!.length);
    assert.deepEqual(lengths, [3, 7]);
    view.dispose();
  });

  it('redraws in the new colours when VS Code switches the theme', async () => {
    const plot = new RecordingPlot();
    const view = new FitView(outputElement(), plot);
    await view.update(faithfulFit());
    const before = plot.calls.length;
    setThemeVariables({ '--vscode-charts-blue': '#00ff00' });
    await nextFrame();
    await nextFrame();
    assert.ok(plot.calls.length > before, 'redrawn');
    const line = plot.last(view.plotDivs().objective).data[0]!.line as { color: string };
    assert.equal(line.color, '#00ff00');
    view.dispose();
  });

  it('writes messages with their 1-based line', async () => {
    const element = outputElement();
    const view = new FitView(element, new RecordingPlot());
    await view.update(faithfulFit({ messages: [{ severity: 'error', message: 'Singular covariance.', range: { startLine: 4, startColumn: 2, endLine: 4, endColumn: 8 } }] }));
    const item = element.querySelector<HTMLElement>('.latent-message')!;
    assert.equal(item.dataset.severity, 'error');
    assert.equal(item.querySelector('.latent-location')?.textContent, 'line 4, col 2');
    assert.match(item.textContent!, /Singular covariance\.$/);
    view.dispose();
  });
});

describe('fit view tables and layout', () => {
  it('lists every estimate of a 14-parameter fit (Old Faithful, K = 2: w[2] too), with no height cap hiding rows', async () => {
    const element = outputElement();
    const names = ['mu[1,1]', 'mu[1,2]', 'mu[2,1]', 'mu[2,2]', ...[1, 2].flatMap((a) => [1, 2].flatMap((b) => [1, 2].map((k) => `Omega[${a},${b},${k}]`))), 'w[1]', 'w[2]'];
    const view = new FitView(element, new RecordingPlot());
    await view.update(gmm2dFit({ params: names.map((name, i) => ({ name, value: i })) }));
    const shown = [...element.querySelectorAll('.latent-table-wrap tbody tr')].map((tr) => tr.firstElementChild!.textContent);
    assert.deepEqual(shown, names);
    assert.equal(element.querySelector<HTMLElement>('.latent-pager')!.hidden, true, 'no paging for 14 rows');
    const css = element.querySelector('style')!.textContent!;
    const wrapRule = /\.latent-table-wrap \{([^}]*)\}/.exec(css)![1]!;
    assert.doesNotMatch(wrapRule, /max-height/, 'a table is never cut to a scroll area');
    view.dispose();
  });

  it('pages a long parameter table (p[1,1] … p[6,20]) and finds p[1,10] and beyond by the filter', async () => {
    const element = outputElement();
    const names = Array.from({ length: 120 }, (_, i) => `p[${Math.floor(i / 20) + 1},${(i % 20) + 1}]`);
    const view = new FitView(element, new RecordingPlot());
    const output = gmm2dFit({ params: names.map((name, i) => ({ name, value: i })) });
    await view.update(output);
    const shown = () => [...element.querySelectorAll('.latent-table-wrap tbody tr')].map((tr) => tr.firstElementChild!.textContent);
    assert.equal(shown().length, 50);
    assert.equal(element.querySelector('.latent-pager-count')?.textContent, 'shown 1–50 of 120 parameters');
    const filter = element.querySelector<HTMLInputElement>('.latent-pager input')!;
    filter.value = 'p[1,1';
    filter.dispatchEvent(new window.Event('input'));
    await view.update(output);
    assert.deepEqual(shown(), ['p[1,1]', 'p[1,10]', 'p[1,11]', 'p[1,12]', 'p[1,13]', 'p[1,14]', 'p[1,15]', 'p[1,16]', 'p[1,17]', 'p[1,18]', 'p[1,19]']);
    view.dispose();
  });

  it('gives the mixture figure the whole width of the output', () => {
    const element = outputElement();
    const view = new FitView(element, new RecordingPlot());
    const css = element.querySelector('style')!.textContent!;
    const rule = /\.latent-fit-mixture \{([^}]*)\}/.exec(css)![1]!;
    assert.doesNotMatch(rule, /max-width/);
    view.dispose();
  });
});

describe('fit figures', () => {
  it('ticks whole iterations only on short fits', () => {
    const short = gmm2dFit({ objective: { kind: 'loglik', values: [-12, -10.5, -10.2, -10.1] } });
    for (const figure of [objectiveFigure(short, theme()), gapFigure(short, theme())]) {
      assert.equal(figure.layout.xaxis?.dtick, 1);
      assert.equal(figure.layout.xaxis?.tick0, 0);
    }
    assert.equal(objectiveFigure(gmm2dFit(), theme()).layout.xaxis?.dtick, undefined, '23 iterations: automatic (integer) ticks');
  });

  it('draws stochastic VI\'s ELBO per row at its minibatch steps, with no tol line (its passes end it)', () => {
    const output = gmm2dFit({ objective: { kind: 'elbo', values: [-7.5, -7.46, -7.45], steps: [20, 40, 60] } });
    const curve = objectiveFigure(output, theme());
    assert.deepEqual((curve.data[0] as Partial<PlotData>).x, [20, 40, 60]);
    assert.match(String((curve.layout.xaxis?.title as { text: string }).text), /minibatch step/);
    assert.match(String((curve.layout.yaxis?.title as { text: string }).text), /per row/);
    const gap = gapFigure({ ...output, status: 'max-iterations' }, theme());
    assert.deepEqual((gap.data[0] as Partial<PlotData>).x, [20, 40]);
    assert.equal(gap.layout.shapes, undefined, 'no tolerance line');
  });

  it('writes "tol" at the left end of its line, away from the end of the curve', () => {
    const figure = gapFigure(gmm2dFit(), theme());
    const label = figure.layout.annotations!.find((a) => a.text === 'tol')!;
    assert.equal(label.x, 0);
    assert.equal(label.xanchor, 'left');
  });

  it('says which iterations it cannot draw on the log axis (gap ≤ 0) instead of dropping them silently', () => {
    const figure = gapFigure(gmm2dFit({ objective: { kind: 'loglik', values: [-10, -5, -4.5, -4, -4.2, -4.1] } }), theme());
    assert.deepEqual((figure.data[0] as Partial<PlotData>).x, [0, 1, 2, 4]);
    const notes = figure.layout.annotations!.map((a) => String(a.text));
    assert.ok(notes.includes('not drawn, at or above the final value: iteration 3'), notes.join(' | '));
    assert.equal(gapFigure(gmm2dFit(), theme()).layout.annotations!.length, 1, 'a monotone fit has only the tol label');
  });

  it('draws the gap to the final value, positive and shrinking, on a log axis', () => {
    const output = gmm2dFit();
    const values = output.objective.values;
    const figure = gapFigure(output, theme());
    const trace = figure.data[0] as Partial<PlotData>;
    const y = trace.y as number[];
    assert.deepEqual(trace.x, values.slice(0, -1).map((_, i) => i));
    assert.deepEqual(y, values.slice(0, -1).map((v) => values.at(-1)! - v));
    for (let i = 1; i < y.length; i++) assert.ok(y[i]! < y[i - 1]! && y[i]! > 0);
    // Linear convergence at rate 0.55 in the fixture: early on, the log gap falls by about log(0.55) per iteration.
    assert.ok(Math.abs(Math.log(y[1]! / y[0]!) - Math.log(0.55)) < 1e-3);
    // The tol reference line: the distance to the limit the stopping rule accepts.
    assert.equal(figure.layout.shapes?.[0]?.y0, 1e-3);
  });

  it('draws the gap against the extrapolated limit when the fit gives one, the last iteration included', () => {
    const values = [-10, -9, -8.5, -8.25];
    const output = gmm2dFit({ objective: { kind: 'loglik', values }, convergence: { stoppedBy: 'tolerance', distance: 0.25, limit: -8 } });
    const figure = gapFigure(output, theme());
    assert.deepEqual((figure.data[0] as Partial<PlotData>).y, [2, 1, 0.5, 0.25]);
    assert.match(String((figure.layout.yaxis as { title?: { text?: string } }).title?.text), /limit \(extrapolated\)/);
  });

  it('leaves out iterations at or above the final value, and says so when nothing is left', () => {
    const flat = gmm2dFit({ objective: { kind: 'loglik', values: [-10, -5, -5] } });
    assert.deepEqual((gapFigure(flat, theme()).data[0] as Partial<PlotData>).y, [5]);
    const single = gapFigure(gmm2dFit({ objective: { kind: 'loglik', values: [-10] } }), theme());
    assert.match(String(single.layout.annotations?.[0]?.text), /No gap/);
  });

  it('overlays the starts a finished fit did not keep behind the kept curve, thinned with their step', () => {
    const curve = (from: number, to: number, n: number) => ({ step: 2, values: Array.from({ length: n }, (_, i) => from + ((to - from) * i) / (n - 1)) });
    const start = {
      chosen: 1,
      starts: [
        { method: 'k-means++', objective: -4100, status: 'converged', iterations: 9, curve: curve(-4500, -4100, 5) },
        { method: 'k-means++', objective: -3733.87, status: 'converged', iterations: 22, curve: curve(-4020, -3733.87, 12) },
        { method: 'prior draw', objective: -3900, status: 'converged', iterations: 7, curve: curve(-4300, -3900, 4) },
      ],
    };
    const figure = objectiveFigure(gmm2dFit({ start }), theme());
    assert.equal(figure.data.length, 3, 'the kept curve and the two others');
    const others = figure.data.slice(1) as Array<Partial<PlotData>>;
    assert.deepEqual(others.map((d) => d.name), ['start 1', 'start 3']);
    assert.deepEqual(others[0]!.x, [0, 2, 4, 6, 8]);
    assert.equal(others[1]!.y!.at(-1), -3900);
    assert.match(String((figure.data[0] as Partial<PlotData>).hovertemplate), /kept start 2/);
    assert.equal(objectiveFigure(gmm2dFit({ start, status: 'running' }), theme()).data.length, 1, 'not while running');
    assert.equal(objectiveFigure(gmm2dFit({ start: { chosen: 0, starts: [start.starts[0]!] } }), theme()).data.length, 1, 'one start: nothing to overlay');
  });

  it('marks each new annealing β on the objective curve, with the points of β < 1 in the second colour', () => {
    const output = annealedFit();
    const t = theme();
    const figure = objectiveFigure(output, t);
    const beta = output.objective.beta!;
    const changes = beta.filter((b, i) => i === 0 || b !== beta[i - 1]).length;
    assert.equal(figure.layout.shapes?.length, changes);
    assert.deepEqual(figure.layout.annotations?.map((a) => a.text), ['β=0.1', '0.15', '0.225', '0.338', '0.506', '0.759', '1']);
    // Steps shorter than a tenth of the curve keep their line but not their label; β = 1 keeps its label.
    const short = [0.1, 0.15, 0.225, 0.3375, 0.50625, 0.759375, ...new Array<number>(40).fill(1)];
    const crowded = objectiveFigure(gmm2dFit({ objective: { kind: 'loglik', values: emCurve(-4020, -3733.87, short.length - 1, 0.8), beta: short } }), t);
    assert.equal(crowded.layout.shapes?.length, 7);
    assert.deepEqual(crowded.layout.annotations?.map((a) => a.text), ['β=0.1', '1']);
    const colors = (figure.data[0] as Partial<PlotData>).marker!.color as string[];
    assert.equal(colors[0], t.chainColors[1]);
    assert.equal(colors.at(-1), t.chainColors[0]);
    assert.equal(objectiveFigure(gmm2dFit(), t).layout.shapes, undefined, 'plain EM has no β marks');
  });

  it('2-D mixture: points coloured by their responsibilities, 1σ and 2σ ellipses and the mean per component', () => {
    const output = gmm2dFit();
    const t = theme();
    const figure = mixtureFigure(output.mixture!, t);
    const points = figure.data[0] as Partial<PlotData>;
    const colors = points.marker!.color as string[];
    assert.equal(colors.length, output.mixture!.points.length);
    // A point sure of its component takes that component's colour.
    const sure = output.mixture!.responsibilities.findIndex((r) => r[2]! > 0.999999);
    assert.ok(sure >= 0);
    assert.equal(colors[sure], blendColor(t, [0, 0, 1]));
    assert.equal(figure.data.length, 1 + 3 * 3, 'per component: two ellipses and the mean');
    const means = figure.data.filter((d) => (d as Partial<PlotData>).mode === 'markers' && (d as Partial<PlotData>).name?.startsWith('component'));
    assert.deepEqual(means.map((m) => (m as Partial<PlotData>).x), output.mixture!.components.map((c) => [c.mean[0]]));
  });

  it('an emptied VI component is listed in the legend but drawn hidden (its prior\'s spread would dwarf the data), in 2-D and in 1-D', () => {
    const t = theme();
    const two = gmm2dFit().mixture!;
    two.components[1]!.emptied = true;
    // Through the renderer's parser, as a saved output reaches it.
    const parsed = parseFitOutput(JSON.parse(JSON.stringify({ ...gmm2dFit(), mixture: two })));
    assert.ok(parsed.ok);
    const figure = mixtureFigure(parsed.output.mixture!, t);
    const ofTwo = figure.data.filter((d) => (d as Partial<PlotData>).legendgroup === 'c1') as Partial<PlotData>[];
    assert.equal(ofTwo.length, 3);
    for (const trace of ofTwo) assert.equal(trace.visible, 'legendonly');
    assert.match(ofTwo.find((d) => d.mode === 'markers')!.name!, /^component 2 \(w = [\d.]+, emptied\)$/);
    assert.ok(figure.data.filter((d) => (d as Partial<PlotData>).legendgroup === 'c0').every((d) => (d as Partial<PlotData>).visible === undefined));
    const one = faithfulFit().mixture!;
    const wide = { ...one, components: [...one.components, { weight: 1e-4, mean: [3], covariance: [[1e6]], emptied: true }] };
    const curves = mixtureFigure(wide, t).data.filter((d) => (d as Partial<PlotData>).mode === 'lines') as Partial<PlotData>[];
    const grid = curves[0]!.x as number[];
    // The axis spans the data and the kept components, not the emptied one's ±3000.
    assert.ok(grid[0]! > -100 && grid.at(-1)! < 100, `${grid[0]} to ${grid.at(-1)}`);
    assert.equal(curves[2]!.visible, 'legendonly');
  });

  it('ellipses lie at Mahalanobis distance 1 and 2 from the mean', () => {
    const covariance = [[1.2234, -0.2011], [-0.2011, 0.4567]];
    const mean = [0.3, -3];
    const [[a, b], [, d]] = covariance as [[number, number], [number, number]];
    const det = a * d - b * b;
    for (const radius of [1, 2]) {
      const ring = ellipse(mean, covariance, radius);
      ring.x.forEach((x, i) => {
        const u = x - mean[0]!;
        const v = ring.y[i]! - mean[1]!;
        const distance = Math.sqrt((d * u * u - 2 * b * u * v + a * v * v) / det);
        assert.ok(Math.abs(distance - radius) < 1e-9, `${distance} vs ${radius}`);
      });
    }
  });

  it('blends colours by responsibility', () => {
    const t = { ...theme(), chainColors: ['#ff0000', '#0000ff'] };
    assert.equal(blendColor(t, [0.5, 0.5]), 'rgb(128, 0, 128)');
    assert.equal(blendColor(t, [1, 0]), 'rgb(255, 0, 0)');
  });

  it('1-D mixture: a density histogram of the data (area 1), each component\'s weighted density, their sum, and a rug by component', () => {
    const output = faithfulFit();
    const figure = mixtureFigure(output.mixture!, theme());
    const bars = figure.data[0] as Partial<PlotData>;
    assert.equal(bars.type, 'bar');
    const area = (bars.y as number[]).reduce((s, y, i) => s + y * (bars.width as number[])[i]!, 0);
    assert.ok(Math.abs(area - 1) < 1e-12);
    const curves = figure.data.filter((d) => (d as Partial<PlotData>).mode === 'lines') as Partial<PlotData>[];
    assert.deepEqual(curves.map((c) => c.name), ['component 1 (w = 0.348)', 'component 2 (w = 0.652)', 'mixture']);
    // Each component's curve integrates to its weight (the grid spans ±3 sd, 99.7 %).
    output.mixture!.components.forEach((c, k) => {
      const x = curves[k]!.x as number[];
      const y = curves[k]!.y as number[];
      let integral = 0;
      for (let i = 1; i < x.length; i++) integral += ((y[i]! + y[i - 1]!) / 2) * (x[i]! - x[i - 1]!);
      assert.ok(Math.abs(integral - c.weight) < 0.01 * c.weight, `component ${k + 1}: ${integral}`);
    });
    const rugs = figure.data.filter((d) => (d as Partial<PlotData>).name?.startsWith('points of')) as Partial<PlotData>[];
    assert.equal(rugs.reduce((s, r) => s + (r.x as number[]).length, 0), output.mixture!.points.length);
    // The short eruptions (< 3 min) belong to the first component.
    assert.ok((rugs[0]!.x as number[]).every((x) => x < 3));
  });

  it('bins a histogram with √n bins, 10 to 60', () => {
    assert.equal(densityHistogram(Array.from({ length: 40 }, (_, i) => i)).x.length, 10);
    assert.equal(densityHistogram(Array.from({ length: 900 }, (_, i) => i)).x.length, 30);
    assert.equal(densityHistogram([2, 2, 2]).y.reduce((s, y) => s + y, 0), 1, 'one value: all in one bin of width 1');
  });
});

void window;
