import { basename, dirname } from 'node:path';
import * as vscode from 'vscode';
import { parseDocument } from '../../engine/language/parser';
import type { Problem, Severity } from '../../engine/language/source';
import { checkDataFiles, DataFileCache } from './dataFileCheck';
import { editorRange, problemsIn } from './diagnosticsLogic';
import { pathsOutsideFolder } from '../../engine/data/workspacePaths';

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
 * its notebook closes. A document whose data come from files is checked
 * again once the files are read in the background (what a run would see:
 * their names, a missing file), unless it changed meanwhile.
 */
export class ModelDiagnostics implements vscode.Disposable {
  private readonly collection = vscode.languages.createDiagnosticCollection(LANGUAGE_ID);
  private readonly pending = new Map<string, ReturnType<typeof setTimeout>>();
  private readonly subscriptions: vscode.Disposable[] = [];
  private readonly dataFiles = new DataFileCache();

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
      this.watchDataFiles(),
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
    const text = document.getText();
    this.collection.set(document.uri, toDiagnostics(problemsIn(text)));
    const parsed = parseDocument(text).document;
    if (!parsed.directives.some((d) => (d.kind === 'data' || d.kind === 'inits') && d.value.kind === 'file')) return;
    // In an untrusted workspace no data file is read, not even in the background; the files that lie
    // outside the workspace folder are named, since trusting it would let the document read them.
    if (!vscode.workspace.isTrusted) {
      const outside = outsideWorkspace(text, document);
      if (outside.length) this.collection.set(document.uri, toDiagnostics([...problemsIn(text), ...outside]));
      return;
    }
    const version = document.version;
    void checkDataFiles(parsed, folderOf(document), this.dataFiles).then(
      (files) => {
        if (document.isClosed || document.version !== version || document.languageId !== LANGUAGE_ID) return;
        this.collection.set(document.uri, toDiagnostics(problemsIn(text, files)));
      },
      () => undefined, // a failed read leaves the checks that need no files
    );
  }

  /** A data file created, changed or deleted: the documents that read a file of that name are checked again. */
  private watchDataFiles(): vscode.Disposable {
    const watcher = vscode.workspace.createFileSystemWatcher('**/*.{R,r,txt,dump,json,csv,tsv}');
    const recheck = (uri: vscode.Uri): void => {
      const name = basename(uri.fsPath);
      for (const document of vscode.workspace.textDocuments) {
        if (document.languageId === LANGUAGE_ID && document.getText().includes(name)) this.schedule(document);
      }
    };
    return vscode.Disposable.from(watcher, watcher.onDidCreate(recheck), watcher.onDidChange(recheck), watcher.onDidDelete(recheck));
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

function toDiagnostics(problems: Problem[]): vscode.Diagnostic[] {
  return problems.map((p) => {
    const r = editorRange(p.range);
    const diagnostic = new vscode.Diagnostic(new vscode.Range(r.startLine, r.startCharacter, r.endLine, r.endCharacter), p.message, SEVERITY[p.severity]);
    diagnostic.source = LANGUAGE_ID;
    return diagnostic;
  });
}

/** Where a run reads the document's data files from: the notebook's folder for a cell, the file's own for a file; none when unsaved. */
/** The data and inits files a document names outside its workspace folder (or its own folder, outside any). */
function outsideWorkspace(text: string, document: vscode.TextDocument): Problem[] {
  const base = folderOf(document);
  if (base === undefined) return [];
  const folder = vscode.workspace.getWorkspaceFolder(vscode.Uri.file(base))?.uri.fsPath ?? base;
  return pathsOutsideFolder(text, base, folder);
}

function folderOf(document: vscode.TextDocument): string | undefined {
  const notebook = vscode.workspace.notebookDocuments.find((n) => n.getCells().some((c) => c.document === document));
  const uri = notebook ? notebook.uri : document.uri;
  return uri.scheme === 'file' ? dirname(uri.fsPath) : undefined;
}
