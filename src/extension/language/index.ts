import * as vscode from 'vscode';
import { ModelCompletionProvider, TRIGGER_CHARACTERS } from './completion';
import { LANGUAGE_ID, ModelDiagnostics } from './diagnostics';
import { ModelHoverProvider } from './hover';

/** Any scheme: files, untitled documents and notebook cells (`vscode-notebook-cell`). */
export const LATENT_SELECTOR: vscode.DocumentSelector = { language: LANGUAGE_ID };

/** The editor features of the language: diagnostics as you type, hovers and completion. */
export function registerLanguageFeatures(): vscode.Disposable {
  return vscode.Disposable.from(
    new ModelDiagnostics(),
    vscode.languages.registerHoverProvider(LATENT_SELECTOR, new ModelHoverProvider()),
    vscode.languages.registerCompletionItemProvider(LATENT_SELECTOR, new ModelCompletionProvider(), ...TRIGGER_CHARACTERS),
  );
}
