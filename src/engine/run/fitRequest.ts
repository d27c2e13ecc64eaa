import type { Argument, Document } from '../language/ast';
import { suggest } from '../language/check';
import type { NamedValues } from '../language/rvalues';
import { ModelError, type Problem, type SourceRange } from '../language/source';
import { definedNodes } from '../language/symbols';
import type { FitMethod, FitSettings } from '../output/fitOutput';
import { FIT_DEFAULTS, FIT_METHODS, FIT_OPTION_NAMES, FIT_OPTIONS, VARIANT_DEFAULTS, type ModelNames } from './fitOptions';
import type { RequestFiles, RunDirective } from './request';
import type { ModelInputs } from '../job/inputs';

/** Settings a fit takes when the directive does not say: the CLI's flags (`--mle` is `estimator: 'ml'`). */
export type FitDefaults = Partial<FitSettings>;

/** A cell (or model file) read for an EM-family fit: the model, its data and starting values, and the settings, checked. */
export interface FitRequest {
  /** The text read, its run directives blanked out (every position unchanged, so ranges point into the cell). */
  source: string;
  document: Document;
  data: NamedValues;
  /** Starting values (the inits line, the CLI's --init); required when settings.init is 'given'. */
  inits: NamedValues | undefined;
  initsRange: SourceRange;
  settings: FitSettings;
  /** Warnings found while reading, with ranges in the source: data the model never uses, entries of a file left out. */
  warnings: Problem[];
  files: RequestFiles;
  /** Where messages about the settings point: the fit directive, or the model when the document has no directive. */
  directiveRange: SourceRange;
}

/**
 * The settings of `fit with ALGORITHM(option = value, ...)`, ALGORITHM one of
 * em, ecm, online.em, annealed.em, mcem, vi (options: src/engine/run/fitOptions.ts):
 * `defaults` gives those the directive leaves out (the CLI's flags), `seed` the
 * run's seed unless the directive gives one. The directive is optional, so that
 * a plain model file can be fitted. Problems go to `found`, each with its range.
 */
export function fitSettings(directive: RunDirective | undefined, defaults: FitDefaults, document: Document, inputs: ModelInputs | undefined, seed: number, found: Problem[]): { settings: FitSettings; directiveRange: SourceRange } {
  const directiveRange = directive?.range ?? document.model?.range ?? zeroRange();
  let method: FitMethod | undefined = defaults.method ?? FIT_DEFAULTS.method;
  if (directive) {
    method = (FIT_METHODS as readonly string[]).includes(directive.algorithm) ? (directive.algorithm as FitMethod) : undefined;
    if (!method) {
      found.push(problem(directive.algorithmRange, `Unknown algorithm '${directive.algorithm}' for fit.${suggest(directive.algorithm, FIT_METHODS)} Algorithms: ${FIT_METHODS.join(', ')}.`));
    }
  }
  const settings: FitSettings = {
    ...FIT_DEFAULTS,
    ...(method ? VARIANT_DEFAULTS[method] : {}),
    ...withoutUndefined(defaults),
    method: method ?? FIT_DEFAULTS.method,
    seed,
    init: defaults.init ?? 'kmeans++',
  };
  const model: ModelNames = { nodes: definedNodes(document) };
  const given = new Map<string, Argument>();
  for (const option of directive?.options ?? []) {
    const p = applyOption(settings, option, method, given, model);
    if (p) found.push(p);
  }

  const hasInits = inputs?.inits !== undefined && inputs.inits.size > 0;
  const initOption = given.get('init');
  if (!initOption && defaults.init === undefined) settings.init = hasInits ? 'given' : 'kmeans++';
  if (settings.init === 'given' && inputs && !hasInits) {
    found.push(problem(initOption?.value.range ?? directiveRange, 'init = "given" starts from the initial values, but none are given: add an inits line (with the CLI, --init FILE).'));
  }
  return { settings, directiveRange };
}

/** Checks one option of the directive and applies it; returns what is wrong with it, if anything. */
function applyOption(settings: FitSettings, option: Argument, method: FitMethod | undefined, given: Map<string, Argument>, model: ModelNames): Problem | undefined {
  const name = option.name;
  if (name === undefined) return problem(option.range, 'Fit options are named, as in em(restarts = 5, tol = 1e-6).');
  const info = FIT_OPTIONS.find((o) => o.name === name);
  if (!info) return problem(option.range, `Unknown option '${name}' for fit.${suggest(name, FIT_OPTION_NAMES)} Options: ${FIT_OPTION_NAMES.join(', ')}.`);
  if (given.has(name)) return problem(option.range, `'${name}' is given twice.`);
  given.set(name, option);
  if (method && info.methods && !info.methods.includes(method)) {
    return problem(option.range, `'${name}' is an option of ${info.methods.join(', ')}, not of ${method}.`);
  }
  try {
    info.apply(settings, option.value, model);
  } catch (e) {
    if (!(e instanceof ModelError)) throw e;
    return e.problems[0];
  }
  return undefined;
}

/** The entries that are set: a caller's `{ tolerance: undefined }` leaves the default in place. */
function withoutUndefined(defaults: FitDefaults): FitDefaults {
  return Object.fromEntries(Object.entries(defaults).filter(([, v]) => v !== undefined)) as FitDefaults;
}

function problem(range: SourceRange, message: string): Problem {
  return { severity: 'error', message, range };
}

function zeroRange(): SourceRange {
  const p = { line: 0, column: 0, offset: 0 };
  return { start: p, end: p };
}
