#!/usr/bin/env node
// End-to-end tests (`npm run test:e2e`, after `npm run package`): the packaged
// extension, latent-notebooks.vsix, installed into a real VS Code (code-server,
// VS Code's server and web workbench) and driven through Debian's Chromium.
//
// For every examples/*.ipynb, and every notebook in a subfolder that example-checks.mjs
// names (examples/diagnostics/convergence.ipynb, a classic BUGS example, the EM
// examples): open it (Quick Open), make sure the Latent kernel is selected,
// "Notebook: Run All" (F1), wait for every cell, then check that no cell failed, that no
// output is an error and that every output of our renderer (runs, fits, calibrations:
// application/vnd.latent.{run,fit,sbc}+json) drew all its plotly plots (svg.main-svg),
// plus the notebook's own checks from example-checks.mjs; a screenshot of the whole
// notebook goes to test/e2e/artifacts/<name>.png. Then a syntax
// error (a readable error output, the kernel still works afterwards), the
// stopping of a long run, and the editor features of the language: a misspelt
// distribution squiggled at its place and listed in Problems at its line and
// column (in a cell and in a .bug file; gone when fixed, when its cell is deleted,
// when its notebook closes), a hover on dnorm, completion after ~.
//
// Uses node:test, so it closes with "# pass N" / "# fail N" (TAP, when stdout is
// not a terminal). Progress lines with timestamps go to stderr.
//
// Environment (all optional):
//   LATENT_VSIX                 the .vsix to test (default: <repo>/latent-notebooks.vsix)
//   LATENT_EXAMPLES_DIR         the notebooks to run (default: <repo>/examples)
//   LATENT_E2E_RUN_TIMEOUT_MS   how long one notebook's Run All may take (default 180000)
//   LATENT_E2E_KEEP=1           keep the temporary workspace, user data and extensions dirs
//   LATENT_E2E_CHROMIUM         the Chromium binary (default /usr/bin/chromium)
//   LATENT_E2E_ONLY             a regular expression: only the tests whose names match run
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { execFileSync } from 'node:child_process';
import { log, sleep } from './lib/log.mjs';
import {
  E2E_DIR,
  REPO_ROOT,
  runInstallScript,
  installExtension,
  writeUserSettings,
  startCodeServer,
  extensionHostOf,
} from './lib/code-server.mjs';
import { EXAMPLE_CHECKS } from './example-checks.mjs';
import { convergenceRunCells, DATA_CHECK_CELLS, DATA_CHECK_FILE, testDataChecksAsYouType, testInlineDiagnostics } from './checks/inlineDiagnostics.mjs';
import { LONG_MODEL, LONG_MODEL_FILE, workbenchTests } from './workbench-commands.mjs';
import { GARBAGE_CELL, hardeningTests, SOAK_CELL, STACK_CELL, writeHardeningFiles } from './checks/hardening.mjs';

const VSIX = path.resolve(process.env.LATENT_VSIX || path.join(REPO_ROOT, 'latent-notebooks.vsix'));
const EXAMPLES_DIR = path.resolve(process.env.LATENT_EXAMPLES_DIR || path.join(REPO_ROOT, 'examples'));
const ARTIFACTS = path.join(E2E_DIR, 'artifacts');
const RUN_TIMEOUT_MS = Number(process.env.LATENT_E2E_RUN_TIMEOUT_MS || 180_000);
const KEEP = process.env.LATENT_E2E_KEEP === '1';
// While developing one feature: run only the tests whose names match (e.g. 'example em/|palette').
const ONLY = process.env.LATENT_E2E_ONLY ? new RegExp(process.env.LATENT_E2E_ONLY) : null;
const KERNEL = 'Latent';
// The engine answers a cancel in well under a second (test/unit/engine/runner.test.ts); the UI adds
// VS Code's round trips from the click to the cell drawn stopped (read in the page: waitCellStopped).
const STOP_LIMIT_S = 1.5;

const GOOD_CELL = `model {
  mu ~ dnorm(0, 1.0E-4)
  tau ~ dgamma(0.001, 0.001)
  for (i in 1:N) { y[i] ~ dnorm(mu, tau) }
}
data list(N = 5, y = c(1.2, 0.8, 1.9, 1.4, 1.1))
sample with gibbs(chains = 2, burnin = 500, iterations = 2000, seed = 1)`;
// Thinned: unthinned, its kept draws (3.2 GB) would pass the draws' memory limit and the run would be refused.
const LONG_CELL = GOOD_CELL.replace('iterations = 2000', 'iterations = 100000000, thin = 1000');
const SYNTAX_ERROR_CELL = 'model { mu ~ dnorm(0, }';
// A misspelt distribution on the cell's second line, column 8 (1-based, as VS Code shows it).
const TYPO_CELL = `model {
  mu ~ dnrom(0, 1)
}`;
const TYPO = { text: 'dnrom', line: 2, column: 8, message: "Unknown distribution 'dnrom'. Did you mean 'dnorm'?" };
const TEMP_DIR_IN_WORKSPACE = '_e2e';
const SYNTAX_ERROR_NOTEBOOK = '_e2e-syntax-error.ipynb';
const CANCEL_NOTEBOOK = '_e2e-cancel.ipynb';
const EDITOR_NOTEBOOK = '_e2e-editor.ipynb';
// The sampled models of examples/diagnostics/convergence.ipynb, without its calibrations.
const CONVERGENCE_NOTEBOOK = '_e2e-convergence.ipynb';
const DATA_CHECK_NOTEBOOK = '_e2e-data-checks.ipynb';
const HOSTILE_NOTEBOOK = '_e2e-hostile.ipynb';
const SOAK_NOTEBOOK = '_e2e-soak.ipynb';
const TEMP_NOTEBOOKS = {
  [HOSTILE_NOTEBOOK]: [STACK_CELL, GARBAGE_CELL, GOOD_CELL],
  [SOAK_NOTEBOOK]: [SOAK_CELL],
  [DATA_CHECK_NOTEBOOK]: DATA_CHECK_CELLS,
  [CONVERGENCE_NOTEBOOK]: fs.existsSync(EXAMPLES_DIR) ? convergenceRunCells(EXAMPLES_DIR) : [],
  [SYNTAX_ERROR_NOTEBOOK]: [SYNTAX_ERROR_CELL, GOOD_CELL],
  [CANCEL_NOTEBOOK]: [LONG_CELL, GOOD_CELL],
  [EDITOR_NOTEBOOK]: [TYPO_CELL, GOOD_CELL],
};
const TYPO_FILE = '_e2e-typo.bug';

// ---------------------------------------------------------------- preconditions
fs.rmSync(ARTIFACTS, { recursive: true, force: true });
fs.mkdirSync(ARTIFACTS, { recursive: true });

if (!fs.existsSync(VSIX)) {
  process.stderr.write(
    `ERROR: ${VSIX} does not exist. Run \`npm run package\` at the repository root first (\`npm test\` does).\n`,
  );
  process.exit(1);
}
// Top-level notebooks, then those in subfolders that example-checks.mjs names (by path
// relative to examples/, in its order): running every notebook of every subfolder would
// take far longer than the suite may.
const examples = [
  ...(fs.existsSync(EXAMPLES_DIR) ? fs.readdirSync(EXAMPLES_DIR).filter((f) => f.endsWith('.ipynb')).sort() : []),
  ...Object.keys(EXAMPLE_CHECKS).filter((f) => f.includes('/')),
];
log(`vsix: ${VSIX}`);
log(`examples (${examples.length}) from ${EXAMPLES_DIR}: ${examples.join(', ') || 'none'}`);

runInstallScript();
const { launchBrowser, Workbench, NotebookView, waitFor, ERROR_MIME, STDERR_MIME } = await import('./lib/workbench.mjs');
const { LATENT_MIMES, latentViews, screenshotView, settledLatentViews } = await import('./lib/latent-views.mjs');
const RENDERER_MIME = LATENT_MIMES.run;
const RENDERER_MIMES = Object.values(LATENT_MIMES);

// ---------------------------------------------------------------- shared state
const ctx = {
  tmp: null,
  workspace: null,
  userDataDir: null,
  server: null,
  browser: null,
  wb: null,
  needsReload: false,
  setupError: null,
  consoleLines: [],
  tornDown: false,
};

/**
 * The data the examples need but the repository does not hold (em/online-em.ipynb's and
 * vi/svi-100k-mixture.ipynb's 3.9 MB mixture, bpmf/bpmf.ipynb's 1.4 MB of ratings), made by the
 * project's generators (`npm run data:mixture`, `npm run data:ratings`) in the copy of the examples.
 */
function makeGeneratedData(folder, marker, script) {
  if (fs.existsSync(path.join(folder, marker))) return;
  execFileSync(process.execPath, ['--import', 'tsx', path.join(REPO_ROOT, script), folder], { cwd: REPO_ROOT, stdio: 'inherit' });
}

async function setup() {
  ctx.tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'latent-e2e-'));
  ctx.userDataDir = path.join(ctx.tmp, 'user-data');
  const extensionsDir = path.join(ctx.tmp, 'extensions');
  ctx.workspace = path.join(ctx.tmp, 'examples');
  fs.mkdirSync(extensionsDir, { recursive: true });
  if (fs.existsSync(EXAMPLES_DIR)) fs.cpSync(EXAMPLES_DIR, ctx.workspace, { recursive: true });
  fs.mkdirSync(ctx.workspace, { recursive: true });
  makeGeneratedData(path.join(ctx.workspace, 'em'), 'gmm_d5_k5_n100000.csv', 'scripts/mixtureData.ts');
  makeGeneratedData(path.join(ctx.workspace, 'vi'), 'gmm_d5_k5_n100000.csv', 'scripts/mixtureData.ts');
  makeGeneratedData(path.join(ctx.workspace, 'bpmf'), 'ratings-train.csv', 'scripts/ratingsData.ts');
  log(`temporary dir ${ctx.tmp}${KEEP ? ' (kept: LATENT_E2E_KEEP=1)' : ''}`);
  // The notebooks of the syntax-error and stop tests, written before VS Code starts
  // so that Quick Open's file index has them; in a folder of their own.
  for (const [name, sources] of Object.entries(TEMP_NOTEBOOKS)) writeNotebook(name, sources);
  fs.writeFileSync(path.join(ctx.workspace, TEMP_DIR_IN_WORKSPACE, TYPO_FILE), `${TYPO_CELL}\n`);
  writeHardeningFiles(path.join(ctx.workspace, TEMP_DIR_IN_WORKSPACE));
  fs.writeFileSync(path.join(ctx.workspace, TEMP_DIR_IN_WORKSPACE, DATA_CHECK_FILE.name), DATA_CHECK_FILE.text);
  fs.writeFileSync(path.join(ctx.workspace, TEMP_DIR_IN_WORKSPACE, LONG_MODEL_FILE), LONG_MODEL);
  writeUserSettings(ctx.userDataDir, {
    // One wheel step scrolls a list 500 px instead of 50 (see NotebookView.scrollList).
    'workbench.list.mouseWheelScrollSensitivity': 10,
  });
  installExtension(VSIX, { extensionsDir, userDataDir: ctx.userDataDir });
  ctx.server = await startCodeServer({
    userDataDir: ctx.userDataDir,
    extensionsDir,
    folder: ctx.workspace,
    logFile: path.join(ARTIFACTS, 'code-server.log'),
  });
  ctx.browser = await launchBrowser();
  ctx.wb = new Workbench(ctx.browser, {
    url: ctx.server.url,
    folder: ctx.workspace,
    onConsole: (line) => ctx.consoleLines.push(`${new Date().toISOString()} ${line}`),
  });
  await ctx.wb.open();
}

async function teardown() {
  if (ctx.tornDown) return;
  ctx.tornDown = true;
  log('teardown');
  try {
    fs.writeFileSync(path.join(ARTIFACTS, 'browser-console.log'), ctx.consoleLines.join('\n') + '\n');
  } catch { /* best effort */ }
  if (ctx.browser) {
    await ctx.browser.close().catch((e) => log(`closing chromium: ${e.message}`));
    log('chromium closed');
  }
  if (ctx.server) await ctx.server.stop();
  // Nothing of ours may keep the extension host alive once the server is told to stop.
  const leftovers = ctx.server?.leftovers() ?? [];
  fs.writeFileSync(path.join(ARTIFACTS, 'leftover-processes.json'), JSON.stringify(leftovers, null, 1));
  log(`processes left 3 s after code-server stopped: ${leftovers.length}`);
  // VS Code's own logs (extension host, window, server) help when a check fails.
  const logs = ctx.userDataDir && path.join(ctx.userDataDir, 'logs');
  if (logs && fs.existsSync(logs)) {
    try {
      fs.cpSync(logs, path.join(ARTIFACTS, 'vscode-logs'), { recursive: true });
    } catch { /* best effort */ }
  }
  if (ctx.tmp && !KEEP) fs.rmSync(ctx.tmp, { recursive: true, force: true });
  log(`artifacts: ${ARTIFACTS}`);
  const hosts = leftovers.filter((p) => /--type=extensionHost/.test(p.args));
  if (hosts.length) throw new Error(`the extension host outlived code-server: ${hosts.map((p) => `${p.pid} (${p.threads} threads)`).join(', ')}`);
}

for (const signal of ['SIGINT', 'SIGTERM']) {
  process.once(signal, () => {
    log(`${signal}: cleaning up`);
    teardown().finally(() => process.exit(130));
  });
}

// ---------------------------------------------------------------- helpers
const safeName = (s) => s.replace(/\.ipynb$/, '').replace(/[^A-Za-z0-9._-]+/g, '-').replace(/^-|-$/g, '');

/** The extension host's resident memory, logged after each test so that a test that makes it grow can be named. */
function hostMemory() {
  const host = ctx.server?.pid ? extensionHostOf(ctx.server.pid) : null;
  return host ? `; extension host ${(host.rssKb / 1024).toFixed(0)} MB resident` : '';
}

/** A test that starts from a clean workbench and leaves a screenshot when it fails. */
function e2eTest(name, fn, { timeout = 10 * 60_000 } = {}) {
  if (ONLY && !ONLY.test(name)) return;
  it(name, { timeout }, async () => {
    log(`=== ${name}`);
    const t0 = Date.now();
    try {
      if (ctx.setupError) throw new Error(`setup failed: ${ctx.setupError.message}`);
      if (ctx.needsReload) {
        log('reloading the workbench after the previous failure');
        await ctx.wb.open();
        ctx.needsReload = false;
      }
      await ctx.wb.closeAllEditors();
      await fn();
      log(`=== passed: ${name} (${((Date.now() - t0) / 1000).toFixed(1)} s)${hostMemory()}`);
    } catch (err) {
      log(`=== FAILED: ${name}: ${err.message}`);
      ctx.needsReload = true;
      if (ctx.wb?.page) {
        await ctx.wb
          .screenshot(path.join(ARTIFACTS, `${safeName(name)}.FAILED.png`))
          .catch((e) => log(`no failure screenshot: ${e.message}`));
      }
      throw err;
    }
  });
}

function writeNotebook(fileName, sources) {
  const notebook = {
    cells: sources.map((source) => ({
      cell_type: 'code',
      execution_count: null,
      metadata: { vscode: { languageId: 'latent' } },
      outputs: [],
      source: source.split(/(?<=\n)/),
    })),
    metadata: { language_info: { name: 'latent' } },
    nbformat: 4,
    nbformat_minor: 5,
  };
  const file = path.join(ctx.workspace, TEMP_DIR_IN_WORKSPACE, fileName);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, JSON.stringify(notebook, null, 1) + '\n');
  return file;
}

const describeCell = (c) =>
  `cell ${c.index} [${c.state}${c.statusText ? `, "${c.statusText}"` : ''}] "${c.firstLine.slice(0, 60)}"`;

/**
 * Cells and rendered outputs of the whole notebook, with a screenshot of all of it, once
 * every view of the renderer has drawn its plots; `inside(result)` then runs while the
 * whole notebook is still laid out (the cell list is virtualised).
 */
async function inspectNotebook(nb, screenshotName, { expectedSvgOutputs = null, inside = null } = {}) {
  return nb.withWholeNotebookVisible(async () => {
    const cells = await nb.cells();
    const rendererOutputs = cells.reduce((n, c) => n + c.mimes.filter((m) => RENDERER_MIMES.includes(m)).length, 0);
    const want = expectedSvgOutputs ?? rendererOutputs;
    // Plots are drawn asynchronously by the renderer inside the webview.
    const views =
      want > 0
        ? await settledLatentViews(nb, want, { timeoutMs: 60_000 }).catch(async (e) => {
            log(`  ${e.message}`);
            return latentViews(nb);
          })
        : [];
    const outputs = await nb.webviewOutputs();
    await ctx.wb.page.mouse.move(1, 1);
    await ctx.wb.screenshot(path.join(ARTIFACTS, `${screenshotName}.png`));
    const result = { cells, outputs, views, rendererOutputs };
    if (inside) await inside(result);
    return result;
  });
}

// ---------------------------------------------------------------- the checks
/**
 * One example notebook (a path relative to examples/): open, kernel, Run All, checks,
 * screenshot. Per-example options and extra checks come from example-checks.mjs.
 */
async function testExample(file) {
  const options = EXAMPLE_CHECKS[file] ?? {};
  assert.ok(fs.existsSync(path.join(EXAMPLES_DIR, file)), `examples/${file} exists`);
  const nb = await ctx.wb.openNotebook(file);
  await nb.ensureKernel(KERNEL);
  const before = await nb.state();
  await ctx.wb.runCommand('Notebook: Run All');
  const seconds = await nb.waitExecutionDone({ timeoutMs: options.timeoutMs ?? RUN_TIMEOUT_MS, before });
  await inspectNotebook(nb, safeName(file), {
    inside: async ({ cells, outputs, views, rendererOutputs }) => {
      await nb.save({ file: path.join(ctx.workspace, file) });
      const saved = JSON.parse(fs.readFileSync(path.join(ctx.workspace, file), 'utf8'));
      checkExampleOutputs({ file, options, cells, outputs, views, rendererOutputs, saved, seconds });
      for (const check of options.checks ?? []) {
        await check(
          { cells, outputs, views, saved, seconds },
          {
            notebook: nb,
            workbench: ctx.wb,
            page: ctx.wb.page,
            log,
            /** The temporary copy of examples/ the workbench has open. */
            workspace: ctx.workspace,
            /** Screenshot of the renderer's view number `index` (notebook order) to artifacts/<name>.png. */
            screenshotView: (index, name) => {
              assert.notEqual(name, safeName(file), "an output's screenshot must not replace the notebook's");
              return screenshotView(nb, index, path.join(ARTIFACTS, `${name}.png`));
            },
          },
        );
      }
    },
  });
}

/** The checks every example gets: every cell ran, no errors, every renderer output drew its plots. */
function checkExampleOutputs({ file, options, cells, outputs, views, rendererOutputs, saved, seconds }) {
  const codeCells = cells.filter((c) => c.kind === 'code');
  const svgOutputs = outputs.filter((o) => o.svgs > 0);
  const kinds = views.map((v) => v.kind).join(', ');
  log(
    `${file}: ${cells.length} cells (${codeCells.length} code), ${rendererOutputs} renderer outputs (${kinds}), ` +
      `${svgOutputs.length} outputs with plots (${svgOutputs.reduce((n, o) => n + o.svgs, 0)} svg.main-svg), ran ${seconds.toFixed(1)} s`,
  );
  for (const o of outputs.filter((x) => x.text && !x.svgs)) log(`  output: ${o.text.replace(/\s+/g, ' ').slice(0, 160)}`);

  // Every cell was seen (the list is virtualised).
  const total = cells[0]?.setsize ?? 0;
  assert.equal(cells.length, total, `saw ${cells.length} of ${total} cells`);
  assert.equal(cells.length, saved.cells.length, 'cells shown = cells in the file');
  assert.ok(codeCells.length > 0, 'the notebook has code cells');

  // (a) no cell failed, none is left without a result, no error output.
  const notLatent = codeCells.filter((c) => c.language && c.language !== 'latent');
  assert.deepEqual(notLatent.map(describeCell), [], 'every code cell is a latent cell');
  const unsuccessful = codeCells.filter((c) => c.state !== 'success');
  assert.deepEqual(unsuccessful.map(describeCell), [], 'every code cell ran and succeeded');
  const errorOutputs = [
    ...cells.filter((c) => c.mimes.includes(ERROR_MIME)).map((c) => `${describeCell(c)} has an error output`),
    ...outputs.filter((o) => o.error).map((o) => `error output: ${o.text.slice(0, 300)}`),
    ...views.filter((v) => v.kind === 'error').map((v) => `the renderer could not read an output: ${v.text.slice(0, 300)}`),
  ];
  assert.deepEqual(errorOutputs, [], 'no error outputs');
  const stderrCells = cells.filter((c) => c.mimes.includes(STDERR_MIME));
  if (stderrCells.length) log(`  note: stderr output in ${stderrCells.map((c) => c.index).join(', ')}`);
  const savedCode = saved.cells.filter((c) => c.cell_type === 'code');
  const unexecuted = savedCode.map((c, i) => [c, i]).filter(([c]) => c.execution_count == null);
  assert.equal(unexecuted.length, 0, `saved notebook: ${unexecuted.length} code cells without execution_count`);
  const savedErrors = savedCode.flatMap((c) => c.outputs.filter((o) => o.output_type === 'error'));
  assert.deepEqual(savedErrors.map((o) => `${o.ename}: ${o.evalue}`), [], 'saved notebook: no error outputs');

  // (b) every output of our renderer (run, fit, calibration) drew all its plotly plots.
  const savedRenderer = savedCode.reduce(
    (n, c) => n + c.outputs.filter((o) => o.data && RENDERER_MIMES.some((m) => m in o.data)).length,
    0,
  );
  assert.equal(rendererOutputs, savedRenderer, 'renderer outputs shown = renderer outputs saved');
  const minimum = options.minRendererOutputs ?? 1;
  assert.ok(rendererOutputs >= minimum, `at least ${minimum} output(s) of the Latent renderer (found ${rendererOutputs})`);
  assert.equal(views.length, rendererOutputs, `every renderer output has its view (${views.length} views: ${kinds})`);
  const unfinished = views.filter((v) => v.plots.length === 0 || v.undrawn > 0 || v.status === 'running');
  assert.deepEqual(
    unfinished.map((v) => `${v.kind} "${v.header}": ${v.plots.length} plots, ${v.undrawn} not drawn, status ${v.status}`),
    [],
    'every view of the renderer finished and drew all its plots',
  );
  assert.ok(
    svgOutputs.length >= rendererOutputs,
    `every renderer output shows plotly plots: ${svgOutputs.length} of ${rendererOutputs} outputs contain svg.main-svg`,
  );
}

async function testSyntaxError() {
  // A notebook with the bad cell and a good one (written by setup()).
  const nb = await ctx.wb.openNotebook(SYNTAX_ERROR_NOTEBOOK);
  await nb.ensureKernel(KERNEL);

  let before = await nb.state();
  await nb.runCell(0);
  await nb.waitExecutionDone({ timeoutMs: 60_000, before });
  const bad = await nb.cellInfo(0);
  const errorOutput = await waitFor(
    async () => (await nb.webviewOutputs()).find((o) => o.visible && /error/i.test(o.text)),
    { timeoutMs: 15_000, message: 'no visible output mentioning "error"' },
  ).catch(async (e) => {
    const shown = (await nb.webviewOutputs()).map((o) => o.text.slice(0, 200));
    throw new Error(`${e.message}; outputs shown: ${JSON.stringify(shown)}`);
  });
  log(`error output shown: ${JSON.stringify(errorOutput.text.slice(0, 400))}`);
  assert.equal(bad.state, 'error', `the syntax error cell is marked failed (${describeCell(bad)})`);
  assert.ok(errorOutput.text.length < 2000, 'the error message is short');
  assert.doesNotMatch(
    errorOutput.text,
    /^\s*at .+[(\s]\S+:\d+:\d+\)?\s*$/m,
    'the error output is a message for people, not a JavaScript stack trace',
  );
  await ctx.wb.screenshot(path.join(ARTIFACTS, 'syntax-error.png'));

  before = await nb.state();
  await nb.runCell(1);
  await nb.waitExecutionDone({ timeoutMs: 120_000, before });
  const { cells, outputs } = await inspectNotebook(nb, 'syntax-error-then-good-cell');
  const good = cells[1];
  assert.equal(good.state, 'success', `the good cell after the error succeeded (${describeCell(good)})`);
  assert.ok(good.mimes.includes(RENDERER_MIME), `the good cell has a ${RENDERER_MIME} output (has ${good.mimes.join(', ')})`);
  assert.ok(outputs.some((o) => o.svgs > 0), 'the good cell shows plotly plots');
  await nb.save();
}

async function testCancellation() {
  // A notebook with a 100,000,000-iteration cell and a good one (written by setup()).
  const nb = await ctx.wb.openNotebook(CANCEL_NOTEBOOK);
  await nb.ensureKernel(KERNEL);

  await nb.runCell(0);
  await waitFor(async () => (await nb.cellInfo(0))?.state === 'executing', {
    timeoutMs: 20_000,
    message: 'the long cell did not start running',
  });
  log('long cell is running; waiting 3 s');
  await sleep(3000);
  const running = await nb.cellInfo(0);
  assert.equal(running.state, 'executing', `the 100,000,000-iteration cell still runs after 3 s (${describeCell(running)})`);

  // Timed from the click's end (see stopCell): the harness's checks before it clicks are no part of the user's wait.
  const t0 = await nb.stopCell(0);
  const stoppedAt = await nb.waitCellStopped(0, { timeoutMs: 30_000 }).catch(() => {
    throw new Error('the cell did not stop within 30 s of pressing its stop button');
  });
  const stopSeconds = (stoppedAt - t0) / 1000;
  const stopped = await nb.cellInfo(0);
  log(`stopped after ${stopSeconds.toFixed(1)} s; cell now ${describeCell(stopped)}`);
  assert.ok(stopSeconds <= STOP_LIMIT_S, `the cell stopped within ${STOP_LIMIT_S} s (took ${stopSeconds.toFixed(1)} s)`);

  const before = await nb.state();
  await nb.runCell(1);
  await nb.waitExecutionDone({ timeoutMs: 120_000, before });
  const { cells, outputs } = await inspectNotebook(nb, 'cancel-then-good-cell');
  const good = cells[1];
  assert.equal(good.state, 'success', `the cell after the stopped one succeeded (${describeCell(good)})`);
  assert.ok(good.mimes.includes(RENDERER_MIME), `the good cell has a ${RENDERER_MIME} output (has ${good.mimes.join(', ')})`);
  assert.ok(outputs.some((o) => o.svgs > 0), 'the good cell shows plotly plots');
  await nb.save();
  // The static image (on by default): in the good cell's output, and in the stopped one's when it kept draws.
  const saved = JSON.parse(fs.readFileSync(path.join(ctx.workspace, TEMP_DIR_IN_WORKSPACE, CANCEL_NOTEBOOK), 'utf8'));
  const [stoppedOutput, goodOutput] = saved.cells.map((c) => (c.outputs ?? []).find((o) => o.data?.[RENDERER_MIME]));
  assert.ok(goodOutput?.data['image/png'], 'the good cell\'s output carries its image/png');
  const stoppedRun = stoppedOutput && (typeof stoppedOutput.data[RENDERER_MIME] === 'string' ? JSON.parse(stoppedOutput.data[RENDERER_MIME]) : stoppedOutput.data[RENDERER_MIME]);
  const kept = stoppedRun?.nodes?.some((n) => n.trace?.chains?.some((c) => c.length > 0));
  if (kept) assert.ok(stoppedOutput.data['image/png'], 'the stopped run, which kept draws, carries its image/png');
  log(`static image: good cell ${goodOutput.data['image/png'].length} base64 chars; stopped cell (${stoppedRun?.status}, ${kept ? 'with' : 'no'} draws) ${stoppedOutput?.data['image/png'] ? 'has one' : 'has none'}`);
}

/** "Latent: New Notebook": an untitled notebook on the Latent kernel whose starter cell runs and plots. */
async function testNewNotebookCommand() {
  await ctx.wb.runCommand('Latent: New Notebook');
  await ctx.wb.page.waitForSelector('.notebook-editor', { state: 'attached', timeout: 60_000 });
  const nb = new NotebookView(ctx.wb, 'Untitled-1.ipynb');
  await waitFor(async () => (await nb.root.locator('.monaco-list-row').count()) > 1, {
    timeoutMs: 30_000,
    message: 'the new notebook shows no cells',
  });
  // The command's notebook carries a Latent kernelspec: the kernel must come preselected, not be picked here.
  await waitFor(async () => (await nb.kernelLabel()) === KERNEL, {
    timeoutMs: 15_000,
    message: `the new notebook's kernel is "${await nb.kernelLabel()}", not ${KERNEL}`,
  });
  const before = await nb.state();
  await ctx.wb.runCommand('Notebook: Run All');
  await nb.waitExecutionDone({ timeoutMs: 120_000, before });
  const { cells, outputs } = await inspectNotebook(nb, 'new-notebook');
  const code = cells.filter((c) => c.kind === 'code');
  assert.equal(code.length, 1, 'the new notebook has one code cell');
  assert.equal(code[0].language, 'latent', 'its language is latent');
  assert.equal(code[0].state, 'success', `the starter cell ran (${describeCell(code[0])})`);
  assert.ok(code[0].mimes.includes(RENDERER_MIME), `the starter cell has a ${RENDERER_MIME} output`);
  assert.ok(outputs.some((o) => o.svgs > 0), 'the starter cell shows plotly plots');
}

/**
 * Diagnostics as you type: a misspelt distribution in a cell is squiggled over its
 * text, listed in the Problems view at its line and column, and gone once fixed.
 */
async function testDiagnostics() {
  const nb = await ctx.wb.openNotebook(EDITOR_NOTEBOOK);
  // The cell's layout moves while it settles (its CodeLens line appears above the text): squiggle and word are
  // measured until two readings in a row agree, so both boxes come from the same layout.
  let previous = '';
  const { squiggles, text } = await waitFor(async () => {
    const found = await nb.squiggles(0);
    const box = await nb.textBox(0, TYPO.text);
    if (!found.length || !box) return null;
    const reading = JSON.stringify([found, box]);
    const stable = reading === previous;
    previous = reading;
    return stable ? { squiggles: found, text: box } : null;
  }, { timeoutMs: 20_000, message: 'no error squiggle in the cell with the typo' });
  assert.ok(text, `the cell shows '${TYPO.text}'`);
  log(`squiggles ${JSON.stringify(squiggles)}; '${TYPO.text}' drawn at ${JSON.stringify(text)}`);
  assert.equal(squiggles.length, 1, 'one squiggle: the typo is the only problem');
  const [squiggle] = squiggles;
  // Under the word: the same horizontal extent (to a pixel or two) on the same line.
  assert.ok(Math.abs(squiggle.x - text.x) <= 2, `the squiggle starts where '${TYPO.text}' does (x ${squiggle.x} vs ${text.x})`);
  assert.ok(Math.abs(squiggle.width - text.width) <= 2, `the squiggle is as wide as '${TYPO.text}' (${squiggle.width} vs ${text.width} px)`);
  const middle = squiggle.y + squiggle.height / 2;
  assert.ok(middle >= text.y && middle <= text.y + text.height, `the squiggle is on the line of '${TYPO.text}'`);
  assert.deepEqual([text.line + 1, text.column + 1], [TYPO.line, TYPO.column], 'the test cell has the typo where this test expects it');
  await ctx.wb.page.mouse.move(1, 1);
  await ctx.wb.screenshot(path.join(ARTIFACTS, 'diagnostics-squiggle.png'));

  const rows = await ctx.wb.problems();
  log(`problems: ${JSON.stringify(rows)}`);
  const row = rows.find((r) => r.includes(TYPO.message));
  assert.ok(row, `the Problems view lists "${TYPO.message}" (it shows ${JSON.stringify(rows)})`);
  assert.match(row, new RegExp(`\\[Ln ${TYPO.line}, Col ${TYPO.column}\\]`), 'at the line and column of the typo');
  assert.match(row, /latent/, "with the source 'latent'");
  await ctx.wb.screenshot(path.join(ARTIFACTS, 'diagnostics-problems.png'));

  // Fix it by typing: double-click selects the word, type the right name (closing the suggestions it opens).
  await ctx.wb.escape();
  const word = await nb.textBox(0, TYPO.text);
  await ctx.wb.page.mouse.dblclick(word.x + word.width / 2, word.y + word.height / 2);
  await ctx.wb.page.keyboard.type('dnorm');
  await ctx.wb.escape(1);
  await waitFor(async () => (await nb.textBox(0, 'mu ~ dnorm(0, 1)')) && (await nb.squiggles(0)).length === 0, {
    timeoutMs: 10_000,
    message: 'the squiggle stayed after the typo was fixed',
  });
  const after = await ctx.wb.problems();
  log(`problems after the fix: ${JSON.stringify(after)}`);
  assert.ok(!after.some((r) => r.includes(TYPO.message)), `the Problems view dropped the fixed typo (shows ${JSON.stringify(after)})`);
  await ctx.wb.hidePanel();
}

/** A .bug file is a `latent` document: the same squiggle and Problems entry as in a cell. */
async function testDiagnosticsInFile() {
  await ctx.wb.quickOpen(TYPO_FILE);
  const editor = ctx.wb.page.locator('.editor-instance .monaco-editor').filter({ visible: true }).first();
  // The status bar names the editor's language.
  const mode = ctx.wb.page.locator('.statusbar-item[id="status.editor.mode"]');
  await waitFor(async () => ((await mode.allTextContents())[0] ?? '').trim() === 'Latent', {
    timeoutMs: 20_000,
    message: `${TYPO_FILE} did not open as a Latent document`,
  });
  await waitFor(async () => (await editor.locator('.view-overlays .squiggly-error').count()) === 1, {
    timeoutMs: 20_000,
    message: `no error squiggle in ${TYPO_FILE}`,
  });
  const rows = await ctx.wb.problems();
  log(`problems: ${JSON.stringify(rows)}`);
  assert.ok(
    rows.some((r) => r.includes(TYPO.message) && r.includes(`[Ln ${TYPO.line}, Col ${TYPO.column}]`)),
    `the Problems view lists the typo at line ${TYPO.line}, column ${TYPO.column} (it shows ${JSON.stringify(rows)})`,
  );
  await ctx.wb.screenshot(path.join(ARTIFACTS, 'diagnostics-bug-file.png'));
  await ctx.wb.hidePanel();
}

/** A cell's problems go when the cell is deleted, come back with Undo, and go when the notebook closes. */
async function testDiagnosticsLifecycle() {
  const listed = async () => (await ctx.wb.problems()).some((r) => r.includes(TYPO.message));
  const waitListed = (expected, message) =>
    waitFor(async () => (await listed()) === expected, { timeoutMs: 10_000, intervalMs: 500, message });
  const nb = await ctx.wb.openNotebook(EDITOR_NOTEBOOK);
  await waitListed(true, 'the typo is not listed in the Problems view');
  const word = await nb.textBox(0, TYPO.text);
  await ctx.wb.page.mouse.click(word.x, word.y + word.height / 2);
  await ctx.wb.escape(1);
  await ctx.wb.runCommand('Notebook: Delete Cell');
  await waitFor(async () => !(await nb.textBox(0, TYPO.text)), { timeoutMs: 10_000, message: 'the cell was not deleted' });
  await waitListed(false, "the deleted cell's problem stayed in the Problems view");
  log('deleted cell: its problem went');
  await ctx.wb.runCommand('Undo');
  await waitListed(true, "undoing the deletion did not bring the cell's problem back");
  log('undo: the problem is back');
  await ctx.wb.hidePanel();
  await ctx.wb.closeAllEditors();
  await waitListed(false, "the closed notebook's problem stayed in the Problems view");
  log('closed notebook: its problem went');
  await ctx.wb.hidePanel();
}

/** A hover on a distribution in a cell shows its JAGS parameterisation. */
async function testHover() {
  const nb = await ctx.wb.openNotebook(EDITOR_NOTEBOOK);
  const box = await waitFor(() => nb.textBox(1, 'dnorm'), { timeoutMs: 10_000, message: "the second cell shows no 'dnorm'" });
  const page = ctx.wb.page;
  const hoverText = await waitFor(
    async () => {
      // Move off and back on: a hover opens on a mouse move over the word.
      await page.mouse.move(box.x + box.width / 2, box.y - 40);
      await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2, { steps: 4 });
      const shown = await waitFor(async () => (await ctx.wb.hoverText()) || null, { timeoutMs: 3_000, message: 'no hover' }).catch(() => '');
      return /precision/.test(shown) ? shown : null;
    },
    { timeoutMs: 20_000, intervalMs: 500, message: 'no hover mentioning "precision" over dnorm' },
  ).catch(async (e) => {
    throw new Error(`${e.message}; the hover shows "${await ctx.wb.hoverText()}"`);
  });
  log(`hover: ${JSON.stringify(hoverText)}`);
  assert.match(hoverText, /dnorm\(mu, tau\)/, 'the hover shows the parameterisation');
  assert.match(hoverText, /precision = 1 \/ variance/, 'and what tau means in JAGS');
  await ctx.wb.screenshot(path.join(ARTIFACTS, 'hover.png'));
  await page.mouse.move(1, 1);
}

/** Completion after `~` offers the distributions and inserts one with its parameters as placeholders. */
async function testCompletion() {
  const nb = await ctx.wb.openNotebook(EDITOR_NOTEBOOK);
  const page = ctx.wb.page;
  const end = await waitFor(() => nb.textBox(0, '(0, 1)'), { timeoutMs: 10_000, message: 'the first cell is not shown' });
  await page.mouse.click(end.x + end.width + 4, end.y + end.height / 2);
  await page.keyboard.press('End');
  await page.keyboard.press('Enter');
  await page.keyboard.type('tau ~ dg', { delay: 30 });
  const focused = page.locator('.suggest-widget .monaco-list-row.focused');
  const rows = page.locator('.suggest-widget .monaco-list-row');
  const dgammaFirst = () =>
    waitFor(async () => {
      const text = (await focused.allTextContents())[0] ?? '';
      return text.startsWith('dgamma') ? text : null;
    }, { timeoutMs: 10_000, message: 'the suggestions after "~ dg" do not offer dgamma first' });
  const state = async () =>
    `the cell reads ${JSON.stringify(await nb.cellLines(0))}; the suggestions shown: ${JSON.stringify(await rows.allTextContents())}`;
  const label = await dgammaFirst()
    .catch(async (e) => {
      // Typing opens the list only if the editor's quick-suggest timer fires while the
      // extension host answers; on a loaded machine ask for it as a user would, with Ctrl+Space.
      log(`${e.message} while typing (${await state()}); asking with Ctrl+Space`);
      await page.keyboard.press('Control+Space');
      return dgammaFirst();
    })
    .catch(async (e) => {
      throw new Error(`${e.message}; ${await state()}`);
    });
  log(`suggestion: ${JSON.stringify(label)}`);
  await ctx.wb.screenshot(path.join(ARTIFACTS, 'completion.png'));
  await page.keyboard.press('Enter');
  await waitFor(() => nb.textBox(0, 'tau ~ dgamma(r, lambda)'), {
    timeoutMs: 10_000,
    message: 'accepting dgamma did not insert "dgamma(r, lambda)"',
  });
  await ctx.wb.escape();
}

/** Convergence findings as editor markers on the statements, a result hover, the ordering quick fix, a rerun. */
async function testConvergenceDiagnostics() {
  const nb = await ctx.wb.openNotebook(CONVERGENCE_NOTEBOOK);
  await testInlineDiagnostics({
    wb: ctx.wb,
    nb,
    sources: TEMP_NOTEBOOKS[CONVERGENCE_NOTEBOOK],
    kernel: KERNEL,
    settingsFile: path.join(ctx.workspace, '.vscode', 'settings.json'),
    artifacts: ARTIFACTS,
    log,
    waitFor,
  });
  await nb.save();
}

/** As you type, what a run would report: a name the data file does not give, a missing file, an unknown option. */
async function testDataChecks() {
  const nb = await ctx.wb.openNotebook(DATA_CHECK_NOTEBOOK);
  await testDataChecksAsYouType({ wb: ctx.wb, nb, folder: path.join(ctx.workspace, TEMP_DIR_IN_WORKSPACE), artifacts: ARTIFACTS, log, waitFor });
}

// ---------------------------------------------------------------- the suite
describe('Latent in VS Code (code-server + Chromium)', { concurrency: false }, () => {
  // A failed setup fails every test (with its reason) rather than cancelling them.
  before(
    async () => {
      try {
        await setup();
      } catch (err) {
        ctx.setupError = err;
        log(`SETUP FAILED: ${err.stack ?? err}`);
      }
    },
    { timeout: 5 * 60_000 },
  );
  after(teardown, { timeout: 60_000 });

  if (examples.length === 0) {
    it('examples/*.ipynb exist', () => assert.fail(`no .ipynb notebooks in ${EXAMPLES_DIR}`));
  }
  for (const file of examples) {
    const timeout = (EXAMPLE_CHECKS[file]?.timeoutMs ?? RUN_TIMEOUT_MS) + 3 * 60_000;
    e2eTest(`example ${file}`, () => testExample(file), { timeout });
  }
  e2eTest('a syntax error shows a readable error and the kernel keeps working', testSyntaxError, { timeout: 5 * 60_000 });
  e2eTest('a long run can be stopped and the kernel keeps working', testCancellation, { timeout: 5 * 60_000 });
  e2eTest('a typo in a cell is squiggled where it is and listed in Problems, and goes when fixed', testDiagnostics, { timeout: 3 * 60_000 });
  e2eTest('a .bug file is checked as a cell is', testDiagnosticsInFile, { timeout: 3 * 60_000 });
  e2eTest("a cell's problems go with the cell and with its notebook", testDiagnosticsLifecycle, { timeout: 3 * 60_000 });
  e2eTest('a hover on a distribution in a cell shows its parameterisation', testHover, { timeout: 3 * 60_000 });
  e2eTest('completion after ~ offers the distributions with their parameters', testCompletion, { timeout: 3 * 60_000 });
  e2eTest('a misspelt name, a missing data file and an unknown option are reported as you type', testDataChecks, { timeout: 3 * 60_000 });
  e2eTest('convergence warnings sit on the mixture means, with an ordering quick fix that clears them on rerun', testConvergenceDiagnostics, { timeout: 8 * 60_000 });
  e2eTest('"Latent: New Notebook" opens a starter notebook that runs on the Latent kernel', testNewNotebookCommand, { timeout: 5 * 60_000 });
  const workbench = workbenchTests({ wb: () => ctx.wb, serverPid: () => ctx.server.pid, NotebookView, waitFor, inspectNotebook, artifacts: ARTIFACTS, workspacePath: (p) => path.join(ctx.workspace, p), Workbench, vsix: VSIX });
  for (const [name, fn, timeout] of workbench) e2eTest(name, fn, { timeout });
  const hardening = hardeningTests({ wb: () => ctx.wb, waitFor, serverPid: () => ctx.server.pid, files: { hostile: HOSTILE_NOTEBOOK, soak: SOAK_NOTEBOOK, artifacts: ARTIFACTS } });
  for (const [name, fn, timeout] of hardening) e2eTest(name, fn, { timeout });
});
