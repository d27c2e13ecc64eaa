import * as vscode from 'vscode';
import { ModelError } from '../engine/language/source';
import type { RunMessage } from '../engine/output/runOutput';
import { toMessage } from '../engine/run/runner';
import { errorOutput } from './cellRun';

/**
 * Reads a cell's request; problems in the cell (a ModelError) become the
 * cell's error output, with ranges mapped by `toCell`, the execution ends,
 * and the result is undefined.
 */
export async function readRequestOrReport<R>(execution: vscode.NotebookCellExecution, read: () => R, toCell: (m: RunMessage) => RunMessage): Promise<R | undefined> {
  try {
    return read();
  } catch (e) {
    if (!(e instanceof ModelError)) throw e;
    await execution.replaceOutput(errorOutput(e.problems.map(toMessage).map(toCell)));
    execution.end(false, Date.now());
    return undefined;
  }
}

/**
 * Shows `first` as the cell's output, then runs a job started by `start`:
 * each update replaces the output's items (chained, so they reach the
 * notebook in order), the cell's Stop cancels the job. Resolves with the
 * final value once every update has been shown, and the output to put it in.
 */
export async function streamToCell<T>(
  execution: vscode.NotebookCellExecution,
  first: T,
  items: (value: T) => vscode.NotebookCellOutputItem[],
  start: (onUpdate: (value: T) => void) => { result: Promise<T>; cancel(): void },
): Promise<{ final: T; output: vscode.NotebookCellOutput }> {
  const output = new vscode.NotebookCellOutput(items(first));
  await execution.replaceOutput(output);
  let updates: Thenable<void> = Promise.resolve();
  const handle = start((value) => {
    updates = updates.then(() => execution.replaceOutputItems(items(value), output));
  });
  const cancellation = execution.token.onCancellationRequested(() => handle.cancel());
  try {
    const final = await handle.result;
    await updates;
    return { final, output };
  } finally {
    cancellation.dispose();
  }
}
