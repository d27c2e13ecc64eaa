import { randomInt } from 'node:crypto';
import { dirname, join } from 'node:path';
import * as vscode from 'vscode';
import { ModelError } from '../engine/language/source';
import type { RunMessage } from '../engine/output/runOutput';
import { toMessage } from '../engine/run/runner';
import { readCalibrationRequest } from '../engine/sbc/request';
import { startCalibration } from '../engine/sbc/runner';
import { SBC_OUTPUT_MIME, SBC_OUTPUT_SCHEMA, type SbcOutput } from '../engine/sbc/sbcOutput';
import { formatCalibrationTable } from '../engine/sbc/sbcTable';
import { errorOutput } from './cellRun';
import { runDefaults } from './settings';

/**
 * Executes a cell holding `calibrate with sbc(...)`: simulation-based
 * calibration in worker threads (dist/sbcWorker.js, beside the chain
 * worker), streaming the rank histograms into one output; the cell's Stop
 * button cancels it. `text` is the cell's document (composed with a named
 * model's cell), `toCell` maps message ranges back to the cell.
 */
export async function runCalibrationCell(
  execution: vscode.NotebookCellExecution,
  text: string,
  toCell: (m: RunMessage) => RunMessage,
  chainWorkerScript: string,
): Promise<void> {
  const uri = execution.cell.notebook.uri;
  let request;
  try {
    const seed = runDefaults(uri).seed;
    request = readCalibrationRequest(text, seed === undefined ? {} : { seed }, () => randomInt(0, 2 ** 31), {
      baseDirectory: uri.scheme === 'file' ? dirname(uri.fsPath) : undefined,
    });
  } catch (e) {
    if (!(e instanceof ModelError)) throw e;
    await execution.replaceOutput(errorOutput(e.problems.map(toMessage).map(toCell)));
    execution.end(false, Date.now());
    return;
  }

  const items = (o: SbcOutput): vscode.NotebookCellOutputItem[] => {
    const mapped = { ...o, messages: o.messages.map(toCell) };
    return [vscode.NotebookCellOutputItem.json(mapped, SBC_OUTPUT_MIME), vscode.NotebookCellOutputItem.text(formatCalibrationTable(mapped))];
  };
  const initial: SbcOutput = {
    schema: SBC_OUTPUT_SCHEMA, status: 'running', settings: request.settings, progress: { done: 0, total: request.settings.simulations },
    failed: 0, nodes: [], messages: [], timings: { totalMs: 0 },
  };
  const output = new vscode.NotebookCellOutput(items(initial));
  await execution.replaceOutput(output);
  // Updates are chained so they reach the notebook in order, each replacing the same output's items.
  let updates: Thenable<void> = Promise.resolve();
  const handle = startCalibration(request, {
    workerScript: join(dirname(chainWorkerScript), 'sbcWorker.js'),
    onUpdate: (preview) => {
      updates = updates.then(() => execution.replaceOutputItems(items(preview), output));
    },
  });
  const cancellation = execution.token.onCancellationRequested(() => handle.cancel());
  try {
    const final = await handle.result;
    await updates;
    if (final.status === 'failed' && final.nodes.length === 0) {
      await execution.replaceOutput(errorOutput(final.messages.map(toCell)));
      execution.end(false, Date.now());
    } else {
      await execution.replaceOutputItems(items(final), output);
      execution.end(final.status === 'complete', Date.now());
    }
  } finally {
    cancellation.dispose();
  }
}
