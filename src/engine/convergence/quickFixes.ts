import type { Directive, Expression, Statement } from '../language/ast';
import { parseDocument } from '../language/parser';
import type { SourceRange } from '../language/source';
import { definedNodes } from '../language/symbols';
import { definingStatements, type DefiningStatement } from './statements';

/**
 * The text edits behind the convergence quick fixes, on plain text (the
 * extension turns them into an undoable WorkspaceEdit). Offsets are
 * character offsets into the text the edit was computed from.
 */
export interface TextEdit {
  start: number;
  end: number;
  text: string;
}

type RunDirective = Extract<Directive, { kind: 'run' }>;

function runDirective(text: string): RunDirective | undefined {
  return parseDocument(text).document.directives.find((d): d is RunDirective => d.kind === 'run');
}

/** Sets `option = value` in the cell's run directive: replaces its value, or adds it (with parentheses when there were none). */
export function setRunOption(cellText: string, option: string, value: string): TextEdit | undefined {
  const directive = runDirective(cellText);
  if (!directive) return undefined;
  const existing = directive.options.find((o) => o.name === option);
  if (existing) return { start: existing.value.range.start.offset, end: existing.value.range.end.offset, text: value };
  const end = directive.range.end.offset;
  if (directive.options.length === 0) {
    const hasParentheses = cellText[end - 1] === ')' && end > directive.algorithmRange.end.offset;
    return hasParentheses ? { start: end - 1, end: end - 1, text: `${option} = ${value}` } : { start: end, end, text: `(${option} = ${value})` };
  }
  const last = directive.options[directive.options.length - 1]!;
  return { start: last.range.end.offset, end: last.range.end.offset, text: `, ${option} = ${value}` };
}

/** The number an option of the cell's run directive is set to, if it is set to a number. */
export function runOptionValue(cellText: string, option: string): number | undefined {
  const value = runDirective(cellText)?.options.find((o) => o.name === option)?.value;
  return value?.kind === 'number' ? value.value : undefined;
}

/**
 * Adds a variable to the run's `monitor = c(...)`, or, when the run names no
 * monitor (it then monitors every unobserved stochastic node), says there is
 * nothing to do: undefined.
 */
export function addToMonitor(cellText: string, variable: string): TextEdit | undefined {
  const monitor = runDirective(cellText)?.options.find((o) => o.name === 'monitor');
  if (!monitor) return undefined;
  const names = monitorNames(monitor.value);
  if (names.includes(variable)) return undefined;
  const v = monitor.value;
  if (v.kind === 'call' && v.callee === 'c') {
    const at = v.range.end.offset - 1; // before the closing parenthesis
    return { start: at, end: at, text: v.args.length ? `, ${variable}` : variable };
  }
  return { start: v.range.start.offset, end: v.range.end.offset, text: `c(${names.join(', ')}, ${variable})` };
}

/** The names a `monitor` option lists. */
export function monitorNames(value: Expression): string[] {
  const items = value.kind === 'call' && value.callee === 'c' ? value.args.map((a) => a.value) : [value];
  return items.flatMap((e) => (e.kind === 'name' ? [e.name] : e.kind === 'string' ? [e.value] : e.kind === 'index' ? [e.name] : []));
}

/**
 * Identifies a mixture's labels by ordering its means, as the Eyes example
 * (BUGS Examples Vol. 1) does: each mean after the first is the one before
 * plus a positive gap, `mu[2] <- mu[1] + mu.gap`, the gap drawn from the
 * means' normal prior truncated at 0. Handles means given one statement per
 * component (`mu[1] ~ dnorm(…)`, `mu[2] ~ dnorm(…)`) and a loop holding only
 * the means' statement (`for (k in 1:K) { mu[k] ~ dnorm(…) }`); a prior other
 * than a normal one has no ordering fix (undefined).
 */
export function orderingConstraint(modelText: string, variable: string): TextEdit[] | undefined {
  const document = parseDocument(modelText).document;
  const statements = definingStatements(document).filter((s) => s.statement.target.name === variable);
  const gap = freshName(`${variable}.gap`, definedNodes(document));
  const perComponent = statements.map((s) => constantIndex(s));
  if (statements.length >= 2 && perComponent.every((k, i) => k === i + 1) && statements.every((s) => normalPrior(s, modelText) !== undefined)) {
    const scalarGap = statements.length === 2;
    return statements.slice(1).map((s, i) => {
      const k = i + 2;
      const g = scalarGap ? gap : `${gap}[${k - 1}]`;
      const indent = indentationAt(modelText, s.statement.range);
      return {
        start: s.statement.range.start.offset,
        end: s.statement.range.end.offset,
        text: `${variable}[${k}] <- ${variable}[${k - 1}] + ${g}\n${indent}${g} ~ dnorm(0, ${normalPrior(s, modelText)!.precision}) T(0,)`,
      };
    });
  }
  if (statements.length === 1) return loopOrdering(modelText, statements[0]!, gap);
  return undefined;
}

function loopOrdering(text: string, defining: DefiningStatement, gap: string): TextEdit[] | undefined {
  const loop = defining.loops[defining.loops.length - 1];
  const prior = normalPrior(defining, text);
  const index = defining.statement.target.indices;
  if (!loop || !prior || loop.body.length !== 1 || index.length !== 1) return undefined;
  const i = index[0]!;
  if (i.kind !== 'at' || i.value.kind !== 'name' || i.value.name !== loop.variable || loop.from.kind !== 'number') return undefined;
  if (mentions(prior.mean, loop.variable) || mentions(prior.precisionExpression, loop.variable)) return undefined;
  const k = loop.variable;
  const first = loop.from.value;
  const to = text.slice(loop.to.range.start.offset, loop.to.range.end.offset);
  const v = defining.statement.target.name;
  const indent = indentationAt(text, loop.range);
  const inner = `${indent}  `;
  return [
    {
      start: loop.range.start.offset,
      end: loop.range.end.offset,
      text:
        `${v}[${first}] ~ dnorm(${prior.meanText}, ${prior.precision})\n` +
        `${indent}for (${k} in ${first + 1}:${to}) {\n` +
        `${inner}${gap}[${k}] ~ dnorm(0, ${prior.precision}) T(0,)\n` +
        `${inner}${v}[${k}] <- ${v}[${k} - 1] + ${gap}[${k}]\n` +
        `${indent}}`,
    },
  ];
}

interface NormalPrior {
  mean: Expression;
  meanText: string;
  precisionExpression: Expression;
  precision: string;
}

function normalPrior(defining: DefiningStatement, text: string): NormalPrior | undefined {
  const s: Statement = defining.statement;
  if (s.kind !== 'stochastic' || s.distribution !== 'dnorm' || s.args.length !== 2 || s.truncation) return undefined;
  const source = (e: Expression): string => text.slice(e.range.start.offset, e.range.end.offset);
  return { mean: s.args[0]!, meanText: source(s.args[0]!), precisionExpression: s.args[1]!, precision: source(s.args[1]!) };
}

function constantIndex(defining: DefiningStatement): number | undefined {
  const index = defining.statement.target.indices;
  if (index.length !== 1 || index[0]!.kind !== 'at' || index[0]!.value.kind !== 'number') return undefined;
  return index[0]!.value.value;
}

function mentions(e: Expression, name: string): boolean {
  return JSON.stringify(e).includes(`"name":"${name}"`);
}

function freshName(base: string, taken: ReadonlyMap<string, unknown>): string {
  if (!taken.has(base)) return base;
  for (let n = 2; ; n++) if (!taken.has(`${base}${n}`)) return `${base}${n}`;
}

/** The whitespace that starts the line of `range`. */
function indentationAt(text: string, range: SourceRange): string {
  const lineStart = text.lastIndexOf('\n', range.start.offset - 1) + 1;
  return /^[ \t]*/.exec(text.slice(lineStart))![0];
}
