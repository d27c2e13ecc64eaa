import { readRequest } from '../../../src/engine/job/job';
import { document, outputElement } from './dom';
import assert from 'node:assert/strict';
import { afterEach, describe, it } from 'node:test';
import type { PlotData } from 'plotly.js';
import { runFit } from '../../../src/engine/fit/runFit';
import { FitView } from '../../../src/renderer/fitView';
import { parseFitOutput } from '../../../src/renderer/parseFit';
import { RecordingPlot } from './recordingPlot';

afterEach(() => document.body.replaceChildren());

const MIXTURE = `model {
  for (i in 1:N) {
    z[i] ~ dcat(w[])
    x[i] ~ dnorm(mu[z[i]], tau)
  }
  for (k in 1:2) { mu[k] ~ dnorm(0, 0.01) }
  tau ~ dgamma(1, 1)
  w[1:2] ~ ddirch(alpha[])
}
data list(N = 8, alpha = c(1, 1), x = c(-2.1, -1.7, -2.4, -1.9, 2.2, 1.8, 2.5, 2.0))
inits list(mu = c(-0.5, 0.5), tau = 1, w = c(0.5, 0.5))
`;

describe("fit view of EM's bound picture", () => {
  it('draws log p through the E points and L as a saw-tooth touching it after each E-step, KL on a log axis', async () => {
    const output = await runFit(readRequest('fit', `${MIXTURE}fit with em(bound = TRUE, init = "given", max.iter = 6, tol = 1e-12)`, {}, () => 1));
    const parsed = parseFitOutput(JSON.parse(JSON.stringify(output)));
    assert.ok(parsed.ok);
    const plot = new RecordingPlot();
    const view = new FitView(outputElement(), plot);
    await view.update(parsed.output);
    const { bound } = view.plotDivs();
    assert.equal(bound.hidden, false);
    const figure = plot.drawn.get(bound)!;
    const [logp, lower, kl] = figure.data as Array<Partial<PlotData>>;
    assert.deepEqual(logp!.y, output.objective.values);
    // L: E(0), M(→1), E(1), …: at each E point it equals log p (KL = 0), in between it is below.
    const record = output.emBound!;
    assert.deepEqual(lower!.y, record.lower);
    assert.deepEqual(lower!.x, record.iteration.map((t, k) => (record.step[k] === 'E' ? t : t + 1)));
    assert.equal((figure.layout.yaxis2 as { type: string }).type, 'log');
    assert.ok((kl!.y as number[]).length > 0 && (kl!.y as number[]).every((v) => v > 0));
  });

  it('has no bound figure without bound = TRUE', async () => {
    const output = await runFit(readRequest('fit', `${MIXTURE}fit with em(init = "given", max.iter = 3)`, {}, () => 1));
    const plot = new RecordingPlot();
    const view = new FitView(outputElement(), plot);
    await view.update(output);
    assert.equal(view.plotDivs().bound.hidden, true);
  });
});
