import * as vscode from 'vscode';
import type { ConvergenceFindings } from './findingStore';
import { quickFixesFor } from './quickFixLogic';

/**
 * Quick fixes on convergence diagnostics: run longer, more burn-in, more
 * chains, an ordering constraint for label switching, monitor the node. Each
 * is one WorkspaceEdit (undoable), on the cell that holds the statement or
 * the run directive, computed on the cells' current texts.
 */
export class ConvergenceQuickFixes implements vscode.CodeActionProvider {
  static readonly kinds = [vscode.CodeActionKind.QuickFix];

  constructor(private readonly findings: ConvergenceFindings) {}

  provideCodeActions(document: vscode.TextDocument, _range: vscode.Range | vscode.Selection, context: vscode.CodeActionContext): vscode.CodeAction[] {
    const ours = context.diagnostics.filter((d) => d.source === 'latent' && typeof d.code === 'string');
    if (ours.length === 0) return [];
    const texts = documentsByKey(document);
    const actions: vscode.CodeAction[] = [];
    for (const placement of this.findings.placementsIn(document)) {
      const r = placement.finding.range;
      const diagnostic = ours.find((d) => d.code === placement.finding.code && d.range.start.line === r.start.line && d.range.start.character === r.start.column);
      if (!diagnostic) continue;
      const textOf = (key: string): string | undefined => texts.get(key)?.getText();
      for (const fix of quickFixesFor(placement, this.findings.siblingsOf(placement), textOf)) {
        const action = new vscode.CodeAction(fix.title, vscode.CodeActionKind.QuickFix);
        action.diagnostics = [diagnostic];
        action.isPreferred = fix.preferred;
        const edit = new vscode.WorkspaceEdit();
        for (const { target, edit: e } of fix.edits) {
          const doc = texts.get(target)!;
          edit.replace(doc.uri, new vscode.Range(doc.positionAt(e.start), doc.positionAt(e.end)), e.text);
        }
        action.edit = edit;
        actions.push(action);
      }
    }
    return actions;
  }
}

/** The documents a fix may edit: the document itself and, in a notebook, its cells. */
function documentsByKey(document: vscode.TextDocument): Map<string, vscode.TextDocument> {
  const notebook = vscode.workspace.notebookDocuments.find((n) => n.getCells().some((c) => c.document === document));
  const documents = notebook ? notebook.getCells().map((c) => c.document) : [document];
  return new Map(documents.map((d) => [d.uri.toString(), d]));
}
