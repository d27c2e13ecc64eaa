// The VI examples (issue 11) run in VS Code: each `fit ... with vi(...)` cell must draw its ELBO
// curve (labelled ELBO), the gap to the final value and the monitored nodes' variational
// densities, and show the variational marginals; the outcome each notebook states must be the one shown.
import assert from 'node:assert/strict';
import { rowsByName, savedOutputs, shownNumber } from '../lib/latent-views.mjs';

const FIT_MIME = 'application/vnd.latent.fit+json';

function plotOf(view, className) {
  const plot = view.plots.find((p) => p.className.includes(className));
  assert.ok(plot, `the fit view has its ${className} plot (has ${view.plots.map((p) => p.className).join(', ')})`);
  return plot;
}

/** A converged VI fit: its ELBO curve and gap drawn, the densities drawn, the ELBO shown; returns the saved output. */
function checkVariationalFit(view, saved, what) {
  assert.equal(view.kind, 'fit');
  assert.equal(view.status, 'converged', `${what}: converged (${view.header})`);
  assert.match(view.header, /vi · mean-field variational/, `${what}: the header names VI`);
  const curve = plotOf(view, 'latent-fit-objective');
  assert.ok(curve.drawn && curve.lines >= 1, `${what}: the ELBO curve is drawn`);
  assert.equal(curve.label, 'ELBO per iteration', `${what}: the curve is the ELBO`);
  assert.ok(plotOf(view, 'latent-fit-gap').drawn, `${what}: the gap to the final ELBO is drawn`);
  const densities = plotOf(view, 'latent-fit-densities');
  assert.ok(densities.drawn && densities.lines >= 1, `${what}: the variational densities are drawn`);
  const summary = new Map([...rowsByName(view, 0)].map(([label, row]) => [label, row['#1'].text]));
  assert.ok(Number.isFinite(shownNumber(summary.get('ELBO') ?? '')), `${what}: shows its ELBO`);
  const curveValues = saved.objective.values;
  for (let i = 1; i < curveValues.length; i++) assert.ok(curveValues[i] >= curveValues[i - 1] - 1e-9 * Math.abs(curveValues[i - 1]), `${what}: the ELBO never decreases (iteration ${i + 1})`);
  return saved;
}

const nodeMean = (output, name) => output.variational.nodes.find((n) => n.name === name);

/** examples/vi/faithful-bayesian-mixture.ipynb: K = 6 with α = 0.01; VI empties four components. */
export async function checkFaithfulVariationalNotebook({ views, saved }, { log, screenshotView }) {
  assert.deepEqual(views.map((v) => v.kind), ['fit']);
  await screenshotView(0, 'vi-faithful');
  const output = checkVariationalFit(views[0], savedOutputs(saved, FIT_MIME)[0], 'faithful K = 6');
  const weights = [1, 2, 3, 4, 5, 6].map((k) => nodeMean(output, `w[${k}]`).mean).sort((a, b) => a - b);
  assert.ok(weights.slice(0, 4).every((w) => w < 0.001), `four surplus components emptied: ${weights}`);
  assert.ok(Math.abs(weights[4] - 0.36) < 0.01 && Math.abs(weights[5] - 0.64) < 0.01, `the two kept components take about 36 % and 64 %: ${weights}`);
  log(`vi faithful: weights ${weights.map((w) => w.toFixed(4)).join(', ')}; ELBO ${output.variational.elbo}`);
}

/** examples/vi/bayesian-regression.ipynb: the Gaussian block is the exact posterior; mean field vs Gibbs. */
export async function checkRegressionVariationalNotebook({ views, saved }, { log, screenshotView }) {
  assert.deepEqual(views.map((v) => v.kind), ['fit', 'fit', 'run']);
  await screenshotView(0, 'vi-regression');
  const [exact, split] = savedOutputs(saved, FIT_MIME);
  checkVariationalFit(views[0], exact, 'known precision');
  checkVariationalFit(views[1], split, 'unknown precision');
  // The notebook's figures: the exact posterior, in closed form, to the 4 decimals it prints.
  const stated = { 'b[1]': [1.8184, 0.1129], 'b[2]': [2.1092, 0.1623], 'b[3]': [-0.6519, 0.241] };
  for (const [name, [mean, sd]] of Object.entries(stated)) {
    const q = nodeMean(exact, name);
    assert.ok(Math.abs(q.mean - mean) < 6e-5 && Math.abs(q.sd - sd) < 6e-5, `${name}: ${q.mean} ± ${q.sd} vs the exact ${mean} ± ${sd}`);
  }
  assert.ok(Math.abs(exact.variational.elbo - -28.1648) < 6e-5, `the ELBO is the log evidence: ${exact.variational.elbo}`);
  assert.match(views[1].roles, /Gaussian block factor, 1 gamma factor/, 'mean field splits b and tau');
  log(`vi regression: ELBO ${exact.variational.elbo}; split ELBO ${split.variational.elbo}`);
}

/**
 * examples/vi/svi-100k-mixture.ipynb: stochastic VI's ELBO per row, drawn against the minibatch step,
 * ends within 1 % of batch VI's converged ELBO per row (the notebook states 0.02 %).
 */
export async function checkStochasticVariationalNotebook({ views, saved }, { log, screenshotView }) {
  assert.deepEqual(views.map((v) => v.kind), ['fit', 'fit']);
  await screenshotView(0, 'vi-svi-100k');
  const [stochastic, batch] = savedOutputs(saved, FIT_MIME);
  const svi = views[0];
  assert.match(svi.header, /svi · mean-field variational/, 'the header names SVI');
  const curve = plotOf(svi, 'latent-fit-objective');
  assert.ok(curve.drawn && curve.lines >= 1, 'the SVI ELBO curve is drawn');
  assert.equal(curve.label, 'ELBO per row at the minibatch steps');
  assert.deepEqual(stochastic.objective.steps, [20, 40, 60, 80, 100], 'evaluated on all rows every 20 of the 100 steps');
  assert.ok(plotOf(svi, 'latent-fit-densities').drawn, 'the weights\u2019 variational densities are drawn');
  checkVariationalFit(views[1], batch, 'batch VI');
  const sviPerRow = stochastic.objective.values.at(-1);
  const batchPerRow = batch.variational.elbo / 100000;
  assert.ok(Math.abs(sviPerRow - batchPerRow) < 0.01 * Math.abs(batchPerRow), `SVI ${sviPerRow} within 1 % of batch ${batchPerRow}`);
  log(`svi: ${sviPerRow} per row after one pass; batch VI ${batchPerRow}`);
}
