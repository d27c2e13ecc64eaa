import * as vscode from 'vscode';
import { mapOutputMessages, OUTPUT_MIME, outputText, succeeded, type JobOutput } from '../engine/job/output';
import type { CancelSignal, JobSink } from '../engine/job/sink';
import type { RunMessage } from '../engine/output/runOutput';
import { withStaticImage } from './staticImageItem';

/** A job's output as a cell output's items: the rendered JSON and the text table beside it. */
export function outputItems(o: JobOutput): vscode.NotebookCellOutputItem[] {
  return [vscode.NotebookCellOutputItem.json(o.output, OUTPUT_MIME[o.kind]), vscode.NotebookCellOutputItem.text(outputText(o))];
}

/**
 * Writes a job into the cell it runs in: one output, its items replaced at
 * each update, and at the end with the static image added; problems become an
 * error output; the execution ends with the job. `toCell` maps message ranges
 * into the cell (a named model composed with the running cell).
 */
export function cellSink(execution: vscode.NotebookCellExecution, toCell: (m: RunMessage) => RunMessage = (m) => m): JobSink {
  let output: vscode.NotebookCellOutput | undefined;
  const items = (o: JobOutput): vscode.NotebookCellOutputItem[] => outputItems(mapOutputMessages(o, toCell));
  return {
    async show(o) {
      if (output) return execution.replaceOutputItems(items(o), output);
      output = new vscode.NotebookCellOutput(items(o));
      await execution.replaceOutput(output);
    },
    async finish(o) {
      const final = withStaticImage(items(o), o, execution.cell.notebook.uri);
      await endAfter(execution, output ? execution.replaceOutputItems(final, output) : execution.replaceOutput(new vscode.NotebookCellOutput(final)), succeeded(o));
    },
    async fail(messages) {
      await endAfter(execution, execution.replaceOutput(errorOutput(messages.map(toCell))), false);
    },
  };
}

/**
 * Ends the execution with its last output edit, without waiting for the edit's round trip first. The edit is queued
 * when made, and VS Code sends an execution's queued edits before its end, in order; waiting for the edit's promise
 * kept a stopped cell looking busy for half a second more in a loaded editor (0.5 s of the 0.9 s from Stop to the
 * cell's end, measured in code-server).
 */
async function endAfter(execution: vscode.NotebookCellExecution, edit: Thenable<void>, success: boolean): Promise<void> {
  execution.end(success, Date.now());
  await edit;
}

/** A cancellation token as the job driver's cancel signal. */
export function tokenSignal(token: vscode.CancellationToken): CancelSignal {
  return { onCancel: (cancel) => token.onCancellationRequested(cancel) };
}

export function errorOutput(messages: RunMessage[]): vscode.NotebookCellOutput {
  const text = messages
    .map((m) => (m.range ? `Line ${m.range.startLine + 1}, column ${m.range.startColumn + 1}: ${m.severity}: ${m.message}` : `${m.severity}: ${m.message}`))
    .join('\n');
  const error = new Error(text);
  error.name = messages.length === 1 ? 'Model error' : `${messages.length} model errors`;
  // The message says where; a JavaScript stack would only confuse.
  error.stack = '';
  return new vscode.NotebookCellOutput([vscode.NotebookCellOutputItem.error(error)]);
}
