import * as vscode from 'vscode';
import { LatentController } from './controller';
import { registerLanguageFeatures } from './language';
import { registerNewNotebookCommand } from './newNotebook';
import { registerWorkbench } from './workbench';
import { RunningJobs } from './workbench/runningJobs';

export function activate(context: vscode.ExtensionContext): void {
  const workers = { folder: context.asAbsolutePath('dist') };
  const jobs = new RunningJobs();
  context.subscriptions.push(
    jobs,
    new LatentController(workers, jobs),
    registerNewNotebookCommand(),
    registerLanguageFeatures(),
    registerWorkbench(context, workers, jobs),
  );
}

export function deactivate(): void {}
