// A classic BUGS example run in VS Code (issue 4): examples/classic-bugs/eyes/eyes.ipynb, a
// two-component normal mixture (dcat indicators, ddirch weights, dinterval keeping both
// groups non-empty, a truncated-normal gap between the ordered means). The summary table
// must list every monitored node with the sampler the engine chose, unflagged, and every
// posterior mean must pass JAGS's rule against the reference run.
import assert from 'node:assert/strict';
import { LATENT_MIMES, rowsByName, savedOutputs, shownNumber } from '../lib/latent-views.mjs';

/**
 * JAGS's reference run (test/fixtures/classic-bugs/eyes/bench.R, "benchstats": Mean and SD),
 * copied here so that the e2e suite reads nothing outside its own folder.
 */
const EYES_BENCH = {
  'P[1]': { mean: 0.5994429576, sd: 0.0990720457214025 },
  'P[2]': { mean: 0.400557042185, sd: 0.0990720430764442 },
  'lambda[1]': { mean: 536.804023499999, sd: 1.03330045623922 },
  'lambda[2]': { mean: 548.768464000001, sd: 1.48279418598907 },
  sigma: { mean: 3.83709772, sd: 0.79060374359289 },
};
/** The sampler of each monitored node (lambda[2] and sigma are functions of sampled nodes). */
const EYES_SAMPLERS = {
  'P[1]': 'conjugate dirichlet',
  'P[2]': 'conjugate dirichlet',
  'lambda[1]': 'conjugate normal',
  'lambda[2]': 'deterministic',
  sigma: 'deterministic',
};
// As test/unit/classic/classicBugs.test.ts: |mean − bench mean| ≤ 0.15 · bench SD + 3 · MCSE,
// JAGS's rule plus three Monte-Carlo standard errors of our run's mean (from its own draws:
// the output's diagnostics.mcse_mean), so a correct sampler fails it with probability < 0.3 %.
const Z = 3;

export async function checkEyesNotebook({ views, saved }, { log, screenshotView }) {
  assert.deepEqual(views.map((v) => v.kind), ['run'], 'one run');
  const [view] = views;
  await screenshotView(0, 'eyes-run');
  assert.equal(view.status, 'complete', `the run completed (${view.header})`);
  const rows = rowsByName(view);
  assert.deepEqual([...rows.keys()], Object.keys(EYES_BENCH), 'the summary table lists the monitored nodes');
  const [output] = savedOutputs(saved, LATENT_MIMES.run);
  assert.ok(output, 'the saved notebook holds the run output');
  const nodes = new Map(output.nodes.map((n) => [n.name, n]));
  const lines = [];
  for (const [name, bench] of Object.entries(EYES_BENCH)) {
    const row = rows.get(name);
    assert.equal(row.sampler.text, EYES_SAMPLERS[name], `${name}: sampler`);
    assert.deepEqual(Object.values(row).filter((c) => c.flagged).map((c) => c.text), [], `${name}: nothing flagged`);
    const node = nodes.get(name);
    assert.ok(node, `${name} is in the saved output`);
    const mean = node.summary.mean;
    // The table shows the mean to 4 significant digits.
    assert.ok(Math.abs(shownNumber(row.mean.text) - mean) <= 5e-4 * Math.abs(mean), `${name}: the table shows the mean ${mean} (${row.mean.text})`);
    const allowed = 0.15 * bench.sd + Z * node.diagnostics.mcse_mean;
    const off = Math.abs(mean - bench.mean);
    lines.push(`${name} ${mean.toPrecision(6)} (bench ${bench.mean.toPrecision(6)}, |Δ| ${(off / bench.sd).toFixed(3)} SD)`);
    assert.ok(off <= allowed, `${name}: mean ${mean} within ${allowed.toPrecision(3)} of JAGS's ${bench.mean}`);
  }
  log(`eyes: ${lines.join('; ')}`);
}
