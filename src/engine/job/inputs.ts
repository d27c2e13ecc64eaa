import type { Argument, Document, Expression, FileSource } from '../language/ast';
import { checkDocument } from '../language/check';
import { bugsOrderWarnings, evaluateList, type NamedValues } from '../language/rvalues';
import { ModelError, type Problem, type SourceRange } from '../language/source';
import { loadDataFile, readTextFile, type FileAccess, type LoadedFile } from '../data/files';
import { definedNames } from '../model/bind';
import { dropUnusedInits, unusedDataWarnings, type DataOrigin } from '../model/dataChecks';
import { rngNameWarning, takeRngSeed } from '../run/rngEntries';
import type { ReadOptions, RequestFiles } from '../run/request';
import { appendAll } from '../collections';

/** What every kind of job reads from a document besides its run directive: the model's data and initial values, checked against the model. */
export interface ModelInputs {
  data: NamedValues;
  inits: NamedValues | undefined;
  /** Where messages about the initial values point: the inits line, or the model when there is none. */
  initsRange: SourceRange;
  /** An inits file's `.RNG.seed` (files written for JAGS carry it), taken out of the inits. */
  rngSeed: number | undefined;
  files: RequestFiles;
  /** Warnings for data the model never uses, but for `except` (held-out values that only the run's predictive(...) reads). */
  unusedData: (except?: string) => Problem[];
}

/**
 * Reads a parsed document's data and initial values (inline, or from files
 * relative to `options.baseDirectory`, and the caller's extra files) and
 * checks the model's names against them. Problems go to `found`, warnings
 * (data the model never uses, entries of a file left out) to `warnings`,
 * each with its range in the source; a problem inside a data file is reported
 * at the file's name in the directive, its message saying `file:line:column`.
 */
export function readModelInputs(document: Document, options: ReadOptions, found: Problem[], warnings: Problem[]): ModelInputs {
  const collect = <T>(f: () => T): T | undefined => {
    try {
      return f();
    } catch (e) {
      if (!(e instanceof ModelError)) throw e;
      appendAll(found, e.problems);
      return undefined;
    }
  };
  const files: RequestFiles = { baseDirectory: options.baseDirectory, dataFiles: options.dataFiles ?? [], initsFiles: options.initsFiles ?? [] };
  if (options.maxFileBytes !== undefined) files.maxFileBytes = options.maxFileBytes;
  if (options.maxDrawBytes !== undefined) files.maxDrawBytes = options.maxDrawBytes;
  if (options.maxModelBytes !== undefined) files.maxModelBytes = options.maxModelBytes;
  const access: FileAccess = { baseDirectory: files.baseDirectory, readFile: options.readFile ?? ((path) => readTextFile(path, options.maxFileBytes)) };

  const data = new Values('data', found);
  const inits = new Values('initial values', found);
  let initsRange = document.model?.range ?? zeroRange();
  // Whether every data source could be read: else the model's names cannot be checked against them.
  let complete = true;
  const read = (value: Expression | FileSource, what: 'data' | 'initial values'): Sourced | undefined =>
    collect(() => (value.kind === 'file' ? fromFile(value.path, what, access, value.pathRange, value.bindings, warnings) : inline(value, what, warnings)));
  for (const directive of document.directives) {
    if (directive.kind === 'data') {
      const got = read(directive.value, 'data');
      if (got) data.add(got, false);
      else complete = false;
    } else if (directive.kind === 'inits') {
      const got = read(directive.value, 'initial values');
      if (got) inits.add(got, false);
      initsRange = directive.range;
    }
  }
  for (const path of files.dataFiles) {
    const loaded = options.loadedDataFiles?.get(path);
    // Read by the caller at its own range: its names come from this file at no range, as when read here.
    const got = loaded ? sourced(path, { values: loaded.values, origins: new Map([...loaded.values.keys()].map((name) => [name, zeroRange()])) }) : collect(() => fromFile(path, 'data', access, zeroRange(), [], warnings));
    if (got) data.add(got, true);
    else complete = false;
  }
  for (const path of files.initsFiles) {
    const got = collect(() => fromFile(path, 'initial values', access, zeroRange(), [], warnings));
    if (got) inits.add(got, true);
  }
  const generator = rngNameWarning(inits.values, initsRange);
  if (generator) warnings.push(generator);
  const rngSeed = collect(() => takeRngSeed(inits.values, initsRange));
  let unusedData = (_except?: string): Problem[] => [];

  if (!document.model) {
    found.push(problem(zeroRange(), "The cell has no 'model { ... }' block."));
  } else {
    // Names, distributions and argument counts, now that the data's names are known.
    const known = complete ? new Set([...data.values.keys(), ...definedNames(document.data?.statements ?? [])]) : undefined;
    for (const p of checkDocument(document, known)) (p.severity === 'error' ? found : warnings).push(p);
    if (complete) unusedData = (except) => unusedDataWarnings(document, except === undefined ? data.origins : new Map([...data.origins].filter(([name]) => name !== except)));
    appendAll(warnings, dropUnusedInits(document, inits.values, inits.origins));
  }
  return { data: data.values, inits: inits.touched ? inits.values : undefined, initsRange, rngSeed, files, unusedData };
}

/** Values from one directive or file, with where each name came from. */
interface Sourced {
  values: NamedValues;
  origins: Map<string, DataOrigin>;
}

function inline(value: Expression, what: 'data' | 'initial values', warnings: Problem[]): Sourced {
  const values = evaluateList(value, what);
  appendAll(warnings, bugsOrderWarnings(value));
  const origins = new Map<string, DataOrigin>();
  if (value.kind === 'call') for (const a of value.args) if (a.name !== undefined) origins.set(a.name, { range: a.range });
  return { values, origins };
}

function fromFile(path: string, what: 'data' | 'initial values', access: FileAccess, at: SourceRange, bindings: Argument[], warnings: Problem[]): Sourced {
  return sourced(path, loadDataFile(path, what, access, at, bindings, (w) => warnings.push(w)));
}

function sourced(path: string, loaded: LoadedFile): Sourced {
  return { values: loaded.values, origins: new Map([...loaded.origins].map(([name, range]) => [name, { range, file: path }])) };
}

/** The data (or initial values) of a request, merged from its sources; a name given twice is a problem. */
class Values {
  readonly values: NamedValues = new Map();
  readonly origins = new Map<string, DataOrigin>();
  touched = false;

  constructor(
    private readonly what: string,
    private readonly problems: Problem[],
  ) {}

  /** `replace`: the source's values win over earlier ones of the same name (the CLI's --data over the document's). */
  add(got: Sourced, replace: boolean): void {
    this.touched = true;
    for (const [name, value] of got.values) {
      const origin = got.origins.get(name) ?? { range: zeroRange() };
      const earlier = this.origins.get(name);
      if (earlier && !replace) {
        this.problems.push(problem(origin.range, `'${name}' is given twice in the ${this.what}: ${earlier.file ? `in ${earlier.file}` : `at line ${earlier.range.start.line + 1}`} and ${origin.file ? `in ${origin.file}` : 'here'}.`));
        continue;
      }
      this.values.set(name, value);
      this.origins.set(name, origin);
    }
  }
}

function problem(range: SourceRange, message: string): Problem {
  return { severity: 'error', message, range };
}

function zeroRange(): SourceRange {
  const p = { line: 0, column: 0, offset: 0 };
  return { start: p, end: p };
}
