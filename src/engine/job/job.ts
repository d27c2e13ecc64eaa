import { parseDocument } from '../language/parser';
import { ModelError } from '../language/source';
import type { FitMethod } from '../output/fitOutput';
import { readFitRequest, type FitDefaults, type FitRequest } from '../run/fitRequest';
import { BUILT_IN_DEFAULTS, readRunRequest, type ReadOptions, type RunDefaults, type RunRequest } from '../run/request';
import { readCalibrationRequest, type CalibrationRequest } from '../sbc/request';
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
  for (const d of parseDocument(source).document.directives) if (d.kind === 'run') return d.verb;
  return 'sample';
}

/**
 * Reads a document (a cell, a model file, or a command's text) into a job:
 * its model, data and initial values, and the settings of the run, checked.
 * The one entry for every kind; throws ModelError with every problem found,
 * each with its range in the source.
 */
export function readJob(source: string, choices: JobChoices, freshSeed: () => number, options: ReadOptions = {}): Job {
  const kind = choices.kind ?? jobKindOf(source);
  switch (kind) {
    case 'sample':
      return { kind, request: readRunRequest(source, choices.sample ?? BUILT_IN_DEFAULTS, freshSeed, options) };
    case 'fit': {
      const request = readFitRequest(source, choices.fit ?? {}, freshSeed, options);
      return { kind, algorithm: request.settings.method, request };
    }
    case 'calibrate':
      return { kind, request: readCalibrationRequest(source, choices.calibrate ?? {}, freshSeed, options) };
  }
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
