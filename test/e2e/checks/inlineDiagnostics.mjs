// Inline convergence diagnostics (issue 12): the two sampled models of
// examples/diagnostics/convergence.ipynb, a mixture without an ordering
// constraint (its chains settle on swapped labels) and a healthy hierarchical
// model, in a notebook of their own (so that the example's calibrations are not
// rerun). After running both cells: warnings squiggled on the mixture means'
// statements and listed in the Problems view with their lines, none in the healthy
// model; a hover on a node shows its latest results; the ordering quick fix
// rewrites mu[2]'s statement; after a rerun the warnings are gone.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';

const EXAMPLE = 'diagnostics/convergence.ipynb';

/** The example's two `sample` cells, mixture first (sources as text). */
export function convergenceRunCells(examplesDir) {
  const notebook = JSON.parse(fs.readFileSync(path.join(examplesDir, EXAMPLE), 'utf8'));
  const sources = notebook.cells.filter((c) => c.cell_type === 'code').map((c) => [].concat(c.source).join(''));
  const runs = sources.filter((s) => /^\s*sample with gibbs/m.test(s));
  assert.equal(runs.length, 2, `${EXAMPLE} has two sample cells`);
  assert.match(runs[0], /model mixture/, 'the first is the mixture');
  return runs;
}

/** Where the means' statements are in the mixture cell (1-based lines and columns, as the Problems view shows them). */
function statementPlaces(source) {
  const lines = source.split('\n');
  const find = (text) => {
    const line = lines.findIndex((l) => l.includes(text));
    assert.ok(line >= 0, `the mixture cell has "${text}"`);
    return { line: line + 1, column: lines[line].indexOf(text) + 1 };
  };
  return { mu1: find('mu[1] ~'), mu2: find('mu[2] ~'), p: find('p[1:2] ~') };
}

/**
 * @param helpers { wb: the Workbench, nb: the opened NotebookView of the two cells, sources: their texts, kernel,
 *   settingsFile: the workspace's .vscode/settings.json (the inlay hints are turned on there, then off), artifacts: the screenshots folder, log, waitFor }
 */
export async function testInlineDiagnostics({ wb, nb, sources, kernel, settingsFile, artifacts, log, waitFor }) {
  const shot = (name) => wb.screenshot(path.join(artifacts, `${name}.png`));
  const places = statementPlaces(sources[0]);
  await nb.ensureKernel(kernel);
  const before = await nb.state();
  await wb.runCommand('Notebook: Run All');
  await nb.waitExecutionDone({ timeoutMs: 180_000, before });
  const convergenceRows = async () => (await wb.problems()).filter((r) => /label switching|R-hat|effective sample size|never moved/.test(r));

  // (1) The markers: warnings on the means' and the weights' statements of the mixture.
  const rows = await waitFor(async () => {
    const found = await convergenceRows();
    return found.length >= 3 ? found : null;
  }, { timeoutMs: 20_000, intervalMs: 1000, message: 'the Problems view lists no convergence warnings for the mixture' });
  log(`convergence problems: ${JSON.stringify(rows)}`);
  await shot('inline-diagnostics-problems');
  for (const [what, at] of [['mu[1]', places.mu1], ['mu[2]', places.mu2], ['p[1], p[2]', places.p]]) {
    const row = rows.find((r) => r.includes(`[Ln ${at.line}, Col ${at.column}]`));
    assert.ok(row, `a warning at the statement of ${what}, line ${at.line}, column ${at.column} (rows: ${JSON.stringify(rows)})`);
    assert.match(row, /label switching/, `it names the label switching (${row})`);
    assert.ok(row.startsWith(what) || row.includes(`${what}:`), `it names ${what} (${row})`);
    assert.match(row, /latent/, "its source is 'latent'");
  }
  assert.ok(!rows.some((r) => /theta|tau\.|\bmu:/.test(r)), `nothing about the healthy model's nodes (rows: ${JSON.stringify(rows)})`);
  await wb.hidePanel();

  // The squiggles: warnings in the mixture's cell, none in the healthy model's (below the
  // mixture's tall output: the whole notebook is laid out to see both cells).
  await nb.withWholeNotebookVisible(async () => {
    const mixtureSquiggles = await waitFor(async () => {
      const found = await nb.squiggles(0, 'warning');
      return found.length >= 3 ? found : null;
    }, { timeoutMs: 10_000, message: 'no warning squiggles in the mixture cell' });
    const means = await nb.textBox(0, 'mu[1] ~ dnorm(0, 0.01)');
    assert.ok(mixtureSquiggles.some((s) => Math.abs(s.x - means.x) <= 2 && s.y + s.height / 2 >= means.y && s.y <= means.y + means.height + 4), "a squiggle under mu[1]'s statement");
    assert.ok(await nb.textBox(1, 'model groups'), "the healthy model's cell is laid out");
    assert.deepEqual(await nb.squiggles(1, 'warning'), [], 'no warning squiggle in the healthy model');
    assert.deepEqual(await nb.squiggles(1, 'info'), [], 'no information squiggle in the healthy model');
    await wb.page.mouse.move(1, 1);
    await shot('inline-diagnostics-squiggles');
  });

  // (2) A hover on tau in the mixture: its latest results.
  const tau = await nb.textBox(0, 'tau ~ dgamma');
  const page = wb.page;
  const hover = await waitFor(
    async () => {
      await page.mouse.move(tau.x + 6, tau.y - 40);
      await page.mouse.move(tau.x + 6, tau.y + tau.height / 2, { steps: 4 });
      const shown = await waitFor(async () => (await wb.hoverText()) || null, { timeoutMs: 3_000, message: 'no hover' }).catch(() => '');
      return /Latest run/.test(shown) ? shown : null;
    },
    { timeoutMs: 20_000, intervalMs: 500, message: 'no hover with the latest results over tau' },
  );
  log(`hover: ${JSON.stringify(hover.slice(0, 300))}`);
  assert.match(hover, /conjugate gamma/, "the hover names tau's sampler");
  assert.match(hover, /R-hat/, 'and its R-hat');
  await shot('inline-diagnostics-hover');
  await page.mouse.move(1, 1);

  // (3) The ordering quick fix on mu[2]'s statement.
  const mu2 = await nb.textBox(0, 'mu[2] ~ dnorm(0, 0.01)');
  // The cursor in the statement (no Escape after it: in a cell, Escape leaves the editor).
  await page.mouse.click(mu2.x + 4, mu2.y + mu2.height / 2);
  const offered = await wb.quickFix(/Break the label switching: order mu/);
  assert.ok(offered.some((t) => /More chains/.test(t)), `"more chains" is offered too (${JSON.stringify(offered)})`);
  await waitFor(() => nb.textBox(0, 'mu[2] <- mu[1] + mu.gap'), { timeoutMs: 10_000, message: 'the quick fix did not rewrite mu[2]' });
  assert.ok(await nb.textBox(0, 'mu.gap ~ dnorm(0, 0.01) T(0,)'), 'and added the positive gap');
  await shot('inline-diagnostics-quick-fix');

  // (4) Rerun: the chains agree on the ordered labels, and the warnings are gone.
  const beforeRerun = await nb.state();
  await nb.runCell(0);
  await nb.waitExecutionDone({ timeoutMs: 180_000, before: beforeRerun });
  await waitFor(async () => (await nb.squiggles(0, 'warning')).length === 0, { timeoutMs: 15_000, message: 'warning squiggles stayed in the mixture cell after the rerun' });
  const after = await convergenceRows();
  log(`convergence problems after the fix: ${JSON.stringify(after)}`);
  assert.deepEqual(after, [], 'no convergence warnings after the ordering and a rerun');
  await shot('inline-diagnostics-after-fix');
  await wb.hidePanel();

  // (5) The opt-in inlay hints: `mean ± sd` at the end of the lines that define one monitored scalar.
  // In the workspace's settings (.vscode/settings.json), which VS Code watches as a file of the folder.
  const original = fs.existsSync(settingsFile) ? fs.readFileSync(settingsFile, 'utf8') : undefined;
  const folderMade = !fs.existsSync(path.dirname(settingsFile));
  fs.mkdirSync(path.dirname(settingsFile), { recursive: true });
  fs.writeFileSync(settingsFile, JSON.stringify({ ...JSON.parse(original ?? '{}'), 'latent.results.inlayHints': true }, null, 2));
  try {
    const hintedLines = () =>
      nb.row(0).evaluate((row) => [...row.querySelectorAll('.view-lines .view-line')].map((l) => l.textContent.replace(/\u00a0/g, ' ')).filter((t) => t.includes('±')));
    const hinted = await waitFor(async () => {
      const lines = await hintedLines();
      return lines.length ? lines : null;
    }, { timeoutMs: 20_000, intervalMs: 500, message: 'no inlay hint with ± in the mixture cell after turning latent.results.inlayHints on' });
    log(`inlay hints: ${JSON.stringify(hinted)}`);
    assert.ok(hinted.some((l) => /^\s*tau ~ dgamma\(2, 2\)\s*\d\.\d+ ± 0\.\d+/.test(l)), `tau's line ends with its mean ± sd (${JSON.stringify(hinted)})`);
    await page.mouse.move(1, 1);
    await shot('inline-diagnostics-inlay-hints');
  } finally {
    if (original !== undefined) fs.writeFileSync(settingsFile, original);
    else fs.rmSync(folderMade ? path.dirname(settingsFile) : settingsFile, { recursive: true });
  }
}

// ---------------------------------------------------------------- checks as you type that read data files
/** The data file beside the as-you-type notebook: what a run of its first cell reads. */
export const DATA_CHECK_FILE = { name: '_e2e-data.R', text: 'N <- 3\ny <- c(1.2, 0.8, 1.9)\n' };
/** One problem per cell, each only a run would have found before: a misspelt name, a missing file, an unknown option, an index past the data's length. */
export const DATA_CHECK_CELLS = [
  `model {\n  for (i in 1:N) { y[i] ~ dnorm(mu, tua) }\n  mu ~ dnorm(0, 1)\n  tau ~ dgamma(1, 1)\n}\ndata from "${DATA_CHECK_FILE.name}"`,
  `model {\n  for (i in 1:N) { y[i] ~ dnorm(mu, 1) }\n  mu ~ dnorm(0, 1)\n}\ndata from "_e2e-no-such-file.R"`,
  `model {\n  for (i in 1:N) { y[i] ~ dnorm(mu, 1) }\n  mu ~ dnorm(0, 1)\n}\ndata from "${DATA_CHECK_FILE.name}"\nfit with em(restart = 5)`,
  // The data file gives 3 values of y: the loop reads y[4].
  `model {\n  for (i in 1:(N + 1)) { y[i] ~ dnorm(mu, 1) }\n  mu ~ dnorm(0, 1)\n}\ndata from "${DATA_CHECK_FILE.name}"`,
];
const EXPECTED_PROBLEMS = [
  { text: "Unknown name 'tua': it is neither data nor defined in the model. Did you mean 'tau'?", line: 2, column: 37 },
  { text: "Cannot read data file '_e2e-no-such-file.R'", line: 5, column: 11 },
  { text: "Unknown option 'restart' for fit. Did you mean 'restarts'?", line: 6, column: 13 },
  { text: "Index out of range: this index of 'y' reaches 4, but the data give 3 values.", line: 2, column: 28 },
];

/**
 * Opens the notebook of DATA_CHECK_CELLS (not run; in `folder`) and reads the four problems from the
 * Problems view, at their places; then creates the missing file and sees its problem go.
 */
export async function testDataChecksAsYouType({ wb, nb, folder, artifacts, log, waitFor }) {
  const rows = await waitFor(
    async () => {
      const shown = await wb.problems();
      return EXPECTED_PROBLEMS.every((p) => shown.some((r) => r.includes(p.text))) ? shown : null;
    },
    { timeoutMs: 30_000, intervalMs: 1000, message: 'the Problems view does not list the four problems of the data checks' },
  ).catch(async (e) => {
    throw new Error(`${e.message}; it shows ${JSON.stringify(await wb.problems())}`);
  });
  log(`problems: ${JSON.stringify(rows)}`);
  for (const p of EXPECTED_PROBLEMS) {
    const row = rows.find((r) => r.includes(p.text));
    assert.match(row, new RegExp(`\\[Ln ${p.line}, Col ${p.column}\\]`), `"${p.text}" at line ${p.line}, column ${p.column} (${row})`);
  }
  assert.ok(!rows.some((r) => /Unknown name '(N|y)'/.test(r)), `the names the data file gives are known (${JSON.stringify(rows)})`);
  await wb.screenshot(path.join(artifacts, 'data-checks-as-you-type.png'));
  // Squiggled in the cells too: the misspelt name in the first.
  assert.equal((await nb.squiggles(0)).length, 1, 'one squiggle in the first cell');

  // The missing file appears on disk: its problem goes without an edit of the cell.
  fs.writeFileSync(path.join(folder, '_e2e-no-such-file.R'), DATA_CHECK_FILE.text);
  await waitFor(async () => !(await wb.problems()).some((r) => r.includes(EXPECTED_PROBLEMS[1].text)), {
    timeoutMs: 20_000,
    intervalMs: 1000,
    message: 'the missing-file problem stayed after the file was created',
  });
  log('the created data file cleared its problem');
  await wb.hidePanel();
}
