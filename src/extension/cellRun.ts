import * as vscode from 'vscode';
import { pathsOutsideFolder } from '../engine/data/workspacePaths';
import { runJobInWorker } from '../engine/job/jobInWorker';
import { allSinks, anySignal } from '../engine/job/sink';
import type { JobWorkers } from '../engine/job/startJob';
import type { RunMessage } from '../engine/output/runOutput';
import { ComposedSource, definedModelName, referencedModel } from '../engine/run/namedModels';
import { parseDocument } from '../engine/language/parser';
import { toMessage } from '../engine/run/runner';
import { cellSink, errorOutput, tokenSignal } from './cellSink';
import { runCompareCell } from './compareCell';
import { jobChoices, readOptionsFor, viewBytes } from './settings';
import type { RunningJobs } from './workbench/runningJobs';
import { UNTRUSTED_MESSAGE } from './workbench/trust';

/**
 * Executes one cell: reads its job (sampling, a fit or a calibration, as its
 * run directive says) and runs it in a worker of its own while streaming into one output,
 * and ends the execution. Problems in the cell become an error output, never
 * an exception.
 */
export async function runCell(execution: vscode.NotebookCellExecution, workers: JobWorkers, jobs: RunningJobs): Promise<void> {
  execution.start(Date.now());
  await execution.clearOutput();
  const source = execution.cell.document.getText();
  if (!vscode.workspace.isTrusted) {
    // Nothing is read or run; files that lie outside the workspace folder are named, since trusting it would let the cell read them.
    const uri = execution.cell.notebook.uri;
    const folder = vscode.workspace.getWorkspaceFolder(uri)?.uri.fsPath ?? readOptionsFor(uri).baseDirectory;
    const outside = folder === undefined ? [] : pathsOutsideFolder(source, readOptionsFor(uri).baseDirectory, folder).map(toMessage);
    await execution.replaceOutput(errorOutput([{ severity: 'info', message: UNTRUSTED_MESSAGE }, ...outside]));
    execution.end(false, Date.now());
    return;
  }
  const compare = parseDocument(source).document.directives.find((d) => d.kind === 'compare');
  if (compare?.kind === 'compare') return runCompareCell(execution, compare, workers);
  const composed = composeWithNamedModel(execution.cell, source);
  if (composed instanceof Error) {
    await execution.replaceOutput(errorOutput([{ severity: 'error', message: composed.message }]));
    execution.end(false, Date.now());
    return;
  }
  const toCell = (m: RunMessage): RunMessage => (composed ? composed.toCell(m) : m);
  const uri = execution.cell.notebook.uri;
  const tracked = jobs.track(`${uri.path.split('/').pop()} cell ${execution.cell.index + 1}`);
  // Read and run in a worker of the job's own: its files are read there, and its draws stay there.
  await runJobInWorker(
    { source: composed?.text ?? source, choices: jobChoices(uri), options: readOptionsFor(uri), workers, maxOutputBytes: viewBytes(uri) },
    allSinks(cellSink(execution, toCell), tracked.sink),
    { cancel: anySignal(tokenSignal(execution.token), tracked.signal), owner: uri.toString() },
  );
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
