import * as vscode from 'vscode';
import type { JobWorkers } from '../engine/job/startJob';
import { runCell } from './cellRun';
import { endingOnException } from './cellGuard';
import type { RunningJobs } from './workbench/runningJobs';
import { OutputImages } from './outputImages';

export const CONTROLLER_ID = 'latent-kernel';
/** The extension's id (publisher.name), which names its controller to `notebook.selectKernel`. */
const EXTENSION_ID = 'latent.latent-notebooks';

/**
 * The Latent kernel for .ipynb notebooks: runs `latent` cells one after the
 * other, each in worker threads, so the extension host never blocks.
 */
export class LatentController implements vscode.Disposable {
  private readonly controller: vscode.NotebookController;
  private readonly subscriptions: vscode.Disposable[] = [];
  private executionOrder = 0;
  private readonly selected = new Set<vscode.NotebookDocument>();
  private readonly images: OutputImages;

  constructor(
    private readonly workers: JobWorkers,
    private readonly jobs: RunningJobs,
  ) {
    this.controller = vscode.notebooks.createNotebookController(CONTROLLER_ID, 'jupyter-notebook', 'Latent');
    this.controller.supportedLanguages = ['latent'];
    this.controller.supportsExecutionOrder = true;
    this.controller.description = 'Gibbs sampling for JAGS-dialect models';
    this.controller.executeHandler = (cells) => this.execute(cells);
    this.images = new OutputImages(this.controller);
    this.subscriptions.push(
      this.controller,
      vscode.workspace.onDidOpenNotebookDocument((n) => this.preferFor(n)),
      this.controller.onDidChangeSelectedNotebooks(({ notebook, selected }) => (selected ? this.selected.add(notebook) : this.selected.delete(notebook))),
      this.images,
    );
    vscode.workspace.notebookDocuments.forEach((n) => this.preferFor(n));
  }

  /** Offers Latent first for notebooks that are Latent's: a Latent kernelspec or `latent` cells. */
  private preferFor(notebook: vscode.NotebookDocument): void {
    if (notebook.notebookType !== 'jupyter-notebook') return;
    const kernelspec = (notebook.metadata as { metadata?: { kernelspec?: { name?: string } } }).metadata?.kernelspec;
    if (kernelspec?.name === 'latent' || notebook.getCells().some((c) => c.document.languageId === 'latent')) {
      this.controller.updateNotebookAffinity(notebook, vscode.NotebookControllerAffinity.Preferred);
    }
  }

  private async execute(cells: vscode.NotebookCell[]): Promise<void> {
    this.images.begin(cells);
    try {
      for (const cell of cells) {
        const execution = this.controller.createNotebookCellExecution(cell);
        execution.executionOrder = ++this.executionOrder;
        await endingOnException(execution, () => runCell(execution, this.workers, this.jobs));
      }
    } finally {
      this.images.end();
    }
  }

  /**
   * An execution of `cell` on this kernel, started, for a command that
   * writes its job into a results notebook (so its output streams as a cell
   * run's does); selects the kernel for the editor first. Undefined when the
   * kernel could not be selected.
   */
  async executionFor(editor: vscode.NotebookEditor, cell: vscode.NotebookCell): Promise<vscode.NotebookCellExecution | undefined> {
    if (!this.selected.has(editor.notebook)) {
      let subscription: vscode.Disposable | undefined;
      const selected = new Promise<void>((resolve) => {
        subscription = this.controller.onDidChangeSelectedNotebooks((e) => e.notebook === editor.notebook && e.selected && resolve());
      });
      this.controller.updateNotebookAffinity(editor.notebook, vscode.NotebookControllerAffinity.Preferred);
      await vscode.commands.executeCommand('notebook.selectKernel', { notebookEditor: editor, id: CONTROLLER_ID, extension: EXTENSION_ID });
      await Promise.race([selected, new Promise((resolve) => setTimeout(resolve, 2000))]);
      subscription?.dispose();
    }
    try {
      const execution = this.controller.createNotebookCellExecution(cell);
      execution.executionOrder = ++this.executionOrder;
      execution.start(Date.now());
      return execution;
    } catch {
      return undefined;
    }
  }

  dispose(): void {
    this.subscriptions.forEach((d) => d.dispose());
  }
}
