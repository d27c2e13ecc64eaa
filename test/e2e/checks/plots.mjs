// diagnostics/plots-and-comparison.ipynb (issue 16): rank plots, autocorrelation and the
// forest plot drawn; the model comparison shown; each output saved with its image/png
// (on by default) and shown by nbconvert; Run pressed as a run ends; the renderer's image
// in its place when asked; a figure exported as SVG and as PNG through the toolbar and the
// save dialog, in the editor's colours and in the light theme.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { LATENT_MIMES } from '../lib/latent-views.mjs';

const ARTIFACTS = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'artifacts');
const NODES = 10; // theta[1..8], mu, tau
const CHAINS = 4;

export async function checkPlotsNotebook({ views }, { notebook, workbench, page, log, screenshotView, workspace }) {
  const runs = views.filter((v) => v.kind === 'run');
  assert.equal(runs.length, 2, 'two runs');
  const [hierarchical, pooled] = runs;
  for (const [view, nodes] of [[hierarchical, NODES], [pooled, 1]]) {
    assert.equal(view.status, 'complete', view.header);
    const ranks = view.plots.filter((p) => /latent-rank/.test(p.className));
    const acfs = view.plots.filter((p) => /latent-acf/.test(p.className));
    assert.equal(ranks.length, nodes, 'a rank plot per node');
    assert.equal(acfs.length, nodes, 'an autocorrelation plot per node');
    for (const p of [...ranks, ...acfs]) assert.ok(p.drawn && p.lines >= CHAINS, `${p.label}: a line per chain (${p.lines})`);
    assert.match(view.text, /Model comparison/);
    assert.match(view.text, /elpd_loo/);
    assert.match(view.text, /Pareto k: \d+ good/);
  }
  const forest = hierarchical.plots.find((p) => /latent-forest/.test(p.className));
  assert.ok(forest?.drawn, 'the forest plot is drawn');
  assert.ok(forest.points >= NODES, `a median per node (${forest.points})`);
  assert.ok(forest.lines >= 2 * NODES, `two intervals per node (${forest.lines})`);
  // The pair plot of the page's nodes (at most five), chains coloured: a scatter per chain in each of the 5 × 4 off-diagonal cells.
  const pairs = hierarchical.plots.find((p) => /latent-pairs/.test(p.className));
  assert.ok(pairs?.drawn, 'the pair plot is drawn');
  assert.ok(pairs.points >= 5 * 4 * CHAINS * 10, `the pair plot's points (${pairs.points})`);
  assert.ok(pairs.bars > 0, 'histograms on its diagonal');
  assert.match(hierarchical.text, /Pair plot of [^;]+ \(the first 5 of the 10 on this page/);
  assert.ok(!pooled.plots.some((p) => /latent-pairs/.test(p.className) && p.drawn), 'no pair plot of a single node');
  // The posterior predictive check of y (ppc = TRUE): observed bars, replicated data sets as lines, four p-values.
  const ppc = hierarchical.plots.find((p) => /latent-ppc-plot/.test(p.className));
  assert.ok(ppc?.drawn && ppc.bars > 0 && ppc.lines >= CHAINS, `the predictive check of y: ${ppc?.bars} bars, ${ppc?.lines} replicated data sets`);
  assert.match(hierarchical.text, /Posterior predictive check of y: 8 observations, 8000 replicated data sets/);
  for (const statistic of ['mean', 'sd', 'min', 'max']) assert.match(hierarchical.text, new RegExp(`${statistic}\\s*-?[\\d.]+\\s*[01]\\.\\d{3}`), `the p-value of ${statistic}`);
  assert.match(hierarchical.text, /pD \(Plummer, as JAGS\)/);
  const tauRank = hierarchical.plots.find((p) => /latent-rank/.test(p.className) && /^tau\b/.test(p.caption));
  log(`  pair plot: ${pairs.points} points; predictive check of y: ${ppc.bars} bars, ${ppc.lines} replicates`);
  log(`  forest: ${forest.points} medians; tau's rank plot: ${tauRank?.lines} lines; comparison: ${/elpd_loo\s*(-?[\d.]+)/.exec(hierarchical.text)?.[1]} vs ${/elpd_loo\s*(-?[\d.]+)/.exec(pooled.text)?.[1]}`);
  await screenshotView(0, 'plots-hierarchical');
  await screenshotView(1, 'plots-pooled');

  // The static image (setting latent.outputs.staticImage, "compact" by default, not set here): the host
  // drew it from the results as each run ended, in the run's own execution, so the outputs of the Run All
  // above hold image/png already. Save and read them.
  const file = path.join(workspace, 'diagnostics', 'plots-and-comparison.ipynb');
  const settingsFile = path.join(workspace, '.vscode', 'settings.json');
  fs.mkdirSync(path.dirname(settingsFile), { recursive: true });
  await notebook.save();
  const images = savedImages(file);
  assert.equal(images.length, 2, 'each run output saved with its image/png, without any setting');
  const stored = savedRunOutputs(file).map((o) => o.bytes);
  assert.ok(stored.every((bytes) => bytes <= 1_000_000), `each output within its 1 MB budget, image included (${stored})`);
  log(`  outputs with their images: ${stored.join(' and ')} bytes`);
  for (const [image, nodes] of [[images[0], 4], [images[1], 1]]) {
    const bytes = Buffer.from(image, 'base64');
    assert.equal(bytes.subarray(1, 4).toString(), 'PNG');
    const width = bytes.readUInt32BE(16);
    const height = bytes.readUInt32BE(20);
    assert.ok(width === 640 && height === 16 + nodes * 120, `trace and histogram of the first ${nodes} node(s), 640 px wide (${width} × ${height})`);
    assert.match(bytes.toString('latin1'), /tEXtLatent\0compact static image/, 'the compact image the host drew');
    assert.ok(bytes.length < 200_000, `within its 200 kB reserve (${bytes.length} bytes)`);
    log(`  image/png (compact): ${width} × ${height}, ${bytes.length} bytes`);
  }
  fs.writeFileSync(path.join(ARTIFACTS, 'plots-fallback.png'), Buffer.from(images[0], 'base64'));
  fs.writeFileSync(path.join(ARTIFACTS, 'plots-fallback-pooled.png'), Buffer.from(images[1], 'base64'));

  // nbconvert (Debian jupyter-nbconvert), where installed: the HTML shows each run's image.
  const nbconvert = spawnSync('jupyter', ['nbconvert', '--to', 'html', '--output-dir', ARTIFACTS, '--output', 'plots-and-comparison', file], { encoding: 'utf8' });
  if (nbconvert.error || nbconvert.status !== 0) {
    log(`  nbconvert not run: ${nbconvert.error?.message ?? nbconvert.stderr.slice(-200)}`);
  } else {
    const html = path.join(ARTIFACTS, 'plots-and-comparison.html');
    const shown = (fs.readFileSync(html, 'utf8').match(/<img src="data:image\/png;base64,/g) ?? []).length;
    assert.equal(shown, 2, 'nbconvert: each run output shows its image');
    await page.context().newPage().then(async (tab) => {
      await tab.goto(`file://${html}`);
      const drawn = await tab.locator('img[src^="data:image/png"]').evaluateAll((imgs) => imgs.map((i) => i.naturalWidth));
      await tab.screenshot({ path: path.join(ARTIFACTS, 'plots-nbconvert.png'), fullPage: true });
      await tab.close();
      assert.deepEqual(drawn, [640, 640], `nbconvert HTML in Chromium: both images load (${drawn})`);
    });
    log('  nbconvert HTML: both run outputs show their image');
  }

  // Run pressed right as a run ends: Run All, and the moment the first cell's run ends (its image written
  // in that same execution), its Run button again. Both runs end well, each with its image, and nothing hangs.
  const first = (await notebook.cells()).find((c) => c.kind === 'code').index;
  const firstRow = await notebook.revealRow(first);
  const before = await notebook.state();
  await workbench.runCommand('Notebook: Run All');
  // Imported here, not at the top: workbench.mjs needs playwright-core, which run.mjs installs after loading this file.
  const { waitFor } = await import('../lib/workbench.mjs');
  await waitFor(async () => (await notebook.cellInfo(first))?.state === 'executing', { timeoutMs: 30_000, message: 'Run All did not start the first cell' });
  // The pointer rests on the cell, so its Run button shows; Playwright clicks it the moment it replaces Stop.
  await firstRow.hover();
  const runButton = firstRow.locator('.run-button-container .codicon-notebook-execute');
  await runButton.click({ timeout: 180_000 });
  const pressed = Date.now();
  const endedAt = await notebook.cellInfo(first);
  log(`  Run pressed as the first run ended (the cell then: ${endedAt?.state})`);
  await notebook.waitExecutionDone({ timeoutMs: 240_000, before });
  log(`  both runs done ${((Date.now() - pressed) / 1000).toFixed(1)} s after the press`);
  const states = (await notebook.cells()).filter((c) => c.kind === 'code').map((c) => c.state);
  assert.deepEqual(states, ['success', 'success', 'success'], `every cell ended well (${states})`);
  await notebook.save();
  assert.equal(savedImages(file).length, 2, 'both run outputs have their image after the rerun');

  // With "renderer", the renderer's Plotly image takes the compact one's place (a short extra execution)
  // where it fits in the output's budget (1 MB; an output whose view fills it keeps the compact image).
  // Checked on the pooled model's small output; every output stays within the budget, counting the
  // image in base64 as the file holds it.
  fs.writeFileSync(settingsFile, JSON.stringify({ 'latent.outputs.staticImage': 'renderer' }));
  await page.waitForTimeout(1500);
  const beforeRenderer = await notebook.state();
  await workbench.runCommand('Notebook: Run All');
  await notebook.waitExecutionDone({ timeoutMs: 180_000, before: beforeRenderer });
  const isPlotly = (image) => !/tEXtLatent\0compact/.test(Buffer.from(image, 'base64').toString('latin1'));
  let outputs = [];
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    await notebook.save();
    outputs = savedRunOutputs(file);
    if (outputs.length === 2 && isPlotly(outputs[1].image ?? '')) break;
    await page.waitForTimeout(1000);
  }
  fs.rmSync(settingsFile, { force: true });
  assert.ok(outputs[1]?.image && isPlotly(outputs[1].image), 'with "renderer", the pooled output ends with the renderer\'s image in place of the compact one');
  const pooledImage = Buffer.from(outputs[1].image, 'base64');
  assert.ok(pooledImage.readUInt32BE(16) === 840 && pooledImage.readUInt32BE(20) >= 200, `the renderer's grid of 420 × 200 figures (${pooledImage.readUInt32BE(16)} × ${pooledImage.readUInt32BE(20)})`);
  for (const output of outputs) {
    assert.ok(output.image, 'an image in each output');
    assert.ok(output.bytes <= 1_000_000, `within the output's budget: ${output.bytes} bytes`);
  }
  log(`  "renderer": ${outputs.map((o) => `${isPlotly(o.image) ? 'Plotly' : 'compact'} image, output ${o.bytes} bytes`).join('; ')}`);
  await notebook.save();

  // The compare cell: both models ranked by elpd_loo, as loo_compare prints them, in the saved notebook.
  const saved = JSON.parse(fs.readFileSync(file, 'utf8'));
  const compareCell = saved.cells.find((c) => /^compare /.test([].concat(c.source).join('')));
  const table = [].concat(compareCell?.outputs?.[0]?.data?.['text/plain'] ?? []).join('');
  assert.match(table, /^model +elpd_diff +se_diff +elpd_loo +se_elpd_loo +p_loo +se_p_loo +looic +waic +DIC$/m, `the comparison table: ${table}`);
  assert.match(table, /^(hierarchical|pooled) +0\.00 +0\.00 /m);
  assert.match(table, /^(hierarchical|pooled) +-\d+\.\d\d +\d+\.\d\d /m);
  assert.ok(compareCell.outputs[0].data['text/html'], 'and as an HTML table');
  log(`  compare: ${table.split('\n').slice(1, 3).join(' | ')}`);

  // Export: the forest plot's toolbar, then the save dialog's proposed path (next to the notebook); then
  // with the light export theme (latent.outputs.exportTheme) in this dark editor. The page's colour tells
  // the themes apart: the editor's background with "editor" (SVG fill and PNG pixel), white with "light".
  const DARK = { 'workbench.colorTheme': 'Default Dark Modern' };
  fs.writeFileSync(settingsFile, JSON.stringify(DARK));
  await page.waitForTimeout(2000);
  const outputFrame = await frameWith(notebook, '.latent-forest');
  const editorBackground = parseColour(await outputFrame.evaluate(() => getComputedStyle(document.documentElement).getPropertyValue('--vscode-editor-background')));
  assert.ok(editorBackground.reduce((a, b) => a + b) < 3 * 100, `a dark editor (${editorBackground})`);
  for (const format of ['svg', 'png', 'light png', 'light svg']) {
    if (format === 'light png') {
      fs.writeFileSync(settingsFile, JSON.stringify({ ...DARK, 'latent.outputs.exportTheme': 'light' }));
      await page.waitForTimeout(2000);
    }
    const extension = format.replace('light ', '');
    const target = path.join(workspace, 'diagnostics', `latent-forest.${extension}`);
    fs.rmSync(target, { force: true });
    const frame = await frameWith(notebook, '.latent-forest');
    const forestDiv = frame.locator('.latent-forest').first();
    await forestDiv.scrollIntoViewIfNeeded();
    await forestDiv.hover();
    await frame.locator(`.latent-forest .modebar-btn[data-title="Save as ${extension.toUpperCase()}"]`).first().click();
    const input = page.locator('.quick-input-widget input');
    await input.waitFor({ state: 'visible', timeout: 15_000 });
    const proposed = await input.inputValue();
    log(`  save dialog proposes ${proposed}`);
    await page.keyboard.press('Enter');
    // The file appears (empty) before its bytes are written: wait until it has bytes and its size holds for a poll.
    const start = Date.now();
    const sizeOf = () => (fs.existsSync(target) ? fs.statSync(target).size : 0);
    let size = 0;
    while (Date.now() - start < 15_000) {
      const now = sizeOf();
      if (now > 0 && now === size) break;
      size = now;
      await page.waitForTimeout(250);
    }
    assert.ok(sizeOf() > 0, `${target} written`);
    const bytes = fs.readFileSync(target);
    if (extension === 'svg') assert.match(bytes.toString('utf8', 0, 400), /<svg[\s>]/, 'an SVG document');
    else assert.equal(bytes.subarray(1, 4).toString(), 'PNG', 'a PNG image');
    assert.ok(bytes.length > 1000, `${format}: ${bytes.length} bytes`);
    const fill = /class="bg"[^>]*style="fill: (rgb\([^)]*\))/.exec(bytes.toString('utf8'))?.[1] ?? /<rect[^>]*style="fill: (rgb\([^)]*\))/.exec(bytes.toString('utf8'))?.[1];
    const background = extension === 'svg' ? parseColour(fill ?? '') : await cornerPixel(page, bytes);
    const expected = format.startsWith('light') ? [255, 255, 255] : editorBackground;
    assert.ok(background.every((v, c) => Math.abs(v - expected[c]) <= 2), `${format}: the page is ${expected} (${background})`);
    if (extension === 'png') fs.copyFileSync(target, path.join(ARTIFACTS, `export-${format.replace(' ', '-')}.png`));
    log(`  exported ${path.basename(target)} (${format}): ${bytes.length} bytes, background ${background}`);
  }
  fs.rmSync(settingsFile, { force: true });

  // Copy: a PNG through the webview's clipboard where Chromium allows it, else SVG text through the host; the status bar says which.
  const frame = await frameWith(notebook, '.latent-forest');
  const forestDiv = frame.locator('.latent-forest').first();
  await forestDiv.hover();
  await frame.locator('.latent-forest .modebar-btn[data-title="Copy to clipboard"]').first().click();
  const status = page.locator('.statusbar-item', { hasText: 'Latent: copied the figure' }).first();
  await status.waitFor({ state: 'visible', timeout: 15_000 });
  log(`  copy: ${(await status.innerText()).trim()}`);
}

/** An rgb(r, g, b) or #rrggbb[aa] colour as [r, g, b]. */
function parseColour(text) {
  const rgb = /rgba?\((\d+),\s*(\d+),\s*(\d+)/.exec(text);
  if (rgb) return rgb.slice(1, 4).map(Number);
  const hex = /#([0-9a-f]{6})/i.exec(text);
  assert.ok(hex, `a colour: "${text}"`);
  return [0, 2, 4].map((k) => parseInt(hex[1].slice(k, k + 2), 16));
}

/** The colour of a PNG's pixel (2, 2), decoded by Chromium. */
async function cornerPixel(page, bytes) {
  const tab = await page.context().newPage();
  try {
    return await tab.evaluate(async (base64) => {
      const image = new Image();
      image.src = `data:image/png;base64,${base64}`;
      await image.decode();
      const canvas = document.createElement('canvas');
      canvas.width = image.naturalWidth;
      canvas.height = image.naturalHeight;
      const context = canvas.getContext('2d');
      context.drawImage(image, 0, 0);
      return [...context.getImageData(2, 2, 1, 1).data.slice(0, 3)];
    }, bytes.toString('base64'));
  } finally {
    await tab.close();
  }
}

/** Each run output in the saved notebook: its base64 image/png, and its bytes (JSON view, text and image as stored). */
function savedRunOutputs(file) {
  const saved = JSON.parse(fs.readFileSync(file, 'utf8'));
  const text = (value) => (Array.isArray(value) ? value.join('') : typeof value === 'string' ? value : JSON.stringify(value));
  return saved.cells
    .flatMap((c) => c.outputs ?? [])
    .filter((o) => o.data?.[LATENT_MIMES.run])
    .map((o) => ({ image: o.data['image/png'] && text(o.data['image/png']), bytes: Object.values(o.data).reduce((sum, value) => sum + Buffer.byteLength(text(value)), 0) }));
}

/** The base64 image/png of each run output in the saved notebook. */
function savedImages(file) {
  return savedRunOutputs(file).map((o) => o.image).filter(Boolean);
}

async function frameWith(notebook, selector) {
  for (const frame of await notebook.outputFrames()) if ((await frame.locator(selector).count()) > 0) return frame;
  throw new Error(`no output frame holds ${selector}`);
}
