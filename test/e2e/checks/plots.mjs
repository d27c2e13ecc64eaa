// diagnostics/plots-and-comparison.ipynb (issue 16): rank plots, autocorrelation and the
// forest plot drawn; the model comparison shown; each output saved with its image/png
// fallback; a figure exported as SVG and as PNG through the toolbar and the save dialog.
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

  // The static fallback (setting latent.outputs.staticImage, here in the workspace's settings for this
  // check only): run again, then the host adds image/png to each run output (the notebook is dirty again).
  const settingsFile = path.join(workspace, '.vscode', 'settings.json');
  fs.mkdirSync(path.dirname(settingsFile), { recursive: true });
  fs.writeFileSync(settingsFile, JSON.stringify({ 'latent.outputs.staticImage': true }));
  await page.waitForTimeout(1500);
  const before = await notebook.state();
  await workbench.runCommand('Notebook: Run All');
  await notebook.waitExecutionDone({ timeoutMs: 180_000, before });
  const file = path.join(workspace, 'diagnostics', 'plots-and-comparison.ipynb');
  let images = [];
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    await notebook.save();
    const saved = JSON.parse(fs.readFileSync(file, 'utf8'));
    const outputs = saved.cells.flatMap((c) => c.outputs ?? []).filter((o) => o.data?.[LATENT_MIMES.run]);
    images = outputs.map((o) => o.data['image/png']).filter(Boolean);
    if (images.length === outputs.length && outputs.length === 2) break;
    await page.waitForTimeout(1000);
  }
  fs.rmSync(settingsFile, { force: true });
  assert.equal(images.length, 2, 'each run output saved with its image/png');

  // The compare cell: both models ranked by elpd_loo, as loo_compare prints them, in the saved notebook.
  const saved = JSON.parse(fs.readFileSync(file, 'utf8'));
  const compareCell = saved.cells.find((c) => /^compare /.test([].concat(c.source).join('')));
  const table = [].concat(compareCell?.outputs?.[0]?.data?.['text/plain'] ?? []).join('');
  assert.match(table, /^model +elpd_diff +se_diff +elpd_loo +se_elpd_loo +p_loo +se_p_loo +looic +waic +DIC$/m, `the comparison table: ${table}`);
  assert.match(table, /^(hierarchical|pooled) +0\.00 +0\.00 /m);
  assert.match(table, /^(hierarchical|pooled) +-\d+\.\d\d +\d+\.\d\d /m);
  assert.ok(compareCell.outputs[0].data['text/html'], 'and as an HTML table');
  log(`  compare: ${table.split('\n').slice(1, 3).join(' | ')}`);
  for (const image of images) {
    const bytes = Buffer.from(Array.isArray(image) ? image.join('') : image, 'base64');
    assert.equal(bytes.subarray(1, 4).toString(), 'PNG');
    const width = bytes.readUInt32BE(16);
    const height = bytes.readUInt32BE(20);
    assert.ok(width === 840 && height >= 200, `a grid of 420 × 200 figures (${width} × ${height})`);
    assert.ok(bytes.length < 1_000_000, `within 1 MB (${bytes.length} bytes)`);
    log(`  image/png fallback: ${width} × ${height}, ${bytes.length} bytes`);
  }
  fs.writeFileSync(path.join(ARTIFACTS, 'plots-fallback.png'), Buffer.from(images[0], 'base64'));

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
      assert.deepEqual(drawn.map((w) => w > 0), [true, true], `nbconvert HTML in Chromium: both images load (${drawn})`);
    });
    log('  nbconvert HTML: both run outputs show their image');
  }

  // Export: the forest plot's toolbar, then the save dialog's proposed path (next to the notebook);
  // the SVG again with the light export theme (latent.outputs.exportTheme), for a white page.
  for (const format of ['svg', 'png', 'light svg']) {
    if (format === 'light svg') {
      fs.writeFileSync(settingsFile, JSON.stringify({ 'latent.outputs.exportTheme': 'light' }));
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
    const start = Date.now();
    while (!fs.existsSync(target) && Date.now() - start < 15_000) await page.waitForTimeout(250);
    assert.ok(fs.existsSync(target), `${target} written`);
    const bytes = fs.readFileSync(target);
    if (extension === 'svg') assert.match(bytes.toString('utf8', 0, 400), /<svg[\s>]/, 'an SVG document');
    else assert.equal(bytes.subarray(1, 4).toString(), 'PNG', 'a PNG image');
    assert.ok(bytes.length > 1000, `${format}: ${bytes.length} bytes`);
    const background = /class="bg"[^>]*style="fill: (rgb\([^)]*\))/.exec(bytes.toString('utf8'))?.[1] ?? /<rect[^>]*style="fill: (rgb\([^)]*\))/.exec(bytes.toString('utf8'))?.[1];
    if (format === 'light svg') assert.equal(background, 'rgb(255, 255, 255)', 'the light export theme: a white page');
    log(`  exported ${path.basename(target)} (${format}): ${bytes.length} bytes${background ? `, background ${background}` : ''}`);
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

async function frameWith(notebook, selector) {
  for (const frame of await notebook.outputFrames()) if ((await frame.locator(selector).count()) > 0) return frame;
  throw new Error(`no output frame holds ${selector}`);
}
