import * as vscode from 'vscode';

export const UNTRUSTED_MESSAGE =
  'Latent runs no model and reads no data file in an untrusted workspace (Restricted Mode): a model\'s data lines name files to read. Trust the workspace to run it; saved outputs still show.';

/** Whether jobs may run; in an untrusted workspace says why not (with a way to trust it) and returns false. */
export function jobsAllowed(): boolean {
  if (vscode.workspace.isTrusted) return true;
  void vscode.window.showWarningMessage(`Latent: ${UNTRUSTED_MESSAGE}`, 'Manage Workspace Trust').then((choice) => {
    if (choice) void vscode.commands.executeCommand('workbench.trust.manage');
  });
  return false;
}
