// What a hover on a node name and an inlay hint at the end of its statement
// show of the latest job's results. No `vscode` import: runs in plain Node.
import { definingStatements, splitScalarName, statementDefining } from '../../engine/convergence/statements';
import { lowEffectiveSize, RHAT_LIMIT } from '../../engine/convergence/findings';
import { parseDocument } from '../../engine/language/parser';
import { nameAt } from '../../engine/language/symbols';
import type { FitParameter, VariationalNode } from '../../engine/output/fitOutput';
import { standardErrorNote } from '../../engine/output/fitTable';
import type { NodeResult } from '../../engine/output/runOutput';
import type { ModelResults } from './jobFindings';

/** Rows a hover lists before counting the rest. */
const HOVER_ROWS = 10;

const num = (v: number | null | undefined, digits = 4): string => (typeof v === 'number' && Number.isFinite(v) ? Number(v.toPrecision(digits)).toString() : '–');

/** The hover on the node name at `offset`: its scalars' latest results, or undefined when the name has none. */
export function resultHoverAt(text: string, offset: number, results: readonly ModelResults[]): { markdown: string; start: number; end: number } | undefined {
  const at = nameAt(text, offset);
  if (!at || (at.next?.kind === 'punct' && at.next.text === '(')) return undefined;
  const variable = at.token.text;
  const parts: string[] = [];
  for (const r of results) {
    if (r.run) {
      const nodes = [...r.run.values()].filter((n) => splitScalarName(n.name).variable === variable);
      if (nodes.length) parts.push(runTable(nodes));
    }
    const factors = [...(r.variational?.values() ?? [])].filter((n) => splitScalarName(n.name).variable === variable);
    if (factors.length) {
      parts.push(variationalTable(factors));
      continue;
    }
    if (r.fit) {
      const params = [...r.fit.values()].filter((p) => splitScalarName(p.name).variable === variable);
      if (params.length) parts.push(fitTable(params, r.standardErrors));
    }
  }
  if (!parts.length) return undefined;
  return { markdown: parts.join('\n\n'), start: at.token.range.start.offset, end: at.token.range.end.offset };
}

function runTable(nodes: NodeResult[]): string {
  const rows = nodes.slice(0, HOVER_ROWS).map((n) => {
    const d = n.diagnostics;
    const flag = (bad: boolean): string => (bad ? ' ⚠' : '');
    const rhat = d ? `${Number.isFinite(d.rhat) ? d.rhat.toFixed(3) : '–'}${flag(d.rhat >= RHAT_LIMIT)}${n.labelSwitching ? ' ⇄' : ''}` : '–';
    const ess = d ? `${num(d.ess_bulk, 3)} / ${num(d.ess_tail, 3)}${flag(lowEffectiveSize(d))}` : '–';
    return `| ${n.name} | ${num(n.summary.mean)} | ${num(n.summary.sd)} | ${num(n.summary['q2.5'])} – ${num(n.summary['q97.5'])} | ${rhat} | ${ess} | ${n.sampler} |`;
  });
  const more = nodes.length > HOVER_ROWS ? `\n\n…and ${nodes.length - HOVER_ROWS} more in the cell's output.` : '';
  return `**Latest run** (Gibbs)\n\n| node | mean | sd | 95 % interval | R-hat | ESS bulk / tail | sampler |\n|---|---|---|---|---|---|---|\n${rows.join('\n')}${more}`;
}

function fitTable(params: FitParameter[], kind: ModelResults['standardErrors']): string {
  const withSe = params.some((p) => p.se !== undefined);
  const rows = params.slice(0, HOVER_ROWS).map((p) => (withSe ? `| ${p.name} | ${num(p.value, 6)} | ${num(p.se, 3)} |` : `| ${p.name} | ${num(p.value, 6)} |`));
  const more = params.length > HOVER_ROWS ? `\n\n…and ${params.length - HOVER_ROWS} more in the cell's output.` : '';
  const head = withSe ? '| node | estimate | SE |\n|---|---|---|' : '| node | estimate |\n|---|---|';
  const note = withSe ? `\n\n${standardErrorNote(kind)}.` : '';
  return `**Latest fit** (EM estimate)\n\n${head}\n${rows.join('\n')}${more}${note}`;
}

/** A VI fit: each element's factor q, its family and its own parameters, with the moments they imply. */
function variationalTable(factors: VariationalNode[]): string {
  const rows = factors.slice(0, HOVER_ROWS).map((n) => `| ${n.name} | ${n.family} | ${factorParameters(n.parameters)} | ${num(n.mean)} | ${num(n.sd)} |`);
  const more = factors.length > HOVER_ROWS ? `\n\n…and ${factors.length - HOVER_ROWS} more in the cell's output.` : '';
  return `**Latest fit** (VI: the factor q of each element)\n\n| node | q | q's parameters | mean | sd |\n|---|---|---|---|---|\n${rows.join('\n')}${more}`;
}

function factorParameters(parameters: VariationalNode['parameters']): string {
  const show = (v: number | number[] | string): string => (typeof v === 'string' ? v : Array.isArray(v) ? `(${v.slice(0, 4).map((x) => num(x)).join(', ')}${v.length > 4 ? ', …' : ''})` : num(v));
  return Object.entries(parameters).map(([name, v]) => `${name} = ${show(v)}`).join(', ');
}

/** `mean ± sd` (or a fit's estimate) at the end of each statement that defines exactly one scalar with a result. */
export function resultInlayHints(text: string, results: readonly ModelResults[]): { offset: number; label: string }[] {
  const statements = definingStatements(parseDocument(text).document);
  const labels = new Map<(typeof statements)[number], string[]>();
  const add = (name: string, label: string): void => {
    const at = statementDefining(statements, name);
    if (at) labels.set(at, [...(labels.get(at) ?? []), label]);
  };
  for (const r of results) {
    for (const n of r.run?.values() ?? []) add(n.name, `${num(n.summary.mean, 3)} ± ${num(n.summary.sd, 2)}`);
    for (const p of r.fit?.values() ?? []) add(p.name, p.se === undefined ? `= ${num(p.value, 4)}` : `= ${num(p.value, 4)} ± ${num(p.se, 2)}`);
  }
  return [...labels.entries()].filter(([, l]) => l.length === 1).map(([at, [label]]) => ({ offset: at.statement.range.end.offset, label: label! }));
}
