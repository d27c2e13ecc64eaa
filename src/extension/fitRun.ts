import { randomInt } from 'node:crypto';
import { dirname, join } from 'node:path';
import * as vscode from 'vscode';
import { startFit } from '../engine/fit/startFit';
import { FIT_OUTPUT_MIME, type FitMessage, type FitOutput } from '../engine/output/fitOutput';
import { formatFitTable } from '../engine/output/fitTable';
import type { RunMessage } from '../engine/output/runOutput';
import { readFitRequest } from '../engine/run/fitRequest';
import { errorOutput } from './cellRun';
import { readRequestOrReport, streamToCell } from './cellStreaming';
import { fromRunMessage, initialOutput, toRunMessage } from './fitMessages';
import { runDefaults } from './settings';

/**
 * Executes a cell holding `fit [NAME] with ALGORITHM(...)`: the fit runs in a
 * worker thread (dist/fitWorker.js, beside the chain worker; mixture E-steps
 * may use dist/em-worker.js), its output (MIME application/vnd.latent.fit+json,
 * with the text table beside it) replaced as it streams; the cell's Stop
 * button cancels it. `text` is the cell's document (composed with a named
 * model's cell), `toCell` maps message ranges back to the cell.
 */
export async function runFitCell(execution: vscode.NotebookCellExecution, text: string, toCell: (m: RunMessage) => RunMessage, chainWorkerScript: string): Promise<void> {
  const uri = execution.cell.notebook.uri;
  // The notebook's seed setting seeds fits too; everything else comes from the directive.
  const seed = runDefaults(uri).seed;
  const request = await readRequestOrReport(
    execution,
    () => readFitRequest(text, seed === undefined ? {} : { seed }, () => randomInt(0, 2 ** 31), { baseDirectory: uri.scheme === 'file' ? dirname(uri.fsPath) : undefined }),
    toCell,
  );
  if (!request) return;

  const fitToCell = (m: FitMessage): FitMessage => fromRunMessage(toCell(toRunMessage(m)));
  const items = (o: FitOutput): vscode.NotebookCellOutputItem[] => {
    const mapped = { ...o, messages: o.messages.map(fitToCell) };
    return [vscode.NotebookCellOutputItem.json(mapped, FIT_OUTPUT_MIME), vscode.NotebookCellOutputItem.text(formatFitTable(mapped))];
  };
  const folder = dirname(chainWorkerScript);
  const { final, output } = await streamToCell(execution, initialOutput(request.settings), items, (onUpdate) =>
    startFit(request, { workerScript: join(folder, 'fitWorker.js'), emWorkerScript: join(folder, 'em-worker.js'), onUpdate }),
  );
  if (final.status === 'failed' && final.objective.values.length === 0) {
    await execution.replaceOutput(errorOutput(final.messages.map(toRunMessage).map(toCell)));
    execution.end(false, Date.now());
  } else {
    await execution.replaceOutputItems(items(final), output);
    execution.end(final.status === 'converged' || final.status === 'max-iterations', Date.now());
  }
}
