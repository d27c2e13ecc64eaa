// The integration suite, run inside VS Code's extension host: opens the example notebook,
// runs its cells on the Latent kernel, and checks every cell produced a run output.
const assert = require('node:assert/strict');
const path = require('node:path');
const vscode = require('vscode');

const RUN_MIME = 'application/vnd.latent.run+json';

async function waitFor(predicate, timeoutMs, what) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (predicate()) return;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`timed out waiting for ${what}`);
}

async function run() {
  const extension = vscode.extensions.getExtension('latent.latent-notebooks');
  assert.ok(extension, 'the Latent extension is installed');
  const uri = vscode.Uri.file(path.resolve(__dirname, '../../../examples/normal-model.ipynb'));
  const notebook = await vscode.workspace.openNotebookDocument(uri);
  await vscode.window.showNotebookDocument(notebook);
  await extension.activate();
  await vscode.commands.executeCommand('notebook.selectKernel', { id: 'latent-kernel', extension: 'latent.latent-notebooks' });
  await vscode.commands.executeCommand('notebook.execute');
  const codeCells = notebook.getCells().filter((c) => c.kind === vscode.NotebookCellKind.Code);
  await waitFor(() => codeCells.every((c) => c.executionSummary && c.executionSummary.success !== undefined), 60000, 'all cells to finish');
  for (const cell of codeCells) {
    assert.equal(cell.executionSummary.success, true, `cell ${cell.index} succeeded`);
    const item = cell.outputs.flatMap((o) => o.items).find((i) => i.mime === RUN_MIME);
    assert.ok(item, `cell ${cell.index} has a run output`);
    const output = JSON.parse(Buffer.from(item.data).toString('utf8'));
    assert.equal(output.status, 'complete');
    assert.ok(output.nodes.length > 0);
  }
  console.log(`integration: ${codeCells.length} passed, 0 failed`);
}

module.exports = { run };
