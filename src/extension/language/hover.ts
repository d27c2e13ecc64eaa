import * as vscode from 'vscode';
import { hoverAt } from './hoverLogic';

/** Hovers on distribution and function names: the JAGS parameterisation and the meaning of each argument. */
export class ModelHoverProvider implements vscode.HoverProvider {
  provideHover(document: vscode.TextDocument, position: vscode.Position): vscode.Hover | undefined {
    const info = hoverAt(document.getText(), document.offsetAt(position));
    if (!info) return undefined;
    return new vscode.Hover(new vscode.MarkdownString(info.markdown), new vscode.Range(document.positionAt(info.start), document.positionAt(info.end)));
  }
}
