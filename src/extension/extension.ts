import * as vscode from 'vscode';
import { endAllJobs, endJobsOf } from '../engine/job/jobInWorker';
import { LatentController } from './controller';
import { registerConvergenceFeatures } from './convergence';
import { registerLanguageFeatures } from './language';
import { registerNewNotebookCommand } from './newNotebook';
import { registerWorkbench } from './workbench';
import { createLog } from './workbench/log';
import { RunningJobs } from './workbench/runningJobs';

export function activate(context: vscode.ExtensionContext): void {
  const workers = { folder: context.asAbsolutePath('dist') };
  const jobs = new RunningJobs();
  // One log for the workbench's jobs and the kernel's output images.
  const log = createLog();
  const controller = new LatentController(workers, jobs, (line) => log.log.info(line));
  context.subscriptions.push(
    jobs,
    controller,
    registerNewNotebookCommand(),
    registerLanguageFeatures(),
    registerConvergenceFeatures(),
    registerWorkbench(context, workers, jobs, (editor, cell) => controller.executionFor(editor, cell), log),
    vscode.workspace.onDidCloseNotebookDocument((notebook) => endJobsOf(notebook.uri.toString(), 'The job was ended: its notebook was closed.')),
  );
}

/** Ends every job's worker (and with it its chains), so that no thread outlives the extension. */
export function deactivate(): Promise<void> {
  return endAllJobs();
}
