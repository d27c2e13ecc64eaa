import * as vscode from 'vscode';

/**
 * The last line of defence of a cell's execution: an exception that escapes
 * its run (a bug anywhere in reading, checking, compiling, running or
 * summarising) becomes an error output and a failed end, so that the cell
 * never stays "running" and the next cells of a Run All still run. Problems
 * the user must fix never get here: the runs report those themselves.
 */
export async function endingOnException(execution: vscode.NotebookCellExecution, run: () => Promise<void>): Promise<void> {
  try {
    await run();
  } catch (e) {
    const error = new Error(`Latent stopped on an unexpected error: ${e instanceof Error ? e.message : String(e)}`);
    error.name = 'Unexpected error';
    error.stack = '';
    try {
      await execution.replaceOutput(new vscode.NotebookCellOutput([vscode.NotebookCellOutputItem.error(error)]));
    } catch {
      // The cell or its notebook is gone: nothing to show it in.
    }
    try {
      execution.end(false, Date.now());
    } catch {
      // The run ended the execution before it threw.
    }
  }
}
