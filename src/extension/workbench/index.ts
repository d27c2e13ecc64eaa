import * as vscode from 'vscode';
import type { JobWorkers } from '../../engine/job/startJob';
import { LATENT_SELECTOR } from '../language';
import { ModelCodeLensProvider } from './codeLens';
import { registerOpenExamples } from './examples';
import { createLog } from './log';
import { registerModelCommands } from './modelCommands';
import { registerQuickMixture } from './quickMixture';
import type { CellExecutionFor } from './resultsNotebook';
import { RunningJobs } from './runningJobs';

/** The editor as the workbench: model commands, their results notebooks, progress and cancel, CodeLens, examples and the log. */
export function registerWorkbench(context: vscode.ExtensionContext, workers: JobWorkers, jobs: RunningJobs, executionFor: CellExecutionFor): vscode.Disposable {
  const { log, disposable: logDisposable } = createLog();
  const problems = vscode.languages.createDiagnosticCollection('latent-run');
  const services = { workers, state: context.workspaceState, log, jobs, problems, executionFor };
  return vscode.Disposable.from(
    logDisposable,
    problems,
    registerModelCommands(services),
    registerQuickMixture(services),
    registerOpenExamples(context.extensionPath),
    vscode.languages.registerCodeLensProvider(LATENT_SELECTOR, new ModelCodeLensProvider()),
  );
}
