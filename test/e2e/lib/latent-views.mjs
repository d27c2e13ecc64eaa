// What the Latent renderer drew in a notebook's webview, read from its DOM (src/renderer/):
// one entry per view (`.latent-run` root) — a run (runView.ts), a calibration (sbcView.ts,
// `.latent-sbc`) or a fit (fitView.ts, `.latent-fit`) — in the order the outputs appear in
// the notebook. Tables keep each cell's text, whether it carries the renderer's flag class
// (`latent-flagged`) and its computed colour; plots say whether plotly drew them
// (`svg.main-svg`) and what they hold (bars, scatter points, shapes).
// No static imports beyond Node's: example-checks.mjs imports this file before
// install.sh has installed playwright-core (which workbench.mjs needs).

/** The kinds of output the renderer draws, by MIME type. */
export const LATENT_MIMES = {
  run: 'application/vnd.latent.run+json',
  fit: 'application/vnd.latent.fit+json',
  sbc: 'application/vnd.latent.sbc+json',
};

/** In-page (webview frame): every Latent view, looking into open shadow roots too. */
function collectLatentViews() {
  const deepAll = (node, selector) => {
    const found = [...node.querySelectorAll(selector)];
    for (const el of node.querySelectorAll('*')) if (el.shadowRoot) found.push(...deepAll(el.shadowRoot, selector));
    return found;
  };
  const text = (el) => (el?.textContent ?? '').replace(/\s+/g, ' ').trim();
  const shown = (el) => !el.closest('[hidden]') && getComputedStyle(el).display !== 'none';
  // A CSS colour as the browser computes it, for comparing with a cell's colour.
  const probe = document.createElement('span');
  document.body.append(probe);
  const resolve = (css) => {
    probe.style.color = '';
    probe.style.color = css;
    return getComputedStyle(probe).color;
  };
  const warningColor = resolve('var(--vscode-editorWarning-foreground, #cca700)');
  const table = (t) => ({
    headers: [...t.querySelectorAll('thead th')].map(text),
    rows: [...t.querySelectorAll('tbody tr')].map((tr) =>
      [...tr.children].map((td) => ({
        text: text(td),
        flagged: td.classList.contains('latent-flagged'),
        title: td.title || '',
        color: getComputedStyle(td).color,
      })),
    ),
  });
  const plot = (div) => {
    const svg = div.querySelector('svg.main-svg');
    return {
      className: div.className,
      label: div.getAttribute('aria-label') ?? '',
      caption: text(div.closest('.latent-node')?.querySelector('.latent-caption')),
      drawn: !!svg,
      bars: div.querySelectorAll('.barlayer .point path').length,
      points: div.querySelectorAll('.scatterlayer .points path').length,
      lines: div.querySelectorAll('.scatterlayer .js-line').length,
      // Markers coloured one by one (a fit's data by responsibility) have as many fills as colours.
      pointFills: new Set([...div.querySelectorAll('.scatterlayer .points path')].map((p) => p.style.fill)).size,
      annotations: div.querySelectorAll('.annotation').length,
      shapes: div.querySelectorAll('.shapelayer path').length,
      width: div.getBoundingClientRect().width,
      height: div.getBoundingClientRect().height,
    };
  };
  const PLOTS = '.latent-trace, .latent-rank, .latent-acf, .latent-hist, .latent-forest, .latent-pairs, .latent-ppc-plot, .latent-sbc-plot, .latent-fit-objective, .latent-fit-gap, .latent-fit-mixture, .latent-fit-densities, .latent-fit-bound, .latent-predictive-rmse, .latent-predictive-calibration';
  const views = deepAll(document, '.latent-run').map((root) => {
    const kind = root.classList.contains('latent-error')
      ? 'error'
      : root.classList.contains('latent-sbc')
        ? 'sbc'
        : root.classList.contains('latent-fit')
          ? 'fit'
          : 'run';
    const status = root.querySelector('.latent-status');
    const plots = [...root.querySelectorAll(PLOTS)].filter(shown).map(plot);
    return {
      kind,
      top: root.getBoundingClientRect().top,
      text: text(root),
      status: status?.dataset.fitStatus ?? status?.dataset.status ?? '',
      header: text(root.querySelector('.latent-header')),
      roles: text(root.querySelector('.latent-fit-roles')),
      messages: [...root.querySelectorAll('.latent-message')].map((li) => ({ severity: li.dataset.severity ?? '', text: text(li) })),
      tables: [...root.querySelectorAll('table.latent-summary')].filter(shown).map(table),
      diagnosticsNote: [...root.querySelectorAll('.latent-diagnostics-note')].filter(shown).map(text).join(' '),
      note: [...root.querySelectorAll('.latent-note')].filter(shown).map(text).join(' '),
      plots,
      undrawn: plots.filter((p) => !p.drawn).length,
    };
  });
  probe.remove();
  return { warningColor, views };
}

/**
 * The Latent views of the notebook's webview, in notebook order, each with `warningColor`
 * (the colour the renderer's flag class should give: VS Code's editorWarning-foreground).
 */
export async function latentViews(notebook) {
  const all = [];
  for (const frame of await notebook.outputFrames()) {
    const { warningColor, views } = await frame.evaluate(collectLatentViews).catch(() => ({ views: [] }));
    all.push(...views.map((v) => ({ ...v, warningColor })));
  }
  return all.sort((a, b) => a.top - b.top);
}

/**
 * Waits until the notebook shows `count` Latent views (at least), none of them still
 * running and every plot in them drawn; returns the views.
 */
export async function settledLatentViews(notebook, count, { timeoutMs = 60_000 } = {}) {
  const { waitFor } = await import('./workbench.mjs');
  let last = [];
  return waitFor(
    async () => {
      last = await latentViews(notebook);
      const settled = last.length >= count && last.every((v) => v.undrawn === 0 && v.status !== 'running');
      return settled ? last : null;
    },
    {
      timeoutMs,
      intervalMs: 500,
      message: () =>
        `the renderer's views did not settle: ${last.length} of ${count} views, ` +
        JSON.stringify(last.map((v) => ({ kind: v.kind, status: v.status, plots: v.plots.length, undrawn: v.undrawn }))),
    },
  );
}

/** A table's rows as objects keyed by its headers (`node`, `R-hat`, ...; `#i` without one), each value a cell. */
export function tableRows(table) {
  return table.rows.map((cells) => Object.fromEntries(cells.map((cell, i) => [table.headers[i] || `#${i}`, cell])));
}

/** The rows of a view's first table, by the text of their first cell (the node's name). */
export function rowsByName(view, tableIndex = 0) {
  const table = view.tables[tableIndex];
  if (!table) throw new Error(`the ${view.kind} view has no table ${tableIndex}: ${view.text.slice(0, 200)}`);
  return new Map(tableRows(table).map((row) => [Object.values(row)[0].text, row]));
}

/** The outputs of MIME `mime` (parsed JSON) of a saved notebook, in cell order. */
export function savedOutputs(saved, mime) {
  return saved.cells
    .filter((c) => c.cell_type === 'code')
    .flatMap((c) => c.outputs ?? [])
    .map((o) => o.data?.[mime])
    .filter((d) => d !== undefined)
    .map((d) => (typeof d === 'string' ? JSON.parse(d) : d));
}

/** A number as the renderer prints it ("1.733", "6.3e-4", "–"); NaN when it is not one. */
export function shownNumber(text) {
  const m = /-?\d+(\.\d+)?(e[-+]?\d+)?/i.exec(text.replace('−', '-'));
  return m ? Number(m[0]) : Number.NaN;
}

/**
 * Screenshot of the view number `index` (in notebook order) of the notebook's webview,
 * to `file`. The notebook should be laid out in full (NotebookView.withWholeNotebookVisible).
 */
export async function screenshotView(notebook, index, file) {
  const located = [];
  for (const frame of await notebook.outputFrames()) {
    const roots = frame.locator('.latent-run');
    const n = await roots.count();
    for (let i = 0; i < n; i++) {
      const box = await roots.nth(i).evaluate((el) => el.getBoundingClientRect().top);
      located.push({ top: box, locator: roots.nth(i) });
    }
  }
  located.sort((a, b) => a.top - b.top);
  const target = located[index];
  if (!target) throw new Error(`no Latent view ${index} to screenshot (found ${located.length})`);
  await target.locator.screenshot({ path: file, timeout: 30_000 });
}
