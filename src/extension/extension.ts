import * as vscode from 'vscode';
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
  );
}

export function deactivate(): void {}
