import { parseDocument } from '../language/parser';
import type { SourceRange } from '../language/source';
import type { NodeResult } from '../output/runOutput';
import { describeValues, type Finding, type FindingCode } from './findings';
import { definingStatements, splitScalarName, statementDefining, textOf } from './statements';

/** A finding at its place in a text: the statement of its nodes, or the run directive. */
export interface PlacedFinding {
  code: FindingCode;
  severity: Finding['severity'];
  message: string;
  range: SourceRange;
  /** The finding's scalars on this statement (none for the run directive). */
  nodes: string[];
  /** The variable the statement defines, when on a statement. */
  variable?: string;
  /** The text under `range` when placed: an edit that changes it makes the finding stale. */
  anchor: string;
}

/** The values a message quotes ({rhat}, {ess}, {p}), by scalar name. */
export interface QuotedResults {
  run?: ReadonlyMap<string, NodeResult>;
  sbc?: ReadonlyMap<string, { pValue: number }>;
}

/** At most this many scalars are named in a message; the rest are counted. */
const NAMED_NODES = 6;

/**
 * Places each finding with nodes on the statements of `modelText` that define
 * them, one diagnostic per statement naming its own offending elements.
 * Findings without nodes, or whose nodes no statement defines, are returned
 * in `unplaced` (for the run directive).
 */
export function placeOnStatements(modelText: string, findings: readonly Finding[], results: QuotedResults = {}): { placed: PlacedFinding[]; unplaced: Finding[] } {
  const statements = definingStatements(parseDocument(modelText).document);
  const placed: PlacedFinding[] = [];
  const unplaced: Finding[] = [];
  for (const finding of findings) {
    const byStatement = new Map<(typeof statements)[number], string[]>();
    const homeless: string[] = [];
    for (const node of finding.nodes) {
      const at = statementDefining(statements, node);
      if (!at) homeless.push(node);
      else byStatement.set(at, [...(byStatement.get(at) ?? []), node]);
    }
    if (finding.nodes.length === 0 || homeless.length) unplaced.push({ ...finding, nodes: homeless });
    for (const [at, nodes] of byStatement) {
      const range = at.statement.range;
      placed.push({
        code: finding.code,
        severity: finding.severity,
        message: describeValues(finding.message.replace('{nodes}', nameList(nodes)), nodes, results),
        range,
        nodes,
        variable: at.statement.target.name,
        anchor: textOf(modelText, range),
      });
    }
  }
  return { placed, unplaced };
}

/** Places findings on the cell's run directive (its first `sample`, `fit` or `calibrate`), if it has one. */
export function placeOnDirective(cellText: string, findings: readonly Finding[], results: QuotedResults = {}): PlacedFinding[] {
  const directive = parseDocument(cellText).document.directives.find((d) => d.kind === 'run');
  if (!directive) return [];
  return findings.map((f) => ({
    code: f.code,
    severity: f.severity,
    message: describeValues(f.message.replace('{nodes}', nameList(f.nodes)), f.nodes, results),
    range: directive.range,
    nodes: [],
    anchor: textOf(cellText, directive.range),
  }));
}

/** "mu[1], mu[2]", or "theta[1], …, theta[6] and 4 more". */
export function nameList(nodes: readonly string[]): string {
  if (nodes.length <= NAMED_NODES) return nodes.join(', ');
  return `${nodes.slice(0, NAMED_NODES).join(', ')} and ${nodes.length - NAMED_NODES} more`;
}

/**
 * Whether a placed finding still holds for `text`: the text at its place is
 * unchanged (the statement may have moved; its new range is returned).
 */
export function relocate(finding: PlacedFinding, text: string): SourceRange | undefined {
  if (textOf(text, finding.range) === finding.anchor) return finding.range;
  const document = parseDocument(text).document;
  if (finding.variable) {
    const statements = definingStatements(document);
    const at = finding.nodes.length ? statementDefining(statements, finding.nodes[0]!) : undefined;
    if (at && at.statement.target.name === splitScalarName(finding.nodes[0]!).variable && textOf(text, at.statement.range) === finding.anchor) return at.statement.range;
    return undefined;
  }
  const directive = document.directives.find((d) => d.kind === 'run');
  return directive && textOf(text, directive.range) === finding.anchor ? directive.range : undefined;
}
