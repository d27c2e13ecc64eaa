import * as vscode from 'vscode';
import { ConvergenceQuickFixes } from './codeActions';
import { ConvergenceFindings } from './findingStore';
import { ResultHoverProvider, ResultInlayHints } from './resultHover';

const SELECTOR: vscode.DocumentSelector = { language: 'latent' };

/**
 * Inline convergence diagnostics: findings of the jobs whose outputs are in
 * notebook cells, shown on the statements they concern, with quick fixes, a
 * hover with each node's latest results and opt-in `mean ± sd` inlay hints.
 */
export function registerConvergenceFeatures(): vscode.Disposable {
  const findings = new ConvergenceFindings();
  const hints = new ResultInlayHints(findings);
  return vscode.Disposable.from(
    findings,
    hints,
    vscode.languages.registerCodeActionsProvider(SELECTOR, new ConvergenceQuickFixes(findings), { providedCodeActionKinds: ConvergenceQuickFixes.kinds }),
    vscode.languages.registerHoverProvider(SELECTOR, new ResultHoverProvider(findings)),
    vscode.languages.registerInlayHintsProvider(SELECTOR, hints),
  );
}
