import { document, outputElement } from './dom';
import assert from 'node:assert/strict';
import { afterEach, describe, it } from 'node:test';
import type { PlotData } from 'plotly.js';
import { runFit } from '../../../src/engine/fit/runFit';
import type { FitOutput } from '../../../src/engine/output/fitOutput';
import { readRequest } from '../../../src/engine/job/job';
import { FitView } from '../../../src/renderer/fitView';
import { parseFitOutput } from '../../../src/renderer/parseFit';
import { RecordingPlot } from './recordingPlot';

afterEach(() => document.body.replaceChildren());

/** A real VI fit, sent through JSON as the notebook sends it. */
async function viOutput(): Promise<FitOutput> {
  const output = await runFit(readRequest('fit', `model {
  mu ~ dnorm(0, 0.01)
  tau ~ dgamma(1, 1)
  for (i in 1:N) { y[i] ~ dnorm(mu, tau) }
}
data list(N = 6, y = c(1.2, 0.8, 1.9, 1.4, 1.1, 0.7))
fit with vi(seed = 1, monitor = c(mu, tau))`, {}, () => 1));
  const parsed = parseFitOutput(JSON.parse(JSON.stringify(output)));
  assert.ok(parsed.ok);
  return parsed.output;
}

describe('fit view of a VI fit', () => {
  it('labels the curve ELBO and draws each monitored node\'s variational density with its 95 % interval', async () => {
    const plot = new RecordingPlot();
    const element = outputElement();
    const view = new FitView(element, plot);
    const output = await viOutput();
    await view.update(output);
    const { objective, densities } = view.plotDivs();
    const curve = plot.drawn.get(objective)!;
    assert.equal((curve.layout.yaxis as { title: { text: string } }).title.text, 'ELBO');
    assert.deepEqual((curve.data[0] as Partial<PlotData>).y, output.objective.values);
    assert.equal(densities.hidden, false);
    const figure = plot.drawn.get(densities)!;
    const titles = (figure.layout.annotations ?? []).map((a) => a.text);
    assert.ok(titles.some((t) => /^mu · normal · 95%/.test(t!)) && titles.some((t) => /^tau · gamma · 95%/.test(t!)), titles.join(' | '));
    // Two traces per node: the shaded interval and the density line.
    assert.equal(figure.data.length, 4);
    const shaded = figure.data[0] as Partial<PlotData>;
    const mu = output.variational!.nodes.find((n) => n.name === 'mu')!;
    const xs = shaded.x as number[];
    (shaded.y as Array<number | null>).forEach((y, k) => assert.equal(y === null, xs[k]! < mu.lower || xs[k]! > mu.upper));
    assert.match(element.querySelector('.latent-meta')!.textContent!, /^vi · mean-field variational/);
    const header = [...element.querySelectorAll('.latent-table-wrap th')].map((th) => th.textContent);
    assert.deepEqual(header, ['node', 'family', 'mean', 'sd', '2.5%', '97.5%']);
    view.dispose();
  });
});
