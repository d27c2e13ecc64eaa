import { randomInt } from 'node:crypto';
import { dirname, join } from 'node:path';
import * as vscode from 'vscode';
import type { RunMessage } from '../engine/output/runOutput';
import { readCalibrationRequest } from '../engine/sbc/request';
import { startCalibration } from '../engine/sbc/runner';
import { SBC_OUTPUT_MIME, SBC_OUTPUT_SCHEMA, type SbcOutput } from '../engine/sbc/sbcOutput';
import { formatCalibrationTable } from '../engine/sbc/sbcTable';
import { errorOutput } from './cellRun';
import { readRequestOrReport, streamToCell } from './cellStreaming';
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
  const seed = runDefaults(uri).seed;
  const request = await readRequestOrReport(
    execution,
    () => readCalibrationRequest(text, seed === undefined ? {} : { seed }, () => randomInt(0, 2 ** 31), { baseDirectory: uri.scheme === 'file' ? dirname(uri.fsPath) : undefined }),
    toCell,
  );
  if (!request) return;

  const items = (o: SbcOutput): vscode.NotebookCellOutputItem[] => {
    const mapped = { ...o, messages: o.messages.map(toCell) };
    return [vscode.NotebookCellOutputItem.json(mapped, SBC_OUTPUT_MIME), vscode.NotebookCellOutputItem.text(formatCalibrationTable(mapped))];
  };
  const initial: SbcOutput = {
    schema: SBC_OUTPUT_SCHEMA, status: 'running', settings: request.settings, progress: { done: 0, total: request.settings.simulations },
    failed: 0, nodes: [], messages: [], timings: { totalMs: 0 },
  };
  const { final, output } = await streamToCell(execution, initial, items, (onUpdate) =>
    startCalibration(request, { workerScript: join(dirname(chainWorkerScript), 'sbcWorker.js'), onUpdate }),
  );
  if (final.status === 'failed' && final.nodes.length === 0) {
    await execution.replaceOutput(errorOutput(final.messages.map(toCell)));
    execution.end(false, Date.now());
  } else {
    await execution.replaceOutputItems(items(final), output);
    execution.end(final.status === 'complete', Date.now());
  }
}
