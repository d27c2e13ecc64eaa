import * as vscode from 'vscode';

/** The extension's log (Output view, "Latent"): jobs started and ended, problems, the files a command read. */
export function createLog(): { log: vscode.LogOutputChannel; disposable: vscode.Disposable } {
  const log = vscode.window.createOutputChannel('Latent', { log: true });
  const command = vscode.commands.registerCommand('latent.showLog', () => log.show());
  return { log, disposable: vscode.Disposable.from(log, command) };
}
