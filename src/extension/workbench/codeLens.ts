import * as vscode from 'vscode';
import { parseDocument } from '../../engine/language/parser';

/** The actions above a model block: a title and the command with its arguments after the document's Uri. */
interface ModelAction {
  title: string;
  command: string;
  args?: unknown[];
}

/** The CodeLens row above each model block. */
export function modelActions(): ModelAction[] {
  return [
    { title: 'Sample', command: 'latent.sampleModel' },
    { title: 'Fit EM', command: 'latent.fitModel' },
    { title: 'Fit VI', command: 'latent.fitModelVi' },
    { title: 'Check', command: 'latent.checkModel' },
    { title: 'Calibrate', command: 'latent.calibrateModel' },
  ];
}

/** `Sample · Fit EM · Fit VI · Check · Calibrate` above each `model { ... }`, in model files and in notebook cells. */
export class ModelCodeLensProvider implements vscode.CodeLensProvider {
  provideCodeLenses(document: vscode.TextDocument): vscode.CodeLens[] {
    const model = parseDocument(document.getText()).document.model;
    if (!model) return [];
    const line = new vscode.Range(model.range.start.line, 0, model.range.start.line, 0);
    return modelActions().map((a) => new vscode.CodeLens(line, { title: a.title, command: a.command, arguments: [document.uri, ...(a.args ?? [])] }));
  }
}
