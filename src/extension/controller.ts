import * as vscode from 'vscode';
import { runCell } from './cellRun';
import { OutputImages } from './outputImages';

export const CONTROLLER_ID = 'latent-kernel';

/**
 * The Latent kernel for .ipynb notebooks: runs `latent` cells one after the
 * other, each in worker threads, so the extension host never blocks.
 */
export class LatentController implements vscode.Disposable {
  private readonly controller: vscode.NotebookController;
  private readonly subscriptions: vscode.Disposable[] = [];
  private executionOrder = 0;
  private readonly images: OutputImages;

  constructor(private readonly workerScript: string) {
    this.controller = vscode.notebooks.createNotebookController(CONTROLLER_ID, 'jupyter-notebook', 'Latent');
    this.controller.supportedLanguages = ['latent'];
    this.controller.supportsExecutionOrder = true;
    this.controller.description = 'Gibbs sampling for JAGS-dialect models';
    this.controller.executeHandler = (cells) => this.execute(cells);
    this.images = new OutputImages(this.controller);
    this.subscriptions.push(this.controller, vscode.workspace.onDidOpenNotebookDocument((n) => this.preferFor(n)), this.images);
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
        await runCell(execution, this.workerScript);
      }
    } finally {
      this.images.end();
    }
  }

  dispose(): void {
    this.subscriptions.forEach((d) => d.dispose());
  }
}
