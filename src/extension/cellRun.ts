import { randomInt } from 'node:crypto';
import { dirname } from 'node:path';
import * as vscode from 'vscode';
import { RUN_OUTPUT_MIME, type RunMessage, type RunOutput } from '../engine/output/runOutput';
import { formatSummaryTable } from '../engine/output/summaryTable';
import { ComposedSource, definedModelName, referencedModel } from '../engine/run/namedModels';
import { readRunRequest } from '../engine/run/request';
import { startRun } from '../engine/run/runner';
import { calibrateDirective } from '../engine/sbc/request';
import { fitDirective } from '../engine/run/fitRequest';
import { runCalibrationCell } from './calibrationRun';
import { readRequestOrReport, streamToCell } from './cellStreaming';
import { runFitCell } from './fitRun';
import { runDefaults } from './settings';

/**
 * Executes one cell: reads the model and its directives, runs the chains in
 * workers while streaming previews into one output, and ends the execution.
 * Problems in the cell become an error output, never an exception.
 */
export async function runCell(execution: vscode.NotebookCellExecution, workerScript: string): Promise<void> {
  execution.start(Date.now());
  await execution.clearOutput();
  const source = execution.cell.document.getText();
  const composed = composeWithNamedModel(execution.cell, source);
  if (composed instanceof Error) {
    await execution.replaceOutput(errorOutput([{ severity: 'error', message: composed.message }]));
    execution.end(false, Date.now());
    return;
  }
  const toCell = (m: RunMessage): RunMessage => (composed ? composed.toCell(m) : m);
  if (calibrateDirective(composed?.text ?? source)) return runCalibrationCell(execution, composed?.text ?? source, toCell, workerScript);
  if (fitDirective(composed?.text ?? source)) return runFitCell(execution, composed?.text ?? source, toCell, workerScript);

  const uri = execution.cell.notebook.uri;
  // Data files are read relative to the notebook; an untitled notebook has no folder yet.
  const request = await readRequestOrReport(
    execution,
    () => readRunRequest(composed?.text ?? source, runDefaults(uri), () => randomInt(0, 2 ** 31), { baseDirectory: uri.scheme === 'file' ? dirname(uri.fsPath) : undefined }),
    toCell,
  );
  if (!request) return;
  const { final, output } = await streamToCell(execution, initialOutput(request.settings), outputItems, (onUpdate) => {
    const handle = startRun(request, { workerScript, onUpdate });
    return { result: handle.result.then((r) => r.output), cancel: () => handle.cancel() };
  });
  if (final.status === 'failed') {
    await execution.replaceOutput(errorOutput(final.messages.map(toCell)));
    execution.end(false, Date.now());
  } else {
    await execution.replaceOutputItems(outputItems(final), output);
    execution.end(final.status === 'complete', Date.now());
  }
}

/**
 * For a cell that runs a model defined in another cell (`sample NAME with ...`):
 * the nearest cell above that defines `model NAME { ... }`, composed with this one.
 */
function composeWithNamedModel(cell: vscode.NotebookCell, source: string): ComposedSource | Error | undefined {
  const reference = referencedModel(source);
  if (!reference) return undefined;
  const above = cell.notebook.getCells().slice(0, cell.index).reverse();
  const defining = above.find((c) => c.document.languageId === 'latent' && definedModelName(c.document.getText()) === reference.name);
  if (!defining) return new Error(`Line ${reference.range.start.line + 1}: no cell above defines 'model ${reference.name} { ... }'.`);
  return new ComposedSource(source, defining.document.getText(), reference);
}

function outputItems(run: RunOutput): vscode.NotebookCellOutputItem[] {
  return [vscode.NotebookCellOutputItem.json(run, RUN_OUTPUT_MIME), vscode.NotebookCellOutputItem.text(formatSummaryTable(run))];
}

function initialOutput(settings: RunOutput['settings']): RunOutput {
  return {
    schema: 'latent.run/1',
    status: 'running',
    settings,
    progress: { done: 0, total: settings.chains * (settings.burnin + settings.iterations) },
    nodes: [],
    messages: [],
    timings: { compileMs: 0, sampleMs: 0, totalMs: 0 },
  };
}

export function errorOutput(messages: RunOutput['messages']): vscode.NotebookCellOutput {
  const text = messages
    .map((m) => (m.range ? `Line ${m.range.startLine + 1}, column ${m.range.startColumn + 1}: ${m.severity}: ${m.message}` : `${m.severity}: ${m.message}`))
    .join('\n');
  const error = new Error(text);
  error.name = messages.length === 1 ? 'Model error' : `${messages.length} model errors`;
  // The message says where; a JavaScript stack would only confuse.
  error.stack = '';
  return new vscode.NotebookCellOutput([vscode.NotebookCellOutputItem.error(error)]);
}
