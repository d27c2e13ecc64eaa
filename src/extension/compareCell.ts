/**
 * A cell that compares models (`compare m1, m2 with loo`): samples each named
 * model from the cell above that defines it — its data, initial values and
 * run settings, with the pointwise log-likelihood recorded — one after the
 * other, each in a job worker of its own (engine/job/sampleForComparison),
 * then writes the ranking by elpd_loo (engine/diagnostics/looCompare)
 * as a table. The cell's execution ends with the table, or with what stopped it.
 */

import * as vscode from 'vscode';
import type { Directive } from '../engine/language/ast';
import { sampleForComparison } from '../engine/job/sampleForComparison';
import type { JobWorkers } from '../engine/job/startJob';
import { rankModels, type ComparedModel } from '../engine/diagnostics/looCompare';
import { COMPARE_HEADERS, compareNotes, compareRows, formatCompareTable } from '../engine/output/compareTable';
import { definedModelName } from '../engine/run/namedModels';
import { errorOutput, tokenSignal } from './cellSink';
import { jobChoices, maxOutputBytes, readOptionsFor } from './settings';

type CompareDirective = Extract<Directive, { kind: 'compare' }>;

export async function runCompareCell(execution: vscode.NotebookCellExecution, directive: CompareDirective, workers: JobWorkers): Promise<void> {
  const cell = execution.cell;
  const uri = cell.notebook.uri;
  const fail = async (message: string): Promise<void> => {
    await execution.replaceOutput(errorOutput([{ severity: 'error', message }]));
    execution.end(false, Date.now());
  };
  const above = cell.notebook.getCells().slice(0, cell.index).reverse();
  const models: ComparedModel[] = [];
  for (const [k, name] of directive.models.entries()) {
    const defining = above.find((c) => c.document.languageId === 'latent' && definedModelName(c.document.getText()) === name.text);
    if (!defining) return fail(`Line ${name.range.start.line + 1}: no cell above defines 'model ${name.text} { ... }'.`);
    if (execution.token.isCancellationRequested) return fail('The comparison was cancelled.');
    await execution.replaceOutput(new vscode.NotebookCellOutput([vscode.NotebookCellOutputItem.text(`Sampling '${name.text}' (${k + 1} of ${directive.models.length}) with the log-likelihood recorded…`, 'text/plain')]));
    // Read and sampled in a worker of its own, as any cell's job: the editor's thread reads no file and runs no chain.
    const outcome = await sampleForComparison(
      { source: defining.document.getText(), choices: jobChoices(uri), options: readOptionsFor(uri), workers, maxOutputBytes: maxOutputBytes(uri) },
      { cancel: tokenSignal(execution.token), owner: uri.toString() },
    );
    const which = `Model '${name.text}' (cell ${defining.index + 1})`;
    switch (outcome.kind) {
      case 'unreadable':
        return fail(`${which}: ${outcome.problems.map((p) => p.message).join(' ')}`);
      case 'unfinished': {
        const said = outcome.errors.map((m) => m.message).join(' ');
        return fail(`${which} did not finish sampling${said ? `: ${said}` : '.'}`);
      }
      case 'nothing-observed':
        return fail(`Model '${name.text}' has no observed nodes to compare on.`);
    }
    models.push({ name: name.text, comparison: outcome.comparison });
  }
  let ranked;
  try {
    ranked = rankModels(models);
  } catch (e) {
    return fail((e as Error).message);
  }
  await execution.replaceOutput(
    new vscode.NotebookCellOutput([
      vscode.NotebookCellOutputItem.text(compareHtml(ranked), 'text/html'),
      vscode.NotebookCellOutputItem.text(formatCompareTable(ranked), 'text/plain'),
    ]),
  );
  execution.end(true, Date.now());
}

const escape = (text: string): string => text.replace(/[&<>"]/g, (c) => `&#${c.charCodeAt(0)};`);

/** The ranking as an HTML table (VS Code, Jupyter and GitHub show it), its notes under it. */
function compareHtml(ranked: ReturnType<typeof rankModels>): string {
  const head = `<tr>${COMPARE_HEADERS.map((h) => `<th>${escape(h)}</th>`).join('')}</tr>`;
  const body = compareRows(ranked).map((row) => `<tr>${row.map((c, k) => `<td style="text-align:${k === 0 ? 'left' : 'right'}">${escape(c)}</td>`).join('')}</tr>`).join('');
  const notes = compareNotes(ranked).map((n) => `<p>${escape(n)}</p>`).join('');
  return `<table class="latent-compare"><thead>${head}</thead><tbody>${body}</tbody></table>${notes}`;
}
