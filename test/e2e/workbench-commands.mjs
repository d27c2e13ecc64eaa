// End-to-end tests of the editor as the workbench (issue 12): palette commands on a model
// file (Check, Sample, Fit EM) with their data picked beside it, the results notebook they
// open (the model cell and its rendered output), a CodeLens click, and Cancel from the
// progress notification and from the status bar within a second. Registered by run.mjs.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { log, sleep } from './lib/log.mjs';
import os from 'node:os';
import { extensionHostOf, installExtension, startCodeServer, writeUserSettings } from './lib/code-server.mjs';
import { LATENT_MIMES, latentViews } from './lib/latent-views.mjs';
import { testNpmStart } from './checks/npmStart.mjs';

/** A model whose run never ends by itself: sampled from the palette, then cancelled. */
export const LONG_MODEL_FILE = '_e2e-long.bug';
// A thousand observations, so that it samples a few thousand iterations per second, as a real model
// does, rather than millions (whose draws would flood the editor while the test waits to cancel);
// thinned, so that its kept draws stay within the draws' memory limit.
export const LONG_MODEL = `model {
  mu ~ dnorm(0, 1.0E-4)
  for (i in 1:N) { y[i] ~ dnorm(mu, 1) }
}
data list(N = 1000, y = rep(1.2, 1000))
sample with gibbs(chains = 2, burnin = 0, iterations = 100000000, thin = 100, seed = 1)
`;
const PUMP = 'classic-bugs/pump/pump.bug';
// As in run.mjs: the engine answers a cancel in well under a second; the UI adds the click, VS Code's round trip and the polling.
const CANCEL_LIMIT_S = 1.5;
const STATUS_ITEM = '.statusbar-item[id="latent.latent-notebooks.latent.jobs"]';

/**
 * The tests, given the suite's context: `wb` (Workbench), `NotebookView`, `waitFor`,
 * `inspectNotebook(nb, name)` (screenshot and rendered views of the whole notebook) and `artifacts`.
 */
export function workbenchTests(t) {
  const page = () => t.wb().page;
  const shot = (name) => t.wb().screenshot(path.join(t.artifacts, `${name}.png`));

  async function openModelFile(file) {
    await t.wb().quickOpen(file);
    const mode = page().locator('.statusbar-item[id="status.editor.mode"]');
    await t.waitFor(async () => ((await mode.allTextContents())[0] ?? '').trim() === 'Latent', { timeoutMs: 20_000, message: `${file} did not open as a Latent document` });
  }

  /** The data quick pick a model without data lines asks: its title, the files offered and those preselected; Enter accepts. */
  async function acceptDataPick(model, screenshot) {
    const widget = page().locator('.quick-input-widget');
    await t.waitFor(async () => ((await widget.locator('.quick-input-title').allTextContents())[0] ?? '').includes(`Data for ${model}`), { timeoutMs: 15_000, message: `no data quick pick for ${model}` });
    const rows = widget.locator('.quick-input-list .monaco-list-row');
    const offered = (await rows.locator('.label-name').allTextContents()).map((s) => s.trim());
    const checked = [];
    for (let i = 0; i < (await rows.count()); i++) {
      const box = rows.nth(i).locator('input[type="checkbox"], .monaco-checkbox, .quick-input-list-checkbox').first();
      const on = await box.evaluate((el) => el.checked === true || el.classList.contains('checked') || el.getAttribute('aria-checked') === 'true').catch(() => false);
      if (on) checked.push(offered[i]);
    }
    log(`data pick for ${model}: offered ${JSON.stringify(offered)}, preselected ${JSON.stringify(checked)}`);
    if (screenshot) await shot(screenshot);
    await page().keyboard.press('Enter');
    await widget.waitFor({ state: 'hidden', timeout: 10_000 }).catch(() => {});
    return { offered, checked };
  }

  async function notificationTexts() {
    return (await page().locator('.notifications-toasts .notification-toast').allInnerTexts()).map((s) => s.replace(/\s+/g, ' ').trim());
  }

  /** Closes the active (untitled, dirty) results notebook without asking to save it. */
  async function closeResults() {
    await t.wb().runCommand('View: Revert and Close Editor');
  }

  /** After a test, passed or not: every untitled results notebook reverted and closed, so that no save dialog blocks the next test. */
  async function closeAllResults() {
    const untitled = page().locator('.tabs-container .tab', { has: page().locator('.label-name', { hasText: /^Untitled-\d+\.ipynb$/ }) });
    for (let i = 0; i < 10 && (await untitled.count().catch(() => 0)) > 0; i++) {
      await untitled.first().click().catch(() => {});
      await closeResults().catch(() => {});
    }
  }

  const cleaned = (fn) => async () => {
    try {
      await fn();
    } finally {
      await closeAllResults();
    }
  };

  /** The results notebook a command opens (untitled, beside the model), once its job ended: its cells and views, with a screenshot. */
  async function resultsNotebook(screenshot, mime, { timeoutMs = 120_000, codeCells = 1 } = {}) {
    await t.waitFor(async () => /^Untitled-\d+\.ipynb$/.test(((await page().locator('.tabs-container .tab.active .label-name').allTextContents()).at(-1) ?? '').trim()), {
      timeoutMs,
      message: 'no results notebook opened',
    });
    await page().waitForSelector('.notebook-editor', { state: 'attached', timeout: 60_000 });
    const nb = new t.NotebookView(t.wb(), 'Untitled.ipynb');
    await t.waitFor(async () => (await nb.root.locator('.monaco-list-row.code-cell-row').count()) > 0, { timeoutMs: 30_000, message: 'the results notebook shows no code cell' });
    // The job streams into the cell: wait until its execution has ended. A cell whose execution has not begun shows
    // no state either ('none'), which under load lasted past the outputs' drawing: wait for an ended state.
    await t.waitFor(async () => (await nb.cells()).every((c) => c.kind !== 'code' || ['success', 'error'].includes(c.state)), { timeoutMs, message: 'the results notebook\'s cell did not finish running' });
    const result = await t.inspectNotebook(nb, screenshot, { expectedSvgOutputs: codeCells });
    const code = result.cells.filter((c) => c.kind === 'code');
    assert.equal(code.length, codeCells, `the results notebook holds ${codeCells} code cell(s): the model`);
    assert.equal(code[0].language, 'latent', 'a latent cell, so that it can be rerun');
    // The renderer's views are read in the output webview: one per code cell, of the output's kind.
    const kind = Object.entries(LATENT_MIMES).find(([, m]) => m === mime)?.[0];
    const views = result.views.filter((v) => v.kind === kind);
    assert.ok(views.length >= codeCells, `each model cell shows its ${kind} output, drawn by the renderer (views: ${result.views.map((v) => v.kind).join(', ') || 'none'}; cell output types: ${code.map((c) => c.mimes.join(' ')).join('; ')})`);
    assert.ok(result.cells.some((c) => c.kind === 'markdown'), 'a note says where the model came from');
    return { nb, ...result, code: code[0] };
  }

  async function paletteOnPump() {
    await openModelFile(PUMP);

    await t.wb().runCommand('Latent: Check Model');
    const pick = await acceptDataPick('pump.bug', 'palette-data-pick');
    assert.ok(pick.offered.includes('data.R') && pick.offered.includes('inits.R'), 'the R dump files beside the model are offered');
    assert.deepEqual(pick.checked.sort(), ['data.R', 'inits.R'], 'data.R and inits.R are preselected');
    const checked = await t.waitFor(async () => (await notificationTexts()).find((n) => /pump\.bug with data\.R, inits\.R: no problems/.test(n)), { timeoutMs: 20_000, message: 'Check Model said nothing' });
    log(`check: ${checked}`);
    await shot('palette-check');
    await t.wb().dismissNotifications();

    await t.wb().runCommand('Latent: Sample Model…');
    await acceptDataPick('pump.bug');
    const sample = await resultsNotebook('palette-sample-results', LATENT_MIMES.run);
    const run = sample.views.find((v) => v.kind === 'run');
    assert.ok(run, `a run view is drawn (views: ${sample.views.map((v) => v.kind).join(', ')})`);
    assert.equal(run.status, 'complete', `the run completed (${run.status})`);
    assert.match(JSON.stringify(run.tables), /theta\[10\]/, 'the table lists theta[10]');
    assert.ok(sample.outputs.some((o) => o.svgs > 0), 'with its plots');
    assert.match(sample.code.firstLine, /Pump failures/, 'the model cell holds the file\'s text');
    assert.equal(sample.code.state, 'success', `the model cell ran on the Latent kernel (its state: ${sample.code.state}, "${sample.code.statusText}")`);

    await closeResults();
    await t.wb().closeAllEditors();
    await openModelFile(PUMP);
    await t.wb().runCommand('Latent: Export Draws…');
    await acceptDataPick('pump.bug');
    await resultsNotebook('palette-export-draws-results', LATENT_MIMES.run);
    const written = t.workspacePath('classic-bugs/pump/pump-draws');
    const files = await t.waitFor(async () => {
      const found = fs.existsSync(written) ? fs.readdirSync(written).sort() : [];
      return found.length === 4 ? found : null;
    }, { timeoutMs: 20_000, message: `Export Draws wrote no 4 chain files in ${written}` });
    assert.deepEqual(files, ['chain-1.csv', 'chain-2.csv', 'chain-3.csv', 'chain-4.csv']);
    const header = fs.readFileSync(path.join(written, 'chain-1.csv'), 'utf8').split('\n').find((l) => !l.startsWith('#'));
    assert.match(header, /^theta\.1,theta\.2,.*theta\.10/, `CmdStan column names (${header.slice(0, 80)})`);
    await closeResults();
    await t.wb().closeAllEditors();
    await openModelFile(PUMP);
    await t.wb().runCommand('Latent: Fit Model (EM)…');
    await acceptDataPick('pump.bug');
    const fit = await resultsNotebook('palette-fit-em-results', LATENT_MIMES.fit);
    const fitView = fit.views.find((v) => v.kind === 'fit');
    assert.ok(fitView, `a fit view is drawn (views: ${fit.views.map((v) => v.kind).join(', ')})`);
    assert.match(fitView.header, /converged|iteration/i, `the fit ended (${fitView.header})`);
    assert.match(JSON.stringify(fitView.tables), /alpha/, 'its estimates name alpha');
    await closeResults();
  }

  async function codeLensOnPump() {
    await openModelFile(PUMP);
    const lens = page().locator('.contentWidgets .codelens-decoration a', { hasText: /^Sample$/ });
    await t.waitFor(async () => (await lens.count()) > 0, { timeoutMs: 20_000, message: 'no Sample CodeLens above the model' });
    const titles = (await page().locator('.contentWidgets .codelens-decoration a').allTextContents()).map((s) => s.trim());
    log(`CodeLens: ${JSON.stringify(titles)}`);
    for (const title of ['Sample', 'Fit EM', 'Fit VI', 'Check', 'Calibrate']) assert.ok(titles.includes(title), `the CodeLens offers ${title} (shows ${JSON.stringify(titles)})`);
    await shot('codelens');
    await lens.first().click();
    const pick = await acceptDataPick('pump.bug');
    assert.deepEqual(pick.checked.sort(), ['data.R', 'inits.R'], 'the last choice for this model is remembered');
    const sample = await resultsNotebook('codelens-sample-results', LATENT_MIMES.run);
    assert.ok(sample.views.some((v) => v.kind === 'run' && v.status === 'complete'), 'the CodeLens run completed');
    await closeResults();
  }

  /** Starts the never-ending model from the palette and waits until it samples; returns the notification. */
  async function startLongRun() {
    await openModelFile(LONG_MODEL_FILE);
    await t.wb().runCommand('Latent: Sample Model…');
    const toast = page().locator('.notifications-toasts .notification-toast', { hasText: `Sampling ${LONG_MODEL_FILE}` });
    await t.waitFor(async () => /sampling · \d+% · [\d,.]+ it\/s/.test((await toast.allInnerTexts()).join(' ')), { timeoutMs: 30_000, message: 'no progress notification with percent and it/s' });
    await t.waitFor(async () => (await page().locator(STATUS_ITEM).count()) > 0 && (await page().locator(STATUS_ITEM).isVisible()), { timeoutMs: 10_000, message: 'no status-bar item while the job runs' });
    await sleep(2000);
    log(`notification: ${(await toast.allInnerTexts()).join(' ').replace(/\s+/g, ' ')}; status bar: ${(await page().locator(STATUS_ITEM).allInnerTexts()).join(' ')}`);
    return toast;
  }

  async function cancelled(how, cancel) {
    // Timed from the click's end: Playwright's own checks before it clicks (visible, stable, enabled) take seconds on a
    // loaded machine and are no part of how long the user waits for Stop.
    const beforeClick = Date.now();
    await cancel();
    const t0 = Date.now();
    await t.waitFor(async () => !(await page().locator(STATUS_ITEM).isVisible().catch(() => false)), { timeoutMs: 30_000, intervalMs: 50, message: `the job did not stop after ${how}` });
    const seconds = (Date.now() - t0) / 1000;
    log(`${how}: stopped after ${seconds.toFixed(2)} s (the click itself took ${((t0 - beforeClick) / 1000).toFixed(2)} s)`);
    assert.ok(seconds <= CANCEL_LIMIT_S, `${how} stops the run within ${CANCEL_LIMIT_S} s (took ${seconds.toFixed(2)} s)`);
    const result = await resultsNotebook(`cancel-${how.replace(/\W+/g, '-')}`, LATENT_MIMES.run);
    const view = (await latentViews(result.nb)).find((v) => v.kind === 'run');
    assert.match(view?.status ?? '', /cancelled/, `the results notebook shows the cancelled run (${view?.status})`);
    await closeResults();
  }

  async function cancelCommandRuns() {
    const toast = await startLongRun();
    await shot('cancel-notification');
    await cancelled('the notification\'s Cancel', () => toast.locator('.monaco-button', { hasText: 'Cancel' }).first().click());
    await t.wb().closeAllEditors();
    await startLongRun();
    await shot('cancel-status-bar');
    await cancelled('a click on the status bar', () => page().locator(STATUS_ITEM).click());
  }

  /** Quick Mixture from CSV on Old Faithful, K = 1 to 3: the notebook's first cell is the model BIC prefers, K = 2. */
  async function quickMixtureOnFaithful() {
    await t.wb().runCommand('Latent: Quick Mixture from CSV…');
    const input = page().locator('.quick-input-widget input');
    await input.waitFor({ state: 'visible' });
    await input.fill('faithful.csv');
    await t.wb().pickQuickInput('faithful.csv');
    const widget = page().locator('.quick-input-widget');
    await t.waitFor(async () => ((await widget.locator('.quick-input-title').allTextContents())[0] ?? '').includes('Columns of faithful.csv'), { timeoutMs: 15_000, message: 'no column pick' });
    const columns = (await widget.locator('.quick-input-list .label-name').allTextContents()).map((x) => x.trim());
    assert.deepEqual(columns, ['eruptions', 'waiting'], 'the numeric columns are offered');
    await shot('quick-mixture-columns');
    await page().keyboard.press('Enter');
    await t.waitFor(async () => ((await widget.locator('.quick-input-title').allTextContents())[0] ?? '').includes('components K'), { timeoutMs: 15_000, message: 'no K input' });
    await input.fill('1:3');
    await page().keyboard.press('Enter');
    const result = await resultsNotebook('quick-mixture-results', LATENT_MIMES.fit, { codeCells: 3, timeoutMs: 180_000 });
    assert.match(result.cells[0].firstLine, /A mixture of 2 multivariate normals on eruptions, waiting/, `the first cell is the model BIC prefers, K = 2 (${result.cells[0].firstLine})`);
    assert.equal(result.cells[1].kind, 'markdown', 'then the BIC/AIC table');
    const fits = result.views.filter((v) => v.kind === 'fit');
    assert.equal(fits.length, 3, 'one fit per K');
    // The K = 1 fit's flat objective once sent the static image's tick loop through ~850 MB of the host's memory.
    const host = extensionHostOf(t.serverPid());
    assert.ok(host && host.rssKb < 600 * 1024, `the extension host stays small after Quick Mixture (${host ? Math.round(host.rssKb / 1024) : '?'} MB resident)`);
    await closeResults();
  }

  /**
   * A workspace opened untrusted (Restricted Mode), in a code-server of its own with trust
   * on: the palette runs nothing and says why, a file outside the workspace folder is named
   * at its place in the Problems view, and a saved output still renders.
   */
  async function untrustedWorkspace() {
    const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'latent-e2e-untrusted-'));
    const userDataDir = path.join(tmp, 'user-data');
    const extensionsDir = path.join(tmp, 'extensions');
    const folder = path.join(tmp, 'untrusted');
    fs.mkdirSync(extensionsDir, { recursive: true });
    fs.cpSync(t.workspacePath('classic-bugs/pump'), folder, { recursive: true });
    fs.writeFileSync(path.join(folder, 'saved-output.ipynb'), savedOutputNotebook());
    fs.writeFileSync(path.join(folder, 'outside-data.ipynb'), outsideDataNotebook());
    fs.writeFileSync(path.join(tmp, 'outside.R'), 'hidden_in_file <- c(4, 2)\n');
    writeUserSettings(userDataDir, {
      'security.workspace.trust.enabled': true,
      'security.workspace.trust.startupPrompt': 'never',
      'security.workspace.trust.emptyWindow': false,
      'workbench.list.mouseWheelScrollSensitivity': 10,
    });
    installExtension(t.vsix, { extensionsDir, userDataDir });
    const server = await startCodeServer({ userDataDir, extensionsDir, folder, logFile: path.join(t.artifacts, 'code-server-untrusted.log'), workspaceTrust: true });
    const main = t.wb();
    const wb = new t.Workbench(main.browser, { url: server.url, folder });
    const local = { wb: () => wb };
    try {
      await wb.open();
      const restricted = wb.page.locator('.statusbar-item', { hasText: 'Restricted Mode' });
      await t.waitFor(async () => (await restricted.count()) > 0, { timeoutMs: 20_000, message: 'the workspace did not open in Restricted Mode' });

      // The palette: no data pick, no results notebook, a message saying why.
      await wb.quickOpen('pump.bug');
      await wb.runCommand('Latent: Sample Model…');
      const toast = wb.page.locator('.notifications-toasts .notification-toast', { hasText: 'untrusted workspace' });
      await t.waitFor(async () => (await toast.count()) > 0, { timeoutMs: 15_000, message: 'no message saying why nothing runs' });
      const said = (await toast.first().innerText()).replace(/\s+/g, ' ');
      log(`untrusted: ${said}`);
      assert.match(said, /runs no model and reads no data file in an untrusted workspace \(Restricted Mode\)/);
      await sleep(3000);
      assert.equal(await wb.page.locator('.quick-input-widget').filter({ visible: true }).count(), 0, 'no data quick pick');
      assert.equal(await wb.page.locator('.tabs-container .tab .label-name', { hasText: /^Untitled/ }).count(), 0, 'no results notebook');
      await wb.screenshot(path.join(t.artifacts, 'untrusted-palette.png'));
      await wb.dismissNotifications();

      // A saved output still renders.
      const nb = await wb.openNotebook('saved-output.ipynb');
      const views = await t.waitFor(async () => {
        const found = await latentViews(nb);
        return found.length > 0 && found[0].plots.length > 0 && found[0].undrawn === 0 ? found : null;
      }, { timeoutMs: 60_000, message: 'the saved output was not drawn' });
      assert.equal(views[0].status, 'complete');
      await wb.screenshot(path.join(t.artifacts, 'untrusted-saved-output.png'));
      Object.assign(local, { nb });

      // A cell that reads a file outside the workspace folder (VS Code itself asks for trust before any cell runs
      // here): the checks as you type name the file at its place, read nothing, and show nothing of it.
      await wb.openNotebook('outside-data.ipynb');
      const rows = await t.waitFor(async () => {
        const found = await wb.problems();
        return found.some((r) => /workspace folder/.test(r)) ? found : null;
      }, { timeoutMs: 30_000, message: 'the Problems view did not name the file outside the workspace folder' }).catch(async (e) => {
        await wb.screenshot(path.join(t.artifacts, 'untrusted-outside-file.FAILED.png'));
        throw e;
      });
      log(`untrusted problems: ${JSON.stringify(rows)}`);
      const row = rows.find((r) => /workspace folder/.test(r));
      assert.match(row, /'\.\.\/outside\.R' is outside the notebook's workspace folder: reading it needs a trusted workspace\./);
      assert.match(row, /\[Ln 5, Col 11\]/, 'at the file name in the cell');
      assert.ok(rows.every((r) => !/hidden_in_file/.test(r)), 'nothing of the file is shown');
      await wb.screenshot(path.join(t.artifacts, 'untrusted-outside-file.png'));
    } finally {
      await wb.context?.close().catch(() => {});
      await server.stop();
      fs.rmSync(tmp, { recursive: true, force: true });
    }
  }

  /** `npm start` in a page of its own beside the test's workbench. */
  async function npmStart() {
    const own = await t.wb().context.newPage();
    try {
      await testNpmStart({ vsix: t.vsix, page: own, screenshot: () => own.screenshot({ path: path.join(t.artifacts, 'npm-start.png'), timeout: 60_000 }) });
    } finally {
      await own.close().catch(() => {});
    }
  }

  return [
    ['palette: Check, Sample, Export Draws and Fit EM on pump.bug open their results notebooks', cleaned(paletteOnPump), 8 * 60_000],
    ['a CodeLens above the model samples it', cleaned(codeLensOnPump), 4 * 60_000],
    ['a palette run is cancelled from its notification and from the status bar within a second', cleaned(cancelCommandRuns), 4 * 60_000],
    ['Quick Mixture from CSV on Old Faithful prefers K = 2 by BIC', cleaned(quickMixtureOnFaithful), 5 * 60_000],
    ['an untrusted workspace runs nothing, says why, names files outside its folder, and still draws saved outputs', untrustedWorkspace, 4 * 60_000],
    ['npm start prints the address of a VS Code serving examples/ with the extension', npmStart, 4 * 60_000],
  ];
}

/** A notebook whose cell reads a data file beside the workspace folder, for the untrusted workspace. */
function outsideDataNotebook() {
  return JSON.stringify({
    cells: [{ cell_type: 'code', execution_count: null, metadata: { vscode: { languageId: 'latent' } }, outputs: [], source: ['model {\n', '  for (i in 1:2) { y[i] ~ dnorm(mu, 1) }\n', '  mu ~ dnorm(0, 1)\n', '}\n', 'data from "../outside.R"\n'] }],
    metadata: { language_info: { name: 'latent' } },
    nbformat: 4,
    nbformat_minor: 5,
  }, null, 1);
}

/** A notebook saved with one run output (as the renderer's schema has it), for the untrusted workspace. */
function savedOutputNotebook() {
  const iterations = Array.from({ length: 50 }, (_, i) => i + 1);
  const node = (name, offset) => ({
    name,
    sampler: 'conjugate gamma',
    draws: 50,
    summary: { mean: offset, sd: 0.7, 'q2.5': offset - 1.2, q25: offset - 0.5, q50: offset, q75: offset + 0.5, 'q97.5': offset + 1.2 },
    trace: { iterations, chains: [0, 1].map((c) => iterations.map((i) => offset + Math.sin(i / 7 + c))) },
    histogram: { edges: Array.from({ length: 11 }, (_, i) => offset - 1 + i * 0.25), counts: [1, 3, 6, 10, 14, 14, 10, 6, 3, 1] },
  });
  const output = {
    schema: 'latent.run/1',
    status: 'complete',
    settings: { algorithm: 'gibbs', chains: 2, burnin: 500, iterations: 1000, thin: 1, seed: 1, monitor: [] },
    progress: { done: 3000, total: 3000 },
    nodes: [node('alpha', 0.7), node('beta', 0.9)],
    messages: [],
    timings: { compileMs: 10, sampleMs: 500, totalMs: 510 },
  };
  return JSON.stringify({
    cells: [{
      cell_type: 'code',
      execution_count: 1,
      metadata: { vscode: { languageId: 'latent' } },
      outputs: [{ output_type: 'display_data', data: { [LATENT_MIMES.run]: output, 'text/plain': 'a saved run' }, metadata: {} }],
      source: ['model {\n', '  alpha ~ dexp(1)\n', '  beta ~ dgamma(0.1, 1)\n', '}\n'],
    }],
    metadata: { language_info: { name: 'latent' } },
    nbformat: 4,
    nbformat_minor: 5,
  }, null, 1);
}
