import * as vscode from 'vscode';
import type { JobKind } from '../../engine/job/job';
import { allSinks, type CancelSignal, type JobSink } from '../../engine/job/sink';
import type { RunMessage } from '../../engine/output/runOutput';
import { cellSink, tokenSignal } from '../cellSink';
import type { ModelTarget } from './modelTarget';

export const KIND_TITLE: Readonly<Record<JobKind, string>> = { sample: 'Sample', fit: 'Fit', calibrate: 'Calibrate' };

/** What a command ran: the model, the files it picked, and the cell text it read. */
export interface CommandRun {
  target: ModelTarget;
  kind: JobKind;
  text: string;
  files: readonly string[];
}

/** An execution of a cell on the Latent kernel (the controller selects itself for the notebook first). */
export type CellExecutionFor = (editor: vscode.NotebookEditor, cell: vscode.NotebookCell) => Promise<vscode.NotebookCellExecution | undefined>;

/**
 * Opens a command's results notebook beside the editor: a note saying where
 * the model came from, then the model cell (the file's text with its data and
 * the run), executed on the Latent kernel so the job's output streams into it
 * as a cell run's does and is drawn by the same renderer; the fit can be kept,
 * rerun and saved. Returns the sink for the job (the cell; problems in the
 * model also go to the Problems view on the model) and the cell's Stop, or
 * undefined when the kernel could not take the cell.
 */
export async function openResultsNotebook(
  run: CommandRun,
  executionFor: CellExecutionFor,
  problems: vscode.DiagnosticCollection,
  log: vscode.LogOutputChannel,
): Promise<{ sink: JobSink; signal: CancelSignal } | undefined> {
  const { target, kind, files } = run;
  const where = target.document.uri.scheme === 'file' ? vscode.workspace.asRelativePath(target.document.uri, false) : target.name;
  const read = files.length ? ` with ${files.map((f) => `\`${f.split(/[\\/]/).pop()}\``).join(', ')}` : '';
  const note = new vscode.NotebookCellData(
    vscode.NotebookCellKind.Markup,
    `### ${KIND_TITLE[kind]}: \`${where}\`\n\nThe cell below is the model of \`${where}\`${read} and the run the command made. Run it again (Shift+Enter) to repeat it, edit it, or save this notebook to keep the result.`,
    'markdown',
  );
  const data = new vscode.NotebookData([note, new vscode.NotebookCellData(vscode.NotebookCellKind.Code, run.text, 'latent')]);
  data.metadata = { metadata: { kernelspec: { name: 'latent', display_name: 'Latent', language: 'latent' }, language_info: { name: 'latent' } } };
  const started = Date.now();
  const notebook = await vscode.workspace.openNotebookDocument('jupyter-notebook', data);
  const editor = await vscode.window.showNotebookDocument(notebook, { viewColumn: vscode.ViewColumn.Beside });
  log.info(`${KIND_TITLE[kind]} ${target.name}: results notebook shown after ${Date.now() - started} ms`);
  const execution = await executionFor(editor, notebook.cellAt(1));
  log.info(`${KIND_TITLE[kind]} ${target.name}: its cell executing on the Latent kernel after ${Date.now() - started} ms`);
  if (!execution) {
    log.error(`${KIND_TITLE[kind]} ${target.name}: the Latent kernel could not be selected for the results notebook`);
    void vscode.window.showErrorMessage('Latent: the results notebook could not be run on the Latent kernel; run its cell yourself (Shift+Enter).');
    return undefined;
  }
  const model: JobSink = {
    finish(o) {
      problems.delete(target.document.uri);
      log.info(`${KIND_TITLE[kind]} ${target.name}: ${o.output.status}`);
    },
    fail(messages, o) {
      for (const m of messages) log.error(`${target.name}${m.range ? `:${m.range.startLine + 1}:${m.range.startColumn + 1}` : ''}: ${m.message}`);
      if (!o) showProblems(target.document, messages, problems);
    },
  };
  return { sink: allSinks(cellSink(execution), model), signal: tokenSignal(execution.token) };
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
