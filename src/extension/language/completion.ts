import * as vscode from 'vscode';
import { parseDocument } from '../../engine/language/parser';
import { completionContext, completionEntries, type CompletionContextKind, type CompletionEntryKind } from './completionLogic';

const KIND: Record<CompletionEntryKind, vscode.CompletionItemKind> = {
  distribution: vscode.CompletionItemKind.Function,
  function: vscode.CompletionItemKind.Function,
  node: vscode.CompletionItemKind.Variable,
  data: vscode.CompletionItemKind.Constant,
  loopVariable: vscode.CompletionItemKind.Variable,
  keyword: vscode.CompletionItemKind.Keyword,
  option: vscode.CompletionItemKind.Property,
};

/** Characters that open the completion list by themselves (see provideCompletionItems). */
export const TRIGGER_CHARACTERS = ['(', ','];
const TRIGGERED_KINDS: ReadonlySet<CompletionContextKind> = new Set(['runOption', 'listEntry', 'monitor']);

/**
 * Completion in `latent` documents: distributions after `~`, functions and the
 * model's names in expressions, the directives at the top level, the options
 * of `gibbs(...)`, and entry names in `data list(...)` and `inits list(...)`.
 */
export class ModelCompletionProvider implements vscode.CompletionItemProvider {
  provideCompletionItems(document: vscode.TextDocument, position: vscode.Position, _token: vscode.CancellationToken, trigger: vscode.CompletionContext): vscode.CompletionItem[] {
    const text = document.getText();
    const parsed = parseDocument(text).document;
    const context = completionContext(text, document.offsetAt(position), parsed);
    if (context.kind === 'none') return [];
    // '(' and ',' open the list only where names are expected: the options of gibbs(...), entries of list(...), monitored nodes.
    if (trigger.triggerKind === vscode.CompletionTriggerKind.TriggerCharacter && !TRIGGERED_KINDS.has(context.kind)) return [];
    // Names hold dots (tau.c): the range says which text a proposal replaces, rather than VS Code's default word.
    const range = {
      inserting: new vscode.Range(document.positionAt(context.start), position),
      replacing: new vscode.Range(document.positionAt(context.start), document.positionAt(context.end)),
    };
    const word = text.slice(context.start, context.end);
    return completionEntries(context, parsed, word).map((entry) => {
      const item = new vscode.CompletionItem(entry.label, KIND[entry.kind]);
      item.insertText = entry.snippet ? new vscode.SnippetString(entry.insertText) : entry.insertText;
      item.range = range;
      if (entry.detail !== undefined) item.detail = entry.detail;
      if (entry.documentation !== undefined) item.documentation = new vscode.MarkdownString(entry.documentation);
      if (entry.sortText !== undefined) item.sortText = entry.sortText;
      return item;
    });
  }
}
