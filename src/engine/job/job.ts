import { appendAll } from '../collections';
import type { Document } from '../language/ast';
import { parseDocument } from '../language/parser';
import { ModelError, type Problem, type SourceRange } from '../language/source';
import type { FitMethod } from '../output/fitOutput';
import { fitSettings, type FitDefaults, type FitRequest } from '../run/fitRequest';
import { BUILT_IN_DEFAULTS, sampleSettings, type ReadOptions, type RunDefaults, type RunDirective, type RunRequest } from '../run/request';
import { calibrationSettings, type CalibrationRequest } from '../sbc/request';
import { readModelInputs } from './inputs';
import type { SbcSettings } from '../sbc/sbcOutput';

/** What a model is run for: posterior draws, point estimates (EM family, VI), or a calibration of the samplers. */
export type JobKind = 'sample' | 'fit' | 'calibrate';

export const JOB_KINDS: readonly JobKind[] = ['sample', 'fit', 'calibrate'];

/** A document read for one run, checked: everything the engine needs to start it. */
export type Job =
  | { kind: 'sample'; request: RunRequest }
  /** `algorithm` is the fit's method (em, ecm, …): one more algorithm, not one more kind of job. */
  | { kind: 'fit'; algorithm: FitMethod; request: FitRequest }
  | { kind: 'calibrate'; request: CalibrationRequest };

/**
 * What the caller adds to the text: the kind of job when a command or the CLI
 * says it (else the document's run directive says, and a document without one
 * is sampled), and per kind the settings the directive leaves out.
 */
export interface JobChoices {
  kind?: JobKind;
  sample?: RunDefaults;
  fit?: FitDefaults;
  calibrate?: Partial<SbcSettings>;
}

/**
 * The kind of job a document asks for: the verb of its run directive
 * (`sample`, `fit`, `calibrate`), or sampling when it has none. A document
 * that does not parse is a sampling job too: reading it reports the problems.
 */
export function jobKindOf(source: string): JobKind {
  return kindOf(parseDocument(source).document);
}

function kindOf(document: Document): JobKind {
  for (const d of document.directives) if (d.kind === 'run') return d.verb;
  return 'sample';
}

/**
 * Reads a document (a cell, a model file, or a command's text) into a job:
 * its model, data and initial values, and the settings of the run, checked.
 * The one reader for every kind: the text is parsed once, its data and inits
 * read once, then the run directive of the job's kind gives the settings (a
 * command's kind ignores a directive of another verb). A document holds one
 * run directive. Throws ModelError with every problem found, each with its
 * range in the source.
 */
export function readJob(source: string, choices: JobChoices, freshSeed: () => number, options: ReadOptions = {}): Job {
  const { document, problems } = parseDocument(source);
  if (problems.length) throw new ModelError(problems);
  const kind = choices.kind ?? kindOf(document);
  const found: Problem[] = [];
  const warnings: Problem[] = [];
  const runs = document.directives.filter((d): d is RunDirective => d.kind === 'run');
  for (const extra of runs.slice(1)) found.push(problem(extra.range, 'A cell holds one run; split the runs into separate cells.'));
  const directive = runs.find((d) => d.verb === kind);
  const inputs = readModelInputs(document, options, found, warnings);
  // The seed when the directive gives none: an inits file's .RNG.seed, the caller's, or a fresh one (always reported).
  const seedOf = (callerSeed: number | undefined, rngFirst: boolean): number =>
    (rngFirst ? (inputs.rngSeed ?? callerSeed) : (callerSeed ?? inputs.rngSeed)) ?? freshSeed();
  const sorted = (list: Problem[]): Problem[] => list.sort((a, b) => a.range.start.offset - b.range.start.offset);
  const model = <S>(settings: S) => ({
    source, document, data: inputs.data, inits: inputs.inits, initsRange: inputs.initsRange, settings, warnings: sorted(warnings), files: inputs.files,
  });
  switch (kind) {
    case 'sample': {
      const defaults = choices.sample ?? BUILT_IN_DEFAULTS;
      const settings = sampleSettings(directive, defaults, seedOf(defaults.seed, true), found);
      appendAll(warnings, inputs.unusedData(settings.predictive?.observed));
      if (found.length) throw new ModelError(sorted(found));
      return { kind, request: model(settings) };
    }
    case 'fit': {
      const defaults = choices.fit ?? {};
      const { settings, directiveRange } = fitSettings(directive, defaults, document, inputs, seedOf(defaults.seed, true), found);
      appendAll(warnings, inputs.unusedData());
      if (found.length) throw new ModelError(sorted(found));
      // The fit's text and document without their run directives (blanked, every position unchanged, so that ranges still point into the cell).
      const text = blankRanges(source, runs.map((r) => r.range));
      const request: FitRequest = { ...model(settings), source: text, document: { ...document, directives: document.directives.filter((d) => d.kind !== 'run') }, directiveRange };
      return { kind, algorithm: settings.method, request };
    }
    case 'calibrate': {
      const defaults = choices.calibrate ?? {};
      const seed = seedOf(defaults.seed, false);
      const settings = calibrationSettings(directive, defaults, document, seed, found);
      appendAll(warnings, inputs.unusedData());
      if (found.length) throw new ModelError(sorted(found));
      const run: RunRequest = model(sampleSettings(undefined, { ...BUILT_IN_DEFAULTS, chains: 1 }, seed, found));
      return { kind, request: { run, model: { document, data: run.data, inits: run.inits, initsRange: run.initsRange }, settings } };
    }
  }
}

/** Replaces ranges of the text by spaces, keeping line breaks so every other position stays put. */
function blankRanges(source: string, ranges: readonly SourceRange[]): string {
  let text = source;
  for (const { start, end } of ranges) text = text.slice(0, start.offset) + text.slice(start.offset, end.offset).replace(/[^\n]/g, ' ') + text.slice(end.offset);
  return text;
}

function problem(range: SourceRange, message: string): Problem {
  return { severity: 'error', message, range };
}

/** readJob, with the problems returned instead of thrown. */
export function tryReadJob(source: string, choices: JobChoices, freshSeed: () => number, options: ReadOptions = {}): Job | ModelError {
  try {
    return readJob(source, choices, freshSeed, options);
  } catch (e) {
    if (e instanceof ModelError) return e;
    throw e;
  }
}

/** The request of each kind of job, and the defaults a caller gives for it. */
interface JobParts {
  sample: { request: RunRequest; defaults: RunDefaults };
  fit: { request: FitRequest; defaults: FitDefaults };
  calibrate: { request: CalibrationRequest; defaults: Partial<SbcSettings> };
}

/** readJob for a caller that knows the kind (a worker, the CLI's check, a test): the job's request, typed. */
export function readRequest<K extends JobKind>(kind: K, source: string, defaults: JobParts[K]['defaults'], freshSeed: () => number, options: ReadOptions = {}): JobParts[K]['request'] {
  return readJob(source, { kind, [kind]: defaults }, freshSeed, options).request as JobParts[K]['request'];
}
