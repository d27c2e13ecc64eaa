import * as vscode from 'vscode';
import { relocate } from '../../engine/convergence/placement';
import { placeJobFindings, readJobOutput, type CellPlacement, type JobFindings, type JobOutput, type ModelResults } from './jobFindings';

const LANGUAGE_ID = 'latent';
/** Streamed outputs replace their items several times a second: read them once they settle. */
const OUTPUT_DEBOUNCE_MS = 200;
const EDIT_DEBOUNCE_MS = 150;

/**
 * The convergence findings of the jobs whose outputs sit in notebook cells,
 * however the job was started: read from the cells' outputs when a notebook
 * opens and whenever a cell's outputs change (a rerun clears them first), and
 * shown as diagnostics in their own collection on the statements they concern.
 * A finding goes when its statement is edited, when the job's cell is rerun
 * or deleted, and when its notebook closes.
 */
export class ConvergenceFindings implements vscode.Disposable {
  private readonly collection = vscode.languages.createDiagnosticCollection('latent-convergence');
  /** By the key (URI) of the cell whose outputs gave them. */
  private readonly byProducer = new Map<string, JobFindings>();
  private readonly cellsOfNotebook = new Map<string, Set<string>>();
  private readonly timers = new Map<string, ReturnType<typeof setTimeout>>();
  private readonly subscriptions: vscode.Disposable[] = [];
  private readonly changed = new vscode.EventEmitter<void>();
  /** Fires when findings or results change (inlay hints listen). */
  readonly onDidChange = this.changed.event;

  constructor() {
    this.subscriptions.push(
      this.collection,
      this.changed,
      vscode.workspace.onDidOpenNotebookDocument((n) => this.readLater(n)),
      vscode.workspace.onDidCloseNotebookDocument((n) => this.forgetNotebook(n)),
      vscode.workspace.onDidChangeNotebookDocument((e) => {
        for (const change of e.contentChanges) {
          change.removedCells.forEach((c) => this.forgetCell(c.document.uri.toString()));
          change.addedCells.forEach((c) => this.schedule(`read:${c.document.uri.toString()}`, OUTPUT_DEBOUNCE_MS, () => this.read(c)));
        }
        for (const change of e.cellChanges) {
          const cell = change.cell;
          if (change.outputs !== undefined) this.schedule(`read:${cell.document.uri.toString()}`, OUTPUT_DEBOUNCE_MS, () => this.read(cell));
        }
      }),
      vscode.workspace.onDidChangeTextDocument((e) => {
        const key = e.document.uri.toString();
        if (this.targets().has(key)) this.schedule(`edit:${key}`, EDIT_DEBOUNCE_MS, () => this.relocateIn(e.document));
      }),
    );
    vscode.workspace.notebookDocuments.forEach((n) => this.readLater(n));
  }

  /** Reads a notebook's saved outputs soon, not while it opens (big outputs take a moment to parse). */
  private readLater(notebook: vscode.NotebookDocument): void {
    for (const cell of notebook.getCells()) this.schedule(`read:${cell.document.uri.toString()}`, OUTPUT_DEBOUNCE_MS, () => this.read(cell));
  }

  /** The placements whose diagnostics are in `document` (for the quick fixes). */
  placementsIn(document: vscode.TextDocument): CellPlacement[] {
    const key = document.uri.toString();
    return [...this.byProducer.values()].flatMap((j) => j.placements.filter((p) => p.target === key));
  }

  /** Every placement of the same finding as `placement` (same job, same code). */
  siblingsOf(placement: CellPlacement): CellPlacement[] {
    const job = [...this.byProducer.values()].find((j) => j.placements.includes(placement));
    return job ? job.placements.filter((p) => p !== placement && p.finding.code === placement.finding.code) : [];
  }

  /** The latest results of the jobs that ran the model in `document`. */
  resultsFor(document: vscode.TextDocument): ModelResults[] {
    const key = document.uri.toString();
    return [...this.byProducer.values()].filter((j) => j.model === key).flatMap((j) => j.results);
  }

  /** Reads a cell's job outputs again and republishes what they say. */
  private read(cell: vscode.NotebookCell): void {
    const key = cell.document.uri.toString();
    const outputs = cell.document.languageId === LANGUAGE_ID ? jobOutputs(cell) : [];
    const cells = cell.notebook.getCells().map((c) => ({ key: c.document.uri.toString(), text: c.document.languageId === LANGUAGE_ID ? c.document.getText() : '' }));
    const found = placeJobFindings(cells, cell.index, outputs);
    if (found) {
      this.byProducer.set(key, found);
      const notebook = cell.notebook.uri.toString();
      this.cellsOfNotebook.set(notebook, (this.cellsOfNotebook.get(notebook) ?? new Set()).add(key));
    } else if (!this.byProducer.delete(key)) {
      return;
    }
    this.publish();
  }

  /** Drops the findings whose statements were edited; the others follow their statements. */
  private relocateIn(document: vscode.TextDocument): void {
    const key = document.uri.toString();
    const text = document.getText();
    let changed = false;
    for (const job of this.byProducer.values()) {
      job.placements = job.placements.filter((p) => {
        if (p.target !== key) return true;
        const range = relocate(p.finding, text);
        if (!range) {
          changed = true;
          return false;
        }
        if (range !== p.finding.range) {
          p.finding.range = range;
          changed = true;
        }
        return true;
      });
    }
    if (changed) this.publish();
  }

  private publish(): void {
    const byTarget = new Map<string, vscode.Diagnostic[]>();
    for (const job of this.byProducer.values()) {
      for (const p of job.placements) byTarget.set(p.target, [...(byTarget.get(p.target) ?? []), toDiagnostic(p)]);
    }
    this.collection.forEach((uri) => {
      if (!byTarget.has(uri.toString())) this.collection.delete(uri);
    });
    for (const [target, diagnostics] of byTarget) this.collection.set(vscode.Uri.parse(target), diagnostics);
    this.changed.fire();
  }

  private targets(): Set<string> {
    return new Set([...this.byProducer.values()].flatMap((j) => j.placements.map((p) => p.target)));
  }

  private forgetCell(key: string): void {
    this.cancel(`read:${key}`);
    const had = this.byProducer.delete(key);
    // A deleted cell that held the model takes the findings placed in it along.
    let dropped = false;
    for (const job of this.byProducer.values()) {
      const before = job.placements.length;
      job.placements = job.placements.filter((p) => p.target !== key);
      dropped ||= job.placements.length !== before;
    }
    if (had || dropped) this.publish();
  }

  private forgetNotebook(notebook: vscode.NotebookDocument): void {
    const keys = new Set([...notebook.getCells().map((c) => c.document.uri.toString()), ...(this.cellsOfNotebook.get(notebook.uri.toString()) ?? [])]);
    this.cellsOfNotebook.delete(notebook.uri.toString());
    keys.forEach((k) => this.forgetCell(k));
  }

  private schedule(key: string, delay: number, action: () => void): void {
    this.cancel(key);
    this.timers.set(
      key,
      setTimeout(() => {
        this.timers.delete(key);
        action();
      }, delay),
    );
  }

  private cancel(key: string): void {
    const timer = this.timers.get(key);
    if (timer !== undefined) clearTimeout(timer);
    this.timers.delete(key);
  }

  dispose(): void {
    for (const timer of this.timers.values()) clearTimeout(timer);
    this.timers.clear();
    this.subscriptions.forEach((d) => d.dispose());
  }
}

function jobOutputs(cell: vscode.NotebookCell): JobOutput[] {
  return cell.outputs.flatMap((o) => o.items.map((i) => readJobOutput(i.mime, i.data))).filter((j): j is JobOutput => j !== undefined);
}

function toDiagnostic(p: CellPlacement): vscode.Diagnostic {
  const r = p.finding.range;
  const diagnostic = new vscode.Diagnostic(
    new vscode.Range(r.start.line, r.start.column, r.end.line, r.end.column),
    p.finding.message,
    p.finding.severity === 'warning' ? vscode.DiagnosticSeverity.Warning : vscode.DiagnosticSeverity.Information,
  );
  diagnostic.source = 'latent';
  diagnostic.code = p.finding.code;
  return diagnostic;
}
