import type { Argument, Document, Expression } from '../language/ast';
import { parseDocument } from '../language/parser';
import { evaluateList, type NamedValues } from '../language/rvalues';
import { ModelError, type Problem, type SourceRange } from '../language/source';
import { editDistance } from '../model/expressions';
import type { RunSettings } from '../output/runOutput';

/** Settings a run takes when the cell does not say (the extension's configuration, or the CLI's flags). */
export interface RunDefaults {
  chains: number;
  burnin: number;
  iterations: number;
  thin: number;
  /** Undefined: pick a fresh seed (always reported). */
  seed?: number;
}

export const BUILT_IN_DEFAULTS: RunDefaults = { chains: 4, burnin: 1000, iterations: 2000, thin: 1 };

/** What a cell asks for, checked: the parsed model, its data and inits, and the run's settings. */
export interface RunRequest {
  source: string;
  document: Document;
  data: NamedValues;
  inits: NamedValues | undefined;
  initsRange: SourceRange;
  settings: RunSettings;
}

const GIBBS_OPTIONS = ['chains', 'burnin', 'iterations', 'thin', 'seed', 'monitor'] as const;
const LIMITS: Record<string, [number, number]> = {
  chains: [1, 64],
  burnin: [0, 1e9],
  iterations: [1, 1e9],
  thin: [1, 1e6],
  seed: [0, 2 ** 32 - 1],
};

/**
 * Parses a cell and checks its directives. Throws ModelError listing every
 * problem found, each with its range in the cell.
 */
export function readRunRequest(source: string, defaults: RunDefaults, freshSeed: () => number): RunRequest {
  const { document, problems } = parseDocument(source);
  if (problems.length) throw new ModelError(problems);
  const found: Problem[] = [];
  const collect = <T>(f: () => T): T | undefined => {
    try {
      return f();
    } catch (e) {
      if (!(e instanceof ModelError)) throw e;
      found.push(...e.problems);
      return undefined;
    }
  };

  let data: NamedValues = new Map();
  let inits: NamedValues | undefined;
  let initsRange = document.model?.range ?? zeroRange();
  const runs = document.directives.filter((d) => d.kind === 'run');
  for (const directive of document.directives) {
    if (directive.kind === 'data') {
      const value = directive.value;
      if (value.kind === 'call' && value.callee === 'from') {
        found.push(problem(value.range, 'Reading data from a file is not supported yet; give the data inline with data list(...).'));
        continue;
      }
      const values = collect(() => evaluateList(value, 'data'));
      if (values) for (const [k, v] of values) data.set(k, v);
    } else if (directive.kind === 'inits') {
      inits = collect(() => evaluateList(directive.value, 'initial values'));
      initsRange = directive.range;
    }
  }
  for (const extra of runs.slice(1)) found.push(problem(extra.range, 'A cell holds one run; split the runs into separate cells.'));

  const settings: RunSettings = {
    algorithm: 'gibbs',
    chains: defaults.chains,
    burnin: defaults.burnin,
    iterations: defaults.iterations,
    thin: defaults.thin,
    seed: defaults.seed ?? freshSeed(),
    monitor: [],
  };
  const run = runs[0];
  if (run && run.kind === 'run') {
    if (run.algorithm !== 'gibbs') {
      found.push(problem(run.algorithmRange, `Unknown algorithm '${run.algorithm}'; this release samples with gibbs.`));
    }
    for (const option of run.options) collect(() => applyOption(settings, option));
  }
  if (!document.model) found.push(problem(zeroRange(), "The cell has no 'model { ... }' block."));
  if (found.length) throw new ModelError(found);
  data = new Map(data);
  return { source, document, data, inits, initsRange, settings };
}

function applyOption(settings: RunSettings, option: Argument): void {
  const name = option.name;
  if (name === undefined) throw new ModelError([problem(option.range, 'Run options are named, as in gibbs(chains = 4, iterations = 5000).')]);
  if (name === 'monitor') {
    settings.monitor = monitorNames(option.value);
    return;
  }
  if (!(GIBBS_OPTIONS as readonly string[]).includes(name)) {
    const close = GIBBS_OPTIONS.find((o) => editDistance(o, name) <= 2);
    throw new ModelError([problem(option.range, `Unknown option '${name}' for gibbs.${close ? ` Did you mean '${close}'?` : ''} Options: ${GIBBS_OPTIONS.join(', ')}.`)]);
  }
  const value = numberValue(option.value);
  const [min, max] = LIMITS[name]!;
  if (value === undefined || !Number.isInteger(value) || value < min || value > max) {
    throw new ModelError([problem(option.value.range, `${name} must be a whole number from ${min} to ${max}.`)]);
  }
  (settings as unknown as Record<string, number>)[name] = value;
}

function numberValue(e: Expression): number | undefined {
  if (e.kind === 'number') return e.value;
  if (e.kind === 'unary' && e.op === '-' && e.operand.kind === 'number') return -e.operand.value;
  return undefined;
}

/** `monitor = c(mu, tau)`, `monitor = theta`, or quoted names, as in JAGS's variable.names. */
function monitorNames(e: Expression): string[] {
  const items = e.kind === 'call' && e.callee === 'c' ? e.args.map((a) => a.value) : [e];
  return items.map((item) => {
    if (item.kind === 'name' || item.kind === 'string') return item.kind === 'name' ? item.name : item.value;
    throw new ModelError([problem(item.range, 'monitor takes variable names, as in monitor = c(mu, tau).')]);
  });
}

function problem(range: SourceRange, message: string): Problem {
  return { severity: 'error', message, range };
}

function zeroRange(): SourceRange {
  const p = { line: 0, column: 0, offset: 0 };
  return { start: p, end: p };
}
