// The BPMF example (issue 10) runs in VS Code: full Bayesian matrix factorisation at the
// MovieLens-100k shape with predictive(pred, tau, rtest) monitored. Its output must show the test
// RMSE and the coverage of the 90 % predictive intervals, and draw the RMSE per iteration and the
// calibration plot; the saved output must hold the predictive mean and variance of every held-out rating.
import assert from 'node:assert/strict';
import { savedOutputs } from '../lib/latent-views.mjs';

const RUN_MIME = 'application/vnd.latent.run+json';

export async function checkBpmfNotebook({ views, saved }, { log, screenshotView }) {
  assert.deepEqual(views.map((v) => v.kind), ['run']);
  const view = views[0];
  assert.equal(view.status, 'complete', view.header);
  await screenshotView(0, 'bpmf');
  const rmseShown = /test RMSE (\d+\.\d+)/.exec(view.text);
  const coverageShown = /90 % interval coverage (\d+\.\d) %/.exec(view.text);
  assert.ok(rmseShown, `the test RMSE is shown: ${view.text.slice(0, 400)}`);
  assert.ok(coverageShown, 'the coverage of the 90 % intervals is shown');
  for (const className of ['latent-predictive-rmse', 'latent-predictive-calibration']) {
    const plot = view.plots.find((p) => p.className.includes(className));
    assert.ok(plot?.drawn && plot.lines >= 1, `${className} is drawn`);
  }
  const output = savedOutputs(saved, RUN_MIME)[0];
  const p = output.predictive;
  assert.ok(p.mean.length > 9000 && p.variance.length === p.mean.length, 'the saved output holds the predictive mean and variance of every held-out rating');
  assert.ok(p.variance.every((v) => v > p.noise_variance), 'each variance is the noise plus the variance of the mean');
  // After 100 sweeps (see the notebook): well calibrated, and close to the bench's 200-sweep RMSE.
  const coverage = Number(coverageShown[1]) / 100;
  assert.ok(coverage > 0.87 && coverage < 0.93, `90 % intervals cover ${coverage}`);
  assert.ok(Number(rmseShown[1]) < 0.6, `test RMSE ${rmseShown[1]}`);
  log(`bpmf: test RMSE ${rmseShown[1]}, 90 % coverage ${coverageShown[1]} %, ${p.mean.length} held-out ratings, ${view.header}`);
}
