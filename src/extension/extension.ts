import * as vscode from 'vscode';
import { LatentController } from './controller';
import { registerConvergenceFeatures } from './convergence';
import { registerLanguageFeatures } from './language';
import { registerNewNotebookCommand } from './newNotebook';

export function activate(context: vscode.ExtensionContext): void {
  context.subscriptions.push(
    new LatentController(context.asAbsolutePath('dist/worker.js')),
    registerNewNotebookCommand(),
    registerLanguageFeatures(),
    registerConvergenceFeatures(),
  );
}

export function deactivate(): void {}
