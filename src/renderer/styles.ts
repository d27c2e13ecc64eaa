/**
 * Stylesheet for the HTML parts of a run output. It uses VS Code's CSS
 * variables directly, so these parts follow theme changes on their own.
 * Everything is scoped under `.latent-run`.
 */

import { PLOT_HEIGHT } from './figures';
import { PAGER_STYLES } from './pager';

const MONO = 'var(--notebook-cell-output-font-family, var(--vscode-editor-font-family, monospace))';
const BORDER = 'var(--vscode-editorWidget-border, rgba(128, 128, 128, 0.35))';

export const STYLES = `
.latent-run {
  color: var(--vscode-foreground);
  font-family: var(--vscode-font-family, system-ui, sans-serif);
  font-size: var(--vscode-font-size, 13px);
  line-height: 1.4;
  display: flex;
  flex-direction: column;
  gap: 6px;
  padding: 2px 0 4px;
  min-width: 0;
}
.latent-run .latent-header {
  display: flex;
  flex-wrap: wrap;
  align-items: baseline;
  column-gap: 10px;
  row-gap: 2px;
}
.latent-run .latent-status {
  font-weight: 600;
}
.latent-run .latent-status[data-status="running"] { color: var(--vscode-charts-blue, #3794ff); }
.latent-run .latent-status[data-status="complete"] { color: var(--vscode-charts-green, #89d185); }
.latent-run .latent-status[data-status="cancelled"] { color: var(--vscode-charts-yellow, #cca700); }
.latent-run .latent-status[data-status="failed"] { color: var(--vscode-errorForeground, #f14c4c); }
.latent-run .latent-meta,
.latent-run .latent-timings {
  color: var(--vscode-descriptionForeground);
}
.latent-run .latent-progress {
  height: 2px;
  background: ${BORDER};
  overflow: hidden;
}
.latent-run .latent-progress[hidden] { display: none; }
.latent-run .latent-progress > div {
  height: 100%;
  background: var(--vscode-progressBar-background, var(--vscode-charts-blue, #0e70c0));
  transition: width 0.2s ease-out;
}
.latent-run .latent-messages {
  list-style: none;
  margin: 0;
  padding: 0;
  display: flex;
  flex-direction: column;
  gap: 2px;
}
.latent-run .latent-messages:empty { display: none; }
.latent-run .latent-message {
  padding-left: 8px;
  border-left: 2px solid var(--vscode-editorInfo-foreground, #3794ff);
  white-space: pre-wrap;
  overflow-wrap: anywhere;
}
.latent-run .latent-message[data-severity="error"] { border-left-color: var(--vscode-errorForeground, #f14c4c); }
.latent-run .latent-message[data-severity="warning"] { border-left-color: var(--vscode-editorWarning-foreground, #cca700); }
.latent-run .latent-severity {
  font-weight: 600;
  margin-right: 6px;
}
.latent-run .latent-message[data-severity="error"] .latent-severity { color: var(--vscode-errorForeground, #f14c4c); }
.latent-run .latent-message[data-severity="warning"] .latent-severity { color: var(--vscode-editorWarning-foreground, #cca700); }
.latent-run .latent-message[data-severity="info"] .latent-severity { color: var(--vscode-editorInfo-foreground, #3794ff); }
.latent-run .latent-location {
  color: var(--vscode-descriptionForeground);
  margin-right: 6px;
}
.latent-run .latent-table-wrap {
  /* No height cap: long tables are paged (pager.ts), since the webview may hide a scroll area's bar. */
  overflow-x: auto;
  scrollbar-width: thin;
  scrollbar-color: var(--vscode-scrollbarSlider-background, rgba(128, 128, 128, 0.5)) transparent;
  align-self: flex-start;
  max-width: 100%;
}
.latent-run .latent-table-wrap[hidden] { display: none; }
.latent-run table.latent-summary {
  border-collapse: collapse;
  font-family: ${MONO};
  font-size: var(--notebook-cell-output-font-size, 12px);
  font-variant-numeric: tabular-nums;
}
.latent-run table.latent-summary th,
.latent-run table.latent-summary td {
  padding: 1px 8px;
  text-align: right;
  white-space: nowrap;
  border-bottom: 1px solid ${BORDER};
}
.latent-run table.latent-summary th {
  position: sticky;
  top: 0;
  font-weight: 600;
  color: var(--vscode-descriptionForeground);
  background: var(--vscode-notebook-outputContainerBackgroundColor, var(--vscode-editor-background));
}
.latent-run table.latent-summary th:first-child,
.latent-run table.latent-summary td:first-child {
  text-align: left;
  padding-left: 0;
}
.latent-run table.latent-summary td.latent-sampler,
.latent-run table.latent-summary th.latent-sampler {
  text-align: left;
  color: var(--vscode-descriptionForeground);
}
.latent-run table.latent-summary td.latent-flagged {
  color: var(--vscode-editorWarning-foreground, #cca700);
  font-weight: 600;
  cursor: help;
}
.latent-run table.latent-summary th[title] { cursor: help; }
.latent-run .latent-diagnostics-note {
  color: var(--vscode-editorWarning-foreground, #cca700);
  font-size: 0.92em;
}
.latent-run .latent-diagnostics-note[hidden] { display: none; }
.latent-run .latent-comparison[hidden] { display: none; }
.latent-run .latent-predictive[hidden] { display: none; }
.latent-run .latent-predictive-title { font-weight: 600; }
.latent-run .latent-predictive-plots {
  display: flex;
  flex-wrap: wrap;
  column-gap: 8px;
}
.latent-run .latent-predictive-rmse { flex: 2 1 320px; min-width: 0; height: ${PLOT_HEIGHT}px; }
.latent-run .latent-predictive-calibration { flex: 1 1 240px; min-width: 0; height: ${PLOT_HEIGHT}px; }
.latent-run .latent-comparison-title { font-weight: 600; }
.latent-run .latent-comparison-note {
  color: var(--vscode-descriptionForeground);
  font-size: 0.92em;
}
.latent-run .latent-legend {
  display: flex;
  flex-wrap: wrap;
  gap: 2px 12px;
  color: var(--vscode-descriptionForeground);
  font-size: 0.92em;
}
.latent-run .latent-legend[hidden] { display: none; }
.latent-run .latent-swatch {
  display: inline-block;
  width: 14px;
  height: 2px;
  margin-right: 5px;
  vertical-align: middle;
}
.latent-run .latent-grid {
  display: flex;
  flex-direction: column;
  gap: 6px;
}
.latent-run .latent-grid:empty { display: none; }
.latent-run .latent-node {
  display: flex;
  flex-wrap: wrap;
  column-gap: 8px;
}
.latent-run .latent-caption {
  flex: 1 0 100%;
  font-size: 0.92em;
  color: var(--vscode-descriptionForeground);
  white-space: nowrap;
  overflow: hidden;
  text-overflow: ellipsis;
}
.latent-run .latent-caption .latent-name {
  font-family: ${MONO};
  font-weight: 600;
  color: var(--vscode-foreground);
  margin-right: 8px;
}
.latent-run .latent-trace {
  flex: 2 1 320px;
  min-width: 0;
  height: ${PLOT_HEIGHT}px;
}
.latent-run .latent-rank,
.latent-run .latent-acf {
  flex: 1 1 200px;
  min-width: 0;
  height: ${PLOT_HEIGHT}px;
}
.latent-run .latent-forest { min-width: 0; }
.latent-run .latent-pairs, .latent-run .latent-ppc-plot { min-width: 0; }
.latent-run .latent-pairs[hidden], .latent-run .latent-comparison-note[hidden] { display: none; }
.latent-run .latent-ppc-check { margin-top: 8px; }
.latent-run .latent-forest[hidden] { display: none; }
.latent-run .latent-hist {
  flex: 1 1 200px;
  min-width: 0;
  height: ${PLOT_HEIGHT}px;
}
.latent-run .latent-note {
  color: var(--vscode-descriptionForeground);
  font-style: italic;
}
.latent-run .latent-note[hidden] { display: none; }
.latent-error {
  color: var(--vscode-errorForeground, #f14c4c);
  white-space: pre-wrap;
}
${PAGER_STYLES}`;
