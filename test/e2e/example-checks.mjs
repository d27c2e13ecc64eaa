// Extra end-to-end checks for particular examples, on top of the checks that every
// example gets in run.mjs (Latent kernel selected, every code cell ran and succeeded,
// no error output, every output of our renderer drew plotly plots, a screenshot).
//
// Key: the notebook's path in examples/. Every examples/*.ipynb runs; a notebook in a
// subfolder runs only when it has an entry here (in this order).
// Value: options and/or checks.
//   minRendererOutputs: how many outputs of the Latent renderer (runs, fits, calibrations)
//                       the notebook must show at least (default 1);
//   timeoutMs:          how long "Run All" may take (default LATENT_E2E_RUN_TIMEOUT_MS or 180 s);
//   checks:             async functions (result, helpers) => void that throw (e.g.
//                       with node:assert) when something is wrong. `result` holds:
//                         cells      every cell: { index, kind, state, language, mimes,
//                                    executionLabel, statusText, firstLine }
//                         outputs    the webview's rendered outputs: { svgs, text, error, visible }
//                         views      the renderer's views in notebook order (lib/latent-views.mjs):
//                                    { kind, status, header, messages, tables, plots, ... }
//                         saved      the .ipynb as saved after the run (parsed JSON)
//                         seconds    how long Run All took
//                       `helpers` = { notebook, workbench, page, log, screenshotView(index, name) }.
//                       Checks run while the whole notebook is laid out.
//
// Example:
//   'eight-schools.ipynb': {
//     checks: [
//       async ({ outputs }) => {
//         assert.ok(outputs.some((o) => /theta\[8\]/.test(o.text)), 'theta[8] is summarised');
//       },
//     ],
//   },
import { checkConvergenceNotebook } from './checks/convergence.mjs';
import { checkEyesNotebook } from './checks/classic.mjs';
import { checkPlotsNotebook } from './checks/plots.mjs';
import {
  checkAnnealedNotebook,
  checkBernoulliNotebook,
  checkEmBoundNotebook,
  checkEvidenceNotebook,
  checkFaithfulNotebook,
  checkLassoNotebook, checkPpcaNotebook,
  checkMissingCovariateNotebook,
  checkOnlineEmNotebook,
  checkProbitNotebook,
} from './checks/em.mjs';
import { checkFaithfulVariationalNotebook, checkLdaVariationalNotebook, checkMatrixFactorisationNotebook, checkProbitVariationalNotebook, checkRegressionVariationalNotebook, checkStochasticVariationalNotebook } from './checks/vi.mjs';
import { checkBpmfNotebook } from './checks/bpmf.mjs';

export const EXAMPLE_CHECKS = {
  'diagnostics/convergence.ipynb': { minRendererOutputs: 4, checks: [checkConvergenceNotebook] },
  'diagnostics/plots-and-comparison.ipynb': { minRendererOutputs: 2, checks: [checkPlotsNotebook] },
  'classic-bugs/eyes/eyes.ipynb': { checks: [checkEyesNotebook] },
  'em/faithful-mixture.ipynb': { minRendererOutputs: 2, checks: [checkFaithfulNotebook] },
  'em/annealed-em.ipynb': { minRendererOutputs: 2, checks: [checkAnnealedNotebook] },
  'em/probit-augmentation.ipynb': { minRendererOutputs: 2, checks: [checkProbitNotebook] },
  'em/bernoulli-mixture.ipynb': { checks: [checkBernoulliNotebook] },
  'em/missing-covariate.ipynb': { checks: [checkMissingCovariateNotebook] },
  'em/evidence-hyperparameters.ipynb': { checks: [checkEvidenceNotebook] },
  'em/bayesian-lasso.ipynb': { minRendererOutputs: 2, checks: [checkLassoNotebook] },
  'em/ppca.ipynb': { checks: [checkPpcaNotebook] },
  // Its 100,000-row data file is made by `npm run data:mixture` (run.mjs does, into the copied examples).
  'em/em-bound.ipynb': { checks: [checkEmBoundNotebook] },
  'em/online-em.ipynb': { minRendererOutputs: 2, checks: [checkOnlineEmNotebook] },
  'vi/faithful-bayesian-mixture.ipynb': { checks: [checkFaithfulVariationalNotebook] },
  'vi/bayesian-regression.ipynb': { minRendererOutputs: 3, checks: [checkRegressionVariationalNotebook] },
  'vi/lda-topics.ipynb': { checks: [checkLdaVariationalNotebook] },
  'vi/probit-augmentation.ipynb': { minRendererOutputs: 3, checks: [checkProbitVariationalNotebook] },
  'vi/matrix-factorisation.ipynb': { minRendererOutputs: 2, checks: [checkMatrixFactorisationNotebook] },
  // Its data file too is made by run.mjs (`npm run data:mixture`, into the copied examples).
  'vi/svi-100k-mixture.ipynb': { minRendererOutputs: 2, checks: [checkStochasticVariationalNotebook] },
  // Its ratings are made by `npm run data:ratings` (run.mjs does, into the copied examples); one chain of 100 sweeps.
  'bpmf/bpmf.ipynb': { checks: [checkBpmfNotebook] },
};
