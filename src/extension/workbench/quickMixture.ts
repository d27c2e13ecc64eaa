import { readFile, stat } from 'node:fs/promises';
import { basename } from 'node:path';
import * as vscode from 'vscode';
import { DEFAULT_MAX_FILE_BYTES } from '../../engine/data/boundedRead';
import { runJobInWorker } from '../../engine/job/jobInWorker';
import type { JobOutput } from '../../engine/job/output';
import { describeProgress } from '../../engine/job/progress';
import { cellSink, tokenSignal } from '../cellSink';
import { readOptionsFor } from '../settings';
import type { CommandServices } from './modelCommands';
import { comparisonMarkdown, mixtureModelText, numericColumns, parseKRange, type MixtureFitRow } from './quickMixtureText';
import { jobsAllowed } from './trust';

const RESTARTS = 5;
const SEED = 1;

/** Latent: Quick Mixture from CSV… — Gaussian mixtures of a CSV's columns for a range of K, compared by BIC and AIC, in a new notebook. */
export function registerQuickMixture(services: CommandServices): vscode.Disposable {
  return vscode.commands.registerCommand('latent.quickMixture', (arg?: unknown) => quickMixture(services, arg instanceof vscode.Uri ? arg : undefined));
}

async function quickMixture(services: CommandServices, given: vscode.Uri | undefined): Promise<MixtureFitRow[] | undefined> {
  if (!jobsAllowed()) return undefined;
  const csv = given ?? (await pickCsv());
  if (!csv) return undefined;
  // Read without blocking this thread, and only a regular file within the size limit.
  const info = await stat(csv.fsPath);
  const limit = readOptionsFor(csv).maxFileBytes ?? DEFAULT_MAX_FILE_BYTES;
  if (!info.isFile() || info.size > limit) {
    void vscode.window.showErrorMessage(`Latent: ${basename(csv.fsPath)} is ${info.isFile() ? `larger than the limit of ${Math.round(limit / 1048576)} MB (setting latent.limits.maxFileMB)` : 'not a regular file'}.`);
    return undefined;
  }
  const { numeric, other } = numericColumns(await readFile(csv.fsPath, 'utf8'));
  if (numeric.length === 0) {
    void vscode.window.showErrorMessage(`Latent: ${basename(csv.fsPath)} has no numeric columns to fit a mixture to.`);
    return undefined;
  }
  if (other.length) {
    void vscode.window.showErrorMessage(`Latent: ${basename(csv.fsPath)} has columns that are not numbers (${other.join(', ')}); a CSV read as data holds numbers only. Save the numeric columns in a file of their own.`);
    return undefined;
  }
  const picked = await vscode.window.showQuickPick(
    numeric.map((name) => ({ label: name, picked: true })),
    { title: `Columns of ${basename(csv.fsPath)} to model`, canPickMany: true, ignoreFocusOut: true },
  );
  if (!picked?.length) return undefined;
  const columns = picked.map((p) => p.label);
  const kText = await vscode.window.showInputBox({
    title: 'Numbers of components K to fit',
    value: '1:4',
    prompt: 'A range such as 1:4, or a list such as 2, 3, 5; each K is fitted by EM with 5 k-means++ starts and compared by BIC and AIC.',
    validateInput: (text) => (typeof parseKRange(text) === 'string' ? (parseKRange(text) as string) : undefined),
    ignoreFocusOut: true,
  });
  if (kText === undefined) return undefined;
  const ks = parseKRange(kText) as number[];
  const name = basename(csv.fsPath);
  services.log.info(`Quick Mixture on ${name}: columns ${columns.join(', ')}, K = ${ks.join(', ')}`);

  const fits = await vscode.window.withProgress(
    { location: vscode.ProgressLocation.Notification, title: `Latent: Quick Mixture on ${name}`, cancellable: true },
    async (progress, token) => {
      const done: Array<{ k: number; text: string; output?: JobOutput; messages: string[] }> = [];
      for (const k of ks) {
        if (token.isCancellationRequested) break;
        const text = mixtureModelText(csv.fsPath, columns, k, RESTARTS, SEED);
        const fit: (typeof done)[number] = { k, text, messages: [] };
        // The text names its seed; its data file is read in the job's worker.
        await runJobInWorker(
          { source: text, choices: { kind: 'fit' }, options: readOptionsFor(csv), workers: services.workers },
          {
            show: (o) => progress.report({ message: `K = ${k} (${ks.indexOf(k) + 1} of ${ks.length}): ${describeProgress(o).message}` }),
            finish: (o) => void (fit.output = o),
            fail: (messages, o) => {
              fit.output = o;
              fit.messages = messages.map((m) => m.message);
            },
          },
          { cancel: tokenSignal(token) },
        );
        services.log.info(`Quick Mixture K = ${k}: ${fit.output?.output.status ?? fit.messages.join('; ')}`);
        done.push(fit);
        progress.report({ increment: 100 / ks.length });
      }
      return done;
    },
  );
  if (fits.length === 0) return undefined;

  const rows: MixtureFitRow[] = fits.map((f) => {
    const out = f.output?.kind === 'fit' ? f.output.output : undefined;
    return { k: f.k, loglik: out?.loglik, bic: out?.bic, aic: out?.aic, status: out?.status ?? (f.messages[0] ?? 'failed') };
  });
  const { markdown, best } = comparisonMarkdown(rows, columns);
  const ordered = [...fits].sort((a, b) => (a.k === best ? -1 : b.k === best ? 1 : a.k - b.k));
  const [first, ...rest] = ordered.map((f) => new vscode.NotebookCellData(vscode.NotebookCellKind.Code, f.text, 'latent'));
  const cells = [first!, new vscode.NotebookCellData(vscode.NotebookCellKind.Markup, markdown, 'markdown'), ...rest];
  const notebookData = new vscode.NotebookData(cells);
  notebookData.metadata = { metadata: { kernelspec: { name: 'latent', display_name: 'Latent', language: 'latent' }, language_info: { name: 'latent' } } };
  const notebook = await vscode.workspace.openNotebookDocument('jupyter-notebook', notebookData);
  const editor = await vscode.window.showNotebookDocument(notebook, { viewColumn: vscode.ViewColumn.Beside });
  // Each fit's output goes in through the kernel, as a cell run's does, so it is the notebook's own (drawn, saved, rerun).
  const codeCells = notebook.getCells().filter((c) => c.kind === vscode.NotebookCellKind.Code);
  for (const [index, f] of ordered.entries()) {
    const execution = await services.executionFor(editor, codeCells[index]!);
    if (!execution) break;
    const sink = cellSink(execution);
    if (f.output && f.messages.length === 0) await sink.finish(f.output);
    else await sink.fail(f.messages.map((message) => ({ severity: 'error' as const, message })));
  }
  return rows;
}

/** The workspace's CSV files (Browse… for one elsewhere). */
async function pickCsv(): Promise<vscode.Uri | undefined> {
  const found = await vscode.workspace.findFiles('**/*.csv', '**/node_modules/**', 500);
  const items: Array<vscode.QuickPickItem & { uri?: vscode.Uri }> = found
    .sort((a, b) => a.fsPath.localeCompare(b.fsPath))
    .map((uri) => ({ label: basename(uri.fsPath), description: vscode.workspace.asRelativePath(uri, false), uri }));
  items.push({ label: 'Browse…', description: 'a CSV file elsewhere' });
  const picked = await vscode.window.showQuickPick(items, { title: 'Quick Mixture: the CSV file to model', matchOnDescription: true, ignoreFocusOut: true });
  if (!picked) return undefined;
  if (picked.uri) return picked.uri;
  const chosen = await vscode.window.showOpenDialog({ canSelectMany: false, filters: { 'CSV files': ['csv'] }, title: 'Quick Mixture: the CSV file to model' });
  return chosen?.[0];
}
