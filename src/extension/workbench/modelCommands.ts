import { basename, dirname, extname, join } from 'node:path';
import * as vscode from 'vscode';
import type { JobKind } from '../../engine/job/job';
import { checkInWorker, runJobInWorker } from '../../engine/job/jobInWorker';
import type { ExportedDraws } from '../../engine/job/jobWorkerProtocol';
import type { JobOutput } from '../../engine/job/output';
import { describeProgress } from '../../engine/job/progress';
import { allSinks, anySignal, type JobSink } from '../../engine/job/sink';
import type { JobWorkers } from '../../engine/job/startJob';
import type { RequestFiles } from '../../engine/run/request';
import { tokenSignal } from '../cellSink';
import { jobChoices, readOptionsFor, viewBytes } from '../settings';
import { commandText } from './commandText';
import { chooseDataFiles, modelTarget } from './modelTarget';
import { KIND_TITLE, openResultsNotebook, showProblems, type CellExecutionFor, type CommandRun } from './resultsNotebook';
import type { RunningJobs } from './runningJobs';
import { jobsAllowed } from './trust';

/** What the commands share: the engine's workers, remembered data choices, the log, the running jobs and the problems they found. */
export interface CommandServices {
  workers: JobWorkers;
  state: vscode.Memento;
  log: vscode.LogOutputChannel;
  jobs: RunningJobs;
  problems: vscode.DiagnosticCollection;
  executionFor: CellExecutionFor;
}

const GERUND: Readonly<Record<JobKind, string>> = { sample: 'Sampling', fit: 'Fitting', calibrate: 'Calibrating' };

/** Latent: Check Model, Sample Model…, Fit Model (EM)…, Fit Model (VI)…, Calibrate Model (SBC)… — on a model file, a cell, or the active editor. */
export function registerModelCommands(services: CommandServices): vscode.Disposable {
  return vscode.Disposable.from(
    vscode.commands.registerCommand('latent.checkModel', (arg?: unknown) => checkModel(services, arg)),
    vscode.commands.registerCommand('latent.sampleModel', async (arg?: unknown) => (await runModelCommand(services, arg, 'sample'))?.final),
    vscode.commands.registerCommand('latent.fitModel', async (arg?: unknown, algorithm?: string) => (await runModelCommand(services, arg, 'fit', algorithm))?.final),
    vscode.commands.registerCommand('latent.fitModelVi', async (arg?: unknown) => (await runModelCommand(services, arg, 'fit', 'vi'))?.final),
    vscode.commands.registerCommand('latent.calibrateModel', async (arg?: unknown) => (await runModelCommand(services, arg, 'calibrate'))?.final),
    vscode.commands.registerCommand('latent.exportDraws', (arg?: unknown) => exportDraws(services, arg)),
  );
}

/** The model, its data files and the text to run; undefined when the user stopped (or trust forbids). */
async function prepare(services: CommandServices, arg: unknown, kind: JobKind, algorithm?: string): Promise<CommandRun | undefined> {
  if (!jobsAllowed()) return undefined;
  const target = await modelTarget(arg);
  if (!target) return undefined;
  const files = await chooseDataFiles(target, services.state);
  if (!files) return undefined;
  return { target, kind, files, text: commandText(target.document.getText(), target.folder, files, kind, algorithm) };
}

/**
 * Reads the model with its data as a sampling run would, without running it:
 * every problem in the Problems view on the model (names the data lack,
 * unused data, bad directives), or a note that all is well.
 */
async function checkModel(services: CommandServices, arg: unknown): Promise<boolean | undefined> {
  const run = await prepare(services, arg, 'sample');
  if (!run) return undefined;
  const { target } = run;
  // Read in a worker, as a run reads: the data files never on this thread.
  const checked = await checkInWorker({ source: run.text, choices: { ...jobChoices(target.document.uri), kind: 'sample' }, options: readOptions(target), workers: services.workers });
  const messages = 'problems' in checked ? checked.problems : checked.warnings;
  showProblems(target.document, messages, services.problems);
  const read = run.files.length ? ` with ${run.files.map((f) => basename(f)).join(', ')}` : '';
  if ('problems' in checked) {
    services.log.warn(`Check ${target.name}${read}: ${messages.length} problem(s)`);
    void vscode.window.showErrorMessage(`Latent: ${target.name}${read}: ${messages.length} problem${messages.length === 1 ? '' : 's'} (see the Problems view).`);
    return false;
  }
  services.log.info(`Check ${target.name}${read}: no problems${messages.length ? `, ${messages.length} warning(s)` : ''}`);
  void vscode.window.showInformationMessage(`Latent: ${target.name}${read}: no problems${messages.length ? ` (${messages.length} warning${messages.length === 1 ? '' : 's'} in the Problems view)` : ''}.`);
  return true;
}

/**
 * Runs the model as a job of `kind` in a results notebook opened beside the
 * editor, with a progress notification (phase, percent, speed, time left,
 * Cancel) and the status-bar item. Resolves with what ran and its final
 * output, undefined when nothing ran.
 */
async function runModelCommand(
  services: CommandServices,
  arg: unknown,
  kind: JobKind,
  algorithm?: string,
  exportTo?: (run: CommandRun) => Promise<string | undefined>,
): Promise<{ run: CommandRun; final: JobOutput | undefined; exported?: ExportedDraws } | undefined> {
  const run = await prepare(services, arg, kind, algorithm);
  if (!run) return undefined;
  const { target } = run;
  const exportFolder = exportTo && (await exportTo(run));
  if (exportTo && !exportFolder) return undefined;
  let exported: ExportedDraws | undefined;
  const label = `${KIND_TITLE[kind]} ${target.name}`;
  services.log.info(`${label}${run.files.length ? ` with ${run.files.join(', ')}` : ''}`);
  const results = await openResultsNotebook(run, services.executionFor, services.problems, services.log);
  if (!results) return undefined;
  const tracked = services.jobs.track(label);
  const final = await vscode.window.withProgress(
    { location: vscode.ProgressLocation.Notification, title: `Latent: ${GERUND[kind]} ${target.name}`, cancellable: true },
    (progress, token) => {
      let reported = 0;
      const notification: JobSink = {
        show(o) {
          const { percent, message } = describeProgress(o);
          const increment = percent === undefined ? undefined : Math.max(0, percent - reported);
          if (percent !== undefined) reported = Math.max(reported, percent);
          progress.report({ message, increment });
        },
        finish() {},
        fail() {},
      };
      services.log.info(`${label}: starting the job`);
      let cancelledAt = 0;
      const cancelled = anySignal(tokenSignal(token), tracked.signal, results.signal).onCancel(() => {
        cancelledAt = Date.now();
        services.log.info(`${label}: cancel requested`);
      });
      const stopped: JobSink = {
        finish(o) {
          cancelled.dispose();
          if (cancelledAt) services.log.info(`${label}: ${o.output.status} ${Date.now() - cancelledAt} ms after the cancel`);
        },
        fail: () => cancelled.dispose(),
      };
      // Read and run in a worker of the job's own, as a cell is: data files are read there, and draws stay there.
      return runJobInWorker(
        {
          source: run.text, choices: { ...jobChoices(target.document.uri), kind }, options: readOptions(target), workers: services.workers,
          maxOutputBytes: viewBytes(target.document.uri), ...(exportFolder ? { exportDraws: { folder: exportFolder, model: target.name } } : {}),
        },
        allSinks(results.sink, tracked.sink, notification, stopped),
        { cancel: anySignal(tokenSignal(token), tracked.signal, results.signal), onExported: (e) => (exported = e) },
      );
    },
  );
  return { run, final, ...(exported ? { exported } : {}) };
}

/** The run's files and limits: the model's folder, and the limits the settings give. */
function readOptions(target: CommandRun['target']): Partial<RequestFiles> {
  return { ...readOptionsFor(target.document.uri), baseDirectory: target.folder };
}

/**
 * Latent: Export Draws… — samples the model as Sample Model… does, then
 * writes every kept draw as one CmdStan-style CSV file per chain (readable by
 * `latent diagnose`, posterior, ArviZ) into a folder beside the model named
 * after it (`pump-draws/chain-1.csv`, …), or one the user picks for a cell.
 * Resolves with the files written.
 */
async function exportDraws(services: CommandServices, arg: unknown): Promise<string[] | undefined> {
  // The folder is known before the run, so that the job's worker writes the draws itself (they never reach this thread).
  const ran = await runModelCommand(services, arg, 'sample', undefined, async ({ target }) => {
    if (target.folder) return join(target.folder, `${basename(target.name, extname(target.name))}-draws`);
    const picked = await vscode.window.showOpenDialog({ canSelectFolders: true, canSelectFiles: false, title: 'Folder for the draws (one CSV file per chain)' });
    return picked?.[0]?.fsPath;
  });
  if (!ran) return undefined;
  const { final, exported } = ran;
  if (final?.kind !== 'sample' || !exported || exported.files.length === 0) {
    void vscode.window.showWarningMessage('Latent: the run kept no draws, so there is nothing to export.');
    return undefined;
  }
  const { files } = exported;
  const folder = dirname(files[0]!);
  services.log.info(`Export Draws: ${files.join(', ')}`);
  const reveal = await vscode.window.showInformationMessage(`Latent: wrote ${files.length} chain file${files.length === 1 ? '' : 's'} (${exported.columns} columns, ${exported.draws} draws) to ${vscode.workspace.asRelativePath(folder)}.`, 'Reveal');
  if (reveal) void vscode.commands.executeCommand('revealInExplorer', vscode.Uri.file(files[0]!));
  return files;
}
