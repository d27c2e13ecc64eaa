import type { Argument, Document, Expression } from '../language/ast';
import { suggest } from '../language/check';
import { collectProblems, errorAt, type Problem, type SourceRange } from '../language/source';
import type { RunDirective, RunRequest } from '../run/request';
import type { CalibrationModel } from './calibrate';
import type { SbcSettings } from './sbcOutput';

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

/**
 * The settings of `calibrate with sbc(simulations = n, draws = L, bins = B,
 * burnin = n, thin = k, seed = s)`: `defaults` gives those the directive
 * leaves out (the CLI's flags), `seed` the run's seed when neither gives one.
 * The directive is optional, so that a plain model file can be calibrated.
 * Problems go to `found`, each with its range.
 */
export function calibrationSettings(directive: RunDirective | undefined, defaults: Partial<SbcSettings>, document: Document, seed: number, found: Problem[]): SbcSettings {
  const settings: SbcSettings = { ...SBC_DEFAULTS, ...defaults, seed: defaults.seed ?? seed };
  if (directive) {
    if (directive.algorithm !== 'sbc') {
      found.push(problem(directive.algorithmRange, `Unknown calibration method '${directive.algorithm}'; calibrate with sbc(...), simulation-based calibration.`));
    }
    for (const option of directive.options) collectProblems(found, () => applyOption(settings, option));
  }
  if (settings.bins > settings.draws + 1) {
    const at = directive?.range ?? document.model?.range ?? zeroRange();
    found.push(problem(at, `bins (${settings.bins}) cannot exceed draws + 1 (${settings.draws + 1}), the number of possible ranks.`));
  }
  return settings;
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

function problem(range: SourceRange, message: string): Problem {
  return { severity: 'error', message, range };
}

function zeroRange(): SourceRange {
  const p = { line: 0, column: 0, offset: 0 };
  return { start: p, end: p };
}
