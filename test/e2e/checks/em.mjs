// The EM-family examples (issue 6) run in VS Code: each `fit ... with em(...)` cell must draw
// its objective curve and the gap to the final value, a 2-D mixture its data coloured by
// responsibility with the fitted components, and show the log-likelihood, BIC and the
// estimates; the outcome each notebook states must be the one shown.
import assert from 'node:assert/strict';
import { rowsByName, shownNumber } from '../lib/latent-views.mjs';

/** The fit's figures (log-likelihood, BIC, ...) as numbers, by label, and the estimates by parameter name. */
function fitFigures(view) {
  assert.equal(view.kind, 'fit');
  const summary = new Map([...rowsByName(view, 0)].map(([label, row]) => [label, row['#1'].text]));
  const params = new Map([...rowsByName(view, 1)].map(([name, row]) => [name, shownNumber(row.estimate.text)]));
  return { summary, number: (label) => shownNumber(summary.get(label) ?? ''), params };
}

function plotOf(view, className) {
  const plot = view.plots.find((p) => p.className.includes(className));
  assert.ok(plot, `the fit view has its ${className} plot (has ${view.plots.map((p) => p.className).join(', ')})`);
  return plot;
}

/** What every converged fit shows: status, the two curves, log-likelihood, BIC, AIC, the estimates. */
function checkConvergedFit(view, what) {
  assert.equal(view.status, 'converged', `${what}: converged (${view.header})`);
  const objective = plotOf(view, 'latent-fit-objective');
  assert.ok(objective.drawn && objective.lines >= 1, `${what}: the objective curve is drawn`);
  const gap = plotOf(view, 'latent-fit-gap');
  assert.ok(gap.drawn && gap.lines >= 1, `${what}: the gap to the final value is drawn`);
  const figures = fitFigures(view);
  for (const label of ['log-likelihood', 'per observation', 'BIC', 'AIC', 'iterations']) {
    assert.ok(Number.isFinite(figures.number(label)), `${what}: shows its ${label} (${JSON.stringify([...figures.summary])})`);
  }
  assert.equal(figures.summary.get('converged'), 'yes', `${what}: says it converged`);
  assert.ok(figures.params.size > 0 && [...figures.params.values()].every(Number.isFinite), `${what}: finite estimates`);
  return figures;
}

/** The notebook's fits, one per name, in order: each screenshot to em-NAME.png and checked as converged. */
async function convergedFits(views, names, screenshotView) {
  assert.deepEqual(views.map((v) => v.kind), names.map(() => 'fit'), `${names.length} fits`);
  for (const [i, name] of names.entries()) await screenshotView(i, `em-${name}`);
  return views.map((view, i) => checkConvergedFit(view, names[i]));
}

/** A 2-D mixture's picture: the n data points coloured by responsibility, K means, 1σ and 2σ ellipses. */
function checkMixturePicture(view, { n, k }, what) {
  const picture = plotOf(view, 'latent-fit-mixture');
  assert.ok(picture.drawn, `${what}: the mixture picture is drawn`);
  assert.ok(picture.points >= n + k, `${what}: the ${n} data points and ${k} means are drawn (${picture.points} markers)`);
  assert.ok(picture.lines >= 2 * k, `${what}: 1σ and 2σ ellipses of the ${k} components (${picture.lines} lines)`);
  assert.ok(picture.pointFills >= k, `${what}: points coloured by responsibility (${picture.pointFills} colours)`);
}

/** Within `tolerance` of a figure the notebook's text states (it prints 2 decimals; the fit 4). */
const near = (actual, stated, tolerance, message) =>
  assert.ok(Math.abs(actual - stated) <= tolerance, `${message}: ${actual} vs ${stated} ± ${tolerance}`);

/** examples/em/faithful-mixture.ipynb: K = 2 and K = 3 Gaussian mixtures on Old Faithful; BIC prefers K = 2. */
export async function checkFaithfulNotebook({ views }, { log, screenshotView }) {
  const [k2, k3] = await convergedFits(views, ['faithful-k2', 'faithful-k3'], screenshotView);
  const [two, three] = views;
  checkMixturePicture(two, { n: 272, k: 2 }, 'K = 2');
  checkMixturePicture(three, { n: 272, k: 3 }, 'K = 3');
  assert.match(two.roles, /Gaussian mixture kernel/, `K = 2: the mixture was recognised in the graph (${two.roles})`);
  // The figures the notebook's text gives (scikit-learn's, see test/unit/fit/faithfulMixture.test.ts).
  near(k2.number('log-likelihood'), -1130.26, 0.01, 'K = 2 log-likelihood');
  near(k3.number('log-likelihood'), -1114.44, 0.01, 'K = 3 log-likelihood');
  near(k2.number('BIC'), 2322.19, 0.01, 'K = 2 BIC');
  near(k3.number('BIC'), 2324.18, 0.01, 'K = 3 BIC');
  assert.ok(k2.number('BIC') < k3.number('BIC'), 'BIC prefers K = 2');
  log(`faithful: K = 2 loglik ${k2.summary.get('log-likelihood')}, BIC ${k2.summary.get('BIC')}; K = 3 loglik ${k3.summary.get('log-likelihood')}, BIC ${k3.summary.get('BIC')}`);
}

/** examples/em/annealed-em.ipynb: from the same poor start, plain EM stays in a local optimum and annealed EM finds the three clusters. */
export async function checkAnnealedNotebook({ views }, { log, screenshotView }) {
  const [plain, annealed] = await convergedFits(views, ['annealed-plain', 'annealed'], screenshotView);
  const annealedView = views[1];
  checkMixturePicture(annealedView, { n: 450, k: 3 }, 'annealed EM');
  assert.match(annealedView.header, /annealed\.em/, `the second fit is annealed (${annealedView.header})`);
  // The tempered iterations are marked on the objective curve: a dotted line where β changes, labelled.
  const objective = plotOf(annealedView, 'latent-fit-objective');
  assert.ok(objective.shapes >= 2 && objective.annotations >= 1, `annealed EM: β steps marked (${objective.shapes} lines, ${objective.annotations} labels)`);
  near(plain.number('log-likelihood'), -1881.88, 0.01, 'plain EM stays at the local optimum');
  near(annealed.number('log-likelihood'), -1741.72, 0.01, 'annealed EM reaches the global optimum');
  // One mean near each cluster centre, (−6, 0), (0, 0), (6, 0): within 0.5 (a cluster of 150 points, sd 1, puts its mean within 0.1 of the centre; the fit's mean is the responsibility-weighted one).
  const means = [1, 2, 3].map((k) => [annealed.params.get(`mu[${k},1]`), annealed.params.get(`mu[${k},2]`)]).sort((a, b) => a[0] - b[0]);
  [-6, 0, 6].forEach((x, i) => {
    assert.ok(Math.abs(means[i][0] - x) < 0.5 && Math.abs(means[i][1]) < 0.5, `annealed EM: a mean near (${x}, 0) (means ${JSON.stringify(means)})`);
  });
  log(`annealed: plain ${plain.summary.get('log-likelihood')}, annealed ${annealed.summary.get('log-likelihood')}, means ${JSON.stringify(means)}`);
}
