import { randomInt } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { basename, extname, join } from 'node:path';
import * as vscode from 'vscode';
import { readJob, tryReadJob, type JobKind } from '../../engine/job/job';
import type { JobOutput } from '../../engine/job/output';
import { describeProgress } from '../../engine/job/progress';
import { allSinks, anySignal, runJob, type JobSink } from '../../engine/job/sink';
import { startJob, type JobWorkers } from '../../engine/job/startJob';
import { stanCsvText } from '../../engine/output/stanCsvWriter';
import { toMessage } from '../../engine/run/runner';
import { tokenSignal } from '../cellSink';
import { jobChoices } from '../settings';
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
  const job = tryReadJob(run.text, { ...jobChoices(target.document.uri), kind: 'sample' }, () => 0, { baseDirectory: target.folder });
  const messages = job instanceof Error ? job.problems.map(toMessage) : job.kind === 'sample' ? job.request.warnings.map(toMessage) : [];
  showProblems(target.document, messages, services.problems);
  const read = run.files.length ? ` with ${run.files.map((f) => basename(f)).join(', ')}` : '';
  if (job instanceof Error) {
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
async function runModelCommand(services: CommandServices, arg: unknown, kind: JobKind, algorithm?: string): Promise<{ run: CommandRun; final: JobOutput | undefined } | undefined> {
  const run = await prepare(services, arg, kind, algorithm);
  if (!run) return undefined;
  const { target } = run;
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
      return runJob(
        () => readJob(run.text, { ...jobChoices(target.document.uri), kind }, () => randomInt(0, 2 ** 31), { baseDirectory: target.folder }),
        (job, onUpdate) => startJob(job, services.workers, onUpdate),
        allSinks(results.sink, tracked.sink, notification, stopped),
        anySignal(tokenSignal(token), tracked.signal, results.signal),
      );
    },
  );
  return { run, final };
}

/**
 * Latent: Export Draws… — samples the model as Sample Model… does, then
 * writes every kept draw as one CmdStan-style CSV file per chain (readable by
 * `latent diagnose`, posterior, ArviZ) into a folder beside the model named
 * after it (`pump-draws/chain-1.csv`, …), or one the user picks for a cell.
 * Resolves with the files written.
 */
async function exportDraws(services: CommandServices, arg: unknown): Promise<string[] | undefined> {
  const ran = await runModelCommand(services, arg, 'sample');
  if (!ran) return undefined;
  const { final, run } = ran;
  if (final?.kind !== 'sample' || !final.draws || final.draws.store.total() === 0) {
    void vscode.window.showWarningMessage('Latent: the run kept no draws, so there is nothing to export.');
    return undefined;
  }
  const target = run.target;
  const stem = basename(target.name, extname(target.name));
  let folder = target.folder && join(target.folder, `${stem}-draws`);
  if (!folder) {
    const picked = await vscode.window.showOpenDialog({ canSelectFolders: true, canSelectFiles: false, title: 'Folder for the draws (one CSV file per chain)' });
    if (!picked?.[0]) return undefined;
    folder = picked[0].fsPath;
  }
  const { store, names } = final.draws;
  const settings = final.output.settings;
  const files: string[] = [];
  mkdirSync(folder, { recursive: true });
  for (let chain = 0; chain < store.chains; chain++) {
    const file = join(folder, `chain-${chain + 1}.csv`);
    writeFileSync(file, stanCsvText(store, names, chain, settings, target.name));
    files.push(file);
  }
  services.log.info(`Export Draws: ${files.join(', ')}`);
  const reveal = await vscode.window.showInformationMessage(`Latent: wrote ${files.length} chain file${files.length === 1 ? '' : 's'} (${names.length} columns, ${store.total()} draws) to ${vscode.workspace.asRelativePath(folder)}.`, 'Reveal');
  if (reveal) void vscode.commands.executeCommand('revealInExplorer', vscode.Uri.file(files[0]!));
  return files;
}
