// The EM-family examples (issue 6) run in VS Code: each `fit ... with em(...)` cell must draw
// its objective curve and the gap to the final value, a 2-D mixture its data coloured by
// responsibility with the fitted components, and show the log-likelihood, BIC and the
// estimates; the outcome each notebook states must be the one shown.
import assert from 'node:assert/strict';
import { LATENT_MIMES, rowsByName, savedOutputs, shownNumber } from '../lib/latent-views.mjs';

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

/** What every fit shows: the two curves, the log-likelihood, the estimates. */
function checkFit(view, what) {
  const objective = plotOf(view, 'latent-fit-objective');
  assert.ok(objective.drawn && objective.lines >= 1, `${what}: the objective curve is drawn`);
  const gap = plotOf(view, 'latent-fit-gap');
  assert.ok(gap.drawn && gap.lines >= 1, `${what}: the gap to the final value is drawn`);
  const figures = fitFigures(view);
  for (const label of ['log-likelihood', 'per observation', 'iterations']) {
    assert.ok(Number.isFinite(figures.number(label)), `${what}: shows its ${label} (${JSON.stringify([...figures.summary])})`);
  }
  assert.ok(figures.params.size > 0 && [...figures.params.values()].every(Number.isFinite), `${what}: finite estimates`);
  return figures;
}

/** What every converged fit shows: status, the two curves, log-likelihood, BIC, AIC, the estimates. */
function checkConvergedFit(view, what) {
  assert.equal(view.status, 'converged', `${what}: converged (${view.header})`);
  const figures = checkFit(view, what);
  for (const label of ['BIC', 'AIC']) assert.ok(Number.isFinite(figures.number(label)), `${what}: shows its ${label}`);
  assert.equal(figures.summary.get('converged'), 'yes', `${what}: says it converged`);
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

/** Every estimate named in `stated` within `tolerance` of the value the notebook's text gives. */
function checkStated(figures, stated, tolerance, what) {
  for (const [name, value] of Object.entries(stated)) near(figures.params.get(name), value, tolerance, `${what}: ${name}`);
}

/**
 * examples/em/probit-augmentation.ipynb: EM for probit by augmentation gives the estimate the
 * notebook states, and the Gibbs cell's posterior means agree with it.
 */
export async function checkProbitNotebook({ views, saved }, { log, screenshotView }) {
  assert.deepEqual(views.map((v) => v.kind), ['fit', 'run'], 'a fit, then a Gibbs run');
  await screenshotView(0, 'em-probit-fit');
  await screenshotView(1, 'em-probit-gibbs');
  const [fitView, runView] = views;
  assert.equal(fitView.status, 'converged', `converged (${fitView.header})`);
  const em = checkFit(fitView, 'probit EM');
  assert.match(fitView.roles, /latent: z/, `z is latent (${fitView.roles})`);
  // The notebook's text: β ≈ (−0.494, 0.993, −1.435, 0.704, −0.048), log-likelihood −665.075 (3 decimals).
  checkStated(em, { 'beta[1]': -0.494, 'beta[2]': 0.993, 'beta[3]': -1.435, 'beta[4]': 0.704, 'beta[5]': -0.048 }, 0.0015, 'probit EM');
  near(em.number('log-likelihood'), -665.075, 0.001, 'probit EM log-likelihood');
  assert.equal(runView.status, 'complete', `the Gibbs run completed (${runView.header})`);
  const [fit] = savedOutputs(saved, LATENT_MIMES.fit);
  const [run] = savedOutputs(saved, LATENT_MIMES.run);
  const lines = [];
  for (const node of run.nodes) {
    const estimate = fit.params.find((p) => p.name === node.name)?.value;
    assert.ok(Number.isFinite(estimate), `the fit estimates ${node.name}`);
    // As test/unit/fit/probitAugmentation.test.ts: the posterior mean differs from the ML
    // estimate by O(sd/√n) (n = 2000), well under 0.1 sd, plus the Gibbs mean's Monte-Carlo error (4 MCSE).
    const tolerance = 0.1 * node.summary.sd + 4 * node.diagnostics.mcse_mean;
    const off = Math.abs(node.summary.mean - estimate);
    lines.push(`${node.name} EM ${estimate.toFixed(4)} Gibbs ${node.summary.mean.toFixed(4)} (|Δ| ${(off / node.summary.sd).toFixed(3)} sd)`);
    assert.ok(off <= tolerance, `${node.name}: Gibbs mean ${node.summary.mean} within ${tolerance.toPrecision(3)} of EM's ${estimate}`);
  }
  log(`probit: ${lines.join('; ')}`);
}

/** examples/em/bernoulli-mixture.ipynb: the three prototypes and their weights, up to the order of the components. */
export async function checkBernoulliNotebook({ views }, { log, screenshotView }) {
  const [figures] = await convergedFits(views, ['bernoulli'], screenshotView);
  // Prototypes (make-data.mjs): bits 1–4 on, bits 5–8 on, alternating; a bit is "on" when p > 0.5.
  const patterns = [1, 2, 3].map((k) => Array.from({ length: 8 }, (_, j) => (figures.params.get(`p[${k},${j + 1}]`) > 0.5 ? '1' : '0')).join(''));
  assert.deepEqual([...patterns].sort(), ['00001111', '10101010', '11110000'], `the rows of p recover the prototypes (${patterns.join(', ')})`);
  const weights = [1, 2, 3].map((k) => figures.params.get(`w[${k}]`)).sort((a, b) => b - a);
  // The notebook's text: weights ≈ 0.51, 0.29, 0.20 (2 decimals).
  [0.51, 0.29, 0.2].forEach((w, i) => near(weights[i], w, 0.006, `weight ${i + 1}`));
  // Default starts (4 on a mixture): the three not kept are drawn behind the kept curve.
  const objective = plotOf(views[0], 'latent-fit-objective');
  assert.ok(objective.lines >= 4, `the objective of the kept start and of the 3 others (${objective.lines} lines)`);
  log(`bernoulli: patterns ${patterns.join(', ')}, weights ${weights.map((w) => w.toFixed(3)).join(', ')}`);
}

/** examples/em/missing-covariate.ipynb: the closed-form ML estimates the notebook states. */
export async function checkMissingCovariateNotebook({ views }, { log, screenshotView }) {
  const [figures] = await convergedFits(views, ['missing-covariate-fit'], screenshotView);
  assert.match(views[0].roles, /latent: x/, `the missing x are latent (${views[0].roles})`);
  checkStated(figures, { a: 1.188, b: 0.795, tau: 3.394, mx: 1.831, tx: 0.426 }, 0.0015, 'missing covariate');
  log(`missing covariate: ${[...figures.params].map(([n, v]) => `${n} ${v}`).join(', ')}`);
}

/** examples/em/evidence-hyperparameters.ipynb: alpha and beta at the maximum of the evidence. */
export async function checkEvidenceNotebook({ views }, { log, screenshotView }) {
  const [figures] = await convergedFits(views, ['evidence'], screenshotView);
  assert.match(views[0].roles, /latent: w/, `the weights are latent (${views[0].roles})`);
  checkStated(figures, { alpha: 2.99, beta: 4.64 }, 0.006, 'evidence');
  // The estimates' standard errors (the log posterior's curvature, the weights integrated out) in their own column.
  const errors = new Map([...rowsByName(views[0], 1)].map(([name, row]) => [name, shownNumber(row.SE?.text ?? '')]));
  for (const name of ['alpha', 'beta']) assert.ok(errors.get(name) > 0, `evidence: an SE for ${name} (${JSON.stringify([...errors])})`);
  log(`evidence: SE alpha ${errors.get('alpha')}, beta ${errors.get('beta')}`);
  log(`evidence: alpha ${figures.params.get('alpha')}, beta ${figures.params.get('beta')}`);
}

/**
 * examples/em/bayesian-lasso.ipynb: Monte-Carlo EM (an estimate of the objective with its error,
 * no log-likelihood claimed) beside the exact E-step (s2 latent by default, the exact MAP).
 */
export async function checkLassoNotebook({ views }, { log, screenshotView }) {
  assert.deepEqual(views.map((v) => v.kind), ['fit', 'fit'], 'two fits: Monte-Carlo EM, then the exact E-step');
  await screenshotView(0, 'em-lasso-mcem');
  await screenshotView(1, 'em-lasso-exact');
  const [mcemView, exactView] = views;
  assert.match(mcemView.roles, /Monte-Carlo EM/, `the first fit is Monte-Carlo EM (${mcemView.roles})`);
  const mcem = fitFigures(mcemView);
  assert.ok(!mcem.summary.has('log-likelihood'), 'Monte-Carlo EM claims no log-likelihood');
  assert.match(mcem.summary.get('complete-data log posterior (Monte-Carlo estimate)') ?? '', /± \d/, 'the Monte-Carlo objective with its standard error');
  const beta = Array.from({ length: 8 }, (_, j) => mcem.params.get(`beta[${j + 1}]`));
  // Least squares, as the notebook's text gives it.
  const leastSquares = [3.009, 0.093, 0.06, 1.403, -0.187, 0.207, -2.302, -0.112];
  const l1 = (v) => v.reduce((sum, x) => sum + Math.abs(x), 0);
  assert.ok(l1(beta) < l1(leastSquares), `shrunk: L1 norm ${l1(beta).toFixed(3)} < least squares' ${l1(leastSquares).toFixed(3)} (β = ${beta.join(', ')})`);
  const exact = checkConvergedFit(exactView, 'lasso, exact E-step');
  assert.match(exactView.roles, /exact E-step over 8 latent unit.*latent: s2/, `s2 is latent with an exact E-step (${exactView.roles})`);
  // The exact MAP the notebook states: (2.928, 0.041, 0, 1.347, −0.080, 0.070, −2.190, 0), τ = 0.833 (3 decimals).
  checkStated(exact, { 'beta[1]': 2.928, 'beta[2]': 0.041, 'beta[3]': 0, 'beta[4]': 1.347, 'beta[5]': -0.08, 'beta[6]': 0.07, 'beta[7]': -2.19, 'beta[8]': 0, tau: 0.833 }, 0.0015, 'lasso exact');
  assert.match(exact.summary.get('stopped') ?? '', /by the tolerance, estimated distance/, 'says how it stopped');
  assert.match(exact.summary.get('s2[1] (latent)') ?? '', /mean .*, sd /, 'the latent scales\' posterior mean and sd');
  log(`lasso: MCEM β = ${beta.map((b) => b.toFixed(3)).join(', ')}; exact β = ${Array.from({ length: 8 }, (_, j) => exact.params.get(`beta[${j + 1}]`).toFixed(3)).join(', ')}`);
}

/** examples/em/ppca.ipynb: EM from PCA scores reaches Tipping & Bishop's closed-form maximum likelihood. */
export async function checkPpcaNotebook({ views }, { log, screenshotView }) {
  const [figures] = await convergedFits(views, ['ppca-fit'], screenshotView);
  assert.match(views[0].header, /PCA scores of x \(for z\)/, `the start is named (${views[0].header})`);
  // The notebook's text: log-likelihood −1261.1023 and tau 3.36892 in closed form.
  near(figures.number('log-likelihood'), -1261.1023, 0.001, 'PPCA log-likelihood');
  near(figures.params.get('tau'), 3.36892, 0.0005, 'PPCA tau');
  log(`ppca: log-likelihood ${figures.summary.get('log-likelihood')}, tau ${figures.params.get('tau')}`);
}

/**
 * examples/em/online-em.ipynb (its data made by `npm run data:mixture`, see run.mjs): one pass of
 * online EM ends within 1 % of the batch EM's mean log-likelihood per row, and batch EM reaches
 * scikit-learn's −7.439743 from the same start (the notebook's text; shown to 4 decimals).
 */
export async function checkOnlineEmNotebook({ views }, { log, screenshotView }) {
  assert.deepEqual(views.map((v) => v.kind), ['fit', 'fit'], 'two fits');
  await screenshotView(0, 'em-online');
  const online = checkFit(views[0], 'online EM');
  const batch = checkConvergedFit(views[1], 'batch EM');
  const onlinePerRow = online.number('per observation');
  const batchPerRow = batch.number('per observation');
  near(batchPerRow, -7.439743, 0.0001, 'batch EM per row');
  assert.ok(Math.abs(onlinePerRow - batchPerRow) < 0.01 * Math.abs(batchPerRow), `online ${onlinePerRow} within 1 % of batch ${batchPerRow}`);
  log(`online EM: ${onlinePerRow} per row, batch ${batchPerRow}`);
}

/**
 * examples/em/em-bound.ipynb: EM's bound picture on the Old Faithful waiting times — the figure
 * (log p, L and KL) drawn, and in the saved output L + KL = log p at every point, KL = 0 after each
 * E-step, and the stated end: log-likelihood −1034.0017, means 54.61 and 80.09.
 */
export async function checkEmBoundNotebook({ views, saved }, { log, screenshotView }) {
  const [figures] = await convergedFits(views, ['bound'], screenshotView);
  const picture = plotOf(views[0], 'latent-fit-bound');
  assert.ok(picture.drawn && picture.lines >= 3, `the bound picture is drawn: log p, L and KL (${picture.lines} lines)`);
  const output = savedOutputs(saved, LATENT_MIMES.fit)[0];
  const bound = output.emBound;
  assert.ok(bound && bound.iteration.length > 10, 'the saved output holds the bound points');
  bound.objective.forEach((p, k) => {
    assert.ok(Math.abs(bound.lower[k] + bound.divergence[k] - p) <= 1e-9 * Math.abs(p), `L + KL = log p at point ${k}`);
    if (bound.step[k] === 'E') assert.ok(bound.divergence[k] <= 1e-9 * Math.abs(p), `KL = 0 after the E-step at point ${k}`);
  });
  assert.ok(Math.abs(bound.divergence[1] - 2.326) < 0.001, `KL after the first M-step is about 2.3: ${bound.divergence[1]}`);
  checkStated(figures, { 'mu[1]': 54.615, 'mu[2]': 80.091, 'w[1]': 0.361 }, 0.001, 'em bound');
  assert.ok(Math.abs(figures.number('log-likelihood') - -1034.0017) < 1e-3, `log-likelihood ${figures.number('log-likelihood')}`);
  log(`em bound: ${bound.iteration.length} points; KL after the first M-step ${bound.divergence[1]}; log-likelihood ${figures.number('log-likelihood')}`);
}
