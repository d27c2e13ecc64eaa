/**
 * The options of `fit [NAME] with ALGORITHM(option = value, ...)`: for each,
 * its meaning (shown by the editor's completion and hover), the algorithms it
 * applies to, and how its value is read and checked. One table serves the
 * request reader and the editor, so they cannot disagree.
 */
import type { Expression } from '../language/ast';
import { suggest } from '../language/check';
import { errorAt } from '../language/source';
import type { NodeRole } from '../language/symbols';
import type { FitMethod, FitSettings } from '../output/fitOutput';
import { MAX_SEED } from './rngEntries';

export const FIT_METHODS: readonly FitMethod[] = ['em', 'ecm', 'online.em', 'annealed.em', 'mcem', 'vi', 'svi'];

/** The EM family: the algorithms that give point estimates (the options of the estimator apply to them only). */
const EM_METHODS: readonly FitMethod[] = ['em', 'ecm', 'online.em', 'annealed.em', 'mcem'];

/** One line per algorithm, for completion and hover. */
export const FIT_METHOD_INFO: Readonly<Record<FitMethod, string>> = {
  em: 'Expectation–maximisation: exact E-step over the latent nodes, closed-form M-step of each parameter.',
  ecm: 'Expectation–conditional maximisation: parameters that depend on each other are maximised in turn.',
  'online.em': 'Online EM over minibatches: the sufficient statistics move with step (t + t0)^−kappa.',
  'annealed.em': 'Deterministic-annealing EM: the E-step posterior raised to β, β rising to 1 (escapes poor local optima).',
  mcem: 'Monte-Carlo EM: Gibbs sweeps of the latent nodes, averaged, where the E-step has no closed form.',
  vi: 'Mean-field variational inference (coordinate ascent / VMP): each unobserved node gets a factor in the family of its complete conditional; the ELBO rises every iteration.',
  svi: 'Stochastic variational inference (Hoffman et al. 2013) on a Gaussian mixture: minibatches of rows, natural-gradient steps (t + t0)^−kappa on the global factors; the ELBO per row is evaluated on all rows at intervals.',
};

/** The settings every algorithm takes when neither the directive nor the caller's defaults say. */
export const FIT_DEFAULTS: Readonly<Pick<FitSettings, 'method' | 'estimator' | 'tolerance' | 'maxIterations' | 'restarts' | 'regCovar'>> = {
  method: 'em',
  // The notebook fits the model as written, priors included; `mle = TRUE` (the CLI's --mle) ignores them.
  estimator: 'map',
  // The objective's estimated distance to its limit (fit/convergence.ts): 1e-5 leaves every estimate within 0.5 % of its standard error.
  tolerance: 1e-5,
  maxIterations: 1000,
  // Automatic: several starts where the model has exchangeable components or factors, one otherwise.
  restarts: 0,
  regCovar: 1e-6,
};

/** Settings of the variants, used when their algorithm runs and the directive does not say. */
export const VARIANT_DEFAULTS: Readonly<Partial<Record<FitMethod, Partial<FitSettings>>>> = {
  'online.em': { batchSize: 1000, kappa: 0.6, t0: 2 },
  'annealed.em': { betaStart: 0.1, betaGrowth: 1.5 },
  mcem: { sweeps: 10 },
  // VI's tolerance is relative to the bound: |ΔELBO| ≤ tol·|ELBO|.
  vi: { tolerance: 1e-10, maxIterations: 1000 },
  // SVI's steps are minibatches: the passes bound them (iterations caps them further).
  svi: { batchSize: 1000, kappa: 0.6, t0: 2, epochs: 1, maxIterations: 1e7 },
};

export const INIT_CHOICES: readonly FitSettings['init'][] = ['kmeans++', 'random', 'given'];

/** What an option's value is checked against: the model's own node names. */
export interface ModelNames {
  nodes: ReadonlyMap<string, NodeRole>;
}

export interface FitOptionInfo {
  name: string;
  /** Completion snippet. */
  snippet: string;
  description: string;
  /** The algorithms it applies to; undefined: all. */
  methods?: readonly FitMethod[];
  /** Reads the value into `settings`; throws ModelError at the value when it is wrong. */
  apply(settings: FitSettings, value: Expression, model: ModelNames): void;
}

export interface Bounds {
  min: number;
  max: number;
  /** The bound itself is excluded. */
  openMin?: boolean;
  openMax?: boolean;
  integer?: boolean;
}

type NumericKey = 'tolerance' | 'maxIterations' | 'restarts' | 'seed' | 'regCovar' | 'batchSize' | 'kappa' | 't0' | 'betaStart' | 'betaGrowth' | 'sweeps' | 'threads' | 'epochs';

function numeric(name: string, key: NumericKey, bounds: Bounds): FitOptionInfo['apply'] {
  NUMERIC_BOUNDS.set(name, bounds);
  return (settings, value) => {
    const v = numberValue(value);
    if (v === undefined || !inBounds(v, bounds)) throw errorAt(value.range, `${name} must be ${describeBounds(bounds)}${v === undefined ? '' : `, not ${v}`}.`);
    settings[key] = v;
  };
}

/** The limits of each numeric option, by option name, so that the CLI's flags check their values the same way. */
export const NUMERIC_BOUNDS = new Map<string, Bounds>();

export function inBounds(v: number, b: Bounds): boolean {
  if (!Number.isFinite(v) || (b.integer && !Number.isInteger(v))) return false;
  return (b.openMin ? v > b.min : v >= b.min) && (b.openMax ? v < b.max : v <= b.max);
}

/** `a whole number from 1 to 64`, `a number in (0.5, 1]`, `a number > 0`. */
export function describeBounds(b: Bounds): string {
  if (b.integer) return `a whole number from ${b.min} to ${b.max}`;
  if (b.max === Number.POSITIVE_INFINITY) return `a number ${b.openMin ? '>' : '≥'} ${b.min}`;
  return `a number in ${b.openMin ? '(' : '['}${b.min}, ${b.max}${b.openMax ? ')' : ']'}`;
}

const ANY = Number.POSITIVE_INFINITY;

/** The options, in the order the editor offers them. */
export const FIT_OPTIONS: readonly FitOptionInfo[] = [
  {
    name: 'mle',
    snippet: 'mle = ${1|TRUE,FALSE|}',
    description: 'TRUE: maximum likelihood, the priors of the parameters ignored. FALSE (default): maximum a posteriori, priors included.',
    methods: EM_METHODS,
    apply(settings, value) {
      const v = logicalValue(value);
      if (v === undefined) throw errorAt(value.range, 'mle takes TRUE or FALSE.');
      settings.estimator = v ? 'ml' : 'map';
    },
  },
  {
    name: 'tol',
    snippet: 'tol = ${1:1e-5}',
    description: 'Convergence: the run stops when the objective\'s estimated distance to its limit (Aitken\'s extrapolation of the last iterations) is below this, in the objective\'s units; the Gaussian-mixture kernel stops when one iteration gains less than this. Default 1e-5, which leaves every estimate within 0.5 % of its standard error. Monte-Carlo EM: when the last 20 iterations show no trend beyond their noise and their mean\'s Monte-Carlo error is below √tol of each value (the estimate is that mean). VI: when the ELBO changes by less than tol·|ELBO| (default 1e-10).',
    apply: numeric('tol', 'tolerance', { min: 0, max: ANY, openMin: true }),
  },
  {
    name: 'max.iter',
    snippet: 'max.iter = ${1:1000}',
    description: 'Iterations at most (annealing steps included). Default 1000.',
    apply: numeric('max.iter', 'maxIterations', { min: 1, max: 1e7, integer: true }),
  },
  {
    name: 'restarts',
    snippet: 'restarts = ${1:5}',
    description: 'Starts tried (scikit-learn\'s n_init); the fit with the best objective is kept. Default 1.',
    apply: numeric('restarts', 'restarts', { min: 1, max: 1000, integer: true }),
  },
  {
    name: 'init',
    snippet: 'init = "${1|kmeans++,random,given|}"',
    description: 'Where the parameters start: "kmeans++" (mixtures), "random", or "given" (the initial values of the inits line). Default: "given" when the cell gives initial values, else "kmeans++".',
    apply(settings, value) {
      const choice = value.kind === 'string' ? value.value : undefined;
      if (choice === undefined || !(INIT_CHOICES as readonly string[]).includes(choice)) {
        const shown = value.kind === 'string' ? value.value : value.kind === 'name' ? value.name : undefined;
        const hint = shown === undefined ? '' : suggest(shown, INIT_CHOICES);
        throw errorAt(value.range, `init is one of ${INIT_CHOICES.map((c) => `"${c}"`).join(', ')} (quoted).${hint}`);
      }
      settings.init = choice as FitSettings['init'];
    },
  },
  {
    name: 'seed',
    snippet: 'seed = ${1:1}',
    description: 'Seed of the random starts. Without it a fresh seed is chosen and reported in the output, so every fit can be repeated.',
    apply: numeric('seed', 'seed', { min: 0, max: MAX_SEED, integer: true }),
  },
  {
    name: 'reg.covar',
    snippet: 'reg.covar = ${1:1e-6}',
    description: 'Ridge added to the diagonal of each fitted covariance (scikit-learn\'s reg_covar), keeping it positive definite. Default 1e-6.',
    methods: EM_METHODS,
    apply: numeric('reg.covar', 'regCovar', { min: 0, max: ANY }),
  },
  {
    name: 'latent',
    snippet: 'latent = c($1)',
    description: 'The stochastic nodes treated as latent (their posterior in the E-step), as in latent = c(z). Default: the nodes indexed by the observation loop. The other unobserved nodes are parameters (point estimates).',
    methods: EM_METHODS,
    apply(settings, value, model) {
      settings.latent = nodeNames(value, model, 'latent');
    },
  },
  {
    name: 'parameters',
    snippet: 'parameters = c($1)',
    description: 'Stochastic nodes to point-estimate (M-step) although the default would make them latent, as in parameters = c(s2): a local scale (one per element of another unobserved node, used only as its variance or precision) is latent by default.',
    methods: EM_METHODS,
    apply(settings, value, model) {
      settings.parameters = nodeNames(value, model, 'parameters');
    },
  },
  {
    name: 'batch',
    snippet: 'batch = ${1:1000}',
    description: 'Online EM and stochastic VI: rows per minibatch. Default 1000.',
    methods: ['online.em', 'svi'],
    apply: numeric('batch', 'batchSize', { min: 1, max: 1e9, integer: true }),
  },
  {
    name: 'kappa',
    snippet: 'kappa = ${1:0.6}',
    description: 'Online EM and stochastic VI: the step size is (t + t0)^−kappa, 0.5 < kappa ≤ 1 (the forgetting rate). Default 0.6.',
    methods: ['online.em', 'svi'],
    apply: numeric('kappa', 'kappa', { min: 0.5, max: 1, openMin: true }),
  },
  {
    name: 't0',
    snippet: 't0 = ${1:2}',
    description: 'Online EM and stochastic VI: offset of the step size (t + t0)^−kappa, ≥ 0 (the delay, which damps the first steps). Default 2.',
    methods: ['online.em', 'svi'],
    apply: numeric('t0', 't0', { min: 0, max: ANY }),
  },
  {
    name: 'beta0',
    snippet: 'beta0 = ${1:0.1}',
    description: 'Annealed EM (and VI with anneal = TRUE): the first β, in (0, 1]. Default 0.1.',
    methods: ['annealed.em', 'vi'],
    apply: numeric('beta0', 'betaStart', { min: 0, max: 1, openMin: true }),
  },
  {
    name: 'beta.growth',
    snippet: 'beta.growth = ${1:1.5}',
    description: 'Annealed EM (and VI with anneal = TRUE): β is multiplied by this after each iteration (VI: after each step, when the tempered bound settles) until it reaches 1; > 1. Default 1.5.',
    methods: ['annealed.em', 'vi'],
    apply: numeric('beta.growth', 'betaGrowth', { min: 1, max: ANY, openMin: true }),
  },
  {
    name: 'sweeps',
    snippet: 'sweeps = ${1:10}',
    description: 'Monte-Carlo EM: Gibbs sweeps of the latent nodes per E-step, averaged. Default 10.',
    methods: ['mcem'],
    apply: numeric('sweeps', 'sweeps', { min: 1, max: 1e6, integer: true }),
  },
  {
    name: 'threads',
    snippet: 'threads = ${1:2}',
    description: 'Worker threads for the E-step of large mixtures (EM, and VI on a Gaussian mixture), 1 to 64. Default: the engine\'s choice.',
    methods: [...EM_METHODS, 'vi'],
    apply: numeric('threads', 'threads', { min: 1, max: 64, integer: true }),
  },
  {
    name: 'bound',
    snippet: 'bound = ${1|TRUE,FALSE|}',
    description: 'TRUE: record EM\'s bound picture — log p(X | θ), the lower bound L(q, θ) and KL(q ‖ p(Z | X, θ)) after each E-step and each M-step — and draw it. Needs an exact E-step; a Gaussian mixture is then fitted by generic EM instead of the vectorised kernel. Costs about two more E-steps per iteration. Default FALSE.',
    methods: ['em', 'ecm', 'annealed.em'],
    apply(settings, value) {
      const v = logicalValue(value);
      if (v === undefined) throw errorAt(value.range, 'bound takes TRUE or FALSE.');
      settings.bound = v;
    },
  },
  {
    name: 'iterations',
    snippet: 'iterations = ${1:1000}',
    description: 'VI: iterations (sweeps over every factor) at most; the same as max.iter. Default 1000. Stochastic VI: minibatch steps at most (default: as many as the passes take).',
    methods: ['vi', 'svi'],
    apply: numeric('iterations', 'maxIterations', { min: 1, max: 1e7, integer: true }),
  },
  {
    name: 'anneal',
    snippet: 'anneal = ${1|TRUE,FALSE|}',
    description: 'VI: deterministic annealing, as annealed EM tempers its E-step — the discrete factors (assignments) are set to q ∝ exp(β·E[log p]), the precision factors (gamma, Wishart) held at their start, with β from beta0 (0.1) multiplied by beta.growth (1.5) each time the tempered bound settles, until 1; then plain coordinate ascent. Flattened assignments let the components move together before they separate, away from a poor start. Default FALSE.',
    methods: ['vi'],
    apply(settings, value) {
      const v = logicalValue(value);
      if (v === undefined) throw errorAt(value.range, 'anneal takes TRUE or FALSE.');
      settings.anneal = v;
    },
  },
  {
    name: 'monitor',
    snippet: 'monitor = c($1)',
    description: 'VI: the nodes whose variational densities (with their 95 % intervals) the output draws, as in monitor = c(mu, tau). Default: the first scalars of the nodes that are not per observation.',
    methods: ['vi', 'svi'],
    apply(settings, value, model) {
      settings.monitor = nodeNames(value, model, 'monitor');
    },
  },
  {
    name: 'epochs',
    snippet: 'epochs = ${1:1}',
    description: 'Stochastic VI: passes over the data, each in a fresh random order of the rows. Default 1.',
    methods: ['svi'],
    apply: numeric('epochs', 'epochs', { min: 1, max: 1e6, integer: true }),
  },
];

export const FIT_OPTION_NAMES: readonly string[] = FIT_OPTIONS.map((o) => o.name);

/** A plain number, possibly negated (run options are literals). */
export function numberValue(e: Expression): number | undefined {
  if (e.kind === 'number') return e.value;
  if (e.kind === 'unary' && e.op === '-' && e.operand.kind === 'number') return -e.operand.value;
  return undefined;
}

/** TRUE/FALSE as R writes them (T and F too). */
export function logicalValue(e: Expression): boolean | undefined {
  if (e.kind !== 'name') return undefined;
  if (e.name === 'TRUE' || e.name === 'T') return true;
  if (e.name === 'FALSE' || e.name === 'F') return false;
  return undefined;
}

/** `latent = z`, `monitor = c(z, w)` or quoted names: each a stochastic node of the model, once. */
function nodeNames(e: Expression, model: ModelNames, option: 'latent' | 'parameters' | 'monitor'): string[] {
  const items = e.kind === 'call' && e.callee === 'c' ? e.args.map((a) => a.value) : [e];
  if (items.length === 0) throw errorAt(e.range, `${option} needs at least one node name, as in ${option} = c(z).`);
  const stochastic = [...model.nodes].filter(([, role]) => role === 'stochastic').map(([name]) => name);
  const names: string[] = [];
  for (const item of items) {
    const name = item.kind === 'name' ? item.name : item.kind === 'string' ? item.value : undefined;
    if (name === undefined) throw errorAt(item.range, `${option} takes node names, as in ${option} = c(z, w).`);
    if (model.nodes.get(name) === 'deterministic') throw errorAt(item.range, `'${name}' is defined by '<-': only stochastic nodes ('~') can be ${option === 'monitor' ? 'monitored' : option}.`);
    if (!model.nodes.has(name)) throw errorAt(item.range, `'${name}' is not a node of the model.${suggest(name, stochastic)}`);
    if (names.includes(name)) throw errorAt(item.range, `'${name}' is named twice in ${option}.`);
    names.push(name);
  }
  return names;
}
