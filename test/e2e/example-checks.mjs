// Extra end-to-end checks for particular examples, on top of the checks that every
// example gets in run.mjs (Latent kernel selected, every code cell ran and succeeded,
// no error output, every output of our renderer drew plotly plots, a screenshot).
//
// Key: the notebook's file name in examples/. Value: options and/or checks.
//   minRendererOutputs: how many outputs of MIME application/vnd.latent.run+json
//                       the notebook must show at least (default 1);
//   timeoutMs:          how long "Run All" may take (default LATENT_E2E_RUN_TIMEOUT_MS or 180 s);
//   checks:             async functions (result, helpers) => void that throw (e.g.
//                       with node:assert) when something is wrong. `result` holds:
//                         cells      every cell: { index, kind, state, language, mimes,
//                                    executionLabel, statusText, firstLine }
//                         outputs    the webview's rendered outputs: { svgs, text, error, visible }
//                         saved      the .ipynb as saved after the run (parsed JSON)
//                         seconds    how long Run All took
//                       `helpers` = { notebook, workbench, page, log }.
//
// Example:
//   'eight-schools.ipynb': {
//     checks: [
//       async ({ outputs }) => {
//         assert.ok(outputs.some((o) => /theta\[8\]/.test(o.text)), 'theta[8] is summarised');
//       },
//     ],
//   },
export const EXAMPLE_CHECKS = {};
