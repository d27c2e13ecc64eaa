import { readdirSync } from 'node:fs';
import { basename, dirname, extname, join } from 'node:path';
import * as vscode from 'vscode';
import { LANGUAGE_ID } from '../language/diagnostics';
import { hasDataDirective, isDataFileName, pickedFileRole } from './commandText';

/** The model a command runs: a model file or a notebook cell, and the folder its relative file names are read from. */
export interface ModelTarget {
  document: vscode.TextDocument;
  /** The file's name (or the notebook's, for a cell), for titles and messages. */
  name: string;
  folder: string | undefined;
}

/**
 * What a command was invoked on: a file's Uri (explorer, editor title,
 * CodeLens), a notebook cell (cell menus), or nothing (the palette: the
 * active editor). Undefined, with a message said, when it is no model.
 */
export async function modelTarget(arg: unknown): Promise<ModelTarget | undefined> {
  let document: vscode.TextDocument | undefined;
  if (arg instanceof vscode.Uri) document = await vscode.workspace.openTextDocument(arg);
  else if (isCell(arg)) document = arg.document;
  else document = vscode.window.activeTextEditor?.document;
  if (!document || document.languageId !== LANGUAGE_ID) {
    void vscode.window.showWarningMessage('Latent: open a model (.bug, .jags or .latent file, or a latent cell) first.');
    return undefined;
  }
  if (document.uri.scheme === 'vscode-notebook-cell') {
    const notebook = vscode.workspace.notebookDocuments.find((n) => n.getCells().some((c) => c.document === document));
    const file = notebook?.uri.scheme === 'file' ? notebook.uri.fsPath : undefined;
    return { document, name: notebook ? basename(notebook.uri.path) : 'cell', folder: file && dirname(file) };
  }
  const file = document.uri.scheme === 'file' ? document.uri.fsPath : undefined;
  return { document, name: basename(document.uri.path), folder: file && dirname(file) };
}

function isCell(arg: unknown): arg is vscode.NotebookCell {
  return typeof arg === 'object' && arg !== null && 'document' in arg && 'notebook' in arg;
}

const REMEMBERED = 'latent.dataFiles:';

/**
 * The data and inits files a model without data directives runs with: a
 * quick pick of the R dump, JSON and CSV files beside it, the last choice for
 * this model (workspace state) preselected, else the files named like it or
 * `data…`/`inits…`. Empty when the model reads its own data or has no
 * folder; undefined when the user dismissed the pick.
 */
export async function chooseDataFiles(target: ModelTarget, state: vscode.Memento): Promise<string[] | undefined> {
  if (!target.folder || hasDataDirective(target.document.getText())) return [];
  let names: string[];
  try {
    names = readdirSync(target.folder).filter(isDataFileName).sort();
  } catch {
    return [];
  }
  if (names.length === 0) return [];
  const key = REMEMBERED + target.document.uri.toString();
  const remembered = state.get<string[]>(key);
  const stem = basename(target.name, extname(target.name)).toLowerCase();
  const preselect = (name: string): boolean =>
    remembered ? remembered.includes(join(target.folder!, name)) : name.toLowerCase().startsWith(stem) || /^(data|inits?)\b/i.test(name);
  const items = names.map((name) => ({ label: name, description: pickedFileRole(name) === 'inits' ? 'initial values' : 'data', picked: preselect(name), path: join(target.folder!, name) }));
  const picked = await vscode.window.showQuickPick(items, {
    title: `Data for ${target.name}`,
    placeHolder: 'The model has no data lines: pick its data (and initial values) files — Enter to run',
    canPickMany: true,
    ignoreFocusOut: true,
  });
  if (!picked) return undefined;
  const files = picked.map((p) => p.path);
  await state.update(key, files);
  return files;
}
