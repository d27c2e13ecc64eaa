// What to complete at an offset of a Latent document. No `vscode` import, so
// that it runs (and is tested) in plain Node; completion.ts turns the entries
// into VS Code's completion items.
import type { Document } from '../../engine/language/ast';
import { DISTRIBUTION_CATALOG, FUNCTION_CATALOG, describeDistribution, describeFunction } from '../../engine/language/catalog';
import { tokenize } from '../../engine/language/lexer';
import { parseDocument } from '../../engine/language/parser';
import { FIT_METHOD_INFO, FIT_METHODS, FIT_OPTIONS } from '../../engine/run/fitOptions';
import { SBC_DESCRIPTION, SBC_OPTION_INFO } from '../../engine/sbc/request';
import { definedNodes, inlineDataNames, loopVariablesAt, textStateAt, usedNames, wordRangeAt } from '../../engine/language/symbols';
import type { Token } from '../../engine/language/tokens';

/**
 * Where the cursor is, as far as completion cares:
 * - `distribution`: after `~`;
 * - `statement`: at the start of a statement in a `model { }` (or `data { }`) block;
 * - `expression`: where a value goes in the model (after `<-`, in arguments, in indices);
 * - `topLevel`: at the start of a line outside any block: `model`, `data list(...)`, ...;
 * - `algorithm`: after `sample with` or `fit [NAME] with`;
 * - `runOption`: an option name in `sample with gibbs(...)` or `fit with em(...)`;
 * - `monitor`: the node names of `monitor = c(...)` (and of a fit's `latent = c(...)`);
 * - `listEntry`: an entry name in `data list(...)` or `inits list(...)`;
 * - `none`: in a comment, a string or a number, or where nothing can be offered.
 */
export type CompletionContextKind =
  | 'none'
  | 'distribution'
  | 'statement'
  | 'expression'
  | 'topLevel'
  | 'algorithm'
  | 'runOption'
  | 'monitor'
  | 'listEntry';

export interface CompletionContext {
  kind: CompletionContextKind;
  /** The word under the cursor, [start, end) in offsets: what a completion replaces; its part before the cursor filters the list. */
  start: number;
  end: number;
  /** A `(` follows the word (spaces allowed), so an inserted call must not add another. */
  followedByParen: boolean;
  /** For `listEntry`: which directive's list. */
  directive?: 'data' | 'inits';
  /** For `algorithm`: the run's verb. */
  verb?: 'sample' | 'fit' | 'calibrate';
  /** For `runOption`: the algorithm whose options these are (`gibbs`, `em`, ...). */
  algorithm?: string;
  /** For `runOption` and `listEntry`: the names this argument list already gives. */
  given: string[];
  /** For `expression` and `statement`: the loop variables in scope, outermost first. */
  loopVariables: string[];
}

interface Open {
  punct: '(' | '[' | '{';
  /** The token before the bracket, and the one before that (`with gibbs(`, `data list(`, `for (`). */
  before: Token | undefined;
  beforeBefore: Token | undefined;
  /** The names given as `name =` directly inside this bracket. */
  given: string[];
  /** For a `{` that opens a for loop's body: the loop's variable. */
  loopVariable?: string;
}

const isPunct = (t: Token | undefined, text: string): boolean => t?.kind === 'punct' && t.text === text;
const isName = (t: Token | undefined, text?: string): boolean => t?.kind === 'name' && (text === undefined || t.text === text);
const isOperator = (t: Token | undefined, text?: string): boolean => t?.kind === 'operator' && (text === undefined || t.text === text);

/** Decides what to complete at `offset` in `text` (reading the text before the cursor, and the parse of the whole text for loop scopes). */
export function completionContext(text: string, offset: number, document: Document = parseDocument(text).document): CompletionContext {
  const { start, end } = wordRangeAt(text, offset);
  const followedByParen = /^[ \t]*\(/.test(text.slice(end));
  const context = (kind: CompletionContextKind, extra: Partial<CompletionContext> = {}): CompletionContext => ({
    kind,
    start,
    end,
    followedByParen,
    given: [],
    loopVariables: [],
    ...extra,
  });
  if (textStateAt(text, offset) !== 'code') return context('none');
  // A number (1.5, 1.0E-4, .5) is not a name.
  if (/^\.?[0-9]/.test(text.slice(start, offset))) return context('none');

  const tokens = tokenize(text.slice(0, start)).tokens.filter((t) => t.kind !== 'eof');
  const stack: Open[] = [];
  let previous: Token | undefined;
  let newlineSincePrevious = false;
  /** The `)` that closed the last for loop's header, and the loop's variable. */
  let forHeaderEnd: Token | undefined;
  let forVariable: string | undefined;
  let beforePrevious: Token | undefined;
  let thirdPrevious: Token | undefined;
  for (const t of tokens) {
    if (t.kind === 'newline') {
      newlineSincePrevious = true;
      continue;
    }
    if (t.kind === 'punct' && (t.text === '(' || t.text === '[' || t.text === '{')) {
      const open: Open = { punct: t.text, before: previous, beforeBefore: beforePrevious, given: [] };
      if (t.text === '{' && forHeaderEnd && previous === forHeaderEnd && forVariable !== undefined) open.loopVariable = forVariable;
      stack.push(open);
    } else if (t.kind === 'punct' && (t.text === ')' || t.text === ']' || t.text === '}')) {
      const closed = stack.pop();
      if (closed?.punct === '(' && isName(closed.before, 'for')) {
        forHeaderEnd = t;
        forVariable = forLoopVariable(tokens, closed.before!);
      }
    } else if (isOperator(t, '=') && previous?.kind === 'name') {
      stack.at(-1)?.given.push(previous.text);
    }
    thirdPrevious = beforePrevious;
    beforePrevious = previous;
    previous = t;
    newlineSincePrevious = false;
  }

  if (isOperator(previous, '~')) return context('distribution');

  const top = stack.at(-1);
  const afterOperand = previous !== undefined && (previous.kind === 'name' || previous.kind === 'number' || previous.kind === 'string' || isPunct(previous, ')') || isPunct(previous, ']'));
  const statementStart =
    previous === undefined ||
    isPunct(previous, '{') ||
    isPunct(previous, '}') ||
    isPunct(previous, ';') ||
    (previous === forHeaderEnd && isPunct(previous, ')')) ||
    (newlineSincePrevious && !isOperator(previous) && !isPunct(previous, ','));

  if (!top) {
    if (statementStart) return context('topLevel');
    if (isName(previous, 'with') && isName(beforePrevious, 'sample')) return context('algorithm', { verb: 'sample' });
    // `fit with` or `fit NAME with`.
    if (isName(previous, 'with') && (isName(beforePrevious, 'fit') || (isName(beforePrevious) && isName(thirdPrevious, 'fit')))) return context('algorithm', { verb: 'fit' });
    if (isName(previous, 'with') && (isName(beforePrevious, 'calibrate') || (isName(beforePrevious) && isName(thirdPrevious, 'calibrate')))) return context('algorithm', { verb: 'calibrate' });
    return context('none');
  }

  // Directives: `sample with gibbs(...)`, `data list(...)`, `inits list(...)`.
  const outer = stack[0]!;
  if (outer.punct === '(' && isName(outer.beforeBefore, 'with')) {
    if (stack.length === 1 && (isPunct(previous, '(') || isPunct(previous, ','))) return context('runOption', { given: outer.given, algorithm: outer.before?.text });
    if (stack.length > 1 || (isOperator(previous, '=') && (isName(beforePrevious, 'monitor') || isName(beforePrevious, 'latent')))) {
      return afterOperand ? context('none') : context('monitor');
    }
    return context('none');
  }
  if (outer.punct === '(' && isName(outer.before, 'list') && (isName(outer.beforeBefore, 'data') || isName(outer.beforeBefore, 'inits'))) {
    if (stack.length === 1 && (isPunct(previous, '(') || isPunct(previous, ','))) {
      return context('listEntry', { directive: outer.beforeBefore!.text as 'data' | 'inits', given: outer.given });
    }
    return context('none');
  }
  if (outer.punct !== '{') return context('none');

  // Inside a model (or data) block.
  const loopVariables = [...new Set([...stack.flatMap((o) => (o.loopVariable !== undefined ? [o.loopVariable] : [])), ...loopVariablesAt(document, offset)])];
  if (top.punct === '{') {
    if (statementStart) return context('statement', { loopVariables });
    return afterOperand ? context('none') : context('expression', { loopVariables });
  }
  // In a for loop's header: `for (‸` names a new variable, nothing to offer; after `in` comes the range.
  if (top.punct === '(' && isName(top.before, 'for')) {
    if (isPunct(previous, '(')) return context('none');
    if (isName(previous, 'in')) return context('expression', { loopVariables });
  }
  return afterOperand ? context('none') : context('expression', { loopVariables });
}

/** The variable of the for loop whose `for` token is `keyword`: the name right after its `(`. */
function forLoopVariable(tokens: Token[], keyword: Token): string | undefined {
  const i = tokens.indexOf(keyword);
  const rest = tokens.slice(i + 1).filter((t) => t.kind !== 'newline');
  return isPunct(rest[0], '(') && rest[1]?.kind === 'name' ? rest[1].text : undefined;
}

export type CompletionEntryKind = 'distribution' | 'function' | 'node' | 'data' | 'loopVariable' | 'keyword' | 'option';

/** One proposal, independent of the editor. */
export interface CompletionEntry {
  label: string;
  kind: CompletionEntryKind;
  /** Text to insert: a snippet (`${1:mu}` placeholders) when `snippet` is true. */
  insertText: string;
  snippet: boolean;
  /** One line next to the label. */
  detail?: string;
  /** Markdown shown beside the list. */
  documentation?: string;
  /** Orders the list before the editor's own fuzzy ranking: lower first. */
  sortText?: string;
}

/** The options of `sample with gibbs(...)`, as docs/language.md lists them. */
export const GIBBS_OPTION_INFO: ReadonlyArray<{ name: string; snippet: string; description: string }> = [
  { name: 'chains', snippet: 'chains = ${1:4}', description: 'Number of chains (1 to 64). Default: the setting latent.sampling.chains.' },
  { name: 'burnin', snippet: 'burnin = ${1:1000}', description: 'Burn-in iterations per chain, run and discarded before the kept ones. Default: latent.sampling.burnin.' },
  { name: 'iterations', snippet: 'iterations = ${1:2000}', description: 'Iterations kept per chain. Default: latent.sampling.iterations.' },
  { name: 'thin', snippet: 'thin = ${1:1}', description: 'Keep every n-th iteration.' },
  { name: 'seed', snippet: 'seed = ${1:1}', description: 'Seed of the random numbers. Without it a fresh seed is chosen and reported in the output, so every run can be repeated.' },
  { name: 'monitor', snippet: 'monitor = c($1)', description: 'The nodes to summarise and plot, as in monitor = c(mu, tau). Default: every unobserved stochastic node.' },
  { name: 'loo', snippet: 'loo = ${1|TRUE,FALSE|}', description: 'TRUE: record the log-likelihood of each observed node at each kept draw, and report PSIS-LOO (with Pareto k), WAIC and DIC (pD, pV, and the pD of JAGS) at the end.' },
  { name: 'ppc', snippet: 'ppc = ${1|TRUE,FALSE|}', description: 'TRUE: posterior predictive checks: at each kept draw, replicated data for every observed node; the output overlays them on the observed data and gives the p-values of their mean, sd, min and max.' },
];

const TOP_LEVEL_SNIPPETS: CompletionEntry[] = [
  { label: 'model', kind: 'keyword', insertText: 'model {\n\t$0\n}', snippet: true, detail: 'The model block', documentation: 'A JAGS model: `model { ... }` with `~` (stochastic) and `<-` (deterministic) relations and `for` loops.' },
  { label: 'data list(...)', kind: 'keyword', insertText: 'data list($0)', snippet: true, detail: 'The data, as R\'s list(name = value, ...)', documentation: 'Numbers, `NA`, `c(...)`, `a:b`, `rep(x, n)`, `structure(c(...), .Dim = c(r, c))`.' },
  { label: 'inits list(...)', kind: 'keyword', insertText: 'inits list($0)', snippet: true, detail: 'Initial values for unobserved nodes', documentation: '`NA` leaves an element to its default (the prior\'s typical value).' },
  {
    label: 'sample with gibbs(...)',
    kind: 'keyword',
    insertText: 'sample with gibbs(chains = ${1:4}, burnin = ${2:1000}, iterations = ${3:2000})$0',
    snippet: true,
    detail: 'Run the Gibbs sampler',
    documentation: `Options: ${GIBBS_OPTION_INFO.map((o) => `\`${o.name}\``).join(', ')}. Options left out come from the settings \`latent.sampling.*\`.`,
  },
  {
    label: 'fit with em(...)',
    kind: 'keyword',
    insertText: 'fit with ${1|em,ecm,online.em,annealed.em,mcem|}(restarts = ${2:5})$0',
    snippet: true,
    detail: 'Point estimates by EM (MAP; mle = TRUE for maximum likelihood)',
    documentation: `Algorithms: ${FIT_METHODS.map((m) => `\`${m}\``).join(', ')}. Options: ${FIT_OPTIONS.map((o) => `\`${o.name}\``).join(', ')}.`,
  },
  {
    label: 'calibrate with sbc(...)',
    kind: 'keyword',
    insertText: 'calibrate with sbc(simulations = ${1:200}, draws = ${2:99}, bins = ${3:10})$0',
    snippet: true,
    detail: 'Check the samplers on this model by simulation-based calibration',
    documentation: `${SBC_DESCRIPTION} Options: ${SBC_OPTION_INFO.map((o) => `\`${o.name}\``).join(', ')}.`,
  },
];

const FOR_SNIPPET: CompletionEntry = {
  label: 'for',
  kind: 'keyword',
  insertText: 'for (${1:i} in ${2:1}:${3:N}) {\n\t$0\n}',
  snippet: true,
  detail: 'for (i in 1:N) { ... }',
};

/** Escapes text for a snippet placeholder. */
export function escapeSnippet(text: string): string {
  return text.replace(/[\\$}]/g, (c) => `\\${c}`);
}

/** `name(${1:a}, ${2:b})`; just the name when a `(` already follows. */
export function callSnippet(name: string, parameters: string[], followedByParen: boolean): string {
  if (followedByParen) return escapeSnippet(name);
  if (parameters.length === 0) return `${escapeSnippet(name)}($0)`;
  return `${escapeSnippet(name)}(${parameters.map((p, i) => `\${${i + 1}:${escapeSnippet(p)}}`).join(', ')})`;
}

/** The parameters of a catalog signature such as `inprod(x[], y[])` or `min(x[], ...)`, variadic dots left out. */
export function signatureParameters(signature: string): string[] {
  const open = signature.indexOf('(');
  const inner = signature.slice(open + 1, signature.lastIndexOf(')')).trim();
  if (open < 0 || inner === '') return [];
  // Split at the commas outside brackets: inverse(A[,]) has one parameter.
  const parameters: string[] = [];
  let depth = 0;
  let from = 0;
  for (let i = 0; i <= inner.length; i++) {
    const c = inner[i];
    if (c === '[' || c === '(') depth++;
    else if (c === ']' || c === ')') depth--;
    else if ((c === ',' && depth === 0) || c === undefined) {
      parameters.push(inner.slice(from, i).trim());
      from = i + 1;
    }
  }
  return parameters.filter((p) => p !== '...');
}

function distributionEntries(followedByParen: boolean): CompletionEntry[] {
  return [...DISTRIBUTION_CATALOG.values()].map((d) => ({
    label: d.name,
    kind: 'distribution',
    insertText: callSnippet(d.name, d.parameters.map((p) => p.name), followedByParen),
    snippet: true,
    detail: d.description,
    documentation: describeDistribution(d),
  }));
}

function functionEntries(followedByParen: boolean, onlyLinks = false): CompletionEntry[] {
  return [...FUNCTION_CATALOG.values()]
    .filter((fn) => !onlyLinks || fn.link)
    .map((fn) => ({
      label: fn.name,
      kind: 'function',
      insertText: callSnippet(fn.name, signatureParameters(fn.signature), followedByParen),
      snippet: true,
      detail: fn.description,
      documentation: describeFunction(fn),
      // The model's own names first: they are what one types most.
      sortText: `2${fn.name}`,
    }));
}

function nameEntry(name: string, kind: 'node' | 'data' | 'loopVariable', detail: string): CompletionEntry {
  return { label: name, kind, insertText: name, snippet: false, detail, sortText: `${kind === 'loopVariable' ? 0 : 1}${name}` };
}

/** The names of the model and of its inline data, labelled by what they are. */
function modelNameEntries(document: Document, loopVariables: string[], word: string): CompletionEntry[] {
  const entries = new Map<string, CompletionEntry>();
  for (const v of loopVariables) entries.set(v, nameEntry(v, 'loopVariable', 'loop variable'));
  const data = inlineDataNames(document) ?? new Set<string>();
  for (const [name, role] of definedNodes(document)) {
    if (!entries.has(name)) entries.set(name, nameEntry(name, 'node', data.has(name) ? `${role} node (data)` : `${role} node`));
  }
  for (const name of data) if (!entries.has(name)) entries.set(name, nameEntry(name, 'data', 'data'));
  // The word being typed parses as a name of its own: do not offer it back.
  entries.delete(word);
  return [...entries.values()];
}

/** The proposals for a context (`document` is the parse of the whole text; `word` the text being completed). */
export function completionEntries(context: CompletionContext, document: Document, word = ''): CompletionEntry[] {
  switch (context.kind) {
    case 'distribution':
      return distributionEntries(context.followedByParen);
    case 'statement':
      return [...modelNameEntries(document, context.loopVariables, word), FOR_SNIPPET, ...functionEntries(context.followedByParen, true)];
    case 'expression':
      return [...modelNameEntries(document, context.loopVariables, word), ...functionEntries(context.followedByParen)];
    case 'topLevel':
      return TOP_LEVEL_SNIPPETS;
    case 'algorithm':
      if (context.verb === 'calibrate') return [{ label: 'sbc', kind: 'keyword', insertText: context.followedByParen ? 'sbc' : 'sbc($0)', snippet: true, detail: 'Simulation-based calibration' }];
      if (context.verb === 'fit') {
        return FIT_METHODS.map((m) => ({ label: m, kind: 'keyword', insertText: context.followedByParen ? m : `${m}($0)`, snippet: true, detail: FIT_METHOD_INFO[m] }));
      }
      return [{ label: 'gibbs', kind: 'keyword', insertText: context.followedByParen ? 'gibbs' : 'gibbs($0)', snippet: true, detail: 'Gibbs sampling' }];
    case 'runOption':
      return runOptionInfo(context.algorithm).filter((o) => !context.given.includes(o.name)).map((o) => ({
        label: o.name,
        kind: 'option',
        insertText: o.snippet,
        snippet: true,
        detail: o.description,
      }));
    case 'monitor':
      return [...definedNodes(document)]
        .filter(([name]) => name !== word)
        .map(([name, role]) => nameEntry(name, 'node', `${role} node`));
    case 'listEntry':
      return listEntries(document, context.directive!, context.given, word);
    case 'none':
      return [];
  }
}

/** The options of a run's algorithm: a fit's (those that apply to its variant), else gibbs's. */
export function runOptionInfo(algorithm: string | undefined): ReadonlyArray<{ name: string; snippet: string; description: string }> {
  if (algorithm === 'sbc') return SBC_OPTION_INFO;
  const method = FIT_METHODS.find((m) => m === algorithm);
  if (!method) return GIBBS_OPTION_INFO;
  return FIT_OPTIONS.filter((o) => !o.methods || o.methods.includes(method));
}

/**
 * Entry names for `data list(...)`: the names the model reads but does not
 * define, then its stochastic nodes (observed ones are data too). For
 * `inits list(...)`: the stochastic nodes that are not data.
 */
function listEntries(document: Document, directive: 'data' | 'inits', given: string[], word: string): CompletionEntry[] {
  const nodes = definedNodes(document);
  const stochastic = [...nodes].filter(([, role]) => role === 'stochastic').map(([name]) => name);
  let names: string[];
  if (directive === 'data') {
    const loops = new Set<string>();
    collectLoopVariables(document, loops);
    const free = [...usedNames(document)].filter((n) => !nodes.has(n) && !loops.has(n));
    names = [...free, ...stochastic];
  } else {
    const data = inlineDataNames(document) ?? new Set<string>();
    names = stochastic.filter((n) => !data.has(n));
  }
  return [...new Set(names)]
    .filter((n) => !given.includes(n) && n !== word)
    .map((n) => ({ label: n, kind: 'data' as const, insertText: `${escapeSnippet(n)} = $0`, snippet: true, detail: nodes.has(n) ? `${nodes.get(n)} node` : 'used in the model' }));
}

function collectLoopVariables(document: Document, into: Set<string>): void {
  const visit = (statements: NonNullable<Document['model']>['statements']): void => {
    for (const s of statements) {
      if (s.kind === 'for') {
        into.add(s.variable);
        visit(s.body);
      }
    }
  };
  visit(document.data?.statements ?? []);
  visit(document.model?.statements ?? []);
}
