import * as vscode from 'vscode';
import type { JobKind } from '../../engine/job/job';
import type { JobOutput } from '../../engine/job/output';
import { succeeded } from '../../engine/job/output';
import type { JobSink } from '../../engine/job/sink';
import type { RunMessage } from '../../engine/output/runOutput';
import { errorOutput, outputItems } from '../cellSink';
import type { ModelTarget } from './modelTarget';

export const KIND_TITLE: Readonly<Record<JobKind, string>> = { sample: 'Sample', fit: 'Fit', calibrate: 'Calibrate' };

/** What a command ran: the model, the files it picked, and the cell text it read. */
export interface CommandRun {
  target: ModelTarget;
  kind: JobKind;
  text: string;
  files: readonly string[];
}

/**
 * A command's job written to a new notebook beside the editor once it ends:
 * a note saying where the model came from, then the model cell (the file's
 * text with its data and the run) holding the output, drawn by the same
 * renderer as a cell's, so the fit can be kept, rerun and saved. Problems in
 * the model itself go to the Problems view on the model instead.
 */
export function resultsNotebookSink(run: CommandRun, problems: vscode.DiagnosticCollection, log: vscode.LogOutputChannel): JobSink {
  return {
    async finish(o: JobOutput) {
      problems.delete(run.target.document.uri);
      log.info(`${KIND_TITLE[run.kind]} ${run.target.name}: ${o.output.status}`);
      await openResultsNotebook(run, new vscode.NotebookCellOutput(outputItems(o)), succeeded(o));
    },
    async fail(messages: RunMessage[], o?: JobOutput) {
      for (const m of messages) log.error(`${run.target.name}${m.range ? `:${m.range.startLine + 1}:${m.range.startColumn + 1}` : ''}: ${m.message}`);
      if (o) {
        await openResultsNotebook(run, errorOutput(messages), false);
        return;
      }
      showProblems(run.target.document, messages, problems);
      const first = messages[0];
      const more = messages.length > 1 ? ` (and ${messages.length - 1} more in the Problems view)` : '';
      const choice = await vscode.window.showErrorMessage(`Latent: ${run.target.name}${first?.range ? `, line ${first.range.startLine + 1}` : ''}: ${first?.message ?? 'the model cannot run'}${more}`, 'Show Log');
      if (choice) log.show();
    },
  };
}

/** Messages as the model's problems; a message on a line the command added (a picked data file) is shown on the model's last line. */
export function showProblems(document: vscode.TextDocument, messages: RunMessage[], problems: vscode.DiagnosticCollection): void {
  const last = document.lineCount - 1;
  problems.set(
    document.uri,
    messages.map((m) => {
      const r = m.range;
      const range = !r || r.startLine > last ? document.lineAt(last).range : new vscode.Range(r.startLine, r.startColumn, Math.min(r.endLine, last), r.endColumn);
      const severity = m.severity === 'error' ? vscode.DiagnosticSeverity.Error : m.severity === 'warning' ? vscode.DiagnosticSeverity.Warning : vscode.DiagnosticSeverity.Information;
      const diagnostic = new vscode.Diagnostic(range, m.message, severity);
      diagnostic.source = 'latent';
      return diagnostic;
    }),
  );
}

async function openResultsNotebook(run: CommandRun, output: vscode.NotebookCellOutput, success: boolean): Promise<void> {
  const { target, kind, files } = run;
  const source = target.document.uri.scheme === 'file' ? `[${target.name}](${target.document.uri.toString()})` : target.name;
  const read = files.length ? ` with ${files.map((f) => `\`${f.split(/[\\/]/).pop()}\``).join(', ')}` : '';
  const note = new vscode.NotebookCellData(
    vscode.NotebookCellKind.Markup,
    `### ${KIND_TITLE[kind]}: ${source}\n\nThe cell below is the model of ${source}${read} and the run the command made. Run it again (Shift+Enter) to repeat it, edit it, or save this notebook to keep the result.`,
    'markdown',
  );
  const cell = new vscode.NotebookCellData(vscode.NotebookCellKind.Code, run.text, 'latent');
  cell.outputs = [output];
  cell.executionSummary = { success };
  const data = new vscode.NotebookData([note, cell]);
  data.metadata = { metadata: { kernelspec: { name: 'latent', display_name: 'Latent', language: 'latent' }, language_info: { name: 'latent' } } };
  const notebook = await vscode.workspace.openNotebookDocument('jupyter-notebook', data);
  await vscode.window.showNotebookDocument(notebook, { viewColumn: vscode.ViewColumn.Beside });
}
