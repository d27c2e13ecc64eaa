import * as vscode from 'vscode';
import { endAllJobs, endJobsOf } from '../engine/job/jobInWorker';
import { LatentController } from './controller';
import { registerConvergenceFeatures } from './convergence';
import { registerLanguageFeatures } from './language';
import { registerNewNotebookCommand } from './newNotebook';
import { registerWorkbench } from './workbench';
import { RunningJobs } from './workbench/runningJobs';

export function activate(context: vscode.ExtensionContext): void {
  const workers = { folder: context.asAbsolutePath('dist') };
  const jobs = new RunningJobs();
  const controller = new LatentController(workers, jobs);
  context.subscriptions.push(
    jobs,
    controller,
    registerNewNotebookCommand(),
    registerLanguageFeatures(),
    registerConvergenceFeatures(),
    registerWorkbench(context, workers, jobs, (editor, cell) => controller.executionFor(editor, cell)),
    vscode.workspace.onDidCloseNotebookDocument((notebook) => endJobsOf(notebook.uri.toString(), 'The job was ended: its notebook was closed.')),
  );
}

/** Ends every job's worker (and with it its chains), so that no thread outlives the extension. */
export function deactivate(): Promise<void> {
  return endAllJobs();
}
