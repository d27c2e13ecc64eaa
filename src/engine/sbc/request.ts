import type { Argument, Directive, Expression } from '../language/ast';
import { suggest } from '../language/check';
import { parseDocument } from '../language/parser';
import { errorAt, ModelError, type Problem, type SourceRange } from '../language/source';
import { BUILT_IN_DEFAULTS, readRunRequest, type ReadOptions, type RunRequest } from '../run/request';
import type { CalibrationModel } from './calibrate';
import type { SbcSettings } from './sbcOutput';
import { appendAll } from '../collections';

/** Settings when neither the directive nor the CLI says: 99 draws give 100 possible ranks, 10 ranks per bin. */
export const SBC_DEFAULTS: Omit<SbcSettings, 'seed'> = { simulations: 200, draws: 99, bins: 10, burnin: 500, thin: 2 };

/** The options of `calibrate with sbc(...)`, for the editor's completions and hovers and for docs/language.md. */
export const SBC_OPTION_INFO = [
  { name: 'simulations', snippet: 'simulations = ${1:200}', description: 'Simulations: each draws the unobserved nodes from their priors and the observed ones from the model, then fits them. Default 200.' },
  { name: 'draws', snippet: 'draws = ${1:99}', description: 'Posterior draws kept per simulation (after thinning), among which the true value is ranked: L in Talts et al. (2018). Default 99.' },
  { name: 'bins', snippet: 'bins = ${1:10}', description: 'Bins of the rank histograms (at most draws + 1); best a divisor of draws + 1. Default 10.' },
  { name: 'burnin', snippet: 'burnin = ${1:500}', description: 'Iterations run and discarded before the kept draws of each fit. Default 500.' },
  { name: 'thin', snippet: 'thin = ${1:2}', description: 'Keep every n-th iteration: autocorrelated draws make the ranks look non-uniform even for a correct sampler. Default 2.' },
  { name: 'seed', snippet: 'seed = ${1:1}', description: 'Seed of the random numbers. Without it a fresh seed is chosen and reported, so every calibration can be repeated.' },
] as const;

/** What `sbc` means, after `calibrate with`. */
export const SBC_DESCRIPTION =
  'Simulation-based calibration (Talts et al. 2018): draws parameters from the prior and data from the model, runs the samplers on the simulated data, and tests per node whether the ranks of the true values among the draws are uniform, as they are when the samplers draw from the right posterior.';

const OPTIONS = SBC_OPTION_INFO.map((o) => o.name);
type OptionName = (typeof SBC_OPTION_INFO)[number]['name'];
const LIMITS: Record<OptionName, [number, number]> = {
  simulations: [1, 1e6],
  draws: [1, 1e6],
  bins: [2, 1000],
  burnin: [0, 1e9],
  thin: [1, 1e6],
  seed: [0, 2 ** 32 - 1],
};

/** A cell (or model file) read for calibration: the model with its data and inits, and the settings. */
export interface CalibrationRequest {
  /** The request as a Gibbs run would read it, the calibrate line blanked out: source, data, inits, files, warnings. */
  run: RunRequest;
  model: CalibrationModel;
  settings: SbcSettings;
}

/** The document's `calibrate [NAME] with sbc(...)` directive, if any. */
function calibrateDirective(source: string): Extract<Directive, { kind: 'run' }> | undefined {
  for (const d of parseDocument(source).document.directives) if (d.kind === 'run' && d.verb === 'calibrate') return d;
  return undefined;
}

/**
 * Reads a document for `calibrate with sbc(simulations = n, draws = L,
 * bins = B, burnin = n, thin = k, seed = s)`. The document's other parts (model,
 * data, inits, files) are read as for a Gibbs run; `defaults` gives the
 * settings the directive leaves out (the CLI's flags), and the directive is
 * optional so a plain model file can be calibrated. Throws ModelError with
 * every problem found.
 */
export function readCalibrationRequest(source: string, defaults: Partial<SbcSettings>, freshSeed: () => number, options: ReadOptions = {}): CalibrationRequest {
  const directive = calibrateDirective(source);
  const text = directive ? blank(source, directive.range) : source;
  const found: Problem[] = [];
  let run: RunRequest | undefined;
  try {
    run = readRunRequest(text, { ...BUILT_IN_DEFAULTS, chains: 1 }, freshSeed, options);
  } catch (e) {
    if (!(e instanceof ModelError)) throw e;
    appendAll(found, e.problems);
  }
  // The run's seed is the defaults' or a fresh one (or an inits file's .RNG.seed); the directive's wins.
  const settings: SbcSettings = { ...SBC_DEFAULTS, ...defaults, seed: defaults.seed ?? run?.settings.seed ?? 0 };
  if (directive) {
    if (directive.algorithm !== 'sbc') {
      found.push(problem(directive.algorithmRange, `Unknown calibration method '${directive.algorithm}'; calibrate with sbc(...), simulation-based calibration.`));
    }
    for (const option of directive.options) {
      try {
        applyOption(settings, option);
      } catch (e) {
        if (!(e instanceof ModelError)) throw e;
        appendAll(found, e.problems);
      }
    }
  }
  if (settings.bins > settings.draws + 1) {
    const at = directive?.range ?? run?.document.model?.range ?? zeroRange();
    found.push(problem(at, `bins (${settings.bins}) cannot exceed draws + 1 (${settings.draws + 1}), the number of possible ranks.`));
  }
  if (found.length || !run) throw new ModelError(found.sort((a, b) => a.range.start.offset - b.range.start.offset));
  return { run, model: { document: run.document, data: run.data, inits: run.inits, initsRange: run.initsRange }, settings };
}

function applyOption(settings: SbcSettings, option: Argument): void {
  const name = option.name;
  if (name === undefined) throw errorAt(option.range, 'Calibration options are named, as in sbc(simulations = 200, draws = 99, bins = 10).');
  if (!(OPTIONS as readonly string[]).includes(name)) {
    throw errorAt(option.range, `Unknown option '${name}' for sbc.${suggest(name, OPTIONS)} Options: ${OPTIONS.join(', ')}.`);
  }
  const value = numberValue(option.value);
  const [min, max] = LIMITS[name as OptionName];
  if (value === undefined || !Number.isInteger(value) || value < min || value > max) {
    throw errorAt(option.value.range, `${name} must be a whole number from ${min} to ${max}.`);
  }
  settings[name as OptionName] = value;
}

function numberValue(e: Expression): number | undefined {
  if (e.kind === 'number') return e.value;
  if (e.kind === 'unary' && e.op === '-' && e.operand.kind === 'number') return -e.operand.value;
  return undefined;
}

/** Replaces a range of the text by spaces, keeping line breaks so every other position stays put. */
function blank(source: string, range: SourceRange): string {
  const { start, end } = range;
  return source.slice(0, start.offset) + source.slice(start.offset, end.offset).replace(/[^\n]/g, ' ') + source.slice(end.offset);
}

function problem(range: SourceRange, message: string): Problem {
  return { severity: 'error', message, range };
}

function zeroRange(): SourceRange {
  const p = { line: 0, column: 0, offset: 0 };
  return { start: p, end: p };
}
