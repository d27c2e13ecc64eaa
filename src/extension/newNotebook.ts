import * as vscode from 'vscode';

const STARTER_MODEL = `# A normal model with unknown mean and precision (JAGS parameterisation: dnorm(mean, precision)).
model {
  mu ~ dnorm(0, 1.0E-4)
  tau ~ dgamma(0.001, 0.001)
  for (i in 1:N) {
    y[i] ~ dnorm(mu, tau)
  }
  sigma <- 1 / sqrt(tau)
}

data list(N = 8, y = c(2.1, 1.4, 3.0, 2.6, 1.9, 2.4, 2.8, 1.7))

sample with gibbs(chains = 4, burnin = 1000, iterations = 5000, seed = 42, monitor = c(mu, sigma))
`;

/** "Latent: New Notebook": an untitled .ipynb with a starter model cell on the Latent kernel. */
export function registerNewNotebookCommand(): vscode.Disposable {
  return vscode.commands.registerCommand('latent.newNotebook', async () => {
    const intro = new vscode.NotebookCellData(
      vscode.NotebookCellKind.Markup,
      '# A Latent notebook\nRun the model cell below (Shift+Enter) to sample its posterior.',
      'markdown',
    );
    const model = new vscode.NotebookCellData(vscode.NotebookCellKind.Code, STARTER_MODEL, 'latent');
    const data = new vscode.NotebookData([intro, model]);
    data.metadata = { metadata: { kernelspec: { name: 'latent', display_name: 'Latent', language: 'latent' }, language_info: { name: 'latent' } } };
    const document = await vscode.workspace.openNotebookDocument('jupyter-notebook', data);
    // The controller prefers notebooks whose kernelspec is Latent, so the kernel comes preselected.
    await vscode.window.showNotebookDocument(document);
  });
}
