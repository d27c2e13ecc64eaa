import * as vscode from 'vscode';
import { LatentController } from './controller';
import { registerLanguageFeatures } from './language';
import { registerNewNotebookCommand } from './newNotebook';

export function activate(context: vscode.ExtensionContext): void {
  context.subscriptions.push(
    new LatentController({ folder: context.asAbsolutePath('dist') }),
    registerNewNotebookCommand(),
    registerLanguageFeatures(),
  );
}

export function deactivate(): void {}
