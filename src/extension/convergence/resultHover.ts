import * as vscode from 'vscode';
import type { ConvergenceFindings } from './findingStore';
import { resultHoverAt, resultInlayHints } from './resultHoverLogic';

/** A hover on a node name: its latest results (mean, sd, 95 % interval, R-hat, ESS, sampler; or the EM estimate). */
export class ResultHoverProvider implements vscode.HoverProvider {
  constructor(private readonly findings: ConvergenceFindings) {}

  provideHover(document: vscode.TextDocument, position: vscode.Position): vscode.Hover | undefined {
    const results = this.findings.resultsFor(document);
    if (!results.length) return undefined;
    const info = resultHoverAt(document.getText(), document.offsetAt(position), results);
    if (!info) return undefined;
    return new vscode.Hover(new vscode.MarkdownString(info.markdown), new vscode.Range(document.positionAt(info.start), document.positionAt(info.end)));
  }
}

export const INLAY_HINTS_SETTING = 'latent.results.inlayHints';

/** Opt-in (`latent.results.inlayHints`): `mean ± sd` at the end of each statement that defines one monitored scalar. */
export class ResultInlayHints implements vscode.InlayHintsProvider, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChangeInlayHints = this.changed.event;
  private readonly subscriptions: vscode.Disposable[];

  constructor(private readonly findings: ConvergenceFindings) {
    this.subscriptions = [
      this.changed,
      findings.onDidChange(() => this.changed.fire()),
      vscode.workspace.onDidChangeConfiguration((e) => e.affectsConfiguration(INLAY_HINTS_SETTING) && this.changed.fire()),
    ];
  }

  dispose(): void {
    this.subscriptions.forEach((d) => d.dispose());
  }

  provideInlayHints(document: vscode.TextDocument, range: vscode.Range): vscode.InlayHint[] {
    if (!vscode.workspace.getConfiguration().get<boolean>(INLAY_HINTS_SETTING, false)) return [];
    const results = this.findings.resultsFor(document);
    if (!results.length) return [];
    return resultInlayHints(document.getText(), results)
      .map(({ offset, label }) => {
        const hint = new vscode.InlayHint(document.positionAt(offset), label);
        hint.paddingLeft = true;
        return hint;
      })
      .filter((h) => range.contains(h.position));
  }
}
