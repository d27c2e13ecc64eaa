import type { Document, Expression, IndexExpression, Statement } from './ast';
import { DISTRIBUTION_CATALOG, FUNCTION_CATALOG } from './catalog';
import { parseDocument } from './parser';
import { structuralProblems } from './structure';
import type { Problem, SourceRange } from './source';
import { suggest } from './suggest';

// In a file of its own so that the CLI's launcher can parse a JAGS script without the catalogs this checker loads.
export { optimalStringAlignment, suggest } from './suggest';

/** The result of checking a document: its parse and every problem found, in text order. */
export interface CheckResult {
  document: Document;
  problems: Problem[];
}

/**
 * The checks that need no data and run as the user types: the parse, unknown
 * distributions and functions (with a suggestion), argument counts, and
 * names used in the model that nothing defines when the document's inline
 * data are known, and the structure (cycles, elements defined twice, index
 * counts: language/structure.ts). Deeper checks (sizes, index ranges, cycles
 * through computed indices, support) need the data and happen when the model
 * is compiled.
 */
export function checkText(text: string, knownData?: ReadonlySet<string>): CheckResult {
  const { document, problems } = parseDocument(text);
  const found = [...problems, ...checkDocument(document, knownData)];
  found.sort((a, b) => a.range.start.offset - b.range.start.offset);
  return { document, problems: found };
}

/** checkText's checks after the parse, on a document already parsed (a job reads its text once). */
export function checkDocument(document: Document, knownData?: ReadonlySet<string>): Problem[] {
  const found: Problem[] = [];
  if (document.model) {
    const defined = new Set<string>();
    collectDefined(document.model.statements, defined);
    const visit = new NameChecker(found, defined, knownData);
    visit.statements(document.model.statements, new Set());
    found.push(...structuralProblems(document.model.statements));
  }
  return found;
}

function collectDefined(statements: Statement[], into: Set<string>): void {
  for (const s of statements) {
    if (s.kind === 'for') collectDefined(s.body, into);
    else into.add(s.target.name);
  }
}

class NameChecker {
  constructor(
    private readonly problems: Problem[],
    private readonly defined: ReadonlySet<string>,
    private readonly data: ReadonlySet<string> | undefined,
  ) {}

  statements(statements: Statement[], loops: ReadonlySet<string>): void {
    for (const s of statements) {
      if (s.kind === 'for') {
        this.expression(s.from, loops);
        this.expression(s.to, loops);
        this.statements(s.body, new Set([...loops, s.variable]));
        continue;
      }
      this.indices(s.target.indices, loops);
      if (s.kind === 'deterministic') {
        this.expression(s.value, loops);
        continue;
      }
      const d = DISTRIBUTION_CATALOG.get(s.distribution);
      if (!d) {
        this.error(s.distributionRange, `Unknown distribution '${s.distribution}'.${suggest(s.distribution, [...DISTRIBUTION_CATALOG.keys()])}`);
      } else if (d.variadic ? s.args.length < d.parameters.length : s.args.length !== d.parameters.length) {
        this.error(s.distributionRange, `${d.name} takes ${d.parameters.length} argument(s) (${d.parameters.map((q) => q.name).join(', ')}), got ${s.args.length}.`);
      }
      for (const a of s.args) this.expression(a, loops);
      if (s.truncation?.lower) this.expression(s.truncation.lower, loops);
      if (s.truncation?.upper) this.expression(s.truncation.upper, loops);
    }
  }

  private indices(indices: IndexExpression[], loops: ReadonlySet<string>): void {
    for (const i of indices) {
      if (i.kind === 'at') this.expression(i.value, loops);
      else if (i.kind === 'range') {
        this.expression(i.from, loops);
        this.expression(i.to, loops);
      }
    }
  }

  private expression(e: Expression, loops: ReadonlySet<string>): void {
    switch (e.kind) {
      case 'name':
        this.name(e.name, e.range, loops);
        return;
      case 'index':
        this.name(e.name, e.nameRange, loops);
        this.indices(e.indices, loops);
        return;
      case 'unary':
        this.expression(e.operand, loops);
        return;
      case 'binary':
        this.expression(e.left, loops);
        this.expression(e.right, loops);
        return;
      case 'call': {
        const fn = FUNCTION_CATALOG.get(e.callee);
        if (!fn) {
          const hint = DISTRIBUTION_CATALOG.has(e.callee) ? ` ${e.callee} is a distribution: use it after '~'.` : suggest(e.callee, [...FUNCTION_CATALOG.keys()]);
          this.error(e.calleeRange, `Unknown function '${e.callee}'.${hint}`);
        } else if (e.args.length < fn.arity[0] || e.args.length > fn.arity[1]) {
          const expected = fn.arity[0] === fn.arity[1] ? `${fn.arity[0]}` : fn.arity[1] === Infinity ? `at least ${fn.arity[0]}` : `${fn.arity[0]} to ${fn.arity[1]}`;
          this.error(e.calleeRange, `${fn.name} takes ${expected} argument(s), got ${e.args.length}: ${fn.signature}.`);
        }
        for (const a of e.args) this.expression(a.value, loops);
        return;
      }
      default:
        return;
    }
  }

  private name(name: string, range: SourceRange, loops: ReadonlySet<string>): void {
    if (!this.data || loops.has(name) || this.defined.has(name) || this.data.has(name)) return;
    const candidates = [...this.defined, ...this.data, ...loops];
    this.error(range, `Unknown name '${name}': it is neither data nor defined in the model.${suggest(name, candidates)}`);
  }

  private error(range: SourceRange, message: string): void {
    this.problems.push({ severity: 'error', message, range });
  }
}
