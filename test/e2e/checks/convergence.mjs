// examples/diagnostics/convergence.ipynb (issue 5): a mixture without an ordering constraint
// (4 chains that settle on swapped labels) and a conjugate hierarchical normal model, each
// followed by its simulation-based calibration. What the renderer must show: the mixture's
// R-hat flagged in the warning colour with the label-switching mark ⇄ and its warning, a
// note under the table; nothing flagged for the healthy model; per calibration, rank
// histograms over the uniform band with their p-values, the mixture's means rejected and
// the healthy model's nodes not.
import assert from 'node:assert/strict';
import { rowsByName, shownNumber } from '../lib/latent-views.mjs';

const RHAT_LIMIT = 1.01;
const ESS_LIMIT = 400;
/** The notebook's calibrate cells: sbc(simulations = 200, draws = 99, bins = 10, ...). */
const SIMULATIONS = 200;
const BINS = 10;
/** Nodes per page of an SBC view (sbcView.ts SBC_PAGE_SIZE): the table and the histograms show the same page. */
const MAX_SBC_PLOTS = 50;
const SWITCHING = ['mu[1]', 'mu[2]', 'p[1]', 'p[2]'];

const flaggedCells = (view) =>
  view.tables.flatMap((t) => t.rows.flatMap((cells) => cells.filter((c) => c.flagged).map((c) => `${cells[0].text}: ${c.text}`)));

function checkMixtureRun(view) {
  assert.equal(view.status, 'complete', `the mixture's run completed (${view.header})`);
  const rows = rowsByName(view);
  for (const name of SWITCHING) {
    const row = rows.get(name);
    assert.ok(row, `the mixture's table has ${name} (rows: ${[...rows.keys()].join(', ')})`);
    const rhat = row['R-hat'];
    assert.ok(rhat.flagged, `${name}: R-hat ${rhat.text} is flagged`);
    assert.ok(shownNumber(rhat.text) >= RHAT_LIMIT, `${name}: R-hat ${rhat.text} ≥ ${RHAT_LIMIT}`);
    assert.match(rhat.text, /⇄/, `${name}: R-hat carries the label-switching mark`);
    assert.match(rhat.title, /label switching/, `${name}: hovering its R-hat says why (${rhat.title})`);
    assert.equal(rhat.color, view.warningColor, `${name}: the flagged R-hat is in the warning colour`);
    assert.ok(row['ESS bulk'].flagged && shownNumber(row['ESS bulk'].text) < ESS_LIMIT, `${name}: bulk ESS ${row['ESS bulk'].text} is flagged`);
  }
  const tau = rows.get('tau');
  assert.ok(tau, 'the mixture table has tau');
  assert.deepEqual(Object.values(tau).filter((c) => c.flagged).map((c) => c.text), [], 'tau, which does not depend on the labels, is not flagged');
  assert.ok(shownNumber(tau['R-hat'].text) < RHAT_LIMIT, `tau's R-hat ${tau['R-hat'].text} < ${RHAT_LIMIT}`);
  assert.notEqual(tau['R-hat'].color, view.warningColor, "an unflagged R-hat is not in the warning colour");

  const warning = view.messages.find((m) => m.severity === 'warning' && /label switching/.test(m.text));
  assert.ok(warning, `a warning names the label switching (messages: ${JSON.stringify(view.messages)})`);
  assert.match(warning.text, /mu\[1\], mu\[2\]/, 'the warning names the nodes');
  assert.match(view.diagnosticsNote, /R-hat ≥ 1\.01/, `the note under the table explains the flags (${view.diagnosticsNote})`);
  assert.match(view.diagnosticsNote, /⇄ label switching/, 'and the ⇄ mark');
  // One trace plot and one histogram per monitored scalar, four chains in each trace.
  const traces = view.plots.filter((p) => /latent-trace/.test(p.className));
  assert.equal(traces.length, rows.size, `a trace plot per node (${traces.length} for ${rows.size} nodes)`);
  assert.ok(traces.every((p) => p.lines >= 4), `every trace shows the 4 chains (${traces.map((p) => p.lines).join(', ')} lines)`);
}

function checkHealthyRun(view) {
  assert.equal(view.status, 'complete', `the hierarchical model's run completed (${view.header})`);
  const rows = rowsByName(view);
  for (const name of ['mu', 'tau.theta', 'tau.y', 'theta[1]', 'theta[6]']) assert.ok(rows.has(name), `the table has ${name}`);
  assert.deepEqual(flaggedCells(view), [], 'nothing is flagged for the healthy model');
  for (const [name, row] of rows) {
    assert.ok(shownNumber(row['R-hat'].text) < RHAT_LIMIT, `${name}: R-hat ${row['R-hat'].text} < ${RHAT_LIMIT}`);
    assert.doesNotMatch(row['R-hat'].text, /⇄/, `${name}: no label-switching mark`);
    for (const ess of ['ESS bulk', 'ESS tail']) assert.ok(shownNumber(row[ess].text) >= ESS_LIMIT, `${name}: ${ess} ${row[ess].text} ≥ ${ESS_LIMIT}`);
  }
  assert.equal(view.diagnosticsNote, '', 'no note under the table');
  assert.deepEqual(view.messages.filter((m) => m.severity !== 'info'), [], 'no warnings');
}

/** A calibration view: its header, table and one rank histogram per node (up to the cap) over the band. */
function checkCalibration(view, what) {
  assert.equal(view.status, 'complete', `${what}: the calibration completed (${view.header})`);
  assert.match(view.header, new RegExp(`${SIMULATIONS} of ${SIMULATIONS} simulations`), `${what}: every simulation ran (${view.header})`);
  const [table] = view.tables;
  assert.deepEqual(table.headers, ['node', 'sampler', 'χ²', 'df', 'p-value'], `${what}: the test table's columns`);
  const rows = rowsByName(view);
  for (const [name, row] of rows) {
    const p = shownNumber(row['p-value'].text);
    assert.ok(p >= 0 && p <= 1, `${what}: ${name} has a p-value (${row['p-value'].text})`);
  }
  const histograms = view.plots.filter((p) => /latent-sbc-plot/.test(p.className));
  assert.equal(histograms.length, Math.min(rows.size, MAX_SBC_PLOTS), `${what}: one rank histogram per node (up to ${MAX_SBC_PLOTS})`);
  for (const h of histograms) {
    assert.ok(h.drawn && h.bars > 0, `${what}: ${h.caption}: bars drawn`);
    // Per bin, a rectangle of the band and a dashed line at the expected count.
    assert.ok(h.shapes >= 2 * BINS, `${what}: ${h.caption}: the uniform band and expected count are drawn (${h.shapes} shapes)`);
    assert.match(h.caption, /· p = \S+/, `${what}: the histogram's caption gives the p-value (${h.caption})`);
  }
  return rows;
}

export async function checkConvergenceNotebook({ views }, { log, screenshotView }) {
  assert.deepEqual(views.map((v) => v.kind), ['run', 'sbc', 'run', 'sbc'], 'a run and a calibration per model, in order');
  const [mixtureRun, mixtureSbc, healthyRun, healthySbc] = views;
  const names = ['convergence-mixture-run', 'convergence-mixture-sbc', 'convergence-healthy-run', 'convergence-healthy-sbc'];
  for (const [i, name] of names.entries()) await screenshotView(i, name);

  checkMixtureRun(mixtureRun);
  checkHealthyRun(healthyRun);

  const mixture = checkCalibration(mixtureSbc, 'mixture');
  for (const name of ['mu[1]', 'mu[2]']) {
    const row = mixture.get(name);
    assert.ok(row['p-value'].flagged, `mixture: ${name}'s ranks are flagged as not uniform (p = ${row['p-value'].text})`);
    assert.equal(row.sampler.text, 'block normal (2)', `mixture: ${name}'s sampler`);
  }
  assert.equal(mixture.get('z[1]')?.sampler.text, 'finite enumeration', "mixture: the indicators' sampler");
  assert.equal(mixture.get('p[1]')?.sampler.text, 'conjugate dirichlet', "mixture: the weights' sampler");
  assert.ok(!mixture.get('tau')['p-value'].flagged, `mixture: tau's ranks are uniform (p = ${mixture.get('tau')['p-value'].text})`);
  assert.match(mixtureSbc.note, /not uniform/, `mixture: the verdict names the failing nodes (${mixtureSbc.note.slice(0, 120)})`);

  const healthy = checkCalibration(healthySbc, 'hierarchical');
  assert.deepEqual(flaggedCells(healthySbc), [], 'hierarchical: no node is flagged');
  assert.match(healthySbc.note, /consistent with uniform/, `hierarchical: the verdict (${healthySbc.note})`);
  assert.equal(healthy.get('tau.theta')?.sampler.text, 'conjugate gamma');
  assert.equal(healthy.get('theta[1]')?.sampler.text, 'conjugate normal');
  log(
    `convergence: mixture R-hat ${SWITCHING.map((n) => rowsByName(mixtureRun).get(n)['R-hat'].text).join(' ')}; ` +
      `SBC p-values mixture mu[1] ${mixture.get('mu[1]')['p-value'].text}, tau ${mixture.get('tau')['p-value'].text}; ` +
      `hierarchical min ${Math.min(...[...healthy.values()].map((r) => shownNumber(r['p-value'].text)))}`,
  );
}
