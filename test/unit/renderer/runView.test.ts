import { document, nextFrame, outputElement, setThemeVariables, window } from './dom';
import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, it } from 'node:test';
import type { Data, Layout, PlotData } from 'plotly.js';
import type { PlotApi } from '../../../src/renderer/plotApi';
import { MAX_PLOTTED_NODES, RunView } from '../../../src/renderer/runView';
import { makeNode, makeOutput } from './fixtures';
import { parseRunOutput } from '../../../src/renderer/parse';

type Op = 'newPlot' | 'react' | 'purge' | 'resize';

interface Call {
  op: Op;
  div: HTMLElement;
  data?: Data[];
  layout?: Partial<Layout>;
}

/** Records the calls the view makes; marks divs as drawn like Plotly would. */
class RecordingPlot implements PlotApi {
  readonly calls: Call[] = [];

  newPlot(div: HTMLElement, data: Data[], layout: Partial<Layout>): Promise<unknown> {
    this.calls.push({ op: 'newPlot', div, data, layout });
    div.dataset.plotted = 'yes';
    return Promise.resolve(div);
  }

  react(div: HTMLElement, data: Data[], layout: Partial<Layout>): Promise<unknown> {
    this.calls.push({ op: 'react', div, data, layout });
    return Promise.resolve(div);
  }

  purge(div: HTMLElement): void {
    this.calls.push({ op: 'purge', div });
    delete div.dataset.plotted;
  }

  resize(div: HTMLElement): unknown {
    this.calls.push({ op: 'resize', div });
    return Promise.resolve();
  }

  ops(op: Op): Call[] {
    return this.calls.filter((c) => c.op === op);
  }

  clear(): void {
    this.calls.length = 0;
  }
}

/** Stands in for the browser's ResizeObserver (JSDOM has none); tests fire it by hand. */
class FakeResizeObserver {
  static instances: FakeResizeObserver[] = [];
  readonly observed = new Set<Element>();
  disconnected = false;

  constructor(private readonly callback: (entries: ResizeObserverEntry[], observer: unknown) => void) {
    FakeResizeObserver.instances.push(this);
  }

  observe(target: Element): void {
    this.observed.add(target);
  }

  unobserve(target: Element): void {
    this.observed.delete(target);
  }

  disconnect(): void {
    this.disconnected = true;
    this.observed.clear();
  }

  fire(target: Element, width: number): void {
    this.callback([{ target, contentRect: { width, height: 200 } } as unknown as ResizeObserverEntry], this);
  }
}

const windowGlobals = window as unknown as Record<string, unknown>;

let plot: RecordingPlot;
let element: HTMLElement;
let view: RunView;

beforeEach(() => {
  windowGlobals.ResizeObserver = FakeResizeObserver;
  FakeResizeObserver.instances = [];
  plot = new RecordingPlot();
  element = outputElement();
  view = new RunView(element, plot);
});

afterEach(() => {
  view.dispose();
  delete windowGlobals.ResizeObserver;
  document.body.replaceChildren();
  document.documentElement.removeAttribute('style');
});

const text = (selector: string) => element.querySelector(selector)?.textContent ?? '';
const rows = () => [...element.querySelectorAll<HTMLElement>('.latent-node')];

describe('RunView', () => {
  it('draws a trace plot and a histogram per node, with header, table and legend', async () => {
    await view.update(makeOutput({ status: 'running', progress: { done: 420, total: 1000 } }));

    assert.deepEqual(rows().map((r) => r.dataset.node), ['mu', 'tau']);
    for (const row of rows()) {
      assert.equal(row.querySelectorAll('.latent-trace').length, 1);
      assert.equal(row.querySelectorAll('.latent-hist').length, 1);
    }
    assert.equal(plot.ops('newPlot').length, 9, 'trace, rank, autocorrelation and histogram of two nodes, and the forest plot');
    assert.equal(plot.ops('react').length, 0);
    const muTrace = rows()[0]!.querySelector('.latent-trace');
    assert.equal(plot.ops('newPlot')[0]!.div, muTrace);
    assert.equal(plot.ops('newPlot')[0]!.data!.length, 4, 'one line per chain');

    assert.equal(text('.latent-status'), 'Running 42%');
    assert.equal(element.querySelector<HTMLElement>('.latent-status')!.dataset.status, 'running');
    assert.match(text('.latent-meta'), /gibbs · 4 chains · 500 burn-in \+ 1000 iterations · seed 1234/);
    assert.match(text('.latent-timings'), /compile 12 ms/);
    assert.equal(element.querySelector<HTMLElement>('.latent-progress')!.hidden, false);
    assert.equal(element.querySelector<HTMLElement>('.latent-progress > div')!.style.width, '42%');

    const headings = [...element.querySelectorAll('table.latent-summary th')].map((th) => th.textContent);
    assert.deepEqual(headings, ['node', 'mean', 'sd', '2.5%', '50%', '97.5%', 'R-hat', 'ESS bulk', 'ESS tail', 'MCSE', 'sampler']);
    const tableRows = [...element.querySelectorAll('table.latent-summary tbody tr')];
    // A running output has no diagnostics yet: their cells show "–", unflagged.
    assert.deepEqual(
      tableRows.map((tr) => [...tr.children].map((td) => td.textContent)),
      [
        ['mu', '0', '0.7', '-1.2', '0', '1.2', '–', '–', '–', '–', 'conjugate normal'],
        ['tau', '2', '0.7', '0.8', '2', '3.2', '–', '–', '–', '–', 'conjugate normal'],
      ],
    );
    assert.equal(element.querySelectorAll('.latent-flagged').length, 0);
    assert.equal(element.querySelector<HTMLElement>('.latent-diagnostics-note')!.hidden, true);
    assert.equal(element.querySelectorAll('.latent-legend-item').length, 4);
  });

  it('updates the same plot divs in place on a streamed update', async () => {
    await view.update(makeOutput({ status: 'running', nodes: [makeNode('mu', { points: 10 }), makeNode('tau', { points: 10 })] }));
    const before = rows();
    const divsBefore = [...element.querySelectorAll('.latent-trace, .latent-rank, .latent-acf, .latent-hist')];
    plot.clear();

    await view.update(makeOutput({ status: 'complete', nodes: [makeNode('mu', { points: 40 }), makeNode('tau', { points: 40 })] }));

    assert.deepEqual(rows(), before, 'rows are reused');
    assert.deepEqual([...element.querySelectorAll('.latent-trace, .latent-rank, .latent-acf, .latent-hist')], divsBefore, 'plot divs are reused');
    assert.deepEqual(plot.ops('newPlot').map((c) => c.div.className), ['latent-pairs'], 'only the pair plot, drawn once the run has ended');
    assert.equal(plot.ops('purge').length, 0);
    assert.deepEqual(
      plot.ops('react').map((c) => c.div),
      divsBefore
        .filter((d) => d.matches('.latent-node[data-node="mu"] *'))
        .concat(divsBefore.filter((d) => d.matches('.latent-node[data-node="tau"] *')))
        .concat([view.forestDiv()]),
    );
    const muTrace = plot.ops('react')[0]!;
    assert.equal(((muTrace.data![0] as Partial<PlotData>).x as number[]).length, 40);
    assert.equal(text('.latent-status'), 'Complete');
    assert.equal(element.querySelector<HTMLElement>('.latent-progress')!.hidden, true);
  });

  it('keeps the trace x axis fixed to the planned run while running', async () => {
    await view.update(makeOutput({ status: 'running', nodes: [makeNode('mu', { points: 10 })] }));
    assert.deepEqual(plot.ops('newPlot')[0]!.layout!.xaxis!.range, [1, 1000]);
    await view.update(makeOutput({ status: 'complete', nodes: [makeNode('mu', { points: 10 })] }));
    assert.equal(plot.ops('react')[0]!.layout!.xaxis!.range, undefined);
  });

  it('purges rows of nodes that disappear and adds rows for new ones, in output order', async () => {
    await view.update(makeOutput({ nodes: [makeNode('a'), makeNode('b'), makeNode('c')] }));
    const [a, b, c] = rows();
    plot.clear();

    await view.update(makeOutput({ nodes: [makeNode('c'), makeNode('d'), makeNode('a')] }));

    assert.deepEqual(rows().map((r) => r.dataset.node), ['c', 'd', 'a']);
    assert.equal(rows()[0], c);
    assert.equal(rows()[2], a);
    assert.equal(b!.isConnected, false);
    assert.deepEqual(plot.ops('purge').map((call) => call.div), ['.latent-trace', '.latent-rank', '.latent-acf', '.latent-hist'].map((c) => b!.querySelector(c)));
    assert.deepEqual(plot.ops('newPlot').map((call) => call.div.closest<HTMLElement>('.latent-node')!.dataset.node), ['d', 'd', 'd', 'd']);
    assert.equal(plot.ops('react').length, 10, 'the four figures of a and c, the forest plot and the pair plot');
  });

  it(`shows ${MAX_PLOTTED_NODES} nodes a page, table and figures alike, says which of how many, and pages and filters the rest`, async () => {
    const nodes = Array.from({ length: 30 }, (_, i) => makeNode(`theta[${i + 1}]`, { points: 5 }));
    await view.update(makeOutput({ nodes }));
    const tableRows = () => [...element.querySelectorAll('table.latent-summary tbody tr')].map((tr) => tr.firstElementChild!.textContent);

    assert.equal(rows().length, MAX_PLOTTED_NODES);
    assert.equal(rows().at(-1)!.dataset.node, `theta[${MAX_PLOTTED_NODES}]`);
    assert.equal(tableRows().length, MAX_PLOTTED_NODES);
    assert.equal(plot.ops('newPlot').length, 4 * MAX_PLOTTED_NODES + 2, 'four figures a node, and the forest plot and the pair plot of the page');
    const pager = element.querySelector<HTMLElement>('.latent-pager')!;
    assert.equal(pager.hidden, false);
    assert.equal(text('.latent-pager-count'), 'shown 1–24 of 30 nodes');

    const [previous, next] = [...pager.querySelectorAll('button')];
    assert.equal(previous!.disabled, true);
    next!.click();
    await nextFrame();
    await view.update(makeOutput({ nodes }));
    assert.deepEqual(tableRows(), ['theta[25]', 'theta[26]', 'theta[27]', 'theta[28]', 'theta[29]', 'theta[30]']);
    assert.deepEqual(rows().map((r) => r.dataset.node), tableRows());
    assert.equal(text('.latent-pager-count'), 'shown 25–30 of 30 nodes');
    assert.equal(next!.disabled, true);

    const filter = pager.querySelector('input')!;
    filter.value = 'TA[2';
    filter.dispatchEvent(new window.Event('input'));
    await nextFrame();
    await view.update(makeOutput({ nodes }));
    assert.deepEqual(tableRows(), ['theta[2]', ...Array.from({ length: 10 }, (_, i) => `theta[${20 + i}]`)]);
    assert.equal(text('.latent-pager-count'), 'shown 11 of 30 nodes (11 match “ta[2”)');

    filter.value = '';
    filter.dispatchEvent(new window.Event('input'));
    await view.update(makeOutput({ nodes: nodes.slice(0, 3) }));
    assert.equal(pager.hidden, true, 'no controls while everything fits on a page');
    assert.equal(tableRows().length, 3);
  });

  it('shows the model comparison of a run with loo = TRUE, and what its Pareto k say', async () => {
    const est = (estimate: number, se: number) => ({ estimate, se });
    await view.update(
      makeOutput({
        modelComparison: {
          draws: 4000,
          observations: 8,
          elpd_loo: est(-19.86, 5.26),
          p_loo: est(3.86, 3.12),
          looic: est(39.72, 10.52),
          pareto_k: { good: 7, ok: 0, bad: 0, very_bad: 1 },
          high_k: [{ name: 'y[8]', k: 1.04 }],
          elpd_waic: est(-19.04, 4.45),
          p_waic: est(3.04, 2.31),
          waic: est(38.08, 8.9),
          dic: { mean_deviance: 34.09, pD: null, dic: null, pV: 2.77, dic_pV: 36.86 },
        },
      }),
    );
    const section = element.querySelector<HTMLElement>('.latent-comparison')!;
    assert.equal(section.hidden, false);
    const cells = [...section.querySelectorAll('tbody tr')].map((tr) => [...tr.children].map((c) => c.textContent));
    assert.deepEqual(cells[0], ['elpd_loo', '-19.86', '5.26']);
    assert.deepEqual(cells.find((c) => c[0] === 'pD (Spiegelhalter)'), ['pD (Spiegelhalter)', '–', '']);
    assert.match(section.textContent!, /1 very bad \(> 1\) of 8 observations; PSIS-LOO is unreliable for y\[8\] 1\.04/);
    assert.match(section.textContent!, /pD is undefined/);
    await view.update(makeOutput());
    assert.equal(section.hidden, true);
  });

  it('honours a smaller page', async () => {
    view.dispose();
    view = new RunView(element, plot, { maxPlottedNodes: 1 });
    await view.update(makeOutput());
    assert.equal(rows().length, 1);
    assert.equal(text('.latent-pager-count'), 'shown no. 1 of 2 nodes');
  });

  it('lists messages with severity and 1-based location', async () => {
    await view.update(
      makeOutput({
        status: 'failed',
        nodes: [],
        messages: [
          { severity: 'error', message: 'unknown distribution dnrom', range: { startLine: 2, startColumn: 9, endLine: 2, endColumn: 14 } },
          { severity: 'warning', message: 'tau is not monitored' },
        ],
      }),
    );
    const items = [...element.querySelectorAll<HTMLElement>('.latent-message')];
    assert.deepEqual(items.map((li) => li.dataset.severity), ['error', 'warning']);
    assert.equal(items[0]!.textContent, 'errorline 3, col 10unknown distribution dnrom');
    assert.equal(items[1]!.textContent, 'warningtau is not monitored');
    assert.equal(text('.latent-status'), 'Failed');
    assert.equal(rows().length, 0);
    assert.equal(element.querySelector<HTMLElement>('.latent-table-wrap')!.hidden, true);
    assert.equal(plot.calls.length, 0);
  });

  it('says it is waiting while a run has no draws yet', async () => {
    await view.update(makeOutput({ status: 'running', nodes: [], progress: { done: 10, total: 6000 } }));
    assert.equal(text('.latent-note'), 'Waiting for the first draws…');
    assert.equal(text('.latent-status'), 'Running 0%');
  });

  it('names the engine\'s phase while a run has no draws yet (a long compilation is not a silent 0%)', async () => {
    await view.update(makeOutput({ status: 'running', nodes: [], progress: { done: 0, total: 6000 }, phase: 'assigning samplers to 20,000 unobserved nodes' }));
    assert.equal(text('.latent-note'), 'Assigning samplers to 20,000 unobserved nodes…');
  });

  it('shows node text as text, never as markup', async () => {
    await view.update(makeOutput({ nodes: [makeNode('<img src=x onerror=alert(1)>')], messages: [{ severity: 'info', message: '<b>hi</b>' }] }));
    assert.equal(element.querySelector('img'), null);
    assert.equal(element.querySelector('b'), null);
    assert.equal(text('.latent-caption .latent-name'), '<img src=x onerror=alert(1)>');
  });

  it('coalesces updates that arrive while one is drawing: only the newest is drawn next', async () => {
    const first = view.update(makeOutput({ status: 'running', progress: { done: 1, total: 10 } }));
    const second = view.update(makeOutput({ status: 'running', progress: { done: 5, total: 10 } }));
    const third = view.update(makeOutput({ status: 'complete' }));
    await Promise.all([first, second, third]);

    assert.equal(plot.ops('newPlot').length, 10, 'the first, and the pair plot once complete');
    assert.equal(plot.ops('react').length, 9, 'the middle update was skipped');
    assert.equal(text('.latent-status'), 'Complete');
  });

  it('draws nothing for an update whose signal is already aborted', async () => {
    const controller = new AbortController();
    controller.abort();
    await view.update(makeOutput(), controller.signal);
    assert.equal(plot.calls.length, 0);
  });

  it('dispose purges every plot, disconnects observers and empties the element', async () => {
    await view.update(makeOutput());
    const divs = [...element.querySelectorAll<HTMLElement>('.latent-trace, .latent-rank, .latent-acf, .latent-hist')];
    const observer = FakeResizeObserver.instances[0]!;
    assert.deepEqual([...observer.observed], divs);
    plot.clear();
    const forest = view.forestDiv();
    const pairs = element.querySelector<HTMLElement>('.latent-pairs');

    view.dispose();

    assert.deepEqual(plot.ops('purge').map((c) => c.div), [...divs, forest, pairs]);
    assert.ok(divs.every((d) => d.dataset.plotted === undefined));
    assert.equal(observer.disconnected, true);
    assert.equal(element.childElementCount, 0);
    assert.equal(view.isAttachedTo(element), false);

    plot.clear();
    await view.update(makeOutput());
    assert.equal(plot.calls.length, 0, 'a disposed view ignores updates');
    view.dispose(); // idempotent
    assert.equal(plot.calls.length, 0);
  });

  it('resizes a figure when its div changes width', async () => {
    await view.update(makeOutput({ nodes: [makeNode('mu')] }));
    const observer = FakeResizeObserver.instances[0]!;
    const trace = element.querySelector<HTMLElement>('.latent-trace')!;
    const hist = element.querySelector<HTMLElement>('.latent-hist')!;

    observer.fire(trace, 600);
    observer.fire(hist, 300);
    await nextFrame();
    assert.equal(plot.ops('resize').length, 0, 'the first observation is the drawn size');

    observer.fire(trace, 420);
    observer.fire(trace, 400);
    observer.fire(hist, 300);
    await nextFrame();
    assert.deepEqual(plot.ops('resize').map((c) => c.div), [trace]);
  });

  it('redraws the figures with the new colours when the VS Code theme changes', async () => {
    setThemeVariables({ '--vscode-charts-blue': '#111111' });
    await view.update(makeOutput({ nodes: [makeNode('mu')] }));
    const firstLine = (plot.ops('newPlot')[0]!.data![0] as Partial<PlotData>).line;
    assert.equal(firstLine?.color, '#111111');
    plot.clear();

    setThemeVariables({ '--vscode-charts-blue': '#222222' });
    await nextFrame();
    await nextFrame();

    const reacts = plot.ops('react');
    assert.equal(reacts.length, 4, 'one node: trace, rank, autocorrelation, histogram (no forest for one node)');
    assert.equal((reacts[0]!.data![0] as Partial<PlotData>).line?.color, '#222222');
    assert.equal(plot.ops('newPlot').length, 0);

    // an unrelated attribute change that leaves the theme as it is does not redraw
    plot.clear();
    document.documentElement.style.setProperty('--unrelated', '1');
    await nextFrame();
    await nextFrame();
    assert.equal(plot.calls.length, 0);
  });

  it('stops watching the theme once disposed', async () => {
    await view.update(makeOutput({ nodes: [makeNode('mu')] }));
    view.dispose();
    plot.clear();
    setThemeVariables({ '--vscode-charts-blue': '#333333' });
    await nextFrame();
    await nextFrame();
    assert.equal(plot.calls.length, 0);
  });
});

describe('RunView predictive panel', () => {
  const predictive = {
    spec: { mean: 'pred', precision: 'tau', observed: 'rtest' },
    elements: 3,
    draws: 150,
    mean: [3.1, 2.9, 4.2],
    variance: [0.3, 0.31, 0.29],
    noise_variance: 0.25,
    test: {
      rmse: 0.512,
      rmse_trace: { iterations: [1, 2, 3], chains: [[0.9, 0.6, 0.55], [0.8, 0.58, 0.54]] },
      coverage: [{ nominal: 0.5, empirical: 0.49 }, { nominal: 0.9, empirical: 0.897 }],
      missing: 0,
    },
  };

  it('shows the test RMSE, the 90 % coverage, the RMSE per iteration and the calibration plot, read back from the JSON', async () => {
    const parsed = parseRunOutput(JSON.parse(JSON.stringify(makeOutput({ predictive }))));
    assert.ok(parsed.ok);
    await view.update(parsed.output);
    const panel = element.querySelector<HTMLElement>('.latent-predictive')!;
    assert.equal(panel.hidden, false);
    assert.match(panel.textContent ?? '', /Posterior predictive of pred.*150 draws.*test RMSE 0\.512.*90 % interval coverage 89\.7 %/s);
    const rmse = plot.ops('newPlot').find((c) => c.div.classList.contains('latent-predictive-rmse'));
    const calibration = plot.ops('newPlot').find((c) => c.div.classList.contains('latent-predictive-calibration'));
    assert.deepEqual((rmse?.data as PlotData[]).map((d) => d.y), [[0.9, 0.6, 0.55], [0.8, 0.58, 0.54]]);
    assert.deepEqual((calibration?.data as PlotData[])[1]!.y, [0.49, 0.897]);
    assert.match(String((rmse?.layout?.annotations ?? [])[0]?.text), /√E\[1\/tau\] = 0\.500/);
  });

  it('stays hidden without predictive summaries', async () => {
    await view.update(makeOutput());
    assert.equal(element.querySelector<HTMLElement>('.latent-predictive')!.hidden, true);
    assert.ok(!plot.ops('newPlot').some((c) => c.div.classList.contains('latent-predictive-rmse')));
  });
});
