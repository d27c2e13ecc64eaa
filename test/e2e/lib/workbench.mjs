// Driving code-server's web workbench with Debian's Chromium through playwright-core.
// DOM facts relied on (VS Code 1.100, checked on code-server 4.100.3):
//   - the visible notebook lives in `.notebookOverlay` (a second, zero-height
//     `.notebook-editor` sits in the editor group: wait for it with state 'attached');
//   - cells are virtualised `.monaco-list-row`s (`data-index`, `aria-setsize`), code
//     cells have `.code-cell-row`; the execution state is the status bar icon
//     `codicon-notebook-state-{success,error,executing,pending}`; the cell's run
//     button is `.run-button-container .codicon-notebook-execute`, which turns into
//     `.codicon-notebook-stop` while it runs (both visible on hover);
//   - each output has a main-document placeholder `.output-inner-container[output-mime-type]`
//     while the rendered output lives in the notebook webview: an iframe in an iframe,
//     `#container .cell_container .output` (`.output.error` for error outputs);
//   - the notebook toolbar shows "Run All" (`codicon-notebook-execute-all`) when idle and
//     "Stop Execution" (`codicon-notebook-stop`) while any cell runs or waits;
//   - a cell's editor draws its text in `.view-lines .view-line` (one span per token) and an
//     error's squiggle as a `.squiggly-error` element in `.view-overlays`, over the text it marks;
//   - a hover is a visible `.monaco-hover`; the Problems view lists markers as
//     `.markers-panel .monaco-list-row`s whose text ends with `[Ln L, Col C]`.
import fs from 'node:fs';
import { chromium } from 'playwright-core';
import { log, sleep } from './log.mjs';

export const CHROMIUM = process.env.LATENT_E2E_CHROMIUM || '/usr/bin/chromium';
export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--disable-quic',
  '--disable-dev-shm-usage',
];
export const ERROR_MIME = 'application/vnd.code.notebook.error';
export const STDERR_MIME = 'application/vnd.code.notebook.stderr';

export async function launchBrowser() {
  log(`launching ${CHROMIUM}`);
  return chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS, headless: true, timeout: 60_000 });
}

/** Polls fn until it returns a truthy value; throws `message` (a string or a function of the last value) on timeout. */
export async function waitFor(fn, { timeoutMs, intervalMs = 250, message }) {
  const deadline = Date.now() + timeoutMs;
  let last;
  for (;;) {
    last = await fn();
    if (last) return last;
    if (Date.now() > deadline) {
      const text = typeof message === 'function' ? message(last) : message;
      throw new Error(`${text} (waited ${Math.round(timeoutMs / 1000)} s)`);
    }
    await sleep(intervalMs);
  }
}

export class Workbench {
  /**
   * @param browser a playwright Browser
   * @param options.url code-server's base URL, options.folder the workspace folder path
   * @param options.onConsole called with each browser console line worth keeping
   */
  constructor(browser, { url, folder, viewport = { width: 1400, height: 1000 }, onConsole = () => {} }) {
    this.browser = browser;
    this.url = url;
    this.folder = folder;
    this.viewport = viewport;
    this.onConsole = onConsole;
    this.page = null;
    this.context = null;
  }

  async open() {
    if (this.context) await this.context.close().catch(() => {});
    this.context = await this.browser.newContext({ viewport: this.viewport });
    this.page = await this.context.newPage();
    this.page.setDefaultTimeout(30_000);
    this.page.on('console', (msg) => {
      if (msg.type() === 'error' || msg.type() === 'warning') this.onConsole(`[${msg.type()}] ${msg.text()}`);
    });
    this.page.on('pageerror', (err) => this.onConsole(`[pageerror] ${err.message}`));
    const target = `${this.url}/?folder=${encodeURIComponent(this.folder)}`;
    log(`loading workbench ${target}`);
    await this.page.goto(target, { waitUntil: 'domcontentloaded', timeout: 60_000 });
    await this.page.waitForSelector('.monaco-workbench .part.editor', { state: 'attached', timeout: 60_000 });
    await this.page.waitForSelector('.monaco-workbench .part.statusbar', { state: 'visible', timeout: 60_000 });
    // The explorer lists the folder once the remote file system is connected.
    await this.page.waitForSelector('.explorer-folders-view .monaco-list-row', { state: 'visible', timeout: 60_000 });
    await sleep(1000);
    log('workbench loaded');
  }

  async screenshot(file, { fullPage = true } = {}) {
    await this.page.screenshot({ path: file, fullPage, timeout: 60_000 });
    log(`screenshot ${file}`);
  }

  async escape(times = 2) {
    for (let i = 0; i < times; i++) {
      await this.page.keyboard.press('Escape');
      await sleep(100);
    }
  }

  /**
   * Picks the quick-input row whose label is exactly `label` (or matches a RegExp). The row
   * is found by its label at each try, not by its index: the list re-renders as it filters.
   */
  async pickQuickInput(label, { timeoutMs = 15_000, description = null } = {}) {
    const text = label instanceof RegExp ? label : new RegExp(`^\\s*${escapeRegExp(label)}\\s*$`);
    let rows = this.page
      .locator('.quick-input-widget .quick-input-list .monaco-list-row')
      .filter({ has: this.page.locator('.label-name', { hasText: text }) });
    if (description) rows = rows.filter({ has: this.page.locator('.label-description', { hasText: description }) });
    const row = rows.first();
    await waitFor(() => row.click({ timeout: 2_000 }).then(() => true, () => false), {
      timeoutMs,
      intervalMs: 100,
      message: `no quick-input entry "${label}"`,
    });
    await this.page.waitForSelector('.quick-input-widget', { state: 'hidden', timeout: 10_000 }).catch(() => {});
  }

  /**
   * Quick Open (Ctrl+P) a file by name, or by its path in the workspace (`em/x.ipynb`: the
   * query is the path, the entry picked the one labelled `x.ipynb`); asks again if the
   * file index has not caught up yet.
   */
  async quickOpen(fileName, { attempts = 3 } = {}) {
    const label = fileName.split('/').pop();
    // Two examples may share a name (em/ and vi/ both have probit-augmentation.ipynb), and the one opened
    // last is listed first: pick the entry whose folder is the one asked for.
    const folder = fileName.includes('/') ? fileName.slice(0, fileName.lastIndexOf('/')) : null;
    const description = folder ? new RegExp(`(^|[/\\\\])${escapeRegExp(folder)}\\s*$`) : null;
    for (let attempt = 1; ; attempt++) {
      log(`Quick Open ${fileName}${attempt > 1 ? ` (attempt ${attempt})` : ''}`);
      await this.page.keyboard.press('Control+P');
      const input = this.page.locator('.quick-input-widget input');
      await input.waitFor({ state: 'visible' });
      await input.fill(fileName);
      try {
        await this.pickQuickInput(label, { timeoutMs: 8_000, description });
        return;
      } catch (err) {
        if (attempt >= attempts) throw err;
        log(`  Quick Open: ${err.message.split('\n')[0]}`);
        await this.escape();
        await sleep(1500);
      }
    }
  }

  /**
   * Runs a command palette (F1) command by its exact label, e.g. "Notebook: Run All";
   * or, with `label` a RegExp, the first command matching it among those `search` finds.
   */
  async runCommand(label, { search = label } = {}) {
    log(`command palette: ${label}`);
    await this.page.keyboard.press('F1');
    const input = this.page.locator('.quick-input-widget input');
    await input.waitFor({ state: 'visible' });
    await input.fill(`>${search}`);
    await this.pickQuickInput(label);
  }

  /** The rows of the Problems view (opened and focused here): their text, e.g. "… latent [Ln 2, Col 8]". */
  async problems() {
    await this.runCommand(/^Problems: Focus on Problems View$|^View: Focus Problems/, { search: 'Focus Problems' });
    await this.page.waitForSelector('.markers-panel', { state: 'visible', timeout: 10_000 });
    await sleep(300);
    return (await this.page.locator('.markers-panel .monaco-list-row').allTextContents()).map((t) => t.replace(/\s+/g, ' ').trim());
  }

  /**
   * Opens the Quick Fix menu (Ctrl+.) at the cursor and applies the action whose title
   * matches `title` (a RegExp); returns the titles the menu offered. The menu is the
   * action widget: `.action-widget .monaco-list-row.action`, one row per code action.
   */
  async quickFix(title, { timeoutMs = 15_000 } = {}) {
    const rows = this.page.locator('.action-widget .monaco-list-row.action');
    let tries = 0;
    const offered = await waitFor(
      async () => {
        if (!(await rows.count())) {
          // Ctrl+. first; then the command, should the key not reach the editor.
          if (tries++ % 2 === 0) await this.page.keyboard.press('Control+.');
          else await this.runCommand('Quick Fix...');
          await sleep(700);
        }
        const titles = (await rows.allTextContents()).map((t) => t.replace(/\s+/g, ' ').trim());
        return titles.length ? titles : null;
      },
      { timeoutMs, intervalMs: 500, message: 'the Quick Fix menu did not open' },
    );
    log(`quick fixes offered: ${JSON.stringify(offered)}`);
    const index = offered.findIndex((t) => title.test(t));
    if (index < 0) throw new Error(`no quick fix matching ${title}: ${JSON.stringify(offered)}`);
    // The keyboard, not a click: the widget's pointer block intercepts clicks while it opens.
    // The first action is focused when the menu opens.
    for (let i = 0; i < index; i++) await this.page.keyboard.press('ArrowDown');
    await this.page.keyboard.press('Enter');
    await this.page.locator('.action-widget').waitFor({ state: 'hidden', timeout: 10_000 }).catch(() => {});
    return offered;
  }

  /** Hides the panel (Problems, Output, ...) should one be open. */
  async hidePanel() {
    if (await this.page.locator('.part.panel').isVisible().catch(() => false)) await this.runCommand('View: Hide Panel');
  }

  /** The text of the hover shown, or '' when there is none. */
  async hoverText() {
    const hovers = this.page.locator('.monaco-hover').filter({ visible: true });
    return (await hovers.allInnerTexts()).join('\n').trim();
  }

  /** Closes every editor; answers "Don't Save" should a dirty editor ask. */
  async closeAllEditors() {
    await this.escape();
    await this.runCommand('View: Close All Editors');
    const dontSave = this.page.locator('.monaco-dialog-box .monaco-button', { hasText: /Don.t Save/ });
    for (let i = 0; i < 5; i++) {
      if (await dontSave.first().isVisible().catch(() => false)) {
        log('dialog: answering "Don\'t Save"');
        await dontSave.first().click();
      }
      await sleep(200);
    }
    await waitFor(async () => (await this.page.locator('.tabs-container .tab').count()) === 0, {
      timeoutMs: 10_000,
      message: 'editors did not close',
    });
  }

  async dismissNotifications() {
    await this.runCommand('Notifications: Clear All Notifications').catch(() => {});
  }

  /** Whether the breadcrumbs of the active editor (when shown) name the folder of `fileName` (a path in the workspace). */
  async inFolderShown(fileName) {
    const parts = fileName.split('/');
    if (parts.length < 2) return true;
    const crumbs = (await this.page.locator('.editor-group-container.active .breadcrumbs-control .monaco-breadcrumb-item').allTextContents()).map((t) => t.trim());
    const at = crumbs.indexOf(parts[parts.length - 1]);
    return crumbs.length === 0 || (at > 0 && crumbs[at - 1] === parts[parts.length - 2]);
  }

  /** Opens a notebook (its name, or its path in the workspace) with Quick Open and waits until its cells are shown. */
  async openNotebook(fileName) {
    await this.quickOpen(fileName);
    await this.page.waitForSelector('.notebook-editor', { state: 'attached', timeout: 60_000 });
    const nb = new NotebookView(this, fileName);
    const label = fileName.split('/').pop();
    await waitFor(
      async () => {
        const tab = (await this.page.locator('.tabs-container .tab.active .label-name').allTextContents())[0];
        return tab === label && (await this.inFolderShown(fileName)) && (await nb.root.locator('.monaco-list-row').count()) > 0;
      },
      { timeoutMs: 60_000, message: `notebook ${fileName} did not open` },
    );
    log(`notebook ${fileName} open`);
    return nb;
  }
}

function escapeRegExp(text) {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** In-page: summary of the rendered cell rows of a notebook root element. */
function collectRows(root) {
  // Only the cell list's rows: a suggest widget open in a cell editor has list rows too.
  const cellRows = [...root.querySelectorAll('.monaco-list-row')].filter(
    (row) => row.classList.contains('code-cell-row') || row.classList.contains('markdown-cell-row'),
  );
  return cellRows.map((row) => {
    const kind = row.classList.contains('code-cell-row')
      ? 'code'
      : row.classList.contains('markdown-cell-row')
        ? 'markdown'
        : 'other';
    const icon = row.querySelector('.cell-statusbar-container .codicon[class*="codicon-notebook-state-"]');
    const state = icon ? /codicon-notebook-state-([a-z]+)/.exec(icon.className)?.[1] ?? 'unknown' : 'none';
    const runButton = row.querySelector('.run-button-container .codicon');
    return {
      index: Number(row.getAttribute('data-index')),
      setsize: Number(row.getAttribute('aria-setsize')),
      kind,
      state,
      statusText: (row.querySelector('.cell-status-left')?.textContent ?? '').trim(),
      language: row.querySelector('.cell-editor-container')?.getAttribute('data-mode-id') ?? null,
      executionLabel: (row.querySelector('.execution-count-label')?.textContent ?? '').trim(),
      runButton: runButton ? (/codicon-notebook-(execute|stop)\b/.exec(runButton.className)?.[1] ?? '') : '',
      mimes: [...row.querySelectorAll('.output-inner-container[output-mime-type]')].map((e) =>
        e.getAttribute('output-mime-type'),
      ),
      firstLine: (row.querySelector('.view-lines .view-line')?.textContent ?? '').replace(/\u00a0/g, ' ').trim(),
    };
  });
}

/** In-page (webview frame): the rendered outputs, looking into open shadow roots too. */
function collectWebviewOutputs() {
  const deepAll = (node, selector) => {
    const found = [...node.querySelectorAll(selector)];
    for (const el of node.querySelectorAll('*')) if (el.shadowRoot) found.push(...deepAll(el.shadowRoot, selector));
    return found;
  };
  const deepText = (node) => {
    let text = node.innerText ?? node.textContent ?? '';
    for (const el of node.querySelectorAll('*')) if (el.shadowRoot) text += ' ' + deepText(el.shadowRoot);
    return text;
  };
  return [...document.querySelectorAll('#container .output')].map((o) => {
    const rect = o.getBoundingClientRect();
    const style = getComputedStyle(o);
    return {
      id: o.id,
      cellId: o.closest('.cell_container')?.id ?? null,
      error: o.classList.contains('error'),
      svgs: deepAll(o, 'svg.main-svg').length,
      text: deepText(o).trim().slice(0, 2000),
      visible: rect.width > 0 && rect.height > 0 && style.display !== 'none' && style.visibility !== 'hidden',
    };
  });
}

export class NotebookView {
  constructor(workbench, fileName) {
    this.wb = workbench;
    this.page = workbench.page;
    this.fileName = fileName;
    this.root = this.page.locator('.notebookOverlay').filter({ visible: true }).first();
  }

  row(index) {
    return this.root.locator(`.monaco-list-row:is(.code-cell-row, .markdown-cell-row)[data-index="${index}"]`);
  }

  /**
   * Scrolls the cell list until the row of cell `index` is rendered: the list renders only the
   * rows near its view, and a tall output above (a run's plots) can push the next cell out of it.
   */
  async revealRow(index) {
    const row = this.row(index);
    for (let i = 0; i < 100 && (await row.count()) === 0; i++) {
      const shown = await this.root.locator('.monaco-list-row[data-index]').evaluateAll((rows) => rows.map((r) => Number(r.getAttribute('data-index'))));
      await this.scrollList(shown.length && Math.max(...shown) < index ? +1 : -1);
    }
    return row;
  }

  async kernelLabel() {
    const labels = await this.root.locator('.notebook-toolbar-container .kernel-label').allTextContents();
    return (labels[0] ?? '').trim();
  }

  /** Makes sure the kernel `label` is the notebook's kernel: waits for the preselection, else picks it. */
  async ensureKernel(label = 'Latent', { timeoutMs = 15_000 } = {}) {
    const preselected = await waitFor(async () => (await this.kernelLabel()) === label, {
      timeoutMs,
      message: 'not preselected',
    }).catch(() => false);
    if (!preselected) {
      log(`kernel is "${await this.kernelLabel()}", selecting "${label}"`);
      await this.wb.runCommand('Notebook: Select Notebook Kernel');
      // The picker can take several steps: with kernels from several sources (or
      // several kernels of one extension) it first asks for the source, labelled with
      // the extension's display name; "Select Another Kernel..." leads to the sources.
      for (let step = 0; step < 4 && (await this.kernelLabel()) !== label; step++) {
        const rows = this.page.locator('.quick-input-widget .quick-input-list .monaco-list-row .label-name');
        const labels = await waitFor(
          async () => {
            if (!(await this.page.locator('.quick-input-widget').isVisible())) return ['<closed>'];
            const all = (await rows.allTextContents()).map((t) => t.trim());
            return all.length ? all : null;
          },
          { timeoutMs: 15_000, message: 'the kernel picker shows no entries' },
        );
        if (labels[0] === '<closed>') break;
        log(`  kernel picker offers: ${labels.join(' | ')}`);
        let i = labels.indexOf(label);
        if (i < 0) i = labels.findIndex((t) => t.startsWith(label));
        if (i < 0) i = labels.findIndex((t) => /^Select Another Kernel/.test(t));
        if (i < 0) throw new Error(`kernel picker has no "${label}" entry: ${labels.join(' | ')}`);
        await this.page.locator('.quick-input-widget .quick-input-list .monaco-list-row').nth(i).click();
        await sleep(700);
      }
      await waitFor(async () => (await this.kernelLabel()) === label, {
        timeoutMs: 15_000,
        message: `kernel "${label}" could not be selected (toolbar shows "${await this.kernelLabel()}")`,
      });
      await this.wb.escape(1);
    }
    log(`kernel: ${label}`);
  }

  /** Execution state of the whole notebook as the toolbar and the rendered rows show it. */
  async state() {
    return this.root.evaluate((root) => {
      const toolbar = root.querySelector('.notebook-toolbar-left');
      const icons = [...root.querySelectorAll('.cell-statusbar-container .codicon')].map((i) => i.className);
      const count = (s) => icons.filter((c) => c.includes(`codicon-notebook-state-${s}`)).length;
      return {
        toolbarStop: !!toolbar?.querySelector('.codicon-notebook-stop'),
        toolbarRunAll: !!toolbar?.querySelector('.codicon-notebook-execute-all'),
        executing: count('executing'),
        pending: count('pending'),
        success: count('success'),
        error: count('error'),
      };
    });
  }

  /**
   * Waits for an execution that was just requested to start and then to finish
   * (the toolbar's "Stop Execution" gone and no rendered cell running or waiting).
   */
  async waitExecutionDone({ timeoutMs, startTimeoutMs = 20_000, before = null }) {
    const t0 = Date.now();
    const changed = (s) =>
      s.toolbarStop || s.executing || s.pending || (before && (s.success !== before.success || s.error !== before.error));
    await waitFor(async () => changed(await this.state()), {
      timeoutMs: startTimeoutMs,
      message: 'execution did not start',
    });
    let lastReport = Date.now();
    let idleStreak = 0;
    for (;;) {
      const s = await this.state();
      const busy = s.toolbarStop || s.executing > 0 || s.pending > 0;
      idleStreak = busy ? 0 : idleStreak + 1;
      if (idleStreak >= 3) break;
      if (Date.now() - lastReport > 10_000) {
        lastReport = Date.now();
        log(`  ... still running after ${Math.round((Date.now() - t0) / 1000)} s (visible cells: ${s.executing} running, ${s.pending} queued, ${s.success} done, ${s.error} failed)`);
      }
      if (Date.now() - t0 > timeoutMs) {
        throw new Error(`execution still running after ${Math.round(timeoutMs / 1000)} s`);
      }
      await sleep(300);
    }
    const seconds = (Date.now() - t0) / 1000;
    log(`execution finished in ${seconds.toFixed(1)} s`);
    return seconds;
  }

  async listContentHeight() {
    return this.root.evaluate((root) => {
      const rows = root.querySelector('.monaco-list-rows');
      const list = root.querySelector('.cell-list-container');
      return {
        content: parseFloat(rows?.style.height ?? '0') || 0,
        visible: list?.getBoundingClientRect().height ?? 0,
      };
    });
  }

  /**
   * Enlarges the page so that the whole notebook is laid out at once (the cell list
   * is virtualised) and runs fn; restores the viewport afterwards.
   */
  async withWholeNotebookVisible(fn, { maxHeight = Number(process.env.LATENT_E2E_MAX_PAGE_HEIGHT || 16_000) } = {}) {
    const original = this.page.viewportSize();
    const { content, visible } = await this.listContentHeight();
    const chrome = original.height - visible;
    const wanted = Math.min(maxHeight, Math.ceil(content + chrome + 80));
    try {
      if (wanted > original.height) {
        await this.page.setViewportSize({ width: original.width, height: wanted });
        await sleep(1500);
        // Content may grow once more outputs are laid out; grow once more if so.
        const again = await this.listContentHeight();
        const wanted2 = Math.min(maxHeight, Math.ceil(again.content + chrome + 80));
        if (wanted2 > wanted) {
          await this.page.setViewportSize({ width: original.width, height: wanted2 });
          await sleep(1000);
        }
      }
      return await fn();
    } finally {
      if (this.page.viewportSize().height !== original.height) await this.page.setViewportSize(original);
    }
  }

  /** The cell list's scroll position (its rows container moves up as the list scrolls). */
  async listScrollTop() {
    return this.root.evaluate((root) => -parseFloat(root.querySelector('.monaco-list-rows')?.style.top || '0') || 0);
  }

  /**
   * One mouse-wheel step over the cell list. VS Code moves a list by a fixed amount
   * per wheel event (50 px at the default workbench.list.mouseWheelScrollSensitivity,
   * which the e2e settings raise to 10, i.e. 500 px), whatever the delta.
   */
  async scrollList(direction) {
    const box = await this.root.locator('.cell-list-container').boundingBox();
    await this.page.mouse.move(box.x + 12, box.y + box.height / 2);
    await this.page.mouse.wheel(0, Math.sign(direction) * 500);
    await sleep(150);
  }

  async scrollListToTop() {
    for (let i = 0; i < 1000 && (await this.listScrollTop()) > 0; i++) await this.scrollList(-1);
  }

  /**
   * Every cell of the notebook (rows merged by index); scrolls through the list when
   * the page, even enlarged, cannot show all of them at once.
   */
  async cells() {
    const byIndex = new Map();
    const add = (rows) => rows.forEach((r) => byIndex.set(r.index, r));
    add(await this.root.evaluate(collectRows));
    const total = () => Math.max(0, ...[...byIndex.values()].map((r) => r.setsize));
    if (byIndex.size < total()) {
      log(`  notebook taller than the page: scrolling through ${total()} cells`);
      await this.scrollListToTop();
      let previous = -1;
      for (let i = 0; i < 2000 && byIndex.size < total(); i++) {
        add(await this.root.evaluate(collectRows));
        const position = await this.listScrollTop();
        if (position === previous) break;
        previous = position;
        await this.scrollList(+1);
      }
      add(await this.root.evaluate(collectRows));
      await this.scrollListToTop();
    }
    return [...byIndex.values()].sort((a, b) => a.index - b.index);
  }

  /** The notebook's webview frames (iframe in iframe) that are shown. */
  async outputFrames() {
    const frames = [];
    for (const f of this.page.frames()) {
      const parent = f.parentFrame();
      if (!parent || parent.parentFrame() !== this.page.mainFrame()) continue;
      const el = await parent.frameElement().catch(() => null);
      if (!el || !(await el.isVisible().catch(() => false))) continue;
      if (!(await f.locator('#container').count().catch(() => 0))) continue;
      frames.push(f);
    }
    return frames;
  }

  /** Rendered outputs of the notebook's webview(s). */
  async webviewOutputs() {
    const all = [];
    for (const f of await this.outputFrames()) {
      all.push(...(await f.evaluate(collectWebviewOutputs).catch(() => [])));
    }
    return all;
  }

  /**
   * Where `needle` is drawn in cell `index`'s editor: the box of its first occurrence
   * (page coordinates) and its zero-based line and column in the cell, or null.
   */
  async textBox(index, needle) {
    return this.row(index).evaluate((row, needle) => {
      const lines = [...row.querySelectorAll('.view-lines .view-line')].sort(
        (a, b) => parseFloat(a.style.top || '0') - parseFloat(b.style.top || '0'),
      );
      for (const [lineIndex, line] of lines.entries()) {
        const nodes = [];
        const walker = document.createTreeWalker(line, NodeFilter.SHOW_TEXT);
        let text = '';
        for (let n = walker.nextNode(); n; n = walker.nextNode()) {
          nodes.push({ node: n, from: text.length });
          text += n.textContent.replace(/\u00a0/g, ' ');
        }
        const at = text.indexOf(needle);
        if (at < 0) continue;
        const locate = (offset) => {
          const hit = nodes.findLast((x) => x.from <= offset);
          return [hit.node, offset - hit.from];
        };
        const range = document.createRange();
        range.setStart(...locate(at));
        range.setEnd(...locate(at + needle.length));
        const r = range.getBoundingClientRect();
        return { x: r.x, y: r.y, width: r.width, height: r.height, line: lineIndex, column: at };
      }
      return null;
    }, needle);
  }

  /** The lines drawn in cell `index`'s editor, top to bottom (what a failure message can quote). */
  async cellLines(index) {
    return this.row(index).evaluate((row) =>
      [...row.querySelectorAll('.view-lines .view-line')]
        .sort((a, b) => parseFloat(a.style.top || '0') - parseFloat(b.style.top || '0'))
        .map((line) => line.textContent.replace(/\u00a0/g, ' ')),
    );
  }

  /** The boxes of the error squiggles drawn in cell `index`'s editor. */
  async squiggles(index, severity = 'error') {
    return this.row(index).evaluate(
      (row, severity) =>
        [...row.querySelectorAll(`.view-overlays .squiggly-${severity}`)].map((e) => {
          const r = e.getBoundingClientRect();
          return { x: r.x, y: r.y, width: r.width, height: r.height };
        }),
      severity,
    );
  }

  /** Clicks a cell's run button (shown on hover). */
  async runCell(index) {
    log(`run cell ${index} (its run button)`);
    const row = await this.revealRow(index);
    // Focus the cell through its editor first: after a tall output the row's top (where the
    // run button sits) can be out of view, and the button shows only for a hovered/focused cell.
    const editor = row.locator('.monaco-editor').first();
    await editor.scrollIntoViewIfNeeded();
    await editor.click();
    await row.hover();
    await row.locator('.run-button-container .codicon-notebook-execute').click();
  }

  /** Clicks a running cell's stop button; returns the time (Date.now()) the click was made. */
  async stopCell(index) {
    const started = Date.now();
    const row = this.row(index);
    await row.hover();
    await row.locator('.run-button-container .codicon-notebook-stop').click();
    const clicked = Date.now();
    log(`stop cell ${index} (its stop button; hovering and clicking took ${((clicked - started) / 1000).toFixed(2)} s)`);
    return clicked;
  }

  /**
   * Waits until cell `index` shows as stopped (not running or waiting, its run button back) and the toolbar's
   * stop is gone, looking in the page at every animation frame; returns the page's Date.now() at the first frame
   * that shows it. Looking from here (two round trips and a 250 ms sleep a look) added up to half a second on a
   * loaded machine to a stop's measured wait, which is the editor's, not the harness's.
   */
  async waitCellStopped(index, { timeoutMs }) {
    const root = await this.root.elementHandle();
    const stoppedAt = await this.page.waitForFunction(
      ([root, index]) => {
        const row = [...root.querySelectorAll('.monaco-list-row.code-cell-row')].find((r) => Number(r.getAttribute('data-index')) === index);
        const icon = row?.querySelector('.cell-statusbar-container .codicon[class*="codicon-notebook-state-"]');
        const state = icon ? (/codicon-notebook-state-([a-z]+)/.exec(icon.className)?.[1] ?? 'unknown') : 'none';
        const runs = /codicon-notebook-execute\b/.test(row?.querySelector('.run-button-container .codicon')?.className ?? '');
        const toolbarStop = root.querySelector('.notebook-toolbar-left .codicon-notebook-stop');
        return row && state !== 'executing' && state !== 'pending' && runs && !toolbarStop ? Date.now() : false;
      },
      [root, index],
      { polling: 'raf', timeout: timeoutMs },
    );
    return stoppedAt.jsonValue();
  }

  async cellInfo(index) {
    const rows = await this.root.evaluate(collectRows);
    return rows.find((r) => r.index === index) ?? null;
  }

  /**
   * Saves the notebook (so its outputs can be read from disk) and waits until it is clean; given
   * the file's path, also until the file on disk has been written since the call.
   */
  async save({ file = null } = {}) {
    const before = file && fs.existsSync(file) ? fs.statSync(file).mtimeMs : 0;
    await this.wb.runCommand('File: Save');
    await waitFor(async () => (await this.page.locator('.tabs-container .tab.active.dirty').count()) === 0, {
      timeoutMs: 15_000,
      message: `${this.fileName} stayed unsaved`,
    });
    if (file) {
      await waitFor(async () => fs.existsSync(file) && fs.statSync(file).mtimeMs > before, {
        timeoutMs: 15_000,
        message: `${file} was not written by the save`,
      });
    }
  }
}
