import * as vscode from 'vscode';
import type { Severity } from '../../engine/language/source';
import { editorRange, problemsIn } from './diagnosticsLogic';

export const LANGUAGE_ID = 'latent';
const DEBOUNCE_MS = 250;

const SEVERITY: Record<Severity, vscode.DiagnosticSeverity> = {
  error: vscode.DiagnosticSeverity.Error,
  warning: vscode.DiagnosticSeverity.Warning,
  info: vscode.DiagnosticSeverity.Information,
};

/**
 * Problems in `latent` documents as the user types: notebook cells and
 * .bug/.jags/.latent files alike, one diagnostic collection keyed by the
 * (cell) document's URI. Checked on open, and 250 ms after the last change;
 * cleared when a document closes, its language changes, a cell is removed or
 * its notebook closes.
 */
export class ModelDiagnostics implements vscode.Disposable {
  private readonly collection = vscode.languages.createDiagnosticCollection(LANGUAGE_ID);
  private readonly pending = new Map<string, ReturnType<typeof setTimeout>>();
  private readonly subscriptions: vscode.Disposable[] = [];

  constructor() {
    this.subscriptions.push(
      this.collection,
      vscode.workspace.onDidOpenTextDocument((d) => this.refresh(d)),
      vscode.workspace.onDidChangeTextDocument((e) => this.schedule(e.document)),
      vscode.workspace.onDidCloseTextDocument((d) => this.forget(d.uri)),
      vscode.workspace.onDidChangeNotebookDocument((e) => {
        for (const change of e.contentChanges) change.removedCells.forEach((cell) => this.forget(cell.document.uri));
      }),
      vscode.workspace.onDidCloseNotebookDocument((n) => n.getCells().forEach((cell) => this.forget(cell.document.uri))),
    );
    vscode.workspace.textDocuments.forEach((d) => this.refresh(d));
  }

  /** Checks a document now (or clears it, when it is not a `latent` document). */
  refresh(document: vscode.TextDocument): void {
    this.cancel(document.uri);
    if (document.languageId !== LANGUAGE_ID) {
      this.collection.delete(document.uri);
      return;
    }
    const diagnostics = problemsIn(document.getText()).map((p) => {
      const r = editorRange(p.range);
      const diagnostic = new vscode.Diagnostic(new vscode.Range(r.startLine, r.startCharacter, r.endLine, r.endCharacter), p.message, SEVERITY[p.severity]);
      diagnostic.source = LANGUAGE_ID;
      return diagnostic;
    });
    this.collection.set(document.uri, diagnostics);
  }

  private schedule(document: vscode.TextDocument): void {
    if (document.languageId !== LANGUAGE_ID) return;
    this.cancel(document.uri);
    const key = document.uri.toString();
    this.pending.set(
      key,
      setTimeout(() => {
        this.pending.delete(key);
        // A document closed meanwhile is forgotten, and its timer with it.
        this.refresh(document);
      }, DEBOUNCE_MS),
    );
  }

  private cancel(uri: vscode.Uri): void {
    const key = uri.toString();
    const timer = this.pending.get(key);
    if (timer !== undefined) clearTimeout(timer);
    this.pending.delete(key);
  }

  private forget(uri: vscode.Uri): void {
    this.cancel(uri);
    this.collection.delete(uri);
  }

  dispose(): void {
    for (const timer of this.pending.values()) clearTimeout(timer);
    this.pending.clear();
    this.subscriptions.forEach((d) => d.dispose());
  }
}
