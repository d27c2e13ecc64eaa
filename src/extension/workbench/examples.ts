import { readdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import * as vscode from 'vscode';

/** Latent: Open Examples — a quick pick of the example notebooks shipped with the extension (examples/). */
export function registerOpenExamples(extensionPath: string): vscode.Disposable {
  return vscode.commands.registerCommand('latent.openExamples', async () => {
    const root = join(extensionPath, 'examples');
    const notebooks = notebooksUnder(root);
    if (notebooks.length === 0) {
      void vscode.window.showWarningMessage('Latent: this installation has no examples folder.');
      return;
    }
    const picked = await vscode.window.showQuickPick(
      notebooks.map((path) => ({ label: relative(root, path), path })),
      { title: 'Latent examples', placeHolder: 'An example notebook to open (its data files are beside it)', matchOnDescription: true },
    );
    if (!picked) return;
    const notebook = await vscode.workspace.openNotebookDocument(vscode.Uri.file(picked.path));
    await vscode.window.showNotebookDocument(notebook);
  });
}

function notebooksUnder(folder: string): string[] {
  let entries;
  try {
    entries = readdirSync(folder, { withFileTypes: true });
  } catch {
    return [];
  }
  return entries
    .flatMap((e) => (e.isDirectory() ? notebooksUnder(join(folder, e.name)) : e.name.endsWith('.ipynb') ? [join(folder, e.name)] : []))
    .sort();
}
